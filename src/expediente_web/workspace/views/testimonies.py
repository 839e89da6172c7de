"""The testimony list and a testimony's page: its narrative with the excerpts that records
cite highlighted in place, and what cites each of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from expediente_web.evidence.access import access_excerpts
from expediente_web.evidence.models import Citation, Excerpt
from expediente_web.records.access import access_record_by_uid, access_records
from expediente_web.records.consent import shield_excerpts, shield_testimonies, shield_testimony
from expediente_web.records.models import Act, Testimony
from expediente_web.workspace.access import access_sources
from expediente_web.workspace.listing import DateRange, filter_dates, paginate, term_choices
from expediente_web.workspace.views.common import reader
from expediente_web.workspace.views.history import REVIEW_CHOICES, filter_review, or_deleted


class TestimonyFilter(DateRange):
    source = forms.ChoiceField(label=_("Source"), required=False)
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("any")), ("es", _("Spanish")), ("en", _("English"))],
    )
    consent = forms.ChoiceField(label=_("Consent given for"), required=False)
    review = forms.ChoiceField(label=_("Review status"), required=False, choices=REVIEW_CHOICES)

    field_order = ("source", "language", "consent", "review", "date_from", "date_to")

    def __init__(self, *args: Any, sources: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", _("any")), *sources]
        self.fields["consent"].choices = term_choices("consent_scopes")


@login_required
def testimony_list(request: HttpRequest, code: str) -> HttpResponse:
    r = reader(request, code)
    sources = [(s.code, f"{s.code} — {s.name}") for s in access_sources(request.user, r.case)]
    form = TestimonyFilter(request.GET or None, sources=sources)
    given = form.cleaned()
    rows = access_records(request.user, r.case, Testimony)
    if "source" in given:
        rows = rows.filter(source__code=given["source"])
    if "language" in given:
        rows = rows.filter(language=given["language"])
    if "consent" in given:
        # JSON containment is not on SQLite: a scope id is quoted in the stored list.
        rows = rows.filter(consent_scopes__icontains=f'"{given["consent"]}"')
    if "review" in given:
        rows = filter_review(rows, given["review"])
    rows = filter_dates(rows, given)
    rows = (
        rows.select_related("source", "witness", "review")
        .annotate(n_excerpts=Count("excerpts"))
        .order_by("date_earliest", "id")
    )
    page = paginate(request, rows)
    page.object_list = shield_testimonies(r.role, page.object_list)
    for testimony in page:
        r.identities.label(testimony.witness)
    return r.render("workspace/testimony_list.html", {"page": page, "form": form})


@dataclass
class Segment:
    """A run of the narrative: plain text, or the part of an excerpt not already marked."""

    text: str
    excerpt: Excerpt | None = None
    number: int = 0


def segments(narrative: str, excerpts: list[Excerpt]) -> list[Segment]:
    """The narrative cut at the excerpts' offsets; an overlap is marked once, by the excerpt
    that starts first. Offsets outside the text are clipped to it."""
    out: list[Segment] = []
    at = 0
    for number, excerpt in enumerate(excerpts, start=1):
        start = max(min(excerpt.start or 0, len(narrative)), at)
        end = max(min(excerpt.end or 0, len(narrative)), start)
        if start > at:
            out.append(Segment(narrative[at:start]))
        if end > start:
            out.append(Segment(narrative[start:end], excerpt, number))
        at = max(at, end)
    if at < len(narrative):
        out.append(Segment(narrative[at:]))
    return out


@login_required
@or_deleted("testimony")
def testimony_detail(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    return render_testimony(request, code, uid)


def render_testimony(request: HttpRequest, code: str, uid: str, *, status: int = 200,
                     **forms_given: Any) -> HttpResponse:
    """The testimony's page; `forms_given` are consent forms coming back with their errors."""
    from expediente_web.workspace.views.consent import consent_context

    r = reader(request, code)
    testimony = access_record_by_uid(request.user, r.case, Testimony, uid)
    read = Testimony.objects.select_related("source", "witness", "hearing")
    testimony = shield_testimony(r.role, read.get(pk=testimony.pk))
    r.identities.label(testimony.witness)
    witness_fields = r.identities.witness(testimony)
    excerpts = list(
        access_excerpts(request.user, r.case)
        .filter(testimony=testimony)
        .order_by("start", "end", "id")
    )
    for excerpt in excerpts:
        excerpt.testimony = testimony  # the one read above: no query per excerpt
    excerpts = shield_excerpts(r.role, excerpts)
    act_type = ContentType.objects.get_for_model(Act)
    citations = list(Citation.objects.filter(excerpt__in=excerpts).order_by("id"))
    act_ids = [c.target_id for c in citations if c.target_type_id == act_type.pk]
    acts = {
        a.pk: a
        for a in access_records(request.user, r.case, Act)
        .filter(pk__in=act_ids)
        .select_related("victim", "location")
    }
    for act in acts.values():
        r.identities.label(act.victim)
    cited_by: dict[int, list[Any]] = {}
    for c in citations:
        if c.target_type_id == act_type.pk and c.target_id in acts:
            cited_by.setdefault(c.excerpt_id, []).append(acts[c.target_id])
    numbered = [(n, e, cited_by.get(e.pk, [])) for n, e in enumerate(excerpts, start=1)]
    response = r.render(
        "workspace/testimony_detail.html",
        {
            "testimony": testimony,
            "witness_fields": witness_fields,
            "segments": segments(testimony.narrative, excerpts),
            "excerpts": numbered,
            **consent_context(r, testimony, **forms_given),
        },
    )
    response.status_code = status
    return response
