"""The case's discussion, under `cases/<code>/discussion/`."""

from __future__ import annotations

from django.urls import path

from expediente_web.discussion import views

app_name = "discussion"

urlpatterns = [
    path("", views.case_discussion, name="case"),
    path("comments/<int:pk>/delete/", views.delete_comment, name="delete"),
    path("<slug:kind>/<str:ref>/", views.thread_view, name="thread"),
]
