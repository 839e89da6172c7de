"""Digests of case-record rows, so that the audit log says what each write left behind.

A row's digest is SHA-256 over its table, its id and every stored column as the database holds
it. A protected column counts by the SHA-256 of its ciphertext, so no digest is computed over an
identifying value in clear. Rows are read back with plain SQL (never through the model, which
would decrypt), the same way when a write records them and when `audit verify --records`
re-derives them, so both see the same values.

A write passes a `RowSet` to `chain.append` (`rows=`, or in its payload under "digests"); the entry
holds, per table, the number of rows and a hash over their sorted `id:digest` lines, and each
row's digest is kept in `RowDigest` under the entry's sequence number.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from typing import Any

from django.apps import apps
from django.db import connection, models

# The models whose rows make up a case record, in the order `verify --records` reports them.
TRACKED = (
    "cases.case",
    "cases.membership",
    "cases.source",
    "records.location",
    "records.unit",
    "records.person",
    "records.position",
    "records.event",
    "records.act",
    "records.measuredfact",
    "records.involvement",
    "records.testimony",
    "records.comment",
    "records.review",
    "evidence.evidenceitem",
    "evidence.custodyevent",
    "evidence.excerpt",
    "evidence.citation",
    "panel.frozenversion",
    "panel.assignment",
    "panel.finding",
)

# Rows a service writes together with the object it audits: (child model, foreign key name).
# `record_write` digests these children of its object as well (e.g. the measured facts and
# involvements of an act, the custody events of an evidence item).
CHILDREN = {
    "records.act": (("records.measuredfact", "act"), ("records.involvement", "act"),
                    ("records.review", "act")),
    "records.testimony": (("records.review", "testimony"),),
    "evidence.evidenceitem": (("evidence.custodyevent", "item"),),
    "evidence.excerpt": (("evidence.citation", "excerpt"),),
    "cases.case": (("cases.membership", "case"),),
    "panel.assignment": (("panel.finding", "assignment"),),
}

# Columns added to a tracked table after rows were digested, with the value they hold in those
# rows. A column here counts in a row's digest only when it holds something else, so adding a
# column does not change the digest of any row written before it (an upgrade leaves `verify
# --records` clean), and a value later set in it is covered like any other. New columns of a
# tracked model belong here; a test checks that every tracked column is either in the table's
# first layout or listed.
ADDED: dict[str, dict[str, Any]] = {
    "cases.source": {"derived_from": [], "origin": ""},
    # Hearings and de facto posts (the record model).
    "records.testimony": {"hearing": None},
    "records.position": {"basis": "post.de_jure", "held_at": "", "controls": None},
}

_CHUNK = 500  # ids per `IN (…)` query


@dataclass(frozen=True)
class Layout:
    """How one tracked table is read: its columns, and which of them are protected."""

    label: str
    table: str
    columns: tuple[str, ...]
    protected: frozenset[int]  # positions in `columns`
    added: dict[int, frozenset[Any]]  # position in `columns` → the plain forms of its default
    select: str  # SELECT pk, columns… FROM table (no WHERE)
    pk: str  # the quoted primary-key column


@cache
def layout(label: str) -> Layout:
    from expediente_web.protection.fields import ProtectedTextField

    model = apps.get_model(label)
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    columns = tuple(f.column for f in fields)
    pk = model._meta.pk.column
    select = (
        f"SELECT {quote(pk)}, {', '.join(quote(c) for c in columns)} "  # noqa: S608 (identifiers from the models, values bound as parameters)
        f"FROM {quote(model._meta.db_table)}"
    )
    protected = frozenset(n for n, f in enumerate(fields) if isinstance(f, ProtectedTextField))
    later = ADDED.get(label, {})
    added = {
        n: _default_forms(later[f.name]) for n, f in enumerate(fields) if f.name in later
    }
    return Layout(label, model._meta.db_table, columns, protected, added, select, quote(pk))


def _default_forms(default: Any) -> frozenset[Any]:
    """The forms a column's default can come back in from a plain cursor (JSON as text on
    SQLite, decoded on PostgreSQL; a boolean as 0 or False)."""
    forms = {_plain(default)}
    if isinstance(default, (list, dict)):
        forms |= {json.dumps(default), json.dumps(default, separators=(",", ":"))}
    if isinstance(default, bool):
        forms.add(int(default))
    if default is None or default == "":
        forms |= {None, ""}
    return frozenset(forms)


def layout_of_table(table: str) -> Layout | None:
    for label in TRACKED:
        if layout(label).table == table:
            return layout(label)
    return None


def is_tracked(obj: models.Model | type[models.Model]) -> bool:
    return obj._meta.label_lower in TRACKED


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def digest_row(lay: Layout, row: tuple[Any, ...]) -> str:
    """The digest of one row as `lay.select` returns it (id first)."""
    values = [lay.table, row[0]]
    for n, value in enumerate(row[1:]):
        if n in lay.added and _plain(value) in lay.added[n]:
            continue  # a column added later, still as the rows before it hold it
        if n in lay.protected and value:
            values.append("sha256:" + hashlib.sha256(str(value).encode()).hexdigest())
        else:
            values.append(_plain(value))
    body = json.dumps(values, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def current_digests(label: str, ids: Iterable[int]) -> dict[int, str]:
    """id → digest of the rows of `label` with these ids, read from the database now."""
    lay = layout(label)
    wanted = sorted(set(ids))
    out: dict[int, str] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"{lay.select} WHERE {lay.pk} IN ({marks})", chunk)
            for row in cursor.fetchall():
                out[row[0]] = digest_row(lay, row)
    return out


def all_digests(label: str, batch_size: int = 5000) -> Iterator[tuple[int, str]]:
    """(id, digest) of every row of `label` in id order, streamed."""
    lay = layout(label)
    last = None
    with connection.cursor() as cursor:
        while True:
            where = "" if last is None else f" WHERE {lay.pk} > %s"
            cursor.execute(
                f"{lay.select}{where} ORDER BY {lay.pk} LIMIT {int(batch_size)}",
                [] if last is None else [last],
            )
            rows = cursor.fetchall()
            if not rows:
                return
            for row in rows:
                yield row[0], digest_row(lay, row)
            last = rows[-1][0]


def table_digest(digests: dict[int, str]) -> str:
    """One hash over the `id:digest` lines of a table's rows, sorted by id."""
    h = hashlib.sha256()
    for row_id in sorted(digests):
        h.update(f"{row_id}:{digests[row_id]}\n".encode())
    return h.hexdigest()


@dataclass
class RowSet:
    """Rows a write left behind, with their digests taken when they are added."""

    digests: dict[str, dict[int, str]] = field(default_factory=dict)  # table → id → digest

    def add(self, label: str, ids: Iterable[int]) -> RowSet:
        found = current_digests(label, ids)
        if found:
            self.digests.setdefault(layout(label).table, {}).update(found)
        return self

    def add_objects(self, objs: Iterable[models.Model]) -> RowSet:
        by_label: dict[str, list[int]] = {}
        for obj in objs:
            if obj is not None and obj.pk is not None and is_tracked(obj):
                by_label.setdefault(obj._meta.label_lower, []).append(obj.pk)
        for label, ids in by_label.items():
            self.add(label, ids)
        return self

    def add_queryset(self, qs: models.QuerySet) -> RowSet:
        return self.add(qs.model._meta.label_lower, qs.values_list("pk", flat=True))

    def merge(self, other: RowSet) -> RowSet:
        for table, digests in other.digests.items():
            self.digests.setdefault(table, {}).update(digests)
        return self

    def summary(self) -> dict[str, dict[str, Any]]:
        """Per table: how many rows and the hash over their digests (what the entry holds)."""
        return {
            table: {"rows": len(d), "digest": table_digest(d)}
            for table, d in sorted(self.digests.items())
            if d
        }

    def __bool__(self) -> bool:
        return any(self.digests.values())


def rows_of(obj: models.Model) -> RowSet:
    """The RowSet of `obj` and of the children a service writes with it (`CHILDREN`)."""
    rows = RowSet()
    if obj.pk is None or not is_tracked(obj):
        return rows
    label = obj._meta.label_lower
    rows.add(label, [obj.pk])
    for child_label, fk in CHILDREN.get(label, ()):
        child = apps.get_model(child_label)
        rows.add_queryset(child.objects.filter(**{f"{fk}_id": obj.pk}))
    return rows
