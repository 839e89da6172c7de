"""The search page of a case: words, facet filters with counts, hits with snippets, paging,
saved searches and export of the results. Thin views: access → action → render."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from expediente_web.cases.access import PROTECTED_ROLES, access_case_by_code
from expediente_web.cases.validation import InvalidInput
from expediente_web.search import export
from expediente_web.search.access import access_search, clean_filters
from expediente_web.search.actions import do_delete_saved_search, do_save_search
from expediente_web.search.index import FACETS
from expediente_web.search.labels import facet_labels
from expediente_web.search.models import OBJECT_TYPES, SavedSearch


def _asked(request: HttpRequest) -> tuple[str, list[str], dict[str, str]]:
    text = request.GET.get("q", "")
    kinds = [k for k in request.GET.getlist("kind") if k]
    return text, kinds, clean_filters(request.GET.dict())


@login_required
def search(request: HttpRequest, code: str) -> HttpResponse:
    case, role = access_case_by_code(request.user, code)
    text, kinds, filters = _asked(request)
    context: dict[str, Any] = {
        "case": case, "role": role, "q": text, "kinds": kinds, "filters": filters,
        "object_types": OBJECT_TYPES, "can_find_people_roles": PROTECTED_ROLES,
        "saved": SavedSearch.objects.filter(case=case, owner=request.user),
    }
    if text.strip() or filters or kinds:
        try:
            results = access_search(request.user, case, text, kinds=kinds, filters=filters,
                                    page=request.GET.get("page"))
        except InvalidInput as exc:
            context["error"] = exc.reason
        else:
            labels = facet_labels(case, results.facets)
            context.update(results=results, facets=_facet_links(request, results.facets,
                                                                labels, filters))
            context["active"] = [(name, labels.get(name, {}).get(value, value),
                                  _without(request, name)) for name, value in filters.items()]
            context["page_query"] = _query(request, drop=("page",))
    status = 400 if "error" in context else 200
    return render(request, "search/search.html", context, status=status)


def _query(request: HttpRequest, drop: tuple[str, ...] = (), **extra: str) -> str:
    pairs = [(k, v) for k, values in request.GET.lists() if k not in drop for v in values]
    pairs += list(extra.items())
    return urlencode(pairs)


def _without(request: HttpRequest, name: str) -> str:
    return "?" + _query(request, drop=(name, "page"))


def _facet_links(request: HttpRequest, counts: dict[str, dict[str, int]],
                 labels: dict[str, dict[str, str]], filters: dict[str, str]) -> list[Any]:
    shown = []
    for name in FACETS:
        values = counts.get(name)
        if not values:
            continue
        entries = sorted(values.items(), key=lambda item: (-item[1], item[0]))
        if name == "year":
            entries = sorted(values.items())
        shown.append((name, [
            {"value": value, "label": labels.get(name, {}).get(value, value), "count": n,
             "active": filters.get(name) == value,
             "href": "?" + _query(request, drop=(name, "page"), **{name: value})}
            for value, n in entries[:30]
        ]))
    return shown


@login_required
def export_results(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """Every hit of the search (not one page) as CSV or XLSX, as the reader may see them."""
    case, _role = access_case_by_code(request.user, code)
    text, kinds, filters = _asked(request)
    try:
        return export.response(request.user, case, text, kinds, filters, fmt)
    except InvalidInput as exc:
        messages.error(request, exc.reason)
        return redirect(f"/cases/{case.code}/search/?{_query(request)}")


@login_required
@require_POST
def save(request: HttpRequest, code: str) -> HttpResponse:
    case, _role = access_case_by_code(request.user, code)
    text = request.POST.get("q", "")
    filters = clean_filters(request.POST.dict())
    kinds = [k for k in request.POST.getlist("kind") if k]
    try:
        do_save_search(request.user, case, request.POST.get("name", ""), text, filters)
    except InvalidInput as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(request, _("The search is saved."))
    query = urlencode([("q", text), *[("kind", k) for k in kinds], *filters.items()])
    return redirect(f"/cases/{case.code}/search/?{query}")


@login_required
@require_POST
def delete_saved(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    case, _role = access_case_by_code(request.user, code)
    saved = SavedSearch.objects.filter(case=case, owner=request.user, pk=pk).first()
    if saved is not None:
        do_delete_saved_search(request.user, saved)
        messages.success(request, _("The saved search is deleted."))
    return redirect(f"/cases/{case.code}/search/")


@login_required
def find_persons(request: HttpRequest, code: str) -> HttpResponse:
    """People by name (accents, a typo, one surname, a nickname) or by ID number."""
    from expediente_web.cases.access import NotPermitted
    from expediente_web.search.access import access_find_persons

    case, role = access_case_by_code(request.user, code)
    if role not in PROTECTED_ROLES:
        raise NotPermitted("finding people by name needs a role that sees identities")
    text = request.GET.get("name", "")
    context: dict[str, Any] = {"case": case, "role": role, "name": text}
    status = 200
    if text.strip():
        try:
            context["matches"] = access_find_persons(request.user, case, text)
        except InvalidInput as exc:
            context["error"], status = exc.reason, 400
    return render(request, "search/persons.html", context, status=status)
