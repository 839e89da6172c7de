"""The element findings a report shows: each element's rung on the ladder and what stands behind it.

For the case's matrix (the contextual elements and each selected crime) and, in editions for a
prosecutor, a commission or the team, each suspect's modes of liability: the rung the analyst
set, the number of supporting and contradicting items, the independent sources behind them and
the warnings the matrix computes. Suspects are named by pseudonym, like everyone in a report.

The analyst's written reasoning is free text that can name people: it is encrypted at rest and
stays in the case; a report states the rungs and the evidence counts, never the reasoning.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from expediente.legal.ladder import Ladder
from expediente_web.assessment.access import access_suspects
from expediente_web.assessment.loading import Group, load_matrix
from expediente_web.cases.models import Case
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
class Findings:
    groups: tuple[FindingGroup, ...]
    suspects: tuple[SuspectFindings, ...]
    rated: int
    """How many of the case's elements have a rating above *no information*."""
    elements: int

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
    )
