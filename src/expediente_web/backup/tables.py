"""A logical dump of every table of the installed apps, and loading it into an empty database.

Rows are read through the ORM (`values_list`), so every value comes out as the Python value the
backend converters make of it (a datetime, a Decimal, a UUID, a dict of a JSON field) whatever
the database, and goes back in through the field's own `get_db_prep_save` — which is what makes a
SQLite dump load into PostgreSQL. Protected values stay sealed: `values_list` gives them as
`Sealed` and the field writes the stored ciphertext back unchanged, so nothing is decrypted on
the way, the key ring is not needed, and every value still decrypts on its own row afterwards.
Primary keys are kept, so foreign keys, the audit chain and its row bindings hold as they were.

Format, one JSON object per line: `{"table": …, "columns": […]}` before the rows of a table,
then `{"row": […]}` per row, values tagged where JSON has no type of its own.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import json
import uuid
from collections.abc import Iterable, Iterator
from typing import Any

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models

from expediente_web.backup.archive import BackupError
from expediente_web.protection.fields import Sealed

_BATCH = 2000


def dumped_models() -> list[type[models.Model]]:
    """Every concrete, managed model with a table of its own (many-to-many tables included)."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.abstract:
            continue
        found.append(model)
    return sorted(found, key=lambda m: m._meta.db_table)


def _fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    # Generated columns (e.g. a tsvector the search index adds) are not model fields: skipped.
    return [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]


def _encode(value: Any, field: models.Field[Any, Any]) -> Any:
    if value is None:
        return None
    if isinstance(field, models.JSONField):
        return {"$json": value}
    if isinstance(value, Sealed):
        return {"$sealed": value.stored}
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$d": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$t": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"$td": [value.days, value.seconds, value.microseconds]}
    if isinstance(value, decimal.Decimal):
        return {"$dec": str(value)}
    if isinstance(value, uuid.UUID):
        return {"$uuid": str(value)}
    if isinstance(value, bytes | memoryview | bytearray):
        return {"$b64": base64.b64encode(bytes(value)).decode()}
    raise BackupError(f"Cannot back up a value of type {type(value).__name__} ({field})")


def _decode(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    ((tag, raw),) = value.items()
    if tag == "$json":
        return raw
    if tag == "$sealed":
        return Sealed(raw)
    if tag == "$dt":
        return dt.datetime.fromisoformat(raw)
    if tag == "$d":
        return dt.date.fromisoformat(raw)
    if tag == "$t":
        return dt.time.fromisoformat(raw)
    if tag == "$td":
        return dt.timedelta(days=raw[0], seconds=raw[1], microseconds=raw[2])
    if tag == "$dec":
        return decimal.Decimal(raw)
    if tag == "$uuid":
        return uuid.UUID(raw)
    if tag == "$b64":
        return base64.b64decode(raw)
    raise BackupError(f"Unknown value tag {tag!r} in the backup's tables")


def dump_lines() -> Iterator[bytes]:
    """The dump, line by line; call inside one transaction for a consistent copy."""
    for model in dumped_models():
        fields = _fields(model)
        yield _line({"table": model._meta.db_table, "columns": [f.column for f in fields]})
        rows = model._base_manager.order_by("pk").values_list(*[f.attname for f in fields])
        for row in rows.iterator(chunk_size=_BATCH):
            yield _line({"row": [_encode(v, f) for v, f in zip(row, fields, strict=True)]})


def _line(obj: object) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def _tables(lines: Iterable[bytes]) -> Iterator[tuple[str, list[str], list[list[Any]]]]:
    table: str | None = None
    columns: list[str] = []
    rows: list[list[Any]] = []
    for number, raw in enumerate(lines, start=1):
        try:
            obj = json.loads(raw)
        except ValueError:
            raise BackupError(f"Line {number} of the backup's tables is not JSON") from None
        if "table" in obj:
            if table is not None:
                yield table, columns, rows
            table, columns, rows = obj["table"], obj["columns"], []
        elif table is not None:
            rows.append(obj["row"])
    if table is not None:
        yield table, columns, rows


def load_lines(lines: Iterable[bytes]) -> dict[str, int]:
    """Empty every table of the installed apps and fill them from a dump (one transaction;
    the caller holds it). Returns the rows loaded per table."""
    by_table = {m._meta.db_table: m for m in dumped_models()}
    quote = connection.ops.quote_name
    flush = connection.ops.sql_flush(
        no_style(), list(by_table), reset_sequences=False, allow_cascade=True
    )
    loaded: dict[str, int] = {}
    with connection.cursor() as cursor:
        connection.disable_constraint_checking()
        try:
            for statement in flush:
                cursor.execute(statement)
            for table, columns, rows in _tables(lines):
                model = by_table.get(table)
                if model is None:
                    raise BackupError(
                        f"The backup holds table {table!r}, which this version does not have"
                    )
                by_column = {f.column: f for f in _fields(model)}
                missing = [c for c in columns if c not in by_column]
                if missing:
                    raise BackupError(
                        f"Table {table!r} of the backup has unknown columns {missing}"
                    )
                fields = [by_column[c] for c in columns]
                sql = (
                    f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608 (identifiers from the models, values bound as parameters)
                    f"VALUES ({', '.join(['%s'] * len(columns))})"
                )
                prepared = [
                    [
                        f.get_db_prep_save(_decode(v), connection)
                        for v, f in zip(row, fields, strict=True)
                    ]
                    for row in rows
                ]
                for start in range(0, len(prepared), _BATCH):
                    cursor.executemany(sql, prepared[start : start + _BATCH])
                loaded[table] = len(rows)
        finally:
            connection.enable_constraint_checking()
        connection.check_constraints(table_names=list(loaded))
        for statement in connection.ops.sequence_reset_sql(no_style(), list(by_table.values())):
            cursor.execute(statement)
    return loaded
