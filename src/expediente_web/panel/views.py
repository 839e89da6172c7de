"""The panel pages: the versions of a case, one frozen version and its reviewers, a reviewer's
findings, and the consolidated findings with their sign-off.

Views are thin: reads go through `access` (which re-computes a version's digest every time and
keeps the findings blind until every reviewer has submitted), writes through `actions`. A
version that no longer matches its digest is refused with a page that says so (409).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from expediente_web.cases.access import NotPermitted, live_memberships, require_role
from expediente_web.cases.validation import InvalidInput
from expediente_web.panel import actions
from expediente_web.panel.access import (
    PANEL_ROLES,
    WRITE_ROLES,
    VersionAltered,
    access_findings,
    access_own_assignment,
    access_round,
    access_verified,
    access_versions,
    require_panel_reader,
    verified_content,
)
from expediente_web.panel.consolidation import consolidated as consolidate_version
from expediente_web.panel.forms import FreezeForm, ReviewerForm, rung_choices
from expediente_web.panel.models import Assignment
from expediente_web.panel.snapshot import raters
from expediente_web.site.templatetags.vocab import term
from expediente_web.workspace.actions import do_record_identity_view
from expediente_web.workspace.views.common import Reader, reader


def guarded(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answer a version that does not match its digest with a page that says so."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except VersionAltered as exc:
            return render(
                request,
                "panel/altered.html",
                {"message": str(exc), "case": exc.version.case},
                status=409,
            )

    return wrapped


def _panel_reader(request: HttpRequest, code: str) -> Reader:
    r = reader(request, code)
    require_panel_reader(request.user, r.case)
    return r


def _members(
    r: Reader, content: dict[str, Any] | None = None, state: Any = None
) -> list[tuple[str, str]]:
    """Members of the team who could review (not the reader; for a version, not whoever froze
    it, rated in it or reviews it already)."""
    excluded = raters(content) if content else set()
    if content:
        excluded.add(content.get("frozen_by", ""))
    if state is not None:
        excluded.update(state.names)
    rows = (
        live_memberships()
        .filter(case=r.case, role__in=PANEL_ROLES)
        .exclude(user=r.request.user)
        .select_related("user")
        .order_by("user__username")
    )
    return [
        (str(m.user.pk), f"{m.user.username} · {term(m.role)}")
        for m in rows
        if m.user.username not in excluded
    ]


def _user(pk: str) -> Any:
    try:
        return get_user_model().objects.filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def _revealed(r: Reader, version: Any, fields: list[str]) -> None:
    """Record that the page showed a version's (or its findings') reasoning."""
    do_record_identity_view(
        r.request.user,
        r.case,
        [f"panelversion:{version.uid}"],
        page=r.request.resolver_match.view_name if r.request.resolver_match else "",
        path=r.request.get_full_path(),
        fields=fields,
    )


# -- versions -------------------------------------------------------------------------------


def _versions_page(r: Reader, form: FreezeForm | None = None, status: int = 200) -> HttpResponse:
    writes = r.role in WRITE_ROLES
    rows = []
    for version in access_versions(r.request.user, r.case):
        try:
            verified_content(version)
        except VersionAltered:
            intact = False
        else:
            intact = True
        rows.append((version, access_round(r.request.user, version), intact))
    if writes and form is None:
        form = FreezeForm(members=_members(r))
    response = r.render(
        "panel/versions.html", {"rows": rows, "form": form if writes else None, "writes": writes}
    )
    response.status_code = status
    return response


@login_required
@require_GET
@guarded
def versions(request: HttpRequest, code: str) -> HttpResponse:
    """The case's frozen versions and how far each review is; owners and analysts freeze."""
    return _versions_page(_panel_reader(request, code))


@login_required
@require_POST
@guarded
def freeze(request: HttpRequest, code: str) -> HttpResponse:
    r = _panel_reader(request, code)
    require_role(request.user, r.case, WRITE_ROLES, "freeze the element matrix")
    form = FreezeForm(request.POST, members=_members(r))
    if form.is_valid():
        chosen = [_user(pk) for pk in form.cleaned_data["reviewers"]]
        try:
            version = actions.do_freeze_version(
                request.user,
                r.case,
                reviewers_required=form.cleaned_data["reviewers_required"],
                reviewers=chosen,
            )
        except InvalidInput as exc:
            field = exc.field if exc.field in form.fields else None
            form.add_error(field, exc.reason)
        else:
            messages.success(
                request,
                _("Version %(number)s is frozen; its digest is %(digest)s.")
                % {"number": version.number, "digest": version.digest},
            )
            return redirect("panel:version", code=r.case.code, number=version.number)
    return _versions_page(r, form, status=400)


# -- one version ----------------------------------------------------------------------------


def _version_page(
    r: Reader,
    number: int,
    *,
    assign_form: ReviewerForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = r.request.user
    version, content = access_verified(user, r.case, number)
    state = access_round(user, version)
    writes = r.role in WRITE_ROLES
    members = _members(r, content, state) if writes else []
    if writes and not state.full and assign_form is None:
        assign_form = ReviewerForm(members=[("", "—"), *members])
    if any(e.get("reasoning") for e in content["elements"]):
        _revealed(r, version, ["reasoning"])
    response = r.render(
        "panel/version.html",
        {
            "version": version,
            "content": content,
            "state": state,
            "mine": state.of(user),
            "writes": writes,
            "assign_form": assign_form if writes and not state.full else None,
            "replace_members": members,
        },
    )
    response.status_code = status
    return response


@login_required
@require_GET
@guarded
def version(request: HttpRequest, code: str, number: int) -> HttpResponse:
    """A frozen version, read-only, with its digest and its reviewers."""
    return _version_page(_panel_reader(request, code), number)


@login_required
@require_POST
@guarded
def assign(request: HttpRequest, code: str, number: int) -> HttpResponse:
    r = _panel_reader(request, code)
    require_role(request.user, r.case, WRITE_ROLES, "assign reviewers")
    version, content = access_verified(request.user, r.case, number)
    form = ReviewerForm(request.POST, members=_members(r, content))
    if form.is_valid():
        try:
            actions.do_assign_reviewer(request.user, version, _user(form.cleaned_data["reviewer"]))
        except InvalidInput as exc:
            form.add_error("reviewer", exc.reason)
        else:
            messages.success(request, _("The reviewer is assigned."))
            return redirect("panel:version", code=r.case.code, number=number)
    return _version_page(r, number, assign_form=form, status=400)


@login_required
@require_POST
@guarded
def replace(request: HttpRequest, code: str, number: int, uid: str) -> HttpResponse:
    r = _panel_reader(request, code)
    require_role(request.user, r.case, WRITE_ROLES, "assign reviewers")
    version, content = access_verified(request.user, r.case, number)
    state = access_round(request.user, version)
    found = next((a for a in state.assignments if str(a.uid) == uid), None)
    if found is None:
        raise Http404(f"No reviewer {uid} of version {number}")
    form = ReviewerForm(request.POST, members=_members(r, content))
    if form.is_valid():
        try:
            actions.do_replace_reviewer(request.user, found, _user(form.cleaned_data["reviewer"]))
        except InvalidInput as exc:
            messages.error(request, exc.reason)
        else:
            messages.success(request, _("The reviewer is replaced."))
    else:
        messages.error(request, _("Choose a member of the case as reviewer."))
    return redirect("panel:version", code=r.case.code, number=number)


# -- a reviewer's findings ------------------------------------------------------------------


def _card_context(
    r: Reader,
    version: Any,
    mine: Assignment,
    element: dict[str, Any],
    finding: Any,
    *,
    error: str = "",
    posted: dict[str, str] | None = None,
) -> dict[str, Any]:
    return {
        "case": r.case,
        "version": version,
        "mine": mine,
        "element": element,
        "finding": finding,
        "error": error,
        "posted": posted,
        "rungs": rung_choices(),
    }


def _missing(content: dict[str, Any], own: dict[str, Any]) -> list[str]:
    """The elements the reviewer has not given both a rung and reasoning yet."""
    return [
        e["id"]
        for e in content["elements"]
        if not (own.get(e["id"]) and own[e["id"]].rung and own[e["id"]].reasoning.strip())
    ]


@login_required
@require_GET
@guarded
def findings(request: HttpRequest, code: str, number: int) -> HttpResponse:
    """The reviewer's own findings on the version: drafts until they submit, then read-only."""
    r = _panel_reader(request, code)
    version, content = access_verified(request.user, r.case, number)
    mine = access_own_assignment(request.user, version)
    own = access_findings(request.user, version).get(mine.reviewer_name, {})
    cards = [
        _card_context(r, version, mine, element, own.get(element["id"]))
        for element in content["elements"]
    ]
    missing = _missing(content, own)
    _revealed(r, version, ["reasoning", "finding_reasoning"])
    return r.render(
        "panel/findings.html",
        {
            "version": version,
            "content": content,
            "mine": mine,
            "cards": cards,
            "groups": content["groups"],
            "missing": missing,
            "state": access_round(request.user, version),
        },
    )


@login_required
@require_POST
@guarded
def save_finding(request: HttpRequest, code: str, number: int, element: str) -> HttpResponse:
    r = _panel_reader(request, code)
    version, content = access_verified(request.user, r.case, number)
    mine = access_own_assignment(request.user, version)
    found = next((e for e in content["elements"] if e["id"] == element), None)
    if found is None:
        raise Http404(f"No element {element!r} in version {number}")
    rung = request.POST.get("rung", "")
    reasoning = request.POST.get("reasoning", "")
    htmx = request.headers.get("HX-Request") == "true"
    try:
        finding = actions.do_save_finding(request.user, version, element, rung, reasoning)
    except InvalidInput as exc:
        if not htmx:
            messages.error(request, exc.reason)
            return redirect(
                reverse("panel:findings", kwargs={"code": r.case.code, "number": number})
                + f"#el-{element.replace('.', '-')}"
            )
        own = access_findings(request.user, version).get(mine.reviewer_name, {})
        context = _card_context(
            r,
            version,
            mine,
            found,
            own.get(element),
            error=exc.reason,
            posted={"rung": rung, "reasoning": reasoning},
        )
        return render(request, "panel/_finding_card.html", context, status=400)
    if htmx:
        context = _card_context(r, version, mine, found, finding)
        context["saved"] = True
        own = access_findings(request.user, version).get(mine.reviewer_name, {})
        context["missing"] = _missing(content, own)
        return render(request, "panel/_saved.html", context)
    messages.success(request, _("The draft is saved."))
    return redirect(
        reverse("panel:findings", kwargs={"code": r.case.code, "number": number})
        + f"#el-{element.replace('.', '-')}"
    )


@login_required
@require_POST
@guarded
def submit(request: HttpRequest, code: str, number: int) -> HttpResponse:
    r = _panel_reader(request, code)
    version, _content = access_verified(request.user, r.case, number)
    access_own_assignment(request.user, version)
    try:
        actions.do_submit_findings(request.user, version)
    except InvalidInput as exc:
        messages.error(request, exc.reason)
        return redirect("panel:findings", code=r.case.code, number=number)
    messages.success(request, _("Your findings are submitted. They can no longer change."))
    return redirect("panel:version", code=r.case.code, number=number)


# -- consolidated ---------------------------------------------------------------------------


@login_required
@require_GET
@guarded
def consolidated(request: HttpRequest, code: str, number: int) -> HttpResponse:
    """Majority, dissents, spread and alpha once every reviewer has submitted; until then, who
    has submitted and nothing of what anyone found."""
    r = _panel_reader(request, code)
    version, content = access_verified(request.user, r.case, number)
    state = access_round(request.user, version)
    result = None
    if state.complete:
        try:
            result = consolidate_version(request.user, version, content)
        except NotPermitted:  # pragma: no cover - complete was checked just above
            result = None
        else:
            _revealed(r, version, ["finding_reasoning"])
    return r.render(
        "panel/consolidated.html",
        {
            "version": version,
            "content": content,
            "state": state,
            "result": result,
            "mine": state.of(request.user),
        },
    )


@login_required
@require_POST
@guarded
def sign_off(request: HttpRequest, code: str, number: int) -> HttpResponse:
    r = _panel_reader(request, code)
    version, _content = access_verified(request.user, r.case, number)
    access_own_assignment(request.user, version)
    try:
        actions.do_sign_off(request.user, version)
    except InvalidInput as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(request, _("You signed off the consolidated findings."))
    return redirect("panel:consolidated", code=r.case.code, number=number)
