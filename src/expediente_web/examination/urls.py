"""The case's context and preliminary examination, under `cases/<code>/examination/`."""

from __future__ import annotations

from django.urls import path

from expediente_web.examination import views

app_name = "examination"

urlpatterns = [
    path("", views.examination, name="overview"),
    path("sections/<str:section>/", views.assess, name="assess"),
    path("jurisdiction/", views.jurisdiction, name="jurisdiction"),
    path("acts/", views.acts, name="acts"),
    path("attacks/", views.attacks, name="attacks"),
    path("attacks/<str:uid>/", views.attack, name="attack"),
    path("attacks/<str:uid>/acts/", views.attack_link, name="attack-link"),
    path("attacks/<str:uid>/delete/", views.attack_delete, name="attack-delete"),
    path("links/<str:uid>/unlink/", views.attack_unlink, name="attack-unlink"),
    path("interventions/", views.interventions, name="interventions"),
    path("interventions/<str:uid>/", views.intervention, name="intervention"),
    path(
        "interventions/<str:uid>/response/",
        views.intervention_response,
        name="intervention-response",
    ),
    path("interventions/<str:uid>/delete/", views.intervention_delete, name="intervention-delete"),
    path("proceedings/", views.proceedings, name="proceedings"),
    path("proceedings/<str:uid>/", views.proceeding, name="proceeding"),
    path("proceedings/<str:uid>/delete/", views.proceeding_delete, name="proceeding-delete"),
]
