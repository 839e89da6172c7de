"""The element matrix of a case, under `cases/<code>/assessment/`."""

from __future__ import annotations

from django.urls import path

from expediente_web.assessment import views

app_name = "assessment"

urlpatterns = [
    path("", views.matrix, name="matrix"),
    path("select/", views.select, name="select"),
    path("selections/<str:uid>/drop/", views.drop, name="drop"),
    path("elements/<str:element>/", views.element, name="element"),
    path("elements/<str:element>/cite/", views.cite, name="cite"),
    path("elements/<str:element>/rate/", views.rate, name="rate"),
    path("citations/<str:uid>/withdraw/", views.withdraw, name="withdraw"),
    path("acts/", views.act_search, name="act-search"),
    path("suspects/", views.suspects, name="suspects"),
    path("suspects/<str:uid>/", views.suspect, name="suspect"),
    path("suspects/<str:uid>/modes/", views.suspect_mode, name="suspect-mode"),
    path(
        "suspects/<str:uid>/elements/<str:element>/", views.suspect_element, name="suspect-element"
    ),
    path(
        "suspects/<str:uid>/elements/<str:element>/cite/", views.suspect_cite, name="suspect-cite"
    ),
    path(
        "suspects/<str:uid>/elements/<str:element>/rate/", views.suspect_rate, name="suspect-rate"
    ),
]
