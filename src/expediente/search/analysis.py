"""Words to index terms: lower case, Spanish and English Snowball stems, accents folded.

Each word of a text is indexed under its Spanish stem and its English stem (one term when they
agree): "golpearon" and "golpes" meet at `golp`, "tortured" and "torturas" at `tortur`, and
"detención" is found by "detencion". A query word matches a text word when they share a stem.
Accents and case never matter; the index holds stems, never the text as written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

#: A word: letters and digits, with inner apostrophes or hyphens (d'Alessandro, 0414-555).
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*", re.UNICODE)
#: Longest query, in characters, and most words in one query.
MAX_QUERY_CHARS = 500
MAX_QUERY_WORDS = 20
#: Shortest prefix a `word*` query may use (shorter ones would match most of the index).
MIN_PREFIX = 3


class QueryError(ValueError):
    """A query that cannot be run: empty, too long, or with a bad prefix."""


@lru_cache(maxsize=2)
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(language)


def fold(text: str) -> str:
    """Lower case without accents: "Detención" → "detencion"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=200_000)
def word_terms(word: str) -> tuple[str, ...]:
    """The index terms of one word: its folded Spanish and English stems."""
    lower = word.lower().replace("’", "'")
    found: list[str] = []
    for language in ("spanish", "english"):
        term = fold(_stemmer(language).stemWord(lower)).replace("'", "").replace("-", "")
        if term and term not in found:
            found.append(term)
    return tuple(found)


@dataclass(frozen=True)
class Token:
    """A word of a text: where it is, and the terms it is indexed under."""

    start: int
    end: int
    terms: tuple[str, ...]


def tokens(text: str) -> list[Token]:
    return [Token(m.start(), m.end(), word_terms(m.group())) for m in _WORD.finditer(text)]


def index_terms(text: str) -> str:
    """The text's terms, space-separated, in order (what the backends index)."""
    return " ".join(term for m in _WORD.finditer(text) for term in word_terms(m.group()))


@dataclass(frozen=True)
class Query:
    """A parsed query: every word must match (AND); a word matches any of its terms (OR)."""

    words: tuple[tuple[str, ...], ...]
    prefixes: tuple[str, ...] = ()
    """Words written `word*`: match any term that starts with the folded word."""

    @property
    def terms(self) -> frozenset[str]:
        return frozenset(t for alternatives in self.words for t in alternatives)

    def matches_token(self, token: Token) -> bool:
        if self.terms.intersection(token.terms):
            return True
        return any(t.startswith(p) for p in self.prefixes for t in token.terms)


def parse_query(text: str) -> Query:
    """Words of `text` (quotes and punctuation ignored); `word*` is a prefix.

    Raises:
        QueryError: nothing to search for, a query too long, or a prefix too short.
    """
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is longer than {MAX_QUERY_CHARS} characters")
    words: list[tuple[str, ...]] = []
    prefixes: list[str] = []
    for match in _WORD.finditer(text):
        word = match.group()
        if text[match.end():match.end() + 1] == "*":
            prefix = fold(word).replace("'", "").replace("-", "")
            if len(prefix) < MIN_PREFIX:
                raise QueryError(f"a prefix needs at least {MIN_PREFIX} letters: {word}*")
            prefixes.append(prefix)
        else:
            terms = word_terms(word)
            if terms and terms not in words:
                words.append(terms)
    if not words and not prefixes:
        raise QueryError("the query has no word to search for")
    if len(words) + len(prefixes) > MAX_QUERY_WORDS:
        raise QueryError(f"the query has more than {MAX_QUERY_WORDS} words")
    return Query(tuple(words), tuple(prefixes))
