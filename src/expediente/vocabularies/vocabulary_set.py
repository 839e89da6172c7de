"""A validated set of vocabularies, with lookup and lenient matching of raw values."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping
from functools import lru_cache

from expediente.vocabularies.term import LANGUAGES, Replacement, Term, Vocabulary

__all__ = ["UnknownTermError", "VocabularySet", "fold"]


class UnknownTermError(KeyError):
    """A term or vocabulary id that the set does not hold."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown term"


@lru_cache(maxsize=65_536)
def fold(text: str) -> str:
    """Normalise a raw value for matching: no accents, case-folded, single spaces.

    ``"  Detención   ARBITRARIA "`` and ``"detencion arbitraria"`` fold alike.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


# Ids match before labels, labels before aliases; a key that two terms share at the same
# level is ambiguous and resolves to nothing rather than to a guess.
_AMBIGUOUS = "\x00ambiguous"


class VocabularySet:
    """All loaded vocabularies; build it with :func:`load_vocabularies`."""

    def __init__(self, vocabularies: Mapping[str, Vocabulary], digest: str = "") -> None:
        self._vocabularies = dict(vocabularies)
        self._terms: dict[str, Term] = {
            term.id: term for vocab in self._vocabularies.values() for term in vocab.terms
        }
        self._index: dict[str, dict[str, str]] = {
            vocab_id: _build_index(vocab) for vocab_id, vocab in self._vocabularies.items()
        }
        self._replaced: dict[str, Replacement] = {
            r.old_id: r for vocab in self._vocabularies.values() for r in vocab.replaced
        }
        self.digest = digest
        """SHA-256 over the data files' bytes, to record which vocabularies a result used."""

    # -- lookup ---------------------------------------------------------------------------
    def term(self, term_id: str) -> Term:
        """The term with this id.

        Raises:
            UnknownTermError: no such term.
        """
        try:
            return self._terms[term_id]
        except KeyError:
            raise UnknownTermError(f"unknown vocabulary term {term_id!r}") from None

    def get(self, term_id: str) -> Term | None:
        """The term with this id, or None."""
        return self._terms.get(term_id)

    def replacement(self, term_id: str) -> Replacement | None:
        """The replacement of a withdrawn term id, or None if the id was never replaced.

        An import that meets an old id should store :attr:`Replacement.new_id` and warn,
        naming both ids and the reason; ``resolve`` already maps the old id.
        """
        return self._replaced.get(term_id)

    def label(self, term_id: str, lang: str = "en") -> str:
        """The label of a term in ``en`` or ``es``."""
        return self.term(term_id).label(lang)

    def vocabulary(self, vocabulary_id: str) -> Vocabulary:
        """One vocabulary by id (e.g. ``act_types``).

        Raises:
            UnknownTermError: no such vocabulary.
        """
        try:
            return self._vocabularies[vocabulary_id]
        except KeyError:
            raise UnknownTermError(f"unknown vocabulary {vocabulary_id!r}") from None

    def terms(self, vocabulary_id: str) -> tuple[Term, ...]:
        """The terms of one vocabulary, in file order."""
        return self.vocabulary(vocabulary_id).terms

    def children(self, term_id: str) -> tuple[Term, ...]:
        """The terms whose parent is ``term_id``."""
        return tuple(t for t in self._terms.values() if t.parent == term_id)

    @property
    def vocabularies(self) -> Mapping[str, Vocabulary]:
        """Vocabularies by id."""
        return self._vocabularies

    @property
    def versions(self) -> dict[str, str]:
        """``{vocabulary id: version}``, for provenance records."""
        return {vid: v.version for vid, v in self._vocabularies.items()}

    def __contains__(self, term_id: object) -> bool:
        return term_id in self._terms

    def __iter__(self) -> Iterator[Term]:
        return iter(self._terms.values())

    def __len__(self) -> int:
        return len(self._terms)

    # -- matching -------------------------------------------------------------------------
    def resolve(self, vocabulary_id: str, raw: str) -> str | None:
        """Match a raw value onto a term id of one vocabulary.

        Matches the term ids, the English and Spanish labels and the aliases, ignoring
        case, accents and repeated blanks. Returns None when nothing matches or when the
        value matches two terms equally well. A withdrawn id resolves to the id that
        replaced it (see :meth:`replacement`).

        Raises:
            UnknownTermError: no such vocabulary.
        """
        try:
            index = self._index[vocabulary_id]
        except KeyError:
            raise UnknownTermError(f"unknown vocabulary {vocabulary_id!r}") from None
        found = index.get(raw)  # fast path: the raw value is already an id
        if found is None:
            found = index.get(fold(raw))
        if found is None:
            replaced = self._replaced.get(raw.strip())
            if replaced is not None and replaced.vocabulary == vocabulary_id:
                return replaced.new_id
        return None if found is None or found == _AMBIGUOUS else found

    def resolver(self, vocabulary_id: str) -> Mapping[str, str]:
        """The raw-key index of one vocabulary (folded keys and exact ids → term id).

        For hot loops; prefer :meth:`resolve`. Ambiguous keys are absent.
        """
        self.vocabulary(vocabulary_id)
        return {k: v for k, v in self._index[vocabulary_id].items() if v != _AMBIGUOUS}


def _build_index(vocab: Vocabulary) -> dict[str, str]:
    levels: list[dict[str, str]] = [{}, {}, {}]  # aliases, labels, ids (later wins)
    for term in vocab.terms:
        keys_by_level = (
            [a for lang in LANGUAGES for a in term.aliases.get(lang, ())],
            [term.en, term.es],
            [term.id],
        )
        for level, keys in zip(levels, keys_by_level, strict=True):
            for key in {fold(k) for k in keys}:
                previous = level.get(key)
                level[key] = term.id if previous in (None, term.id) else _AMBIGUOUS
    index: dict[str, str] = {}
    for level in levels:
        index.update(level)
    for term in vocab.terms:
        index[term.id] = term.id
    return index
