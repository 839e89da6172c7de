"""Pages of a case's person linkage, under `cases/<code>/linkage/`."""

from __future__ import annotations

from django.urls import path

from expediente_web.analyses import estimate_views, views

app_name = "analyses"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("run/", views.run_linkage, name="run"),
    path("queue/", views.queue, name="queue"),
    path("persons/<str:cluster>/", views.person, name="person"),
    path("patterns/", views.patterns, name="patterns"),
    path("estimates/", estimate_views.estimates, name="estimates"),
    path("estimates/start/", estimate_views.estimate_start, name="estimate-start"),
    path("estimates/jobs/<uuid:uid>/", estimate_views.estimate_job, name="estimate-job"),
    path("estimates/<uuid:uid>/", estimate_views.estimate_detail, name="estimate"),
    path("estimates/<uuid:uid>/rerun/", estimate_views.estimate_rerun, name="estimate-rerun"),
]
