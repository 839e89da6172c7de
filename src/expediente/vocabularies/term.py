"""Terms and vocabularies: the controlled values every record uses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["LANGUAGES", "Language", "Replacement", "Term", "Vocabulary"]

Language = Literal["en", "es"]
LANGUAGES: tuple[Language, ...] = ("en", "es")


@dataclass(frozen=True, slots=True)
class Term:
    """One controlled value, e.g. ``act.torture``.

    Attributes:
        id: the stable identifier stored in records.
        vocabulary: the id of the vocabulary it belongs to.
        en: English label.
        es: Spanish label.
        parent: id of the broader term in the same set, if any.
        aliases: other names a source may use, per language (matched by ``resolve``).
        refs: ids of related terms in other vocabularies (e.g. an act type's candidate
            art. 7 crimes); suggestions for an analyst, never legal conclusions.
        unit: the unit of a measure (``kg``, ``day``, ``m``).
        description: optional longer explanation, in both languages or none.
        evidence_hints: guidance for documenters on what proves or disproves the term, per
            language (the same number of hints in each); empty when the term has none.
        attributes: any further keys of the data file (element type, number...).
    """

    id: str
    vocabulary: str
    en: str
    es: str
    parent: str | None = None
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    refs: tuple[str, ...] = ()
    unit: str | None = None
    description: Mapping[str, str] = field(default_factory=dict)
    attributes: Mapping[str, Any] = field(default_factory=dict)
    evidence_hints: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def label(self, lang: str = "en") -> str:
        """The label in ``lang`` (``en`` or ``es``); English for any other language."""
        return self.es if lang == "es" else self.en

    def hints(self, lang: str = "en") -> tuple[str, ...]:
        """The evidence hints in ``lang`` (``en`` or ``es``); English for any other language."""
        return tuple(self.evidence_hints.get("es" if lang == "es" else "en", ()))


@dataclass(frozen=True, slots=True)
class Replacement:
    """A term id that was withdrawn and the id that replaces it.

    Records and files written before the change still carry the old id; ``resolve``
    maps it onto the new one and :meth:`VocabularySet.replacement` says so, so that an
    import can warn instead of refusing the value.
    """

    old_id: str
    new_id: str
    vocabulary: str
    since: str
    reason: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """A versioned list of terms loaded from one data file."""

    id: str
    version: str
    label: Mapping[str, str]
    description: Mapping[str, str]
    terms: tuple[Term, ...]
    path: str
    notes: Mapping[str, str] = field(default_factory=dict)
    replaced: tuple[Replacement, ...] = ()
