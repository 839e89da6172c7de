"""Pages of a case's background jobs, under `cases/<code>/jobs/`."""

from __future__ import annotations

from django.urls import path

from expediente_web.jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("start/", views.job_start, name="start"),
    path("<uuid:uid>/", views.job_detail, name="detail"),
    path("<uuid:uid>/progress/", views.job_progress, name="progress"),
    path("<uuid:uid>/rerun/", views.job_rerun, name="rerun"),
]
