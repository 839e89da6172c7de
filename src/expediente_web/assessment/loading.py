"""The case's (or a suspect's) element matrix as the legal core computes it, from what is stored.

`load_matrix` reads the selections, the live citations and the ratings in a fixed number of
queries, turns each citation into the core's `Evidence` (with the source it comes from and, for
testimony, the witness's pseudonym) and each rating into its `Assessment`, and returns the rows
a page shows: the element, its rung, the group's rung, counts, independent sources and flags.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from expediente.legal.ladder import Ladder
from expediente.legal.matrix import ElementMatrix, ElementSpec, Evidence, Flag
from expediente_web.assessment.access import (
    access_citations,
    access_ratings,
    access_selections,
)
from expediente_web.assessment.elements import (
    CONTEXTUAL_GROUP,
    case_sources,
    crime_terms,
    empty_matrix,
    mode_terms,
)
from expediente_web.assessment.models import ElementCitation, ElementRating, Selection
from expediente_web.cases.models import Case
from expediente_web.records.models import Person
from expediente_web.workspace.identities import person_pseudonym

_SEALED = "(written, encrypted at rest)"


@dataclass
class Row:
    """One element as a page shows it."""

    spec: ElementSpec
    status: Ladder
    rating: ElementRating | None
    citations: list[ElementCitation]
    supporting: int
    contradicting: int
    independent: int
    flags: list[Flag]

    @property
    def depth(self) -> int:
        return 1 if self.spec.parent else 0


@dataclass
class Group:
    """The contextual elements, one crime or one mode, with its rows and its rung."""

    id: str
    selection: Selection | None
    status: Ladder | None
    rows: list[Row] = field(default_factory=list)

    @property
    def contextual(self) -> bool:
        return self.id == CONTEXTUAL_GROUP


@dataclass
class LoadedMatrix:
    matrix: ElementMatrix
    groups: list[Group]
    selections: list[Selection]

    def row(self, element: str) -> Row | None:
        for group in self.groups:
            for row in group.rows:
                if row.spec.id == element:
                    return row
        return None


def _source_of(citation: ElementCitation) -> str | None:
    source = None
    if citation.kind == "act" and citation.act is not None:
        source = citation.act.source
    elif citation.kind == "excerpt" and citation.excerpt is not None:
        excerpt = citation.excerpt
        holder = excerpt.testimony or excerpt.item
        source = holder.source if holder is not None else None
    elif citation.kind == "document" and citation.item is not None:
        source = citation.item.source
    return source.code if source is not None else None


def _witness_of(citation: ElementCitation) -> str | None:
    if citation.kind != "excerpt" or citation.excerpt is None:
        return None
    testimony = citation.excerpt.testimony
    if testimony is None:
        return None
    if testimony.witness is not None:
        return person_pseudonym(testimony.witness)
    return f"testimony:{testimony.uid}"  # an unlinked witness: the testimony stands for them


def gone(citation: ElementCitation) -> bool:
    """Whether the cited record was deleted since it was cited."""
    target = {"act": citation.act, "document": citation.item}.get(citation.kind)
    if citation.kind == "excerpt" and citation.excerpt is not None:
        target = citation.excerpt.testimony or citation.excerpt.item
    return target is not None and getattr(target, "deleted_at", None) is not None


def evidence_of(citation: ElementCitation) -> Evidence:
    """The core's view of a stored citation (the note stays out: it is the team's text)."""
    return Evidence(
        kind=citation.kind,  # type: ignore[arg-type]
        ref=citation.ref,
        stance=citation.stance,  # type: ignore[arg-type]
        source=_source_of(citation),
        witness=_witness_of(citation),
    )


def load_matrix(user: Any, case: Case, suspect: Person | None = None) -> LoadedMatrix:
    """The matrix of the case (no suspect) or of a suspect's modes, with every computed column."""
    selections = list(access_selections(user, case, suspect))
    by_term = {s.term: s for s in selections}
    order = crime_terms() if suspect is None else mode_terms()
    terms = [t for t in order if t in by_term]
    matrix = empty_matrix(terms, suspect, sources=case_sources(user, case))
    known = {row.spec.id for row in matrix.rows}
    cited: dict[str, list[ElementCitation]] = {}
    for citation in access_citations(user, case, suspect):
        if citation.element in known:
            cited.setdefault(citation.element, []).append(citation)
            if not gone(citation):  # a deleted record is listed, and no longer counts
                matrix.cite(citation.element, evidence_of(citation))
    ratings = {
        r.element: r
        for r in access_ratings(user, case, suspect).defer("reasoning")
        if r.element in known
    }
    for element, rating in ratings.items():
        # The reasoning stays sealed here: the warnings need the rung only.
        matrix.assess(element, Ladder.from_term(rating.status), _SEALED, rating.analyst_name or "-")
    groups: dict[str, Group] = {}
    for element in matrix.rows:
        group_id = element.spec.group
        if group_id not in groups:
            groups[group_id] = Group(group_id, by_term.get(group_id), matrix.group_status(group_id))
        element_id = element.spec.id
        groups[group_id].rows.append(
            Row(
                spec=element.spec,
                status=element.assessment.status,
                rating=ratings.get(element_id),
                citations=cited.get(element_id, []),
                supporting=len(element.supporting),
                contradicting=len(element.contradicting),
                independent=matrix.independent_sources(element_id),
                flags=sorted(matrix.flags(element_id), key=lambda f: list(Flag).index(f)),
            )
        )
    return LoadedMatrix(matrix, list(groups.values()), selections)
