"""Likely duplicates of a person about to be recorded in the guided entry.

Two signs, as the linkage pages use them: the same ID number (found through its blind index,
so no number is decrypted to look) and a similar name. Name candidates come from the name
tokens the search keeps (`search.names.find_persons`); each is then compared with the new name
by the linkage engine's own given-name and surname comparisons, so that "similar" means here
what it means when sources are linked: a shared or phonetically equal given name and at least
the first surname agreeing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from expediente.linkage.comparisons import compare
from expediente.linkage.config import FieldSpec, LinkConfig
from expediente.linkage.prepare import prepare
from expediente_web.cases.models import Case
from expediente_web.records.access import find_persons_by_id_number
from expediente_web.records.models import Person

NAME_FIELDS = (FieldSpec("given_names", "given_names"), FieldSpec("surnames", "surnames"))
#: The lowest comparison levels that count as a similar name: given names "similar" (phonetic
#: or close spelling) and surnames "first agrees, second differs"; see LEVEL_NAMES.
GIVEN_SIMILAR = 2
SURNAMES_SIMILAR = 2
#: Name candidates compared at most (the search ranks them first).
MAX_NAME_CANDIDATES = 20

NAME_COLUMNS = ("full_name", "given_names", "first_surname", "second_surname", "nickname")


@dataclass
class Candidate:
    """A person already in the case who may be the one being recorded, and why."""

    person: Person
    reasons: list[str] = field(default_factory=list)


def _row(source: str, record: str, values: dict[str, str]) -> dict[str, Any]:
    row: dict[str, Any] = {"source_id": source, "record_id": record}
    row.update({name: (values.get(name) or None) for name in NAME_COLUMNS})
    return row


def similar_names(values: dict[str, str], persons: list[Person]) -> list[Person]:
    """The persons whose names the linkage comparisons find similar to `values`' names."""
    if not persons or not any(values.get(name) for name in NAME_COLUMNS):
        return []
    rows = [_row("entry", "new", values)]
    rows += [
        _row("case", str(p.pk), {name: getattr(p, name) or "" for name in NAME_COLUMNS})
        for p in persons
    ]
    frame = pl.DataFrame(rows, schema=dict.fromkeys(rows[0], pl.Utf8))
    prepared = prepare(frame, LinkConfig(fields=NAME_FIELDS))
    right = np.arange(1, len(rows), dtype=np.int64)
    left = np.zeros(len(right), dtype=np.int64)
    gamma = compare(prepared, NAME_FIELDS, left, right).gamma
    similar = (gamma[:, 0] >= GIVEN_SIMILAR) & (gamma[:, 1] >= SURNAMES_SIMILAR)
    return [p for p, keep in zip(persons, similar, strict=True) if keep]


def likely_duplicates(user: Any, case: Case, values: dict[str, str]) -> list[Candidate]:
    """Persons of the case who may be the person described by `values` (protected name fields
    and `id_number`), the same ID number first. The caller may see identities (the lookups
    refuse otherwise) and records what it shows."""
    from expediente_web.search.names import find_persons

    found: dict[int, Candidate] = {}
    id_number = (values.get("id_number") or "").strip()
    if id_number:
        for person in find_persons_by_id_number(user, case, id_number):
            found.setdefault(person.pk, Candidate(person)).reasons.append("id_number")
    name = " ".join(values.get(n) or "" for n in NAME_COLUMNS[:4]).strip() or values.get(
        "nickname", ""
    )
    if name:
        matches = find_persons(case, values.get("full_name") or name, limit=MAX_NAME_CANDIDATES)
        for person in similar_names(values, [m.person for m in matches]):
            found.setdefault(person.pk, Candidate(person)).reasons.append("name")
    return sorted(found.values(), key=lambda c: ("id_number" not in c.reasons, c.person.pk))
