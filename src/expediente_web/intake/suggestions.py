"""Terms to suggest for a raw value that matched no vocabulary term, closest first.

A value is compared, ignoring case, accents and repeated blanks, with each term's id (and the
id's last part: `female` of `sex.female`), its labels in both languages and its aliases; the
score is the best `difflib` ratio over those names, with a bonus when one contains the other
as whole words (`Detenido arbitrariamente` → *Arbitrary detention*). Labels are given in the
reader's language.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache

from expediente.vocabularies import LANGUAGES, VocabularySet, fold, load_vocabularies

#: Suggestions shown per value.
SHOWN = 3
#: Lowest score a suggestion needs.
CUTOFF = 0.45


@dataclass(frozen=True)
class Suggestion:
    term_id: str
    label: str
    score: float


@lru_cache(maxsize=64)
def _names(vocabulary: str, digest: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    vocab = load_vocabularies()
    out = []
    for term in vocab.terms(vocabulary):
        names = {
            fold(term.id),
            fold(term.id.rsplit(".", 1)[-1].replace("_", " ")),
            fold(term.en),
            fold(term.es),
        }
        for lang in LANGUAGES:
            names.update(fold(a) for a in term.aliases.get(lang, ()))
        out.append((term.id, tuple(sorted(n for n in names if n))))
    return tuple(out)


def _score(value: str, name: str) -> float:
    ratio = difflib.SequenceMatcher(None, value, name).ratio()
    words, other = set(value.split()), set(name.split())
    if words and other and (words <= other or other <= words):
        ratio = max(ratio, 0.6 + 0.4 * len(words & other) / len(words | other))
    return ratio


def suggest(
    vocabulary: str,
    raw: str,
    lang: str = "en",
    *,
    shown: int = SHOWN,
    vocabularies: VocabularySet | None = None,
) -> list[Suggestion]:
    """The closest terms of `vocabulary` to `raw`, best first, labelled in `lang`."""
    vocab = vocabularies or load_vocabularies()
    value = fold(raw)
    if not value:
        return []
    scored = []
    for term_id, names in _names(vocabulary, vocab.digest):
        best = max((_score(value, n) for n in names), default=0.0)
        if best >= CUTOFF:
            scored.append((best, term_id))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [Suggestion(t, vocab.label(t, lang), round(s, 2)) for s, t in scored[:shown]]


def choices(vocabulary: str, lang: str = "en") -> list[tuple[str, str]]:
    """Every term of the vocabulary as (id, label in `lang`), by label."""
    vocab = load_vocabularies()
    return sorted(
        ((t.id, t.label(lang)) for t in vocab.terms(vocabulary)), key=lambda item: fold(item[1])
    )
