"""The act list and an act's page: victim, place, perpetrators, measured facts, the excerpts
that support it, the other acts of the same person and the testimonies that cite them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from expediente_web.analyses.access import latest_link_run
from expediente_web.analyses.models import RecordLink
from expediente_web.evidence.access import access_citations_of_many
from expediente_web.records.access import access_record_by_uid, access_records
from expediente_web.records.consent import shield_excerpts
from expediente_web.records.models import Act, Location, Person, Unit
from expediente_web.workspace.access import access_sources
from expediente_web.workspace.listing import (
    DateRange,
    filter_dates,
    paginate,
    term_choices,
)
from expediente_web.workspace.tree import descendants
from expediente_web.workspace.views.common import reader
from expediente_web.workspace.views.history import REVIEW_CHOICES, filter_review, or_deleted


class ActFilter(DateRange):
    act_type = forms.ChoiceField(label=_("Type"), required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False)
    source = forms.ChoiceField(label=_("Source"), required=False)
    review = forms.ChoiceField(label=_("Review status"), required=False, choices=REVIEW_CHOICES)
    location = forms.UUIDField(required=False, widget=forms.HiddenInput)
    unit = forms.UUIDField(required=False, widget=forms.HiddenInput)
    event = forms.UUIDField(required=False, widget=forms.HiddenInput)
    # The year an act's earliest possible date falls in (the case dashboard's bars by year).
    year = forms.IntegerField(required=False, min_value=1, max_value=9999, widget=forms.HiddenInput)

    field_order = ("act_type", "outcome", "source", "review", "date_from", "date_to")

    def __init__(self, *args: Any, sources: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["act_type"].choices = term_choices("act_types")
        self.fields["outcome"].choices = term_choices("outcomes")
        self.fields["source"].choices = [("", _("any")), *sources]


@login_required
def act_list(request: HttpRequest, code: str) -> HttpResponse:
    r = reader(request, code)
    sources = [(s.code, f"{s.code} — {s.name}") for s in access_sources(request.user, r.case)]
    form = ActFilter(request.GET or None, sources=sources)
    given = form.cleaned()
    rows = access_records(request.user, r.case, Act)
    scope: list[str] = []
    if "act_type" in given:
        rows = rows.filter(act_type=given["act_type"])
    if "outcome" in given:
        rows = rows.filter(outcome=given["outcome"])
    if "source" in given:
        rows = rows.filter(source__code=given["source"])
    if "review" in given:
        rows = filter_review(rows, given["review"])
    if "location" in given:
        place = access_record_by_uid(request.user, r.case, Location, given["location"])
        places = access_records(request.user, r.case, Location).values_list("id", "parent_id")
        rows = rows.filter(location_id__in=descendants(place.pk, places))
        scope.append(str(_("in %(place)s") % {"place": place.name}))
    if "unit" in given:
        unit = access_record_by_uid(request.user, r.case, Unit, given["unit"])
        rows = rows.filter(involvements__unit=unit).distinct()
        scope.append(str(_("involving %(unit)s") % {"unit": unit}))
    if "event" in given:
        rows = rows.filter(event__uid=given["event"])
        scope.append(str(_("in one event")))
    if "year" in given:
        year = given["year"]
        rows = rows.filter(
            date_earliest__gte=dt.date(year, 1, 1), date_earliest__lte=dt.date(year, 12, 31)
        )
        scope.append(str(_("begun in %(year)s") % {"year": year}))
    rows = filter_dates(rows, given)
    page = paginate(
        request,
        rows.select_related("victim", "location", "source", "event", "review").order_by(
            "date_earliest", "id"
        ),
    )
    for act in page:
        r.identities.label(act.victim)
    return r.render("workspace/act_list.html", {"page": page, "form": form, "scope": scope})


@login_required
@or_deleted("act")
def act_detail(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    r = reader(request, code)
    act = access_record_by_uid(request.user, r.case, Act, uid)
    act = Act.objects.select_related("victim__source", "location", "event", "source").get(pk=act.pk)
    r.identities.label(act.victim)
    involvements = list(act.involvements.select_related("person", "unit").order_by("id"))
    for inv in involvements:
        r.identities.label(inv.person)
    same_record = list(
        access_records(request.user, r.case, Act)
        .filter(victim=act.victim)
        .exclude(pk=act.pk)
        .select_related("location")
        .order_by("date_earliest")
    )
    resolved = _resolved_person(request, r.case, act.victim)
    other_records: list[Person] = []
    resolved_acts: list[Act] = []
    if resolved is not None:
        other_records = [
            r.identities.label(p) for p in resolved["records"] if p.pk != act.victim_id
        ]
        resolved_acts = list(
            access_records(request.user, r.case, Act)
            .filter(victim__in=other_records)
            .select_related("location", "victim", "source")
            .order_by("date_earliest", "id")
        )
        for other in resolved_acts:
            r.identities.label(other.victim)
    everything = [act.pk] + [a.pk for a in same_record] + [a.pk for a in resolved_acts]
    citations = list(access_citations_of_many(request.user, r.case, Act, everything))
    own = [c for c in citations if c.target_id == act.pk]
    testimonies = {
        c.excerpt.testimony.pk: c.excerpt.testimony
        for c in citations
        if c.excerpt.testimony is not None
    }
    return r.render(
        "workspace/act_detail.html",
        {
            "act": act,
            "involvements": involvements,
            "measurements": list(act.measurements.order_by("id")),
            "excerpts": shield_excerpts(r.role, [c.excerpt for c in own]),
            "same_record": same_record,
            "resolved": resolved,
            "other_records": other_records,
            "resolved_acts": resolved_acts,
            "testimonies": sorted(
                testimonies.values(), key=lambda t: (t.date_earliest is None, t.date_earliest, t.pk)
            ),
        },
    )


def _resolved_person(request: HttpRequest, case: Any, person: Person) -> dict[str, Any] | None:
    """The resolved person of the latest linkage run that this record belongs to, with every
    record merged into it; None before linkage or for a record the run did not see."""
    run = latest_link_run(request.user, case)
    if run is None:
        return None
    link = RecordLink.objects.filter(run=run, record=person).only("cluster").first()
    if link is None:
        return None
    records = [
        x.record
        for x in RecordLink.objects.filter(run=run, cluster=link.cluster)
        .select_related("record__source")
        .order_by("record__source__code", "record_id")
        if x.record.deleted_at is None
    ]
    return {"run": run, "cluster": link.cluster, "records": records}
