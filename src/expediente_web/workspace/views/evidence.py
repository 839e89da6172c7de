"""Evidence items: the list, and an item's page with its hash, custody and excerpts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from expediente_web.evidence.access import access_evidence_item_by_uid, access_evidence_items
from expediente_web.workspace.access import access_sources
from expediente_web.workspace.listing import FilterForm, paginate, term_choices
from expediente_web.workspace.views.common import reader


class EvidenceFilter(FilterForm):
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    source = forms.ChoiceField(label=_("Source"), required=False)

    def __init__(self, *args: Any, sources: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = term_choices("evidence_kinds")
        self.fields["source"].choices = [("", _("any")), *sources]


@login_required
def evidence_list(request: HttpRequest, code: str) -> HttpResponse:
    r = reader(request, code)
    sources = [(s.code, f"{s.code} — {s.name}") for s in access_sources(request.user, r.case)]
    form = EvidenceFilter(request.GET or None, sources=sources)
    given = form.cleaned()
    rows = access_evidence_items(request.user, r.case)
    if "kind" in given:
        rows = rows.filter(kind=given["kind"])
    if "source" in given:
        rows = rows.filter(source__code=given["source"])
    page = paginate(request, rows.select_related("source").order_by("created_at", "id"))
    return r.render("workspace/evidence_list.html", {"page": page, "form": form})


@login_required
def evidence_detail(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    r = reader(request, code)
    item = access_evidence_item_by_uid(request.user, r.case, uid)
    return r.render(
        "workspace/evidence_detail.html",
        {
            "item": item,
            "custody": list(item.custody.select_related("actor").order_by("at", "id")),
            "excerpts": list(item.excerpts.order_by("page", "start", "id")),
            "derivatives": list(item.derivatives.filter(deleted_at__isnull=True).order_by("id")),
        },
    )
