"""The matrix pages: the case's element matrix, one element with its evidence and rating, the
suspects and one suspect's posts, linked acts and modes of liability.

Views are thin: reads go through `access` (and the record apps' access functions), writes
through `actions`; a refused write shows the page again with the service's message (400).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from expediente.patterns.report import INDICATORS
from expediente_web.analyses.access import access_estimate_runs
from expediente_web.assessment import actions
from expediente_web.assessment.access import (
    WRITE_ROLES,
    access_citation_by_uid,
    access_mode_selections,
    access_selection_by_uid,
    access_selections,
    access_suspects,
    can_read_notes,
    can_read_reasoning,
    can_write,
    rating_history,
)
from expediente_web.assessment.elements import CONTEXTUAL_GROUP, crime_terms, mode_terms
from expediente_web.assessment.facts import case_facts
from expediente_web.assessment.forms import CiteForm, RateForm, ReasonForm, SelectForm, SuspectForm
from expediente_web.assessment.loading import load_matrix
from expediente_web.assessment.notice import suspect_notice
from expediente_web.assessment.suspects import suspect_record
from expediente_web.cases.access import NotPermitted, require_role
from expediente_web.cases.validation import InvalidInput
from expediente_web.evidence.access import access_evidence_items, access_excerpts
from expediente_web.records.access import access_record_by_uid, access_records
from expediente_web.records.models import Act, Involvement, Person, Position
from expediente_web.workspace.actions import do_record_identity_view
from expediente_web.workspace.views.common import Reader, reader

ACT_SEARCH_LIMIT = 20
CHOICE_LIMIT = 300


def _writer(r: Reader, doing: str) -> None:
    require_role(r.request.user, r.case, WRITE_ROLES, doing)


def _suspect(r: Reader, uid: str | None) -> Person | None:
    if uid is None:
        return None
    person = access_record_by_uid(r.request.user, r.case, Person, uid)
    if not any(True for _s in access_selections(r.request.user, r.case, person)[:1]):
        raise Http404(f"{uid} is not a suspect of case {r.case.code}")
    return r.identities.label(person)


def _back(r: Reader, suspect: Person | None, element: str | None = None) -> HttpResponse:
    code = r.case.code
    if suspect is None:
        if element:
            return redirect("assessment:element", code=code, element=element)
        return redirect("assessment:matrix", code=code)
    if element:
        return redirect("assessment:suspect-element", code=code, uid=suspect.uid, element=element)
    return redirect("assessment:suspect", code=code, uid=suspect.uid)


def _refused(form: Any, exc: InvalidInput) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.reason)


# -- the case's matrix ----------------------------------------------------------------------


@login_required
@require_GET
def matrix(request: HttpRequest, code: str) -> HttpResponse:
    """The contextual elements, then each selected crime, with rungs, counts and warnings."""
    r = reader(request, code)
    loaded = load_matrix(request.user, r.case)
    chosen = {s.term for s in loaded.selections}
    free = [t for t in crime_terms() if t not in chosen]
    facts = case_facts(request.user, r.case)
    return r.render(
        "assessment/matrix.html",
        {
            "loaded": loaded,
            "select_form": SelectForm(terms=free) if free else None,
            "drop_form": ReasonForm(),
            "writes": can_write(r.role),
            "facts": facts,
            "contextual_group": CONTEXTUAL_GROUP,
        },
    )


@login_required
@require_POST
def select(request: HttpRequest, code: str) -> HttpResponse:
    r = reader(request, code)
    _writer(r, "change the element matrix")
    form = SelectForm(request.POST, terms=crime_terms())
    if form.is_valid():
        try:
            actions.do_select_crime(request.user, r.case, form.cleaned_data["term"])
        except InvalidInput as exc:
            messages.error(request, exc.reason)
        else:
            messages.success(request, _("The crime is in the matrix."))
    else:
        messages.error(request, _("Choose a crime of art. 7(1)."))
    return redirect("assessment:matrix", code=r.case.code)


@login_required
@require_POST
def drop(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    r = reader(request, code)
    _writer(r, "change the element matrix")
    selection = access_selection_by_uid(request.user, r.case, uid)
    suspect = selection.suspect
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            actions.do_drop_selection(request.user, selection, form.cleaned_data["reason"])
        except InvalidInput as exc:
            messages.error(request, exc.reason)
        else:
            messages.success(
                request, _("Taken out of the matrix; its evidence and ratings stay stored.")
            )
    else:
        messages.error(request, _("Say why it is taken out."))
    return _back(r, suspect)


# -- one element ----------------------------------------------------------------------------


def _choices(r: Reader) -> dict[str, list[tuple[str, str]]]:
    user, case = r.request.user, r.case
    excerpts = []
    for e in (
        access_excerpts(user, case)
        .select_related("testimony", "item")
        .order_by("-id")[:CHOICE_LIMIT]
    ):
        if e.testimony is not None:
            label = _("Testimony of %(date)s, characters %(start)s–%(end)s") % {
                "date": e.testimony.date_text or "—",
                "start": e.start,
                "end": e.end,
            }
        elif e.item is not None:
            label = _("%(document)s, page %(page)s") % {
                "document": e.item.title or e.item.filename,
                "page": e.page or "—",
            }
        else:
            label = str(e.uid)
        excerpts.append((str(e.uid), label))
    documents = [
        (str(i.uid), i.title or i.filename)
        for i in access_evidence_items(user, case).order_by("-id")[:CHOICE_LIMIT]
    ]
    estimates = [
        (str(run.uid), f"{run.method} · {run.created_at:%Y-%m-%d %H:%M} UTC")
        for run in access_estimate_runs(user, case)[:CHOICE_LIMIT]
    ]
    return {"excerpts": excerpts, "documents": documents, "estimates": estimates}


def _find_act(r: Reader, text: str) -> Act | None:
    text = text.strip()
    acts = access_records(r.request.user, r.case, Act)
    try:
        uuid.UUID(text)
    except ValueError:
        pass
    else:
        return acts.filter(uid=text).first()
    source, _sep, row = text.replace("/", " ").partition(" ")
    if not row.strip():
        return None
    return acts.filter(source__code=source.strip(), source_record_id=row.strip()).first()


def _lookup(r: Reader, model: Any, uid: str) -> Any:
    try:
        uuid.UUID(uid)
    except ValueError:
        return None
    return model.filter(uid=uid).first()


def _element_page(
    request: HttpRequest,
    code: str,
    element: str,
    suspect_uid: str | None = None,
    *,
    cite_form: CiteForm | None = None,
    rate_form: RateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    r = reader(request, code)
    suspect = _suspect(r, suspect_uid)
    loaded = load_matrix(request.user, r.case, suspect)
    row = loaded.row(element)
    if row is None:
        raise Http404(f"No element {element!r} in this matrix")
    group = next(g for g in loaded.groups if any(x.spec.id == element for x in g.rows))
    writes = can_write(r.role)
    notes = can_read_notes(r.role)
    reasoning = can_read_reasoning(r.role, row.rating)
    revealed = []
    if reasoning and row.rating is not None:
        revealed.append(f"rating:{row.rating.uid}")
    if notes:
        revealed.extend(f"citation:{c.uid}" for c in row.citations if c.note)
    indicators = {i.key: i for i in INDICATORS}
    if any(c.kind == "act" for c in row.citations):
        by_act = case_facts(request.user, r.case).by_act
        for citation in row.citations:
            if citation.kind == "act" and citation.act is not None:
                citation.fact = by_act.get(str(citation.act.uid))  # type: ignore[attr-defined]
    context = {
        "loaded": loaded,
        "group": group,
        "row": row,
        "suspect": suspect,
        "writes": writes,
        "reads_notes": notes,
        "reads_reasoning": reasoning,
        "indicators": indicators,
        "history": rating_history(request.user, r.case, row.rating),
        "withdraw_form": ReasonForm(),
    }
    if writes:
        initial: dict[str, Any] = {}
        if row.rating is not None:
            initial = {"status": row.rating.status, "restricted": row.rating.restricted}
        context["cite_form"] = cite_form or CiteForm(**_choices(r))
        context["rate_form"] = rate_form or RateForm(initial=initial)
    if revealed:
        fields = (["reasoning"] if reasoning and row.rating else []) + (["note"] if notes else [])
        do_record_identity_view(
            request.user,
            r.case,
            revealed,
            page=request.resolver_match.view_name,
            path=request.get_full_path(),
            fields=fields,
        )
    response = r.render("assessment/element.html", context)
    response.status_code = status
    return response


@login_required
@require_GET
def element(request: HttpRequest, code: str, element: str) -> HttpResponse:
    return _element_page(request, code, element)


@login_required
@require_GET
def suspect_element(request: HttpRequest, code: str, uid: str, element: str) -> HttpResponse:
    return _element_page(request, code, element, uid)


def _cite(request: HttpRequest, code: str, element: str, suspect_uid: str | None) -> HttpResponse:
    r = reader(request, code)
    _writer(r, "cite evidence in the element matrix")
    suspect = _suspect(r, suspect_uid)
    form = CiteForm(request.POST, **_choices(r))
    if form.is_valid():
        data = form.cleaned_data
        kind = data["kind"]
        given: dict[str, Any] = {}
        if kind == "act":
            text = data["act_pick"] or data["act"]
            act = _find_act(r, text) if text.strip() else None
            if act is None and text.strip():
                form.add_error("act", _("No act %(act)s in this case.") % {"act": text.strip()})
            given["act"] = act
        elif kind == "excerpt" and data["excerpt"]:
            given["excerpt"] = _lookup(r, access_excerpts(request.user, r.case), data["excerpt"])
        elif kind == "document" and data["document"]:
            given["item"] = _lookup(
                r, access_evidence_items(request.user, r.case), data["document"]
            )
        elif kind == "estimate" and data["estimate"]:
            given["estimate"] = _lookup(
                r, access_estimate_runs(request.user, r.case), data["estimate"]
            )
        elif kind == "pattern":
            given["indicator"] = data["indicator"]
        if not form.errors:
            try:
                actions.do_cite_evidence(
                    request.user,
                    r.case,
                    element,
                    kind,
                    data["stance"],
                    note=data["note"],
                    credibility=data["credibility"],
                    suspect=suspect,
                    **given,
                )
            except InvalidInput as exc:
                field = {"item": "document"}.get(exc.field, exc.field)
                form.add_error(field if field in form.fields else None, exc.reason)
            else:
                messages.success(request, _("The evidence is cited."))
                return _back(r, suspect, element)
    return _element_page(request, code, element, suspect_uid, cite_form=form, status=400)


def _rate(request: HttpRequest, code: str, element: str, suspect_uid: str | None) -> HttpResponse:
    r = reader(request, code)
    _writer(r, "rate elements of the matrix")
    suspect = _suspect(r, suspect_uid)
    form = RateForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_rate_element(
                request.user,
                r.case,
                element,
                data["status"],
                data["reasoning"],
                suspect=suspect,
                restricted=data["restricted"],
            )
        except InvalidInput as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("The rating is saved."))
            return _back(r, suspect, element)
    return _element_page(request, code, element, suspect_uid, rate_form=form, status=400)


@login_required
@require_POST
def cite(request: HttpRequest, code: str, element: str) -> HttpResponse:
    return _cite(request, code, element, None)


@login_required
@require_POST
def suspect_cite(request: HttpRequest, code: str, uid: str, element: str) -> HttpResponse:
    return _cite(request, code, element, uid)


@login_required
@require_POST
def rate(request: HttpRequest, code: str, element: str) -> HttpResponse:
    return _rate(request, code, element, None)


@login_required
@require_POST
def suspect_rate(request: HttpRequest, code: str, uid: str, element: str) -> HttpResponse:
    return _rate(request, code, element, uid)


@login_required
@require_POST
def withdraw(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    r = reader(request, code)
    _writer(r, "cite evidence in the element matrix")
    citation = access_citation_by_uid(request.user, r.case, uid)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            actions.do_withdraw_citation(request.user, citation, form.cleaned_data["reason"])
        except InvalidInput as exc:
            messages.error(request, exc.reason)
        else:
            messages.success(request, _("The citation is withdrawn."))
    else:
        messages.error(request, _("Say why the citation is withdrawn."))
    return _back(r, citation.suspect, citation.element)


@login_required
@require_GET
def act_search(request: HttpRequest, code: str) -> HttpResponse:
    """Acts matching a source row, an act type's label or a date, as choices for the form."""
    r = reader(request, code)
    if not can_write(r.role):
        raise NotPermitted(_("only owners and analysts cite evidence"))
    query = (request.GET.get("q") or "").strip()[:100]
    found: list[Act] = []
    if query:
        from expediente_web.cases.validation import vocabularies

        vocab = vocabularies()
        lowered = query.lower()
        types = [
            t.id
            for t in vocab.terms("act_types")
            if lowered in t.en.lower() or lowered in t.es.lower()
        ]
        from django.db.models import Q

        match = (
            Q(source_record_id__icontains=query)
            | Q(source__code__iexact=query)
            | Q(date_text__startswith=query)
            | Q(act_type__in=types)
        )
        found = list(
            access_records(request.user, r.case, Act)
            .filter(match)
            .select_related("source", "location")
            .order_by("date_earliest", "id")[:ACT_SEARCH_LIMIT]
        )
    return render(
        request, "assessment/_act_choices.html", {"case": r.case, "acts": found, "query": query}
    )


# -- suspects -------------------------------------------------------------------------------


def _candidates(r: Reader) -> list[tuple[str, str]]:
    """Persons who hold a post or are named as perpetrators: those who can be suspects."""
    user, case = r.request.user, r.case
    holders = access_records(user, case, Position).values_list("person_id", flat=True)
    named = Involvement.objects.filter(
        act__in=access_records(user, case, Act), person__isnull=False
    ).values_list("person_id", flat=True)
    ids = set(holders) | set(named)
    persons = access_records(user, case, Person).filter(pk__in=ids).order_by("id")[:CHOICE_LIMIT]
    return [(str(p.uid), r.identities.name(p)) for p in persons]


@login_required
def suspects(request: HttpRequest, code: str) -> HttpResponse:
    """The matrix's suspects, and (for writers) the form that makes a person one."""
    r = reader(request, code)
    writes = can_write(r.role)
    form = None
    status = 200
    if request.method == "POST":
        _writer(r, "change the element matrix")
        form = SuspectForm(request.POST, persons=_candidates(r), terms=mode_terms())
        if form.is_valid():
            person = access_record_by_uid(request.user, r.case, Person, form.cleaned_data["person"])
            try:
                actions.do_select_mode(request.user, r.case, person, form.cleaned_data["term"])
            except InvalidInput as exc:
                _refused(form, exc)
            else:
                messages.success(request, _("The suspect's mode of liability is in the matrix."))
                return redirect("assessment:suspect", code=r.case.code, uid=person.uid)
        status = 400
    elif request.method != "GET":
        return HttpResponse(status=405)
    modes: dict[int, list[str]] = {}
    for selection in access_mode_selections(request.user, r.case):
        modes.setdefault(selection.suspect_id, []).append(selection.term)
    order = mode_terms()
    listed = [
        (r.identities.label(person), sorted(modes.get(person.pk, []), key=order.index))
        for person in access_suspects(request.user, r.case)
    ]
    if writes and form is None:
        form = SuspectForm(persons=_candidates(r), terms=mode_terms())
    response = r.render(
        "assessment/suspects.html", {"listed": listed, "form": form, "writes": writes}
    )
    response.status_code = status
    return response


@login_required
@require_GET
def suspect(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    """A suspect: posts over time, linked acts and the modes-of-liability matrix."""
    r = reader(request, code)
    person = _suspect(r, uid)
    if person is None:  # pragma: no cover - a uid was given
        raise Http404(uid)
    loaded = load_matrix(request.user, r.case, person)
    chosen = {s.term for s in loaded.selections}
    free = [t for t in mode_terms() if t not in chosen]
    found = suspect_record(request.user, r.case, person)
    return r.render(
        "assessment/suspect.html",
        {
            "suspect": person,
            "loaded": loaded,
            "record": found,
            "notice": suspect_notice(request.user, r.case, person, found),
            "writes": can_write(r.role),
            "mode_form": SelectForm(terms=free, label=_("Mode of liability")) if free else None,
            "drop_form": ReasonForm(),
            "person_url": reverse(
                "workspace:person", kwargs={"code": r.case.code, "uid": person.uid}
            ),
        },
    )


@login_required
@require_POST
def suspect_mode(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    r = reader(request, code)
    _writer(r, "change the element matrix")
    person = _suspect(r, uid)
    form = SelectForm(request.POST, terms=mode_terms())
    if form.is_valid():
        try:
            actions.do_select_mode(request.user, r.case, person, form.cleaned_data["term"])
        except InvalidInput as exc:
            messages.error(request, exc.reason)
        else:
            messages.success(request, _("The mode of liability is in the suspect's matrix."))
    else:
        messages.error(request, _("Choose a mode of liability."))
    return _back(r, person)
