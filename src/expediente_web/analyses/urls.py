"""Pages of a case's person linkage, under `cases/<code>/linkage/`."""

from __future__ import annotations

from django.urls import path

from expediente_web.analyses import views

app_name = "analyses"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("run/", views.run_linkage, name="run"),
    path("queue/", views.queue, name="queue"),
    path("persons/<str:cluster>/", views.person, name="person"),
    path("patterns/", views.patterns, name="patterns"),
]
