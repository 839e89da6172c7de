"""Finding people by name without a name index in clear.

Each part of a person's names (given names, surnames, nickname) is indexed as keyed HMACs — of
the folded part, of its canonical given name ("Pepe" → José), of its Spanish phonetic key, and
of the part with one letter left out (which is how one typo on either side still meets) — in
`NameToken` rows. Nothing there reads as a name without the key ring's index key. A search
makes the same tokens from the query, takes the persons sharing the most of them, decrypts
those candidates only, and ranks them by how closely their names match the query.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Sum
from rapidfuzz import fuzz

from expediente.linkage.folding import fold
from expediente.linkage.lexicon import load_lexicon
from expediente.linkage.names import name_tokens, normalise_nickname, parse_name
from expediente.linkage.phonetics import phonetic_key
from expediente_web.protection.cipher import blind_index, current_keyring
from expediente_web.protection.keyring import KeyRing

#: Weight of each kind of token: an exact part counts most, one letter off least.
WEIGHTS = {"n": 4, "c": 3, "p": 2, "d": 1}
#: Parts shorter than this give no one-letter-off tokens (too many short words meet).
MIN_DELETE_LENGTH = 4
#: Most candidates decrypted and ranked for one search.
MAX_CANDIDATES = 400
#: Persons per delete, tokens per insert (×10) when name tokens are re-made.
_BATCH = 2000


def _parts(values: dict[str, str]) -> tuple[list[str], list[str]]:
    """(given-name parts, other parts: surnames and nickname) of a person's names."""
    parsed = parse_name(load_lexicon(), full_name=values.get("full_name") or None,
                        given_names=values.get("given_names") or None,
                        first_surname=values.get("first_surname") or None,
                        second_surname=values.get("second_surname") or None,
                        nickname=values.get("nickname") or None)
    given = list(parsed.given)
    others = list(parsed.surnames)
    if parsed.nickname:
        others.append(parsed.nickname)
    # Every word of a full name as well, whatever the parse made of it.
    for word in name_tokens(values.get("full_name") or ""):
        if word not in given and word not in others:
            others.append(word)
    return given, others


def part_tokens(part: str, *, given: bool) -> dict[str, str]:
    """kind:value → kind for one folded name part (before keying)."""
    found: dict[str, str] = {f"n:{part}": "n"}
    if given:
        for canonical in load_lexicon().canonical_given(part):
            found.setdefault(f"c:{canonical}", "c")
    key = phonetic_key(part)
    if key:
        found.setdefault(f"p:{key}", "p")
    if len(part) >= MIN_DELETE_LENGTH:
        for i in range(len(part)):
            found.setdefault(f"d:{part[:i]}{part[i + 1:]}", "d")
        found.setdefault(f"d:{part}", "d")
    return found


def person_tokens(values: dict[str, str], ring: KeyRing | None = None) -> dict[str, int]:
    """Keyed token → weight for a person's protected name values."""
    given, others = _parts(values)
    tokens: dict[str, int] = {}
    for part in given + others:
        for raw, kind in part_tokens(part, given=part in given or part in _as_given(part)).items():
            token = blind_index("name_token", raw, ring)[:24]
            tokens[token] = max(tokens.get(token, 0), WEIGHTS[kind])
    return tokens


def _as_given(part: str) -> tuple[str, ...]:
    return load_lexicon().canonical_given(part)


@dataclass(frozen=True)
class Match:
    person: Any
    score: float
    """0–100: how closely the person's name matches the query."""


def query_parts(text: str) -> list[str]:
    nickname = normalise_nickname(text) if len(fold(text).split()) == 1 else None
    parts = name_tokens(text)
    if nickname and nickname not in parts:
        parts.append(nickname)
    return parts


def _part_score(query: list[str], words: list[str]) -> float:
    """Mean over the query's parts of how closely each matches its best part of the name: a
    name with more parts than the query (two surnames, a second given name) loses nothing."""
    if not query or not words:
        return 0.0
    return sum(max(fuzz.ratio(q, w) for w in words) for q in query) / len(query)


def _canonical(words: list[str]) -> str:
    """The words with nicknames and variants of given names put as the lexicon's names."""
    lexicon = load_lexicon()
    return " ".join(lexicon.canonical_given(w)[0] if lexicon.canonical_given(w) else w
                    for w in words)


def find_persons(case: Any, text: str, *, limit: int = 50) -> list[Match]:
    """Persons of `case` whose names match `text` (accents, a typo, one surname missing, a
    nickname), best first. The caller checks the reader may see identities."""
    from expediente_web.records.models import Person
    from expediente_web.search.models import NameToken

    parts = query_parts(text)
    if not parts:
        return []
    wanted: dict[str, int] = {}
    for part in parts:
        for raw, kind in part_tokens(part, given=True).items():
            token = blind_index("name_token", raw)[:24]
            wanted[token] = max(wanted.get(token, 0), WEIGHTS[kind])
    scored = (NameToken.objects.filter(case=case, token__in=list(wanted))
              .values("person_id").annotate(weight=Sum("weight"))
              .order_by("-weight", "person_id")[:MAX_CANDIDATES])
    ids = [row["person_id"] for row in scored]
    persons = Person.objects.live().filter(id__in=ids)
    folded_query = " ".join(parts)
    canonical_query = _canonical(parts)
    matches = []
    for person in persons:
        words = name_tokens(person.display_name())
        name, canonical = " ".join(words), _canonical(words)
        nickname = normalise_nickname(person.nickname) or ""
        score = max(_part_score(parts, words), _part_score(canonical_query.split(),
                                                           canonical.split()),
                    fuzz.token_set_ratio(folded_query, name),
                    fuzz.token_sort_ratio(folded_query, name),
                    fuzz.token_set_ratio(canonical_query, canonical),
                    fuzz.ratio(folded_query, nickname) if nickname else 0.0)
        matches.append(Match(person, float(score)))
    matches.sort(key=lambda m: (-m.score, m.person.id))
    return [m for m in matches if m.score >= 50][:limit]


def refresh_persons(persons: Iterable[Any], ring: KeyRing | None = None) -> None:
    """Re-make the name tokens of these persons (soft-deleted ones get none).

    An import refreshes tens of thousands of persons at once, each with a few dozen tokens: the
    key ring is resolved once, and the rows are written with one `executemany` per batch
    rather than as model instances."""
    from expediente_web.search.models import NameToken

    ring = ring or current_keyring()
    persons = list(persons)
    ids = [p.id for p in persons]
    for start in range(0, len(ids), _BATCH):
        NameToken.objects.filter(person__in=ids[start:start + _BATCH]).delete()
    meta = NameToken._meta
    q = connection.ops.quote_name
    columns = [meta.get_field(f).column for f in ("case", "person", "token", "weight")]
    insert = (f"INSERT INTO {q(meta.db_table)} ({', '.join(q(c) for c in columns)}) "  # noqa: S608 (identifiers from the models, values bound as parameters)
              f"VALUES ({', '.join(['%s'] * len(columns))})")
    rows: list[tuple[int, int, str, int]] = []
    with connection.cursor() as cursor:
        for person in persons:
            if person.deleted_at is not None:
                continue
            values = {k: getattr(person, k) or "" for k in (
                "full_name", "given_names", "first_surname", "second_surname", "nickname")}
            for token, weight in person_tokens(values, ring).items():
                rows.append((person.case_id, person.id, token, weight))
            if len(rows) >= _BATCH * 10:
                cursor.executemany(insert, rows)
                rows = []
        if rows:
            cursor.executemany(insert, rows)
