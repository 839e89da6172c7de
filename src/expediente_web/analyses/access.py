"""Permission-checked reads of linkage runs, the review queue, resolved persons and estimates.

Who may do what with a case's analyses:
- owner, analyst: run linkage and estimation, decide pairs in the review queue;
- documenter, reviewer, viewer: see runs, the queue, resolved persons and estimates, but not
  decide (a decision changes every count that follows from linkage, so it is kept to the roles
  answerable for the analysis);
- names, ID numbers and birth dates are shown only to roles that may see protected fields
  (owner, analyst, documenter); the others see pseudonyms;
- reviewers' notes on pair decisions often repeat a name, a cédula or a phone number, so they
  are shown only to those same roles; the others learn that a note exists, not what it says;
- a user without a role in the case gets a 404, as for the case itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import BooleanField, Q, Value, When
from django.db.models import Case as Choose
from django.http import Http404

from expediente_web.analyses.models import EstimateRun, LinkRun, PairDecision, ReviewPair
from expediente_web.cases.access import NotPermitted, can_view_protected, require_role, role_in
from expediente_web.cases.models import Case

ANALYSIS_ROLES = frozenset({"role.owner", "role.analyst"})
"""Roles that run linkage and estimation and decide pairs."""


def can_decide(user: Any, case: Case) -> bool:
    """Whether the user may decide pairs and re-run analyses in this case."""
    return role_in(user, case) in ANALYSIS_ROLES


def require_analysis_role(actor: Any, case: Case, doing: str) -> None:
    """Let the operator (`actor` None, at the console) and analysis roles through."""
    if actor is None:
        return
    require_role(actor, case, ANALYSIS_ROLES, doing)


def _member(user: Any, case: Case) -> None:
    if user is None:
        return
    if role_in(user, case) is None:
        raise Http404(f"No case {case.code!r}")


def access_link_run_by_uid(user: Any, case: Case, uid: str | None = None) -> LinkRun:
    """A linkage run of the case (the latest when `uid` is None); 404 when there is none."""
    _member(user, case)
    runs = LinkRun.objects.filter(case=case)
    if uid:
        # A malformed id (typed into the address) is a run that is not there, not a crash.
        try:
            uuid.UUID(uid)
        except ValueError:
            raise Http404(f"No linkage run in case {case.code} with that id") from None
    run = runs.filter(uid=uid).first() if uid else runs.first()
    if run is None:
        raise Http404(f"No linkage run in case {case.code}" + (f" with id {uid}" if uid else ""))
    return run


def latest_link_run(user: Any, case: Case) -> LinkRun | None:
    """The latest linkage run of the case, or None."""
    _member(user, case)
    return LinkRun.objects.filter(case=case).first()


def access_review_pair_by_id(user: Any, case: Case, pair_id: int) -> ReviewPair:
    """A queued pair of one of the case's runs; 404 otherwise."""
    _member(user, case)
    pair = (ReviewPair.objects.filter(run__case=case, pk=pair_id)
            .select_related("run", "record_a", "record_b").first())
    if pair is None:
        raise Http404(f"No pair {pair_id} in the review queue of case {case.code}")
    return pair


def access_estimate_run_by_uid(user: Any, case: Case, uid: str) -> EstimateRun:
    """An estimate of the case; 404 otherwise."""
    _member(user, case)
    run = EstimateRun.objects.filter(case=case, uid=uid).select_related("link_run").first()
    if run is None:
        raise Http404(f"No estimate {uid} in case {case.code}")
    return run


def access_estimate_runs(user: Any, case: Case) -> Any:
    """The case's estimates, newest first (with their linkage run)."""
    _member(user, case)
    return EstimateRun.objects.filter(case=case).select_related("link_run")


@dataclass(frozen=True)
class DecisionView:
    """What a page may show of one reviewer's decision."""

    record_a_uid: str
    record_b_uid: str
    decision: str
    actor: str
    created_at: datetime
    note: str
    """The note, or "" when there is none or the user's role may not read it."""
    note_withheld: bool
    """True when there is a note that the user's role may not read."""


def access_pair_decisions(user: Any, case: Case, record_ids: Iterable[int]) -> list[DecisionView]:
    """The case's decisions on pairs that involve any of the given person records, newest
    first; notes only for roles that may see protected fields."""
    _member(user, case)
    ids = list(record_ids)
    show = user is None or can_view_protected(user, case)
    decisions = (PairDecision.objects.filter(case=case)
                 .filter(Q(record_a_id__in=ids) | Q(record_b_id__in=ids))
                 .select_related("record_a", "record_b")
                 # Of the records, their uids only: nothing protected is decrypted. A note the
                 # role may not read is not decrypted either.
                 .only("uid", "decision", "actor", "created_at", "record_a__uid",
                       "record_b__uid", *(["note"] if show else []))
                 # An empty note is stored empty, not encrypted: this needs no decryption.
                 .annotate(has_note=Choose(When(note="", then=Value(False)), default=Value(True),
                                           output_field=BooleanField())))
    return [
        DecisionView(
            record_a_uid=str(d.record_a.uid), record_b_uid=str(d.record_b.uid),
            decision=d.decision, actor=d.actor, created_at=d.created_at,
            note=d.note if show else "", note_withheld=d.has_note and not show,
        )
        for d in decisions
    ]


__all__ = [
    "ANALYSIS_ROLES",
    "DecisionView",
    "NotPermitted",
    "access_estimate_run_by_uid",
    "access_estimate_runs",
    "access_link_run_by_uid",
    "access_pair_decisions",
    "access_review_pair_by_id",
    "can_decide",
    "latest_link_run",
    "require_analysis_role",
]
