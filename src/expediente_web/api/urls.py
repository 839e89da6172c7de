"""`/api/…`: the REST API (see `main.py`)."""

from __future__ import annotations

from django.urls import path

from expediente_web.api.main import api

urlpatterns = [path("", api.urls)]
