"""Pages of every record of a case, under `cases/<code>/`."""

from __future__ import annotations

from django.urls import path

from expediente_web.workspace.views import (
    acts,
    events,
    evidence,
    persons,
    sources,
    structure,
    testimonies,
    unit_relations,
)
from expediente_web.workspace.views import consent as consent_views
from expediente_web.workspace.views import edit as edit_views
from expediente_web.workspace.views import entry as entry_views
from expediente_web.workspace.views import hearings as hearing_views
from expediente_web.workspace.views import history as history_views
from expediente_web.workspace.views import review as review_views

app_name = "workspace"

urlpatterns = [
    path("acts/", acts.act_list, name="acts"),
    path("acts/<str:uid>/", acts.act_detail, name="act"),
    path("persons/", persons.person_list, name="persons"),
    path("persons/<str:uid>/", persons.person_detail, name="person"),
    path("resolved/", persons.resolved_list, name="resolved"),
    path("events/", events.event_list, name="events"),
    path("events/<str:uid>/", events.event_detail, name="event"),
    path("testimonies/", testimonies.testimony_list, name="testimonies"),
    path("testimonies/<str:uid>/", testimonies.testimony_detail, name="testimony"),
    path("testimonies/<str:uid>/consent/", consent_views.consent_grant, name="testimony-consent"),
    path("testimonies/<str:uid>/consent/withdraw/", consent_views.consent_withdraw,
         name="testimony-consent-withdraw"),
    path("hearings/", hearing_views.hearing_list, name="hearings"),
    path("hearings/<str:uid>/", hearing_views.hearing_detail, name="hearing"),
    path("hearings/<str:uid>/appearances/", hearing_views.hearing_appearance,
         name="hearing-appearance"),
    path("hearings/<str:uid>/excerpts/", hearing_views.hearing_excerpt, name="hearing-excerpt"),
    path("sources/", sources.source_list, name="sources"),
    path("sources/<str:source>/", sources.source_detail, name="source"),
    path("sources/<str:source>/lineage/", sources.source_lineage, name="source-lineage"),
    path("units/", structure.unit_list, name="units"),
    path("units/<str:uid>/", structure.unit_detail, name="unit"),
    path("units/<str:uid>/relations/", unit_relations.unit_relation, name="unit-relation"),
    path("locations/", structure.location_list, name="locations"),
    path("locations/<str:uid>/", structure.location_detail, name="location"),
    path("evidence/", evidence.evidence_list, name="evidence"),
    path("evidence/upload/", evidence.evidence_upload, name="evidence-upload"),
    path("evidence/<str:uid>/", evidence.evidence_detail, name="evidence-item"),
    path("evidence/<str:uid>/file/", evidence.evidence_file, name="evidence-file"),
    path("evidence/<str:uid>/pages/<int:page>/", evidence.evidence_page, name="evidence-page"),
    path("evidence/<str:uid>/excerpts/", evidence.evidence_excerpt, name="evidence-excerpt"),
    path(
        "evidence/<str:uid>/excerpts/<str:excerpt>/cite/",
        evidence.evidence_cite,
        name="evidence-cite",
    ),
    # -- changing records, their history, deletion and review
    path("acts/<str:uid>/edit/", edit_views.act_edit, name="act-edit"),
    path("persons/<str:uid>/edit/", edit_views.person_edit, name="person-edit"),
    path("testimonies/<str:uid>/edit/", edit_views.testimony_edit, name="testimony-edit"),
    path("events/<str:uid>/edit/", edit_views.event_edit, name="event-edit"),
    path("units/<str:uid>/edit/", edit_views.unit_edit, name="unit-edit"),
    path("locations/<str:uid>/edit/", edit_views.location_edit, name="location-edit"),
    path("records/<str:kind>/<str:uid>/history/", history_views.record_history,
         name="record-history"),
    path("records/<str:kind>/<str:uid>/delete/", edit_views.record_delete, name="record-delete"),
    path("records/<str:kind>/<str:uid>/restore/", edit_views.record_restore,
         name="record-restore"),
    path("records/<str:kind>/<str:uid>/review/", review_views.record_review,
         name="record-review"),
    # -- guided entry: a testimony, an excerpt of it, the act the excerpt supports
    path("entry/testimony/", entry_views.new_testimony, name="entry-testimony"),
    path("entry/testimonies/<str:uid>/excerpt/", entry_views.new_excerpt, name="entry-excerpt"),
    path("entry/excerpts/<str:uid>/act/", entry_views.new_act, name="entry-act"),
    path("entry/places/", entry_views.find_places, name="entry-places"),
    path("entry/people/", entry_views.find_people, name="entry-people"),
]
