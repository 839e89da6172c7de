"""The panel review of a case, under `cases/<code>/panel/`."""

from __future__ import annotations

from django.urls import path

from expediente_web.panel import views

app_name = "panel"

urlpatterns = [
    path("", views.versions, name="versions"),
    path("freeze/", views.freeze, name="freeze"),
    path("<int:number>/", views.version, name="version"),
    path("<int:number>/assign/", views.assign, name="assign"),
    path("<int:number>/assignments/<str:uid>/replace/", views.replace, name="replace"),
    path("<int:number>/findings/", views.findings, name="findings"),
    path("<int:number>/findings/<str:element>/", views.save_finding, name="save-finding"),
    path("<int:number>/submit/", views.submit, name="submit"),
    path("<int:number>/consolidated/", views.consolidated, name="consolidated"),
    path("<int:number>/sign-off/", views.sign_off, name="sign-off"),
]
