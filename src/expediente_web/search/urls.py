"""The search page of a case, under `cases/<code>/search/`."""

from __future__ import annotations

from django.urls import path

from expediente_web.search import views

app_name = "search"

urlpatterns = [
    path("", views.search, name="search"),
    path("persons/", views.find_persons, name="persons"),
    path("export.<str:fmt>", views.export_results, name="export"),
    path("saved/", views.save, name="save"),
    path("saved/<int:pk>/delete/", views.delete_saved, name="delete-saved"),
]
