"""The case dashboard, under `cases/<code>/dashboard/`."""

from __future__ import annotations

from django.urls import path

from expediente_web.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard, name="case"),
]
