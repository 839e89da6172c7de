"""Writes of the panel review: checked, transactional, audited, and never undone.

Each `do_<verb>_<noun>(actor, …)` checks the actor, validates what it is given (raising
`InvalidInput` naming the field), writes inside `transaction.atomic()` and appends one audit
entry there, with the digests of the rows it left (`audit verify --records` names a row changed
after). The audit log holds the rungs, the names and the version's digest, never the reasoning
or the snapshot, which are encrypted and named only.

What cannot change does not: a frozen version is never written again; a reviewer is replaced
only before they submit; findings are saved as drafts until their reviewer submits, once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from expediente.legal.freeze import ReviewError, content_digest
from expediente.legal.ladder import Ladder
from expediente_web.audit.record import actor_name, changes, record_write
from expediente_web.audit.rows import RowSet, rows_of
from expediente_web.cases.access import NotPermitted, require_role, role_in
from expediente_web.cases.models import Case
from expediente_web.cases.validation import InvalidInput, check_length
from expediente_web.panel.access import (
    REVIEWER_ROLES,
    WRITE_ROLES,
    round_state,
    verified_content,
)
from expediente_web.panel.models import Assignment, Finding, FrozenVersion
from expediente_web.panel.snapshot import build_snapshot, element_ids, raters

MIN_REVIEWERS = 2
MAX_REVIEWERS = 9
DEFAULT_REVIEWERS = 3
REASONING_LIMIT = 20_000


# -- freezing -------------------------------------------------------------------------------


def _count(value: Any) -> int:
    try:
        count = int(value)
    except (TypeError, ValueError):
        count = 0
    if not MIN_REVIEWERS <= count <= MAX_REVIEWERS:
        raise InvalidInput(
            "reviewers_required",
            _("a version is reviewed by %(low)s to %(high)s reviewers, not %(value)s")
            % {"low": MIN_REVIEWERS, "high": MAX_REVIEWERS, "value": repr(value)},
        )
    return count


def do_freeze_version(
    actor: Any,
    case: Case,
    *,
    reviewers_required: int = DEFAULT_REVIEWERS,
    reviewers: Iterable[Any] = (),
) -> FrozenVersion:
    """Freeze the case's element matrix as it stands into its next version, and assign the
    `reviewers` given (more can be assigned later, up to `reviewers_required`)."""
    count = _count(reviewers_required)
    chosen = list(reviewers)
    if len(chosen) > count:
        raise InvalidInput(
            "reviewers",
            _("%(given)s reviewers given for a version reviewed by %(count)s")
            % {"given": len(chosen), "count": count},
        )
    with transaction.atomic():
        require_role(actor, case, WRITE_ROLES, gettext_noop("freeze the element matrix"))
        Case.objects.select_for_update().filter(pk=case.pk).first()  # one freeze at a time
        last = FrozenVersion.objects.filter(case=case).aggregate(n=Max("number"))["n"] or 0
        number = last + 1
        now = timezone.now()
        who = actor_name(actor)
        content = build_snapshot(
            actor, case, number=number, frozen_by=who, frozen_at=now.isoformat()
        )
        version = FrozenVersion(
            case=case,
            number=number,
            reviewers_required=count,
            snapshot=json.dumps(content, ensure_ascii=False, sort_keys=True),
            digest=content_digest(content),
            frozen_by=actor if getattr(actor, "pk", None) else None,
            frozen_by_name=who,
            frozen_at=now,
        )
        version.save()
        payload = changes(
            version, ["number", "reviewers_required", "digest", "frozen_by_name", "snapshot"]
        )
        payload["elements"] = len(content["elements"])
        payload["crimes"] = content["crimes"]
        record_write(actor, "freeze_version", version, payload)
        for reviewer in chosen:
            do_assign_reviewer(actor, version, reviewer)
    return version


# -- reviewers ------------------------------------------------------------------------------


def _eligible(version: FrozenVersion, content: dict[str, Any], reviewer: Any) -> None:
    """Refuse, naming why, a reviewer who may not review this version."""
    if reviewer is None or not getattr(reviewer, "pk", None):
        raise InvalidInput("reviewer", _("choose a member of the case as reviewer"))
    name = reviewer.username
    if role_in(reviewer, version.case) not in REVIEWER_ROLES:
        raise InvalidInput(
            "reviewer",
            _("%(user)s is not a member of the case's team and cannot review it") % {"user": name},
        )
    if name == version.frozen_by_name or reviewer.pk == version.frozen_by_id:
        raise InvalidInput(
            "reviewer",
            _("%(user)s froze this version and cannot review it") % {"user": name},
        )
    if name in raters(content):
        raise InvalidInput(
            "reviewer",
            _("%(user)s rated elements of this version and cannot review it") % {"user": name},
        )
    if any(a.reviewer_id == reviewer.pk for a in round_state(version).assignments):
        raise InvalidInput("reviewer", _("%(user)s already reviews this version") % {"user": name})


def _new_assignment(actor: Any, version: FrozenVersion, reviewer: Any) -> Assignment:
    return Assignment.objects.create(
        version=version,
        reviewer=reviewer,
        reviewer_name=reviewer.username,
        assigned_by_name=actor_name(actor),
        assigned_at=timezone.now(),
    )


def do_assign_reviewer(actor: Any, version: FrozenVersion, reviewer: Any) -> Assignment:
    """Make a member of the case a reviewer of the version."""
    with transaction.atomic():
        require_role(actor, version.case, WRITE_ROLES, gettext_noop("assign reviewers"))
        content = verified_content(version)
        state = round_state(version)
        if state.full:
            raise InvalidInput(
                "reviewer",
                _("version %(number)s already has its %(count)s reviewers; replace one instead")
                % {"number": version.number, "count": version.reviewers_required},
            )
        _eligible(version, content, reviewer)
        assignment = _new_assignment(actor, version, reviewer)
        payload = changes(assignment, ["version", "reviewer_name", "assigned_by_name"])
        record_write(actor, "assign_reviewer", assignment, payload, case_code=version.case.code)
    return assignment


def do_replace_reviewer(actor: Any, assignment: Assignment, reviewer: Any) -> Assignment:
    """Replace a reviewer who has not submitted by another member; their drafts stay stored,
    unread."""
    version = assignment.version
    with transaction.atomic():
        require_role(actor, version.case, WRITE_ROLES, gettext_noop("assign reviewers"))
        content = verified_content(version)
        old = Assignment.objects.select_for_update().get(pk=assignment.pk)
        if old.replaced_at is not None:
            raise InvalidInput(
                "assignment", _("%(user)s was already replaced") % {"user": old.reviewer_name}
            )
        if old.submitted_at is not None:
            raise InvalidInput(
                "assignment",
                _("%(user)s has submitted their findings: a reviewer is replaced only before")
                % {"user": old.reviewer_name},
            )
        _eligible(version, content, reviewer)
        old.replaced_at = timezone.now()
        old.replaced_by_name = reviewer.username
        old.save()
        new = _new_assignment(actor, version, reviewer)
        payload = changes(new, ["version", "reviewer_name", "assigned_by_name"])
        payload["replaces"] = {"assignment": str(old.uid), "reviewer_name": old.reviewer_name}
        payload["digests"] = RowSet().merge(rows_of(old))
        record_write(actor, "replace_reviewer", new, payload, case_code=version.case.code)
    return new


# -- findings -------------------------------------------------------------------------------


def _reviewer_of(actor: Any, version: FrozenVersion, doing: str) -> Assignment:
    """The actor's live assignment on the version, locked; refused otherwise."""
    require_role(actor, version.case, REVIEWER_ROLES, doing)
    mine = (
        Assignment.objects.select_for_update()
        .filter(version=version, reviewer=actor, replaced_at__isnull=True)
        .first()
    )
    if mine is None:
        raise NotPermitted(
            _("%(user)s is not a reviewer of version %(number)s")
            % {"user": actor_name(actor), "number": version.number}
        )
    return mine


def _submitted(assignment: Assignment) -> InvalidInput:
    return InvalidInput(
        "findings",
        _("%(user)s submitted their findings on %(when)s: they cannot change")
        % {"user": assignment.reviewer_name, "when": f"{assignment.submitted_at:%Y-%m-%d %H:%M}"},
    )


def do_save_finding(
    actor: Any, version: FrozenVersion, element: str, rung: str, reasoning: str
) -> Finding:
    """Save the actor's draft finding on one element: a rung (`ladder.reasonable_basis`, or
    blank for not yet) and written reasoning."""
    rung = (rung or "").strip()
    if rung:
        try:
            rung = Ladder.from_term(rung).term_id
        except ValueError:
            raise InvalidInput(
                "rung", _("%(value)s is not a rung of the ladder") % {"value": repr(rung)}
            ) from None
    reasoning = (reasoning or "").strip()
    check_length("reasoning", reasoning, REASONING_LIMIT)
    with transaction.atomic():
        mine = _reviewer_of(actor, version, gettext_noop("record findings"))
        if mine.submitted_at is not None:
            raise _submitted(mine)
        content = verified_content(version)
        if element not in element_ids(content):
            raise InvalidInput(
                "element",
                _("%(element)s is not an element of version %(number)s")
                % {"element": repr(element), "number": version.number},
            )
        finding = Finding.objects.filter(assignment=mine, element=element).first()
        if finding is None:
            finding = Finding(assignment=mine, element=element)
        finding.rung = rung
        finding.reasoning = reasoning
        finding.saved_at = timezone.now()
        finding.save()
        payload = changes(finding, ["assignment", "element", "rung", "reasoning"])
        payload["version"] = version.number
        payload["reasoning_length"] = len(reasoning)
        record_write(actor, "save_finding", finding, payload, case_code=version.case.code)
    return finding


def do_submit_findings(actor: Any, version: FrozenVersion) -> Assignment:
    """Submit the actor's findings on every element of the version, once and for good."""
    with transaction.atomic():
        mine = _reviewer_of(actor, version, gettext_noop("submit findings"))
        if mine.submitted_at is not None:
            raise _submitted(mine)
        content = verified_content(version)
        found = {f.element: f for f in Finding.objects.filter(assignment=mine)}
        missing = [
            e
            for e in element_ids(content)
            if e not in found or not found[e].rung or not found[e].reasoning.strip()
        ]
        if missing:
            raise InvalidInput(
                "findings",
                _("every element needs a rung and written reasoning; still missing: %(ids)s")
                % {"ids": ", ".join(missing)},
            )
        core = round_state(version).core()
        try:
            core.submit(
                mine.reviewer_name,
                {e: found[e].rung for e in element_ids(content)},
                content_digest(content),
            )
        except ReviewError as exc:
            raise InvalidInput("findings", str(exc)) from None
        mine.submitted_at = timezone.now()
        mine.save()
        payload = changes(mine, ["version", "reviewer_name", "submitted_at"])
        payload["digest"] = version.digest
        payload["findings"] = {e: found[e].rung for e in element_ids(content)}
        record_write(actor, "submit_findings", mine, payload, case_code=version.case.code)
    return mine


def do_sign_off(actor: Any, version: FrozenVersion) -> Assignment:
    """Sign off the consolidated findings of the version (once every reviewer has submitted);
    when every reviewer has, the round is closed."""
    with transaction.atomic():
        mine = _reviewer_of(actor, version, gettext_noop("sign off the panel's findings"))
        verified_content(version)
        state = round_state(version)
        if not state.complete:
            raise InvalidInput(
                "sign_off",
                _(
                    "the findings are signed off once every reviewer has submitted "
                    "(%(done)s of %(count)s have)"
                )
                % {"done": len(state.submitted), "count": version.reviewers_required},
            )
        if mine.signed_off_at is not None:
            raise InvalidInput(
                "sign_off",
                _("%(user)s signed off on %(when)s already")
                % {"user": mine.reviewer_name, "when": f"{mine.signed_off_at:%Y-%m-%d %H:%M}"},
            )
        mine.signed_off_at = timezone.now()
        mine.save()
        payload = changes(mine, ["version", "reviewer_name", "signed_off_at"])
        payload["digest"] = version.digest
        payload["closed"] = all(
            a.signed_off_at is not None or a.pk == mine.pk for a in state.assignments
        )
        record_write(actor, "sign_off", mine, payload, case_code=version.case.code)
    return mine
