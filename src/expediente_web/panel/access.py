"""Permission-checked reads of the panel review, and the rule that keeps it blind.

- The case's team (`PANEL_ROLES`: owner, analyst, documenter, reviewer, viewer) reads the frozen
  versions: what the analysts rated and why, as on the element matrix. A partner is refused: a
  version holds the team's reasoning, restricted or not. A user without a role gets a 404.
- Owners and analysts freeze versions and assign or replace reviewers (`WRITE_ROLES`).
- A reviewer is a member of the team (`PANEL_ROLES`) who neither froze the version nor ever rated
  one of its elements.
- **Blind until all have submitted**: before every assigned reviewer has submitted, a reviewer
  reads only their own findings (drafts included) and nobody else — owners included — reads
  any; everyone reads who has submitted. Afterwards the team reads every submitted finding.
  The decision is the legal core's (`ReviewRound.visible_to`).
- Every read of a version re-computes its digest from the stored snapshot: a version that does
  not match its digest (or does not decrypt) is refused with `VersionAltered`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from expediente.legal.freeze import ReviewRound, content_digest
from expediente_web.cases.access import require_role, role_in
from expediente_web.cases.models import Case
from expediente_web.panel.models import Assignment, Finding, FrozenVersion
from expediente_web.protection.keyring import KeyRingError

PANEL_ROLES = frozenset(
    {"role.owner", "role.analyst", "role.documenter", "role.reviewer", "role.viewer"}
)
WRITE_ROLES = frozenset({"role.owner", "role.analyst"})
REVIEWER_ROLES = PANEL_ROLES


class VersionAltered(Exception):
    """A frozen version whose stored snapshot no longer matches its digest."""

    def __init__(self, version: FrozenVersion, why: str) -> None:
        super().__init__(
            _(
                "Version %(number)s of case %(case)s does not match its digest %(digest)s "
                "(%(why)s): it was changed after it was frozen and is not shown."
            )
            % {
                "number": version.number,
                "case": version.case.code,
                "digest": version.digest,
                "why": why,
            }
        )
        self.version = version


def require_panel_reader(user: Any, case: Case) -> str:
    """The reader's role; `NotPermitted` for a partner, 404 for someone outside the case."""
    if user is None:  # the operator at the console, who holds the data directory
        return "operator"
    if role_in(user, case) is None:
        raise Http404(f"No case {case.code!r}")
    return require_role(user, case, PANEL_ROLES, gettext_noop("read the panel review"))


def access_versions(user: Any, case: Case) -> QuerySet[FrozenVersion]:
    """The case's frozen versions, newest first (each to be checked with `verified_content`
    before anything of it is shown)."""
    require_panel_reader(user, case)
    return FrozenVersion.objects.filter(case=case).select_related("case").order_by("-number")


def access_version(user: Any, case: Case, number: int) -> FrozenVersion:
    """Version `number` of the case; 404 when there is none. Its content is not checked yet:
    `verified_content` does that."""
    require_panel_reader(user, case)
    found = FrozenVersion.objects.filter(case=case, number=number).select_related("case").first()
    if found is None:
        raise Http404(f"No version {number} in case {case.code}")
    return found


def verified_content(version: FrozenVersion) -> dict[str, Any]:
    """The snapshot of `version`, once its digest is computed again and matches."""
    try:
        text = version.snapshot
    except (KeyRingError, ValueError, KeyError):
        raise VersionAltered(version, _("the snapshot does not decrypt")) from None
    try:
        content = json.loads(text)
    except (TypeError, ValueError):
        raise VersionAltered(version, _("the snapshot is not valid JSON")) from None
    if not isinstance(content, dict) or content_digest(content) != version.digest:
        raise VersionAltered(version, _("the digest of the snapshot is another"))
    if content.get("case") != version.case.code or content.get("version") != version.number:
        raise VersionAltered(version, _("the snapshot is of another version"))
    return content


def access_verified(user: Any, case: Case, number: int) -> tuple[FrozenVersion, dict[str, Any]]:
    version = access_version(user, case, number)
    return version, verified_content(version)


@dataclass
class RoundState:
    """Who reviews a version and how far they are (never what they found)."""

    version: FrozenVersion
    assignments: list[Assignment]
    """The live assignments, in the order they were made."""
    replaced: list[Assignment]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(a.reviewer_name for a in self.assignments)

    @property
    def full(self) -> bool:
        return len(self.assignments) >= self.version.reviewers_required

    @property
    def submitted(self) -> list[Assignment]:
        return [a for a in self.assignments if a.submitted_at is not None]

    @property
    def complete(self) -> bool:
        """Every reviewer the version needs is assigned and has submitted."""
        return self.full and self.core().complete

    @property
    def signed_off(self) -> bool:
        return self.complete and all(a.signed_off_at is not None for a in self.assignments)

    @property
    def closed_at(self) -> Any:
        if not self.signed_off:
            return None
        return max(a.signed_off_at for a in self.assignments)

    def core(self) -> ReviewRound:
        """The round as the legal core holds it: assigned names, who has submitted."""
        if not self.assignments:
            return ReviewRound(self.version.digest, ("-",))  # nobody assigned yet: nobody sees
        return ReviewRound(
            self.version.digest,
            self.names,
            submitted={a.reviewer_name: {} for a in self.submitted},
        )

    def of(self, user: Any) -> Assignment | None:
        """The user's live assignment on this version, if they have one."""
        if user is None:
            return None
        return next((a for a in self.assignments if a.reviewer_id == user.pk), None)


def round_state(version: FrozenVersion) -> RoundState:
    rows = list(Assignment.objects.filter(version=version).order_by("id"))
    return RoundState(
        version,
        [a for a in rows if a.replaced_at is None],
        [a for a in rows if a.replaced_at is not None],
    )


def access_round(user: Any, version: FrozenVersion) -> RoundState:
    """Who reviews the version and who has submitted or signed off; every team member."""
    require_panel_reader(user, version.case)
    return round_state(version)


def access_findings(user: Any, version: FrozenVersion) -> dict[str, dict[str, Finding]]:
    """The findings the user may read: reviewer name → element → finding.

    Before every reviewer has submitted: the user's own (drafts too), and nobody else's. Once
    all have: every live reviewer's submitted findings.
    """
    require_panel_reader(user, version.case)
    state = round_state(version)
    mine = state.of(user)
    if state.complete:
        visible = set(state.core().visible_to(mine.reviewer_name if mine else ""))
        wanted = [a for a in state.assignments if a.reviewer_name in visible]
    else:
        wanted = [mine] if mine is not None else []  # one's own drafts, and no one else's
    by_id = {a.pk: a.reviewer_name for a in wanted}
    found: dict[str, dict[str, Finding]] = {name: {} for name in by_id.values()}
    for finding in Finding.objects.filter(assignment_id__in=list(by_id)).order_by("id"):
        found[by_id[finding.assignment_id]][finding.element] = finding
    return found


def access_own_assignment(user: Any, version: FrozenVersion) -> Assignment:
    """The user's live assignment on the version, or `NotPermitted`."""
    require_panel_reader(user, version.case)
    mine = round_state(version).of(user)
    if mine is None:
        from expediente_web.cases.access import NotPermitted

        raise NotPermitted(
            _("%(user)s is not a reviewer of version %(number)s")
            % {"user": getattr(user, "username", "-"), "number": version.number}
        )
    return mine
