"""The element matrix: every element to prove, the evidence cited for it and its rating.

Rows are the contextual elements of art. 7 (``art7.contextual.1`` with its analytical parts
``.1.a``-``.1.e``, and ``art7.contextual.2``), then each selected crime's own elements as
the Elements of Crimes number them (the last two of every crime are the contextual
elements, which the crime's rows point to instead of repeating), each followed by its
alternative limbs and special intents; optionally the elements of modes of liability
(art. 25(3), art. 28) for a suspect. Everything comes from the vocabulary, so the
matrix follows the data files.

Each row holds the evidence cited for the element, marked as supporting or contradicting,
and an analyst's rating on the :class:`~expediente.legal.ladder.Ladder` with written
reasoning. The matrix computes warnings of its own (:class:`Flag`): one source only,
sources that are not independent, contradicted, one witness only, a rating with no
supporting evidence. Nothing here decides a rating: the analyst does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from expediente.legal.ladder import Ladder
from expediente.legal.sources import Source, independent_count, independent_groups
from expediente.vocabularies import Term, VocabularySet

__all__ = [
    "Assessment",
    "ElementMatrix",
    "ElementRow",
    "ElementSpec",
    "Evidence",
    "EvidenceKind",
    "Flag",
    "MatrixError",
    "Stance",
    "build_matrix",
]

EvidenceKind = Literal["act", "excerpt", "document", "pattern", "estimate"]
Stance = Literal["supports", "contradicts"]
EVIDENCE_KINDS: tuple[EvidenceKind, ...] = ("act", "excerpt", "document", "pattern", "estimate")
STANCES: tuple[Stance, ...] = ("supports", "contradicts")

CONTEXTUAL = ("art7.contextual.1", "art7.contextual.2")


class MatrixError(ValueError):
    """A request the matrix refuses: an unknown element or crime, an empty reasoning."""


class Flag(StrEnum):
    """A warning computed from the evidence; the values are ``element_flags`` term ids."""

    SINGLE_SOURCE = "flag.single_source"
    SOURCES_NOT_INDEPENDENT = "flag.sources_not_independent"
    CONTRADICTED = "flag.contradicted"
    ONE_WITNESS = "flag.one_witness"
    RATING_WITHOUT_EVIDENCE = "flag.rating_without_evidence"


@dataclass(frozen=True, slots=True)
class Evidence:
    """One item cited for an element.

    Attributes:
        kind: an act, an excerpt of a testimony or document, a document, a pattern
            indicator or an estimate.
        ref: the item's identifier in the case (uid, indicator name).
        stance: whether it supports or contradicts the element.
        source: the id of the source the item comes from, if it has one (pattern
            indicators and estimates computed over the whole case have none).
        witness: for testimonial evidence, the witness's pseudonym.
        note: the pinpoint or a comment (page, time range, paragraph).
    """

    kind: EvidenceKind
    ref: str
    stance: Stance = "supports"
    source: str | None = None
    witness: str | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if self.kind not in EVIDENCE_KINDS:
            kinds = ", ".join(EVIDENCE_KINDS)
            raise MatrixError(f"evidence {self.ref!r}: kind {self.kind!r} is not one of {kinds}")
        if self.stance not in STANCES:
            raise MatrixError(
                f"evidence {self.ref!r}: stance {self.stance!r} is not one of {STANCES}"
            )
        if not self.ref.strip():
            raise MatrixError("evidence needs a reference to the item it cites")


@dataclass(frozen=True, slots=True)
class ElementSpec:
    """What is to be proved: one row of the matrix, read from the vocabulary."""

    id: str
    group: str
    """``art7.contextual`` for the contextual elements, else the crime or mode id."""
    number: int | None
    kind: str
    en: str
    es: str
    parent: str | None = None
    """For an alternative limb or a special intent, the element it belongs to."""

    def label(self, lang: str = "en") -> str:
        return self.es if lang == "es" else self.en


@dataclass(frozen=True, slots=True)
class Assessment:
    """An analyst's rating of an element and the reasoning behind it."""

    status: Ladder = Ladder.NO_INFORMATION
    reasoning: str = ""
    analyst: str | None = None


@dataclass(slots=True)
class ElementRow:
    spec: ElementSpec
    evidence: list[Evidence] = field(default_factory=list)
    assessment: Assessment = field(default_factory=Assessment)

    @property
    def supporting(self) -> list[Evidence]:
        return [e for e in self.evidence if e.stance == "supports"]

    @property
    def contradicting(self) -> list[Evidence]:
        return [e for e in self.evidence if e.stance == "contradicts"]


class ElementMatrix:
    """Rows of elements for one case (or one suspect), in the order of the vocabulary."""

    def __init__(
        self,
        rows: Iterable[ElementRow],
        sources: Mapping[str, Source] | None = None,
        crime_refs: Mapping[str, tuple[str, ...]] | None = None,
    ) -> None:
        self._rows: dict[str, ElementRow] = {row.spec.id: row for row in rows}
        self.sources: dict[str, Source] = dict(sources or {})
        self._crime_refs = dict(crime_refs or {})

    # -- reading --------------------------------------------------------------------------
    @property
    def rows(self) -> list[ElementRow]:
        return list(self._rows.values())

    def row(self, element_id: str) -> ElementRow:
        try:
            return self._rows[element_id]
        except KeyError:
            raise MatrixError(f"element {element_id!r} is not in this matrix") from None

    def group(self, group_id: str) -> list[ElementRow]:
        """The rows of one crime or mode (or ``art7.contextual``), in order."""
        return [row for row in self._rows.values() if row.spec.group == group_id]

    @property
    def groups(self) -> list[str]:
        return list(dict.fromkeys(row.spec.group for row in self._rows.values()))

    # -- writing --------------------------------------------------------------------------
    def cite(self, element_id: str, evidence: Evidence) -> None:
        """Cite an item for an element (the same item twice is kept once)."""
        row = self.row(element_id)
        if evidence.source is not None and evidence.source not in self.sources:
            self.sources[evidence.source] = Source(evidence.source)
        if evidence not in row.evidence:
            row.evidence.append(evidence)

    def assess(self, element_id: str, status: Ladder, reasoning: str, analyst: str) -> None:
        """Set an element's rating; the analyst and the reasoning are required."""
        row = self.row(element_id)
        if not isinstance(status, Ladder):
            raise MatrixError(f"element {element_id!r}: {status!r} is not a rung of the ladder")
        if not reasoning.strip():
            raise MatrixError(f"element {element_id!r}: a rating needs written reasoning")
        if not analyst.strip():
            raise MatrixError(f"element {element_id!r}: a rating needs the analyst who set it")
        row.assessment = Assessment(status, reasoning.strip(), analyst.strip())

    # -- computed -------------------------------------------------------------------------
    def independent_sources(self, element_id: str) -> int:
        """How many independent sources the supporting evidence of an element comes from."""
        supporting = {e.source for e in self.row(element_id).supporting if e.source}
        return independent_count(supporting, self.sources)

    def flags(self, element_id: str) -> frozenset[Flag]:
        row = self.row(element_id)
        found: set[Flag] = set()
        supporting = row.supporting
        source_ids = {e.source for e in supporting if e.source}
        if len(source_ids) == 1:
            found.add(Flag.SINGLE_SOURCE)
        elif len(source_ids) > 1 and len(independent_groups(source_ids, self.sources)) < len(
            source_ids
        ):
            found.add(Flag.SOURCES_NOT_INDEPENDENT)
        if row.contradicting:
            found.add(Flag.CONTRADICTED)
        witnesses = {e.witness for e in supporting if e.witness}
        if len(witnesses) == 1:
            found.add(Flag.ONE_WITNESS)
        if row.assessment.status >= Ladder.REASONABLE_BASIS and not supporting:
            found.add(Flag.RATING_WITHOUT_EVIDENCE)
        return frozenset(found)

    def as_content(self) -> dict[str, object]:
        """Everything the matrix shows, as plain JSON-able data (for a frozen version).

        Rows in order, each with its element, rating (the ladder's term id), reasoning,
        analyst, evidence and computed warnings; feed it to
        :func:`expediente.legal.freeze.content_digest` to freeze it.
        """
        return {
            "rows": [
                {
                    "element": row.spec.id,
                    "group": row.spec.group,
                    "status": row.assessment.status.term_id,
                    "reasoning": row.assessment.reasoning,
                    "analyst": row.assessment.analyst,
                    "evidence": [
                        {
                            "kind": e.kind,
                            "ref": e.ref,
                            "stance": e.stance,
                            "source": e.source,
                            "witness": e.witness,
                            "note": e.note,
                        }
                        for e in row.evidence
                    ],
                    "flags": sorted(flag.value for flag in self.flags(row.spec.id)),
                }
                for row in self._rows.values()
            ],
            "sources": {
                sid: {"derived_from": list(src.derived_from), "origin": src.origin}
                for sid, src in sorted(self.sources.items())
            },
        }

    def effective_status(self, element_id: str) -> Ladder:
        """An element's rating, or the best of its alternative limbs when higher.

        Alternative limbs (``art7.1.i.1.a`` / ``.b``) each satisfy the element; a special
        intent is a further requirement, so a lower intent caps the element.
        """
        row = self.row(element_id)
        status = row.assessment.status
        children = [r for r in self._rows.values() if r.spec.parent == element_id]
        alternatives = [r.assessment.status for r in children if r.spec.kind == "alternative"]
        if alternatives:
            status = max(status, max(alternatives))
        intents = [r.assessment.status for r in children if r.spec.kind == "special_intent"]
        if intents:
            status = min(status, min(intents))
        return status

    def group_status(self, group_id: str) -> Ladder:
        """A crime (or mode) is only as well supported as its weakest element.

        The weakest of its own numbered elements and, for a crime, of the contextual
        elements it points to.
        """
        own = [r.spec.id for r in self.group(group_id) if r.spec.parent is None]
        if not own:
            raise MatrixError(f"{group_id!r} has no elements in this matrix")
        ids = own + [ref for ref in self._crime_refs.get(group_id, ()) if ref in self._rows]
        return min(self.effective_status(i) for i in ids)


def _numbered(vocab: VocabularySet, parent_id: str) -> list[Term]:
    children = [t for t in vocab.children(parent_id) if isinstance(t.attributes.get("n"), int)]
    return sorted(children, key=lambda t: int(t.attributes["n"]))


def _spec(term: Term, group: str, parent: str | None = None) -> ElementSpec:
    n = term.attributes.get("n")
    return ElementSpec(
        id=term.id,
        group=group,
        number=n if isinstance(n, int) else None,
        kind=str(term.attributes.get("type", "")),
        en=term.en,
        es=term.es,
        parent=parent,
    )


def build_matrix(
    vocab: VocabularySet,
    crimes: Sequence[str],
    *,
    modes: Sequence[str] = (),
    sources: Mapping[str, Source] | None = None,
    contextual: bool = True,
) -> ElementMatrix:
    """The empty matrix for the selected crimes (and modes of liability).

    Args:
        vocab: the vocabularies (``cah_elements`` and ``liability_modes``).
        crimes: art. 7(1) crime ids (``art7.1.e``, ``art7.1.g-1``).
        modes: mode ids of art. 25(3) or art. 28 (``art28.a``), for a suspect's matrix.
        sources: the case's sources, for the independence of the evidence.
        contextual: include the contextual elements (the default).

    Raises:
        MatrixError: naming every id that is not an art. 7 crime or a mode.
    """
    problems = []
    for crime in crimes:
        term = vocab.get(crime)
        if (
            term is None
            or term.vocabulary != "cah_elements"
            or term.attributes.get("type") != "crime"
        ):
            problems.append(f"{crime!r} is not an art. 7(1) crime of the vocabulary")
    for mode in modes:
        term = vocab.get(mode)
        if (
            term is None
            or term.vocabulary != "liability_modes"
            or term.attributes.get("type") != "mode"
        ):
            problems.append(f"{mode!r} is not a mode of liability of the vocabulary")
    if problems:
        raise MatrixError("; ".join(problems))
    rows: list[ElementRow] = []
    crime_refs: dict[str, tuple[str, ...]] = {}

    def add(term: Term, group: str) -> None:
        rows.append(ElementRow(_spec(term, group)))
        for child in vocab.children(term.id):
            rows.append(ElementRow(_spec(child, group, parent=term.id)))

    if contextual:
        for cid in CONTEXTUAL:
            add(vocab.term(cid), "art7.contextual")
    for crime in dict.fromkeys(crimes):
        refs: list[str] = []
        for element in _numbered(vocab, crime):
            contextual_refs = [r for r in element.refs if r in CONTEXTUAL]
            if contextual_refs:
                refs.extend(contextual_refs)
                continue
            add(element, crime)
        crime_refs[crime] = tuple(refs)
    for mode in dict.fromkeys(modes):
        for element in _numbered(vocab, mode):
            add(element, mode)
    return ElementMatrix(rows, sources, crime_refs)
