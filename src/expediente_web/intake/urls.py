"""The Import pages of a case, under `cases/<code>/import/`."""

from __future__ import annotations

from django.urls import path

from expediente_web.intake import views

app_name = "intake"

urlpatterns = [
    path("", views.import_start, name="start"),
    path("<uuid:uid>/", views.upload_detail, name="upload"),
    path("<uuid:uid>/status/", views.upload_status, name="status"),
    path("<uuid:uid>/map/", views.upload_map, name="map"),
    path("<uuid:uid>/run/", views.upload_run, name="run"),
    path("<uuid:uid>/discard/", views.upload_discard, name="discard"),
]
