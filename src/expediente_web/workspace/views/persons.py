"""Source records of persons (as each source recorded them) and the persons linkage resolved
them into."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from expediente_web.analyses.access import access_link_run_by_uid, latest_link_run
from expediente_web.analyses.models import RecordLink
from expediente_web.evidence.access import access_citations_of_many
from expediente_web.protection.cipher import pseudonym
from expediente_web.records.access import (
    access_record_by_uid,
    access_records,
    find_persons_by_id_number,
    find_persons_by_name,
)
from expediente_web.records.models import Act, Person, Position, Testimony
from expediente_web.workspace.access import access_sources
from expediente_web.workspace.command_figure import person_figure
from expediente_web.workspace.listing import FilterForm, paginate, term_choices
from expediente_web.workspace.views.acts import _resolved_person
from expediente_web.workspace.views.common import reader
from expediente_web.workspace.views.history import or_deleted


class PersonFilter(FilterForm):
    source = forms.ChoiceField(label=_("Source"), required=False)
    sex = forms.ChoiceField(label=_("Sex"), required=False)
    role = forms.ChoiceField(
        label=_("Recorded as"),
        required=False,
        choices=[
            ("", _("any")),
            ("victim", _("victim")),
            ("witness", _("witness")),
            ("perpetrator", _("perpetrator")),
            ("position", _("holder of a post")),
        ],
    )

    def __init__(
        self, *args: Any, sources: list[tuple[str, str]], identities: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", _("any")), *sources]
        self.fields["sex"].choices = term_choices("sex")
        if identities:
            self.fields["id_number"] = forms.CharField(
                label=_("ID number (exact)"), required=False, max_length=64
            )
            self.fields["full_name"] = forms.CharField(
                label=_("Full name (exact)"), required=False, max_length=300
            )


@login_required
def person_list(request: HttpRequest, code: str) -> HttpResponse:
    r = reader(request, code)
    sources = [(s.code, f"{s.code} — {s.name}") for s in access_sources(request.user, r.case)]
    form = PersonFilter(request.GET or None, sources=sources, identities=r.identities.visible)
    given = form.cleaned()
    rows = access_records(request.user, r.case, Person)
    if "id_number" in given:
        rows = find_persons_by_id_number(request.user, r.case, given["id_number"])
    if "full_name" in given:
        rows = rows & find_persons_by_name(request.user, r.case, given["full_name"])
    if "source" in given:
        rows = rows.filter(source__code=given["source"])
    if "sex" in given:
        rows = rows.filter(sex=given["sex"])
    roles = {
        "victim": "acts",
        "witness": "testimonies",
        "perpetrator": "involvements",
        "position": "positions",
    }
    if "role" in given:
        rows = rows.filter(**{f"{roles[given['role']]}__isnull": False}).distinct()
    rows = (
        rows.select_related("source", "state")
        .annotate(n_acts=Count("acts", filter=Q(acts__deleted_at__isnull=True)))
        .order_by("source__code", "source_record_id", "id")
    )
    page = paginate(request, rows)
    for person in page:
        r.identities.label(person)
    return r.render("workspace/person_list.html", {"page": page, "form": form})


@login_required
@or_deleted("person")
def person_detail(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    r = reader(request, code)
    person = access_record_by_uid(request.user, r.case, Person, uid)
    person = Person.objects.select_related("source", "state").get(pk=person.pk)
    r.identities.label(person)
    protected = r.identities.person_fields(person)
    acts = list(
        access_records(request.user, r.case, Act)
        .filter(victim=person)
        .select_related("location", "source")
        .order_by("date_earliest", "id")
    )
    perpetrated = list(
        access_records(request.user, r.case, Act)
        .filter(involvements__person=person)
        .distinct()
        .select_related("location", "victim")
        .order_by("date_earliest", "id")
    )
    for act in perpetrated:
        r.identities.label(act.victim)
    positions = list(
        access_records(request.user, r.case, Position)
        .filter(person=person)
        .select_related("unit", "controls")
        .order_by("start_earliest", "id")
    )
    in_units = [p for p in positions if p.unit_id is not None]  # the figure draws units' posts
    figure = (
        person_figure(request.user, r.case, person, in_units, r.identities, timezone.localdate())
        if in_units
        else None
    )
    witnessed = list(
        access_records(request.user, r.case, Testimony)
        .filter(witness=person)
        .select_related("source")
        .order_by("date_earliest", "id")
    )
    citations = access_citations_of_many(request.user, r.case, Act, [a.pk for a in acts])
    citing = {
        c.excerpt.testimony.pk: c.excerpt.testimony
        for c in citations
        if c.excerpt.testimony is not None
    }
    resolved = _resolved_person(request, r.case, person)
    if resolved is not None:
        for other in resolved["records"]:
            r.identities.label(other)
    return r.render(
        "workspace/person_detail.html",
        {
            "person": person,
            "protected": protected,
            "acts": acts,
            "perpetrated": perpetrated,
            "positions": positions,
            "figure": figure,
            "kind": "person",
            "witnessed": witnessed,
            "citing": list(citing.values()),
            "resolved": resolved,
        },
    )


class ResolvedFilter(FilterForm):
    min_records = forms.IntegerField(
        label=_("At least this many records"), required=False, min_value=1, max_value=1000
    )


@login_required
def resolved_list(request: HttpRequest, code: str) -> HttpResponse:
    """Every person of a linkage run (the latest unless `?run=`), the largest first."""
    r = reader(request, code)
    run_uid = request.GET.get("run") or None
    run = (
        access_link_run_by_uid(request.user, r.case, run_uid)
        if run_uid
        else latest_link_run(request.user, r.case)
    )
    form = ResolvedFilter(request.GET or None)
    given = form.cleaned()
    page = None
    if run is not None:
        clusters = (
            RecordLink.objects.filter(run=run)
            .values("cluster")
            .annotate(records=Count("id"), sources=Count("record__source", distinct=True))
            .order_by("-records", "cluster")
        )
        if "min_records" in given:
            clusters = clusters.filter(records__gte=given["min_records"])
        page = paginate(request, clusters)
        shown = [row["cluster"] for row in page]
        members: dict[str, list[Person]] = {}
        for link in (
            RecordLink.objects.filter(run=run, cluster__in=shown)
            .select_related("record__source")
            .order_by("record__source__code", "id")
        ):
            members.setdefault(link.cluster, []).append(link.record)
        for row in page:
            records = members.get(row["cluster"], [])
            row["pseudonym"] = pseudonym("P", f"{run.uid}:{row['cluster']}")
            row["name"] = (
                r.identities.name(records[0])
                if r.identities.visible and records
                else row["pseudonym"]
            )
            row["source_codes"] = sorted({p.source.code for p in records if p.source})
    return r.render("workspace/resolved_list.html", {"run": run, "page": page, "form": form})
