"""Which elements a case's matrix (or a suspect's) holds, from what is selected in it.

The case's matrix is the contextual elements and the elements of each live selected crime; a
suspect's is the elements of each live mode of liability selected for them. The rows come from
the vocabulary through the legal core's `build_matrix`, so they follow the data files.
"""

from __future__ import annotations

from typing import Any

from expediente.legal.matrix import ElementMatrix, build_matrix
from expediente.legal.sources import Source as CoreSource
from expediente_web.assessment.access import access_lineage
from expediente_web.assessment.models import Selection
from expediente_web.cases.models import Case
from expediente_web.cases.validation import vocabularies
from expediente_web.records.models import Person

CONTEXTUAL_GROUP = "art7.contextual"


def crime_terms() -> list[str]:
    """The art. 7(1) crimes of the vocabulary, in its order."""
    return [
        t.id for t in vocabularies().terms("cah_elements") if t.attributes.get("type") == "crime"
    ]


def mode_terms() -> list[str]:
    """The modes of liability (art. 25(3), art. 28) of the vocabulary, in its order."""
    return [
        t.id for t in vocabularies().terms("liability_modes") if t.attributes.get("type") == "mode"
    ]


def selected_terms(case: Case, suspect: Person | None = None) -> list[str]:
    """The live selected crimes (no suspect) or the suspect's modes, in the vocabulary's order."""
    rows = Selection.objects.live().filter(case=case)
    rows = rows.filter(suspect__isnull=True) if suspect is None else rows.filter(suspect=suspect)
    chosen = set(rows.values_list("term", flat=True))
    order = crime_terms() if suspect is None else mode_terms()
    return [t for t in order if t in chosen]


def empty_matrix(
    terms: list[str], suspect: Person | None = None, sources: dict[str, CoreSource] | None = None
) -> ElementMatrix:
    """The matrix's rows for these crimes (or, for a suspect, modes), with no evidence yet."""
    vocab = vocabularies()
    if suspect is None:
        return build_matrix(vocab, terms, sources=sources)
    return build_matrix(vocab, [], modes=terms, sources=sources, contextual=False)


def element_ids(case: Case, suspect: Person | None = None) -> set[str]:
    """Every element id the case's (or the suspect's) matrix holds now."""
    return {row.spec.id for row in empty_matrix(selected_terms(case, suspect), suspect).rows}


def case_sources(user: Any, case: Case) -> dict[str, CoreSource]:
    """The case's sources with their lineage, as the core counts independent sources."""
    return {
        s.code: CoreSource(
            id=s.code,
            kind=s.kind,
            derived_from=tuple(s.derived_from or ()),
            origin=s.origin or None,
        )
        for s in access_lineage(user, case)
    }
