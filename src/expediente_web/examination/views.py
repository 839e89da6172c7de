"""The examination pages: the preliminary-examination view, the jurisdiction basis, the acts
behind its numbers, the attacks and their acts, the interventions and the national proceedings.

Views are thin: reads go through `access` (and the record apps' access functions), writes
through `actions`; a refused write shows the page again with the service's message at its
field (400). A page that shows the team's free texts records that it did, as pages that show
identities do.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from expediente_web.cases.access import require_role
from expediente_web.cases.validation import InvalidInput
from expediente_web.examination import actions, overview
from expediente_web.examination.access import (
    WRITE_ROLES,
    access_attack_by_uid,
    access_attack_links,
    access_attacks,
    access_intervention_by_uid,
    access_interventions,
    access_jurisdiction,
    access_link_by_uid,
    access_proceeding_by_uid,
    access_proceedings,
    access_section_assessments,
    can_read_text,
    can_write,
)
from expediente_web.examination.forms import (
    AssessmentForm,
    AttackForm,
    InterventionForm,
    JurisdictionForm,
    LinkForm,
    ProceedingForm,
    ReasonForm,
    ResponseForm,
)
from expediente_web.examination.models import SECTIONS
from expediente_web.examination.refs import resolve
from expediente_web.examination.temporal import BUCKETS, bucket_filter
from expediente_web.records.access import access_record_by_uid, access_records
from expediente_web.records.models import Act, Involvement, Location, Person, Position, Unit
from expediente_web.workspace.actions import do_record_identity_view
from expediente_web.workspace.views.common import Reader, reader

PAGE_SIZE = 50
CHOICE_LIMIT = 300


def _writer(r: Reader) -> None:
    require_role(r.request.user, r.case, WRITE_ROLES, "change the case's examination")


def _refused(form: Any, exc: InvalidInput) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.reason)


def _page(
    r: Reader,
    template: str,
    context: dict[str, Any],
    texts: list[str] | None = None,
    fields: tuple[str, ...] = (),
    status: int = 200,
) -> HttpResponse:
    """Render, recording first which of the team's texts the page showed."""
    if texts:
        do_record_identity_view(
            r.request.user,
            r.case,
            texts,
            page=r.request.resolver_match.view_name,
            path=r.request.get_full_path(),
            fields=fields,
        )
    response = r.render(
        template, {"writes": can_write(r.role), "reads_text": can_read_text(r.role), **context}
    )
    response.status_code = status
    return response


def _candidates(r: Reader) -> list[tuple[str, str]]:
    """Persons who hold a post or are named as perpetrators: who can be notified or accused."""
    user, case = r.request.user, r.case
    holders = access_records(user, case, Position).values_list("person_id", flat=True)
    named = Involvement.objects.filter(
        act__in=access_records(user, case, Act), person__isnull=False
    ).values_list("person_id", flat=True)
    ids = set(holders) | set(named)
    persons = access_records(user, case, Person).filter(pk__in=ids).order_by("id")[:CHOICE_LIMIT]
    return [(str(p.uid), r.identities.name(p)) for p in persons]


def _units(r: Reader) -> list[tuple[str, str]]:
    rows = access_records(r.request.user, r.case, Unit).order_by("name")[:CHOICE_LIMIT]
    return [(str(u.uid), f"{u.acronym} — {u.name}" if u.acronym else u.name) for u in rows]


def _places(r: Reader) -> list[tuple[str, str]]:
    rows = (
        access_records(r.request.user, r.case, Location)
        .exclude(kind="location.site")
        .order_by("kind", "name")[:CHOICE_LIMIT]
    )
    return [(str(p.uid), p.name) for p in rows]


def _by_uid(r: Reader, model: Any, uid: str) -> Any:
    return access_record_by_uid(r.request.user, r.case, model, uid) if uid else None


# -- the preliminary-examination view -------------------------------------------------------


def _overview(
    request: HttpRequest, code: str, forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    r = reader(request, code)
    user, case = request.user, r.case
    from expediente_web.assessment.access import access_suspects

    suspects = [r.identities.label(p) for p in access_suspects(user, case)]
    admissibility = overview.admissibility(user, case, suspects)
    for proceeding in admissibility.proceedings:
        for person in proceeding.accused.all():
            r.identities.label(person)
    assessments = access_section_assessments(user, case)
    reads = can_read_text(r.role)
    writes = can_write(r.role)
    forms = forms or {}
    section_forms = {}
    if writes:
        for section in SECTIONS:
            found = assessments.get(section)
            section_forms[section] = forms.get(section) or AssessmentForm(
                initial={"text": found.text if found and reads else ""}
            )
    context = {
        "jurisdiction": overview.jurisdiction(user, case),
        "gravity": overview.gravity(user, case),
        "admissibility": admissibility,
        "standing": overview.standing(user, case),
        "assessments": assessments,
        "section_forms": section_forms,
        "buckets": BUCKETS,
    }
    texts = [f"assessment:{a.uid}" for a in assessments.values()] if reads else []
    return _page(r, "examination/overview.html", context, texts, ("text",), status)


@login_required
@require_GET
def examination(request: HttpRequest, code: str) -> HttpResponse:
    """The preliminary-examination view: jurisdiction, gravity, admissibility, interests of
    justice, and where the contextual elements stand against the reasonable-basis standard."""
    return _overview(request, code)


@login_required
@require_POST
def assess(request: HttpRequest, code: str, section: str) -> HttpResponse:
    r = reader(request, code)
    _writer(r)
    if section not in SECTIONS:
        raise Http404(f"No section {section!r}")
    form = AssessmentForm(request.POST)
    if form.is_valid():
        try:
            actions.do_write_assessment(request.user, r.case, section, form.cleaned_data["text"])
        except InvalidInput as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("The assessment is saved."))
            return redirect(
                reverse("examination:overview", args=[r.case.code]) + f"#section-{section}"
            )
    return _overview(request, code, {section: form}, status=400)


@login_required
def jurisdiction(request: HttpRequest, code: str) -> HttpResponse:
    """The case's jurisdiction basis, and the form that sets it."""
    r = reader(request, code)
    basis = access_jurisdiction(request.user, r.case)
    reads = can_read_text(r.role)
    status = 200
    if request.method == "POST":
        _writer(r)
        form = JurisdictionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.do_set_jurisdiction(
                    request.user, r.case, data["entry_into_force"], data["bases"],
                    notes=data["notes"],
                )  # fmt: skip
            except InvalidInput as exc:
                _refused(form, exc)
            else:
                messages.success(request, _("The jurisdiction basis is saved."))
                return redirect("examination:overview", code=r.case.code)
        status = 400
    elif request.method == "GET":
        initial = {}
        if basis is not None:
            initial = {
                "entry_into_force": basis.entry_into_force.isoformat(),
                "bases": basis.bases,
                "notes": basis.notes if reads else "",
            }
        form = JurisdictionForm(initial=initial)
    else:
        return HttpResponse(status=405)
    texts = [f"jurisdiction:{basis.uid}"] if reads and basis is not None and basis.notes else []
    context = {"basis": basis, "form": form if can_write(r.role) else None}
    return _page(r, "examination/jurisdiction.html", context, texts, ("notes",), status)


def _filtered(r: Reader) -> tuple[Any, str]:
    """The acts one number of the view counts, and what they are (a sentence)."""
    user, case, query = r.request.user, r.case, r.request.GET
    rows = access_records(user, case, Act)
    if "temporal" in query:
        bucket = query["temporal"]
        basis = access_jurisdiction(user, case)
        if bucket not in BUCKETS or basis is None:
            raise Http404("No such group of acts")
        labels = {
            "outside": _("Acts whose latest possible date is before %(day)s"),
            "straddling": _("Acts whose imprecise date spans %(day)s: they may be outside"),
            "within": _("Acts on or after %(day)s"),
            "undated": _("Acts without a date (they cannot be placed against %(day)s)"),
        }
        day = basis.entry_into_force.isoformat()
        return rows.filter(bucket_filter(bucket, basis.entry_into_force)), labels[bucket] % {
            "day": day
        }
    if "method" in query:
        method = query["method"][:64]
        ids = [pk for pk, listed in rows.values_list("id", "methods") if method in (listed or [])]
        from expediente_web.site.templatetags.vocab import term

        return rows.filter(pk__in=ids), _("Acts with the method %(method)s") % {
            "method": term(method)
        }
    if "coverage" in query:
        covered = overview.covered_act_ids(user, case)
        if query["coverage"] == "covered":
            return rows.filter(pk__in=covered), _("Acts a national proceeding covers")
        if query["coverage"] == "uncovered":
            return rows.exclude(pk__in=covered), _("Acts no national proceeding covers")
    if query.get("placed") == "no":
        return rows.filter(location__isnull=True, event__location__isnull=True), _(
            "Acts without a place"
        )
    if any(key in query for key in ("coverage", "placed")):
        raise Http404("No such group of acts")
    return rows, _("Every act of the case")


@login_required
@require_GET
def acts(request: HttpRequest, code: str) -> HttpResponse:
    """The acts behind one number of the preliminary-examination view."""
    r = reader(request, code)
    rows, what = _filtered(r)
    rows = rows.select_related("location", "source").order_by("date_earliest", "id")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return _page(
        r, "examination/acts.html", {"page": page, "what": what, "query": query.urlencode()}
    )


# -- attacks --------------------------------------------------------------------------------


@login_required
def attacks(request: HttpRequest, code: str) -> HttpResponse:
    """The case's attacks, each with its acts, and the form that records one."""
    r = reader(request, code)
    status = 200
    form = None
    if request.method == "POST":
        _writer(r)
        form = AttackForm(request.POST, places=_places(r))
        if form.is_valid():
            data = form.cleaned_data
            try:
                attack = actions.do_create_attack(
                    request.user,
                    r.case,
                    data["title"],
                    description=data["description"],
                    period=data["period"],
                    places=[_by_uid(r, Location, uid) for uid in data["places"]],
                    population=data["population"],
                    population_groups=data["population_groups"],
                    policy_indicators=data["policy_indicators"].splitlines(),
                )
            except InvalidInput as exc:
                _refused(form, exc)
            else:
                messages.success(request, _("The attack is recorded."))
                return redirect("examination:attack", code=r.case.code, uid=attack.uid)
        status = 400
    elif request.method != "GET":
        return HttpResponse(status=405)
    from django.db.models import Count, Q

    listed = access_attacks(request.user, r.case).annotate(
        acts=Count("links", filter=Q(links__deleted_at__isnull=True,
                                     links__act__deleted_at__isnull=True))
    )  # fmt: skip
    if can_write(r.role) and form is None:
        form = AttackForm(places=_places(r))
    return _page(r, "examination/attacks.html", {"attacks": listed, "form": form}, status=status)


def _attack_page(
    request: HttpRequest, code: str, uid: str, link_form: Any = None, status: int = 200
) -> HttpResponse:
    r = reader(request, code)
    attack = access_attack_by_uid(request.user, r.case, uid)
    links = (
        access_attack_links(request.user, r.case, attack)
        .select_related("act__location", "act__source")
        .order_by("act__date_earliest", "act_id")
    )
    from django.db.models import Count

    by_type = (
        access_records(request.user, r.case, Act)
        .filter(pk__in=links.values("act_id"))
        .values("act_type")
        .annotate(n=Count("id"))
        .order_by("-n", "act_type")
    )
    page = Paginator(links, PAGE_SIZE).get_page(request.GET.get("page"))
    reads = can_read_text(r.role)
    context = {
        "attack": attack,
        "page": page,
        "by_type": by_type,
        "total": page.paginator.count,
        "link_form": link_form or (LinkForm() if can_write(r.role) else None),
        "reason_form": ReasonForm(),
    }
    return _page(r, "examination/attack.html", context,
                 [f"attack:{attack.uid}"] if reads else [],
                 ("description", "population", "policy_indicators"), status)  # fmt: skip


@login_required
@require_GET
def attack(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    """An attack: what it is, its acts with counts by type, and the form that links acts."""
    return _attack_page(request, code, uid)


@login_required
@require_POST
def attack_link(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    r = reader(request, code)
    _writer(r)
    found = access_attack_by_uid(request.user, r.case, uid)
    form = LinkForm(request.POST)
    if form.is_valid():
        try:
            chosen = resolve(request.user, r.case, Act, "acts", form.cleaned_data["acts"])
            made = actions.do_link_acts(request.user, found, chosen)
        except InvalidInput as exc:
            _refused(form, exc)
        else:
            n = len(made)
            said = ngettext(
                "%(n)s act linked to the attack.", "%(n)s acts linked to the attack.", n
            )
            messages.success(request, said % {"n": n})
            return redirect("examination:attack", code=r.case.code, uid=found.uid)
    return _attack_page(request, code, uid, link_form=form, status=400)


def _soft_delete(request: HttpRequest, r: Reader, service: Any, row: Any, done: str) -> bool:
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why."))
        return False
    try:
        service(request.user, row, form.cleaned_data["reason"])
    except InvalidInput as exc:
        messages.error(request, exc.reason)
        return False
    messages.success(request, done)
    return True


@login_required
@require_POST
def attack_unlink(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    r = reader(request, code)
    _writer(r)
    link = access_link_by_uid(request.user, r.case, uid)
    _soft_delete(request, r, actions.do_unlink_act, link, _("The act is taken out of the attack."))
    return redirect("examination:attack", code=r.case.code, uid=link.attack.uid)


@login_required
@require_POST
def attack_delete(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    r = reader(request, code)
    _writer(r)
    found = access_attack_by_uid(request.user, r.case, uid)
    if _soft_delete(request, r, actions.do_delete_attack, found, _("The attack is deleted.")):
        return redirect("examination:attacks", code=r.case.code)
    return redirect("examination:attack", code=r.case.code, uid=found.uid)


# -- interventions --------------------------------------------------------------------------


@login_required
def interventions(request: HttpRequest, code: str) -> HttpResponse:
    """The case's interventions (who was put on notice, when, and the response)."""
    r = reader(request, code)
    status = 200
    form = None
    if request.method == "POST":
        _writer(r)
        form = InterventionForm(request.POST, units=_units(r), persons=_candidates(r))
        if form.is_valid():
            data = form.cleaned_data
            try:
                found = actions.do_record_intervention(
                    request.user,
                    r.case,
                    data["kind"],
                    date=data["date"],
                    filed_by=data["filed_by"],
                    notified_unit=_by_uid(r, Unit, data["notified_unit"]),
                    notified_person=_by_uid(r, Person, data["notified_person"]),
                    notified_authority=data["notified_authority"],
                    acts=resolve(request.user, r.case, Act, "acts", data["acts"]),
                    victims=resolve(request.user, r.case, Person, "victims", data["victims"]),
                    summary=data["summary"],
                    response=data["response"],
                    response_date=data["response_date"],
                    response_detail=data["response_detail"],
                )
            except InvalidInput as exc:
                _refused(form, exc)
            else:
                messages.success(request, _("The intervention is recorded."))
                return redirect("examination:intervention", code=r.case.code, uid=found.uid)
        status = 400
    elif request.method != "GET":
        return HttpResponse(status=405)
    listed = list(access_interventions(request.user, r.case))
    for row in listed:
        r.identities.label(row.notified_person)
    if can_write(r.role) and form is None:
        form = InterventionForm(units=_units(r), persons=_candidates(r))
    context = {"interventions": listed, "form": form, "notice": _notice(listed)}
    return _page(r, "examination/interventions.html", context, status=status)


def _notice(listed: list[Any]) -> list[dict[str, Any]]:
    """Each person and unit notified, with the dated intervention that certainly came first
    (the earliest latest-possible date, as `access_notice_for` reads notice) and how many
    interventions notified them."""
    found: dict[tuple[str, int], dict[str, Any]] = {}
    for row in listed:
        for kind, target in (("unit", row.notified_unit), ("person", row.notified_person)):
            if target is None:
                continue
            entry = found.setdefault(
                (kind, target.pk), {"kind": kind, "target": target, "first": None, "count": 0}
            )
            entry["count"] += 1
            first = entry["first"]
            if row.date_latest and (first is None or row.date_latest < first.date_latest):
                entry["first"] = row
    return sorted(
        found.values(),
        key=lambda e: (e["first"] is None, e["first"].date_latest if e["first"] else None),
    )


def _intervention_page(
    request: HttpRequest, code: str, uid: str, response_form: Any = None, status: int = 200
) -> HttpResponse:
    r = reader(request, code)
    found = access_intervention_by_uid(request.user, r.case, uid)
    r.identities.label(found.notified_person)
    victims = [r.identities.label(p) for p in found.victims.filter(deleted_at__isnull=True)]
    linked = list(found.acts.filter(deleted_at__isnull=True).select_related("location", "source"))
    reads = can_read_text(r.role)
    if response_form is None and can_write(r.role):
        initial = {"response": found.response, "response_date": found.response_date_text}
        if reads:
            initial["response_detail"] = found.response_detail
        response_form = ResponseForm(initial=initial)
    context = {
        "found": found,
        "victims": victims,
        "acts": linked,
        "reason_form": ReasonForm(),
        "response_form": response_form,
    }
    return _page(r, "examination/intervention.html", context,
                 [f"intervention:{found.uid}"] if reads else [],
                 ("filed_by", "notified_authority", "summary", "response_detail"),
                 status)  # fmt: skip


@login_required
@require_GET
def intervention(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    """An intervention: whom it notified, what about, and the response it got."""
    return _intervention_page(request, code, uid)


@login_required
@require_POST
def intervention_response(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    r = reader(request, code)
    _writer(r)
    found = access_intervention_by_uid(request.user, r.case, uid)
    form = ResponseForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.do_record_response(
                request.user, found, data["response"], date=data["response_date"],
                detail=data["response_detail"],
            )  # fmt: skip
        except InvalidInput as exc:
            _refused(form, exc)
        else:
            messages.success(request, _("The response is recorded."))
            return redirect("examination:intervention", code=r.case.code, uid=found.uid)
    return _intervention_page(request, code, uid, response_form=form, status=400)


@login_required
@require_POST
def intervention_delete(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    r = reader(request, code)
    _writer(r)
    found = access_intervention_by_uid(request.user, r.case, uid)
    if _soft_delete(request, r, actions.do_delete_intervention, found,
                    _("The intervention is deleted.")):  # fmt: skip
        return redirect("examination:interventions", code=r.case.code)
    return redirect("examination:intervention", code=r.case.code, uid=found.uid)


# -- national proceedings -------------------------------------------------------------------


@login_required
def proceedings(request: HttpRequest, code: str) -> HttpResponse:
    """The register of national proceedings (complementarity, art. 17)."""
    r = reader(request, code)
    status = 200
    form = None
    if request.method == "POST":
        _writer(r)
        form = ProceedingForm(request.POST, persons=_candidates(r))
        if form.is_valid():
            data = form.cleaned_data
            try:
                found = actions.do_record_proceeding(
                    request.user,
                    r.case,
                    data["court"],
                    data["status"],
                    case_number=data["case_number"],
                    accused=[_by_uid(r, Person, uid) for uid in data["accused"]],
                    accused_text=data["accused_text"],
                    charges=data["charges"],
                    acts=resolve(request.user, r.case, Act, "acts", data["acts"]),
                    opened=data["opened"],
                    status_date=data["status_date"],
                    indicators=data["indicators"],
                    notes=data["notes"],
                )
            except InvalidInput as exc:
                _refused(form, exc)
            else:
                messages.success(request, _("The proceeding is recorded."))
                return redirect("examination:proceeding", code=r.case.code, uid=found.uid)
        status = 400
    elif request.method != "GET":
        return HttpResponse(status=405)
    from django.db.models import Count, Q

    listed = list(
        access_proceedings(request.user, r.case)
        .annotate(covered=Count("acts", filter=Q(acts__deleted_at__isnull=True), distinct=True))
        .order_by("opened_earliest", "id")
    )
    for row in listed:
        for person in row.accused.all():
            r.identities.label(person)
    if can_write(r.role) and form is None:
        form = ProceedingForm(persons=_candidates(r))
    return _page(r, "examination/proceedings.html", {"proceedings": listed, "form": form},
                 status=status)  # fmt: skip


@login_required
@require_GET
def proceeding(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    r = reader(request, code)
    found = access_proceeding_by_uid(request.user, r.case, uid)
    accused = [r.identities.label(p) for p in found.accused.filter(deleted_at__isnull=True)]
    linked = list(found.acts.filter(deleted_at__isnull=True).select_related("location", "source"))
    reads = can_read_text(r.role)
    context = {"found": found, "accused": accused, "acts": linked, "reason_form": ReasonForm()}
    return _page(r, "examination/proceeding.html", context,
                 [f"proceeding:{found.uid}"] if reads else [],
                 ("accused_text", "charges", "notes"))  # fmt: skip


@login_required
@require_POST
def proceeding_delete(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    r = reader(request, code)
    _writer(r)
    found = access_proceeding_by_uid(request.user, r.case, uid)
    if _soft_delete(request, r, actions.do_delete_proceeding, found,
                    _("The proceeding is deleted.")):  # fmt: skip
        return redirect("examination:proceedings", code=r.case.code)
    return redirect("examination:proceeding", code=r.case.code, uid=found.uid)
