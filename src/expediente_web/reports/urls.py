"""Pages of a case's reports, under `cases/<code>/reports/`."""

from __future__ import annotations

from django.urls import path

from expediente_web.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.reports, name="page"),
    path("start/", views.report_start, name="start"),
    path("editions/", views.report_editions, name="editions"),
    path("<uuid:uid>/", views.report_job, name="job"),
    path("<uuid:uid>/download/<slug:what>/", views.report_download, name="download"),
]
