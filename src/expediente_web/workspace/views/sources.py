"""The source list and a source's page: what it recorded, with links to those records."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from expediente_web.evidence.access import access_evidence_items
from expediente_web.records.access import access_records
from expediente_web.records.models import Act, Person, Testimony
from expediente_web.workspace.access import access_source_by_code, access_sources
from expediente_web.workspace.listing import FilterForm, paginate, term_choices
from expediente_web.workspace.views.common import reader


class SourceFilter(FilterForm):
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    reliability = forms.ChoiceField(label=_("Reliability"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["kind"].choices = term_choices("source_kinds")
        self.fields["reliability"].choices = term_choices("reliability")


def _counts(user: object, case: object, model: type) -> dict[int, int]:
    rows = (
        access_records(user, case, model)
        .values("source_id")  # type: ignore[arg-type]
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["source_id"]: row["n"] for row in rows}


@login_required
def source_list(request: HttpRequest, code: str) -> HttpResponse:
    r = reader(request, code)
    form = SourceFilter(request.GET or None)
    given = form.cleaned()
    rows = access_sources(request.user, r.case)
    if "kind" in given:
        rows = rows.filter(kind=given["kind"])
    if "reliability" in given:
        rows = rows.filter(reliability=given["reliability"])
    page = paginate(request, rows)
    persons = _counts(request.user, r.case, Person)
    acts = _counts(request.user, r.case, Act)
    testimonies = _counts(request.user, r.case, Testimony)
    for source in page:
        source.n_persons = persons.get(source.pk, 0)  # type: ignore[attr-defined]
        source.n_acts = acts.get(source.pk, 0)  # type: ignore[attr-defined]
        source.n_testimonies = testimonies.get(source.pk, 0)  # type: ignore[attr-defined]
    return r.render("workspace/source_list.html", {"page": page, "form": form})


@login_required
def source_detail(request: HttpRequest, code: str, source: str) -> HttpResponse:
    r = reader(request, code)
    found = access_source_by_code(request.user, r.case, source)
    counts = {
        "persons": access_records(request.user, r.case, Person).filter(source=found).count(),
        "acts": access_records(request.user, r.case, Act).filter(source=found).count(),
        "testimonies": access_records(request.user, r.case, Testimony).filter(source=found).count(),
        "evidence": access_evidence_items(request.user, r.case).filter(source=found).count(),
    }
    return r.render("workspace/source_detail.html", {"source": found, "counts": counts})
