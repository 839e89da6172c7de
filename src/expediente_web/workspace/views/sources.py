"""The source list and a source's page: what it recorded, with links to those records."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from expediente_web.cases.access import WRITE_ROLES
from expediente_web.cases.actions import do_set_source_lineage
from expediente_web.cases.models import Source
from expediente_web.cases.validation import InvalidInput
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


class LineageForm(forms.Form):
    """What a source draws on, for counting independent sources in the element matrix."""

    derived_from = forms.MultipleChoiceField(
        label=_("Draws on these sources of the case"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The sources it copies, retells or was compiled from."),
    )
    origin = forms.CharField(
        label=_("Shared origin outside the case's sources"),
        required=False,
        max_length=200,
        help_text=_(
            "For instance the witness or the list several sources go back to. Sources with "
            "the same origin count as one independent source."
        ),
    )

    def __init__(self, *args: object, source: Source, others: list[Source], **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["derived_from"].choices = [(s.code, f"{s.code} — {s.name}") for s in others]  # type: ignore[attr-defined]


def _detail(
    request: HttpRequest, code: str, source: str, form: LineageForm | None = None
) -> HttpResponse:
    r = reader(request, code)
    found = access_source_by_code(request.user, r.case, source)
    others = [s for s in access_sources(request.user, r.case) if s.pk != found.pk]
    by_code = {s.code: s for s in others}
    if form is None and r.role in WRITE_ROLES:
        form = LineageForm(
            initial={"derived_from": found.derived_from, "origin": found.origin},
            source=found,
            others=others,
        )
    counts = {
        "persons": access_records(request.user, r.case, Person).filter(source=found).count(),
        "acts": access_records(request.user, r.case, Act).filter(source=found).count(),
        "testimonies": access_records(request.user, r.case, Testimony).filter(source=found).count(),
        "evidence": access_evidence_items(request.user, r.case).filter(source=found).count(),
    }
    lineage = [(c, by_code.get(c)) for c in found.derived_from or ()]
    drawn_on_by = [s for s in others if found.code in (s.derived_from or ())]
    return r.render(
        "workspace/source_detail.html",
        {
            "source": found,
            "counts": counts,
            "lineage": lineage,
            "drawn_on_by": drawn_on_by,
            "form": form if r.role in WRITE_ROLES else None,
        },
    )


@login_required
def source_detail(request: HttpRequest, code: str, source: str) -> HttpResponse:
    return _detail(request, code, source)


@login_required
@require_POST
def source_lineage(request: HttpRequest, code: str, source: str) -> HttpResponse:
    r = reader(request, code)
    if r.role not in WRITE_ROLES:
        raise PermissionDenied(f"role {r.role} may not change sources in case {r.case.code}")
    found = access_source_by_code(request.user, r.case, source)
    others = [s for s in access_sources(request.user, r.case) if s.pk != found.pk]
    form = LineageForm(request.POST, source=found, others=others)
    if form.is_valid():
        try:
            do_set_source_lineage(
                request.user, found, form.cleaned_data["derived_from"], form.cleaned_data["origin"]
            )
        except InvalidInput as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.reason)
        else:
            messages.success(request, _t("What the source draws on is saved."))
            return redirect("workspace:source", code=r.case.code, source=found.code)
    response = _detail(request, code, source, form)
    response.status_code = 400
    return response
