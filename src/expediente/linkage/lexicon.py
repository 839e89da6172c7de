"""Name lexicons: given names, surnames, nicknames and abbreviations.

The shipped files under ``linkage/data/`` are hand-compiled and approximate (see the data
README); a case can point the configuration at its own reference-population tables with the
same columns.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

from expediente.linkage.folding import fold

#: Frequency given to a name that the reference table does not list (per 100,000 people).
UNLISTED_PER_100K = 1.0


def _read_rows(path: Path | None, name: str) -> list[dict[str, str]]:
    if path is None:
        text = resources.files("expediente.linkage").joinpath("data", name).read_text("utf-8")
    else:
        text = Path(path).read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(lines))


@dataclass
class Lexicon:
    """Reference population of names and the variants that map onto them.

    Attributes:
        given: folded given name -> frequency per 100,000 people.
        surnames: folded surname -> frequency per 100,000 people.
        variants: folded nickname/abbreviation -> tuple of canonical given-name tokens.
        given_sex: folded given name -> sex vocabulary id.
    """

    given: dict[str, float]
    surnames: dict[str, float]
    variants: dict[str, tuple[str, ...]]
    given_sex: dict[str, str] = field(default_factory=dict)

    def given_frequency(self, token: str) -> float:
        """Relative frequency (0..1) of a given name in the reference population."""
        return self.given.get(token, UNLISTED_PER_100K) / 100_000

    def surname_frequency(self, token: str) -> float:
        """Relative frequency (0..1) of a surname in the reference population."""
        return self.surnames.get(token, UNLISTED_PER_100K) / 100_000

    def canonical_given(self, token: str) -> tuple[str, ...]:
        """Map a folded given-name token to canonical tokens (nickname, abbreviation, typo).

        Single letters (initials) and known names are returned as they are; an unknown token
        of five letters or more is corrected to the closest lexicon name when the two are
        very similar (Jaro-Winkler >= 0.93), since typos in given names are common and a
        lexicon of real names is the best guide to what was meant.
        """
        return _canonical_given_cached(self, token)

    def __hash__(self) -> int:  # identity hash so the lru_cache can key on the lexicon
        return id(self)


@lru_cache(maxsize=200_000)
def _canonical_given_cached(lexicon: Lexicon, token: str) -> tuple[str, ...]:
    if len(token) <= 1 or token in lexicon.given:
        return (token,)
    if token in lexicon.variants:
        return lexicon.variants[token]
    if len(token) >= 5:
        best = process.extractOne(
            token,
            lexicon.given.keys(),
            scorer=JaroWinkler.normalized_similarity,
            score_cutoff=0.93,
        )
        if best is not None:
            return (best[0],)
    return (token,)


def load_lexicon(
    given_path: Path | None = None,
    surnames_path: Path | None = None,
    variants_path: Path | None = None,
) -> Lexicon:
    """Load the lexicon, from the shipped data files unless paths are given."""
    return _load_cached(given_path, surnames_path, variants_path)


@lru_cache(maxsize=8)
def _load_cached(
    given_path: Path | None, surnames_path: Path | None, variants_path: Path | None
) -> Lexicon:
    given: dict[str, float] = {}
    sex: dict[str, str] = {}
    for row in _read_rows(given_path, "given_names.csv"):
        name = fold(row["name"]).replace(" ", "")
        given[name] = given.get(name, 0.0) + float(row.get("per_100k") or UNLISTED_PER_100K)
        if row.get("sex"):
            sex[name] = row["sex"]
    surnames = {
        fold(row["name"]).replace(" ", ""): float(row.get("per_100k") or UNLISTED_PER_100K)
        for row in _read_rows(surnames_path, "surnames.csv")
    }
    variants = {
        fold(row["variant"]): tuple(fold(row["canonical"]).split())
        for row in _read_rows(variants_path, "given_name_variants.csv")
    }
    return Lexicon(given=given, surnames=surnames, variants=variants, given_sex=sex)
