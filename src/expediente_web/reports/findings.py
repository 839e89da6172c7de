"""The element findings a report shows: each element's rung on the ladder and what stands behind it.

For the case's matrix (the contextual elements and each selected crime) and, in editions for a
prosecutor, a commission or the team, each suspect's modes of liability: the rung the analyst
set, the number of supporting and contradicting items, the independent sources behind them and
the warnings the matrix computes. Suspects are named by pseudonym, like everyone in a report.

Where the independent panel has reviewed a frozen version of the matrix and every reviewer has
signed it off, the latest such review follows: its version and digest, and per element the
analyst's rung as frozen, the panel's majority (or none), how many reviewers dissent and the
spread on the ladder, with Krippendorff's alpha over all the elements. Reviewers are counted, not
named, and their reasoning stays in the case like the analyst's.

The analyst's written reasoning is free text that can name people: it is encrypted at rest and
stays in the case; a report states the rungs and the evidence counts, never the reasoning.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from expediente.legal.ladder import Ladder
from expediente_web.assessment.access import access_suspects
from expediente_web.assessment.loading import Group, load_matrix
from expediente_web.cases.models import Case
from expediente_web.panel.access import (
    VersionAltered,
    access_versions,
    round_state,
    verified_content,
)
from expediente_web.panel.consolidation import consolidated
from expediente_web.protection.cipher import pseudonym

#: Editions whose recipients assess individual responsibility: the suspects' matrices go there.
SUSPECT_EDITIONS = frozenset({"otp", "oas", "iachr", "confidential"})


@dataclass(frozen=True)
class FindingRow:
    element: str
    label: str
    depth: int
    rung: str
    level: int
    """The rung's place on the ladder, 0 (no information) to 4 (substantial grounds)."""
    supporting: int
    contradicting: int
    independent: int
    flags: tuple[str, ...]


@dataclass(frozen=True)
class FindingGroup:
    id: str
    label: str
    rung: str
    level: int
    rows: tuple[FindingRow, ...]


@dataclass(frozen=True)
class SuspectFindings:
    pseudonym: str
    groups: tuple[FindingGroup, ...]


@dataclass(frozen=True)
class PanelRow:
    element: str
    label: str
    depth: int
    analyst: str
    """The analyst's rung as the version froze it."""
    majority: str | None
    """The rung more than half of the reviewers chose; None when none did."""
    level: int | None
    dissent: int
    spread: int


@dataclass(frozen=True)
class PanelGroup:
    label: str
    alpha: float | None
    rows: tuple[PanelRow, ...]


@dataclass(frozen=True)
class PanelReview:
    version: int
    digest: str
    frozen_at: str
    closed_at: dt.datetime
    reviewers: int
    alpha: float | None
    groups: tuple[PanelGroup, ...]


@dataclass(frozen=True)
class Findings:
    groups: tuple[FindingGroup, ...]
    suspects: tuple[SuspectFindings, ...]
    rated: int
    """How many of the case's elements have a rating above *no information*."""
    elements: int
    panel: PanelReview | None = None

    @property
    def crimes(self) -> int:
        return sum(1 for g in self.groups if g.id != "art7.contextual")


def _term(term_id: str) -> str:
    from expediente_web.site.templatetags.vocab import term

    return term(term_id)


def _group(group: Group, language: str) -> FindingGroup:
    status = group.status if group.status is not None else Ladder.NO_INFORMATION
    rows = tuple(
        FindingRow(
            element=row.spec.id,
            label=row.spec.label(language),
            depth=row.depth,
            rung=_term(row.status.term_id),
            level=int(row.status),
            supporting=row.supporting,
            contradicting=row.contradicting,
            independent=row.independent,
            flags=tuple(_term(flag.value) for flag in row.flags),
        )
        for row in group.rows
    )
    label = _("Contextual elements") if group.contextual else _term(group.id)
    return FindingGroup(group.id, label, _term(status.term_id), int(status), rows)


def _panel_row(element: dict[str, Any], consensus: Any, language: str) -> PanelRow:
    majority = consensus.majority
    return PanelRow(
        element=element["id"],
        label=element["label_es"] if language == "es" else element["label_en"],
        depth=1 if element.get("parent") else 0,
        analyst=_term(element["rung"]),
        majority=_term(majority.term_id) if majority is not None else None,
        level=int(majority) if majority is not None else None,
        dissent=len(consensus.dissent),
        spread=consensus.spread,
    )


def panel_review(actor: Any, case: Case, language: str) -> PanelReview | None:
    """The latest frozen version every reviewer has signed off, consolidated; None if none is.

    A version whose snapshot no longer matches its digest is passed over, never shown.
    """
    for version in access_versions(actor, case):
        state = round_state(version)
        if not state.signed_off:
            continue
        try:
            content = verified_content(version)
        except VersionAltered:
            continue
        result = consolidated(actor, version, content)
        groups = []
        for group in result.groups:
            contextual = group.group.get("contextual")
            label = _("Contextual elements") if contextual else _term(group.group["id"])
            rows = tuple(_panel_row(r.element, r.consensus, language) for r in group.rows)
            groups.append(PanelGroup(label, group.alpha, rows))
        return PanelReview(
            version=version.number,
            digest=version.digest,
            frozen_at=str(content.get("frozen_at", ""))[:10],
            closed_at=state.closed_at,
            reviewers=len(result.reviewers),
            alpha=result.alpha,
            groups=tuple(groups),
        )
    return None


def findings(actor: Any, case: Case, edition: str, language: str) -> Findings:
    """The element findings of the case for an edition, in `language` (already active)."""
    loaded = load_matrix(actor, case)
    groups = tuple(_group(g, language) for g in loaded.groups)
    every = [row for g in groups for row in g.rows]
    suspects: list[SuspectFindings] = []
    if edition in SUSPECT_EDITIONS:
        for person in access_suspects(actor, case):
            matrix = load_matrix(actor, case, person)
            if matrix.groups:
                suspects.append(
                    SuspectFindings(
                        pseudonym("P", str(person.uid)),
                        tuple(_group(g, language) for g in matrix.groups),
                    )
                )
    return Findings(
        groups=groups,
        suspects=tuple(sorted(suspects, key=lambda s: s.pseudonym)),
        rated=sum(1 for row in every if row.level > 0),
        elements=len(every),
        panel=panel_review(actor, case, language),
    )
