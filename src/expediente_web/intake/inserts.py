"""Bulk inserts through Django's connection: one `executemany` per batch, no model instances.

`bulk_create` builds a model instance per row and compiles SQL per call; for an import of
hundreds of thousands of rows that overhead dominates. `RowInserter` prepares one INSERT
statement per model once, turns plain dicts into parameter tuples (encrypting protected fields
bound to the row's uid, so the stored form is exactly what the ORM would write) and sends each
batch with a single `executemany`. Ids of the new rows are read back with one query per batch,
never one per row.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.utils import timezone

_PLAIN = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.FloatField,
    models.BooleanField,
    models.ForeignKey,
)


class RowInserter:
    """Inserts rows of one model, given as dicts keyed by field attname (`case_id`, `uid`…).

    Missing fields take the field's default; `auto_now`/`auto_now_add` fields take the time the
    inserter was made (one import, one timestamp). Values are prepared for the database as the
    ORM would, with shortcuts for the costly cases: constant defaults are prepared once and
    protected fields are encrypted with the key ring fetched once.
    """

    def __init__(self, model: type[models.Model]) -> None:
        from expediente_web.protection.cipher import current_keyring

        self.model = model
        self.table = model._meta.db_table
        conn = connections[DEFAULT_DB_ALIAS]
        self._conn = conn
        now = timezone.now()
        self._fields = [
            f for f in model._meta.concrete_fields
            if not (f.primary_key and f.auto_created) and not isinstance(f, models.AutoField)
        ]
        self._columns = [f.column for f in self._fields]
        self._attnames = [f.attname for f in self._fields]
        ring = current_keyring()
        # Per field: the prepared constant used when a row omits it, and how to prepare a
        # given value (None: as it is).
        self._missing: list[Any] = []
        self._preps: list[Callable[[Any], Any] | None] = []
        for f in self._fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self._missing.append(f.get_db_prep_save(now, conn))
            elif isinstance(f, models.UUIDField):
                self._missing.append(_NEW_UUID)
            else:
                default = f.get_default()
                self._missing.append(
                    default if isinstance(f, _PLAIN) and not _is_protected(f)
                    else f.get_db_prep_save(default, conn)
                )
            self._preps.append(_preparer(f, conn, ring, model))
        self._uuid_native = conn.features.has_native_uuid_field
        # Protected values are bound to their row's uid, so the uid is settled first.
        self._uid_at = self._attnames.index("uid") if "uid" in self._attnames else None
        self._protected = {i for i, f in enumerate(self._fields) if _is_protected(f)}
        quote = conn.ops.quote_name
        placeholders = ", ".join(["%s"] * len(self._columns))
        self.sql = (
            f"INSERT INTO {quote(self.table)} ({', '.join(quote(c) for c in self._columns)}) "  # noqa: S608 (identifiers from the models, values bound as parameters)
            f"VALUES ({placeholders})"
        )
        self.inserted = 0

    def params(self, row: Mapping[str, Any]) -> tuple[Any, ...]:
        """The parameter tuple of one row, in column order."""
        uid, row_key = None, b""
        if self._uid_at is not None:
            given = row.get("uid")
            uid = uuid.UUID(str(given)) if given else uuid.uuid4()
            row_key = str(uid).encode()  # what binds the row's protected values to it
        out = []
        for i, (name, missing, prep) in enumerate(
            zip(self._attnames, self._missing, self._preps, strict=True)
        ):
            if i == self._uid_at:
                value = uid if self._uuid_native else uid.hex  # type: ignore[union-attr]
            elif i in self._protected:
                value = prep(row[name], row_key) if name in row else missing  # type: ignore[misc]
            elif name in row:
                value = row[name]
                if prep is not None:
                    value = prep(value)
            elif missing is _NEW_UUID:
                value = uuid.uuid4() if self._uuid_native else uuid.uuid4().hex
            else:
                value = missing
            out.append(value)
        return tuple(out)

    def insert(self, rows: Iterable[Mapping[str, Any]]) -> int:
        """Insert the rows with one `executemany`; returns how many."""
        params = [self.params(r) for r in rows]
        if params:
            with self._conn.cursor() as cursor:
                cursor.executemany(self.sql, params)
        self.inserted += len(params)
        return len(params)


_NEW_UUID = object()


def _is_protected(field: models.Field) -> bool:
    from expediente_web.protection.fields import ProtectedTextField

    return isinstance(field, ProtectedTextField)


def _preparer(
    field: models.Field, conn: Any, ring: Any, model: type[models.Model]
) -> Callable[..., Any] | None:
    """How a given value of `field` becomes a database parameter (None: unchanged).

    A protected field's preparer takes the row's part of the binding too (`cipher.row_key`):
    `protect(value, row_key)`.
    """
    if _is_protected(field):
        from expediente_web.protection.cipher import binding_prefix, encrypt

        prefix = binding_prefix(model._meta.db_table, field.column)

        def protect(value: Any, row_key: bytes) -> str:
            # The same stored form as ProtectedTextField.pre_save (bound to the row's uid),
            # without looking the key ring up for every value.
            if not value:
                return ""
            return encrypt(str(value), ring, bound_to=prefix + row_key)

        return protect
    if isinstance(field, _PLAIN):
        return None
    if isinstance(field, models.UUIDField) and not conn.features.has_native_uuid_field:
        return lambda value: uuid.UUID(str(value)).hex

    def prep(value: Any) -> Any:
        return field.get_db_prep_save(value, conn)

    return prep


def ids_since(
    model: type[models.Model], batch_id: int, after_id: int, key: str = "source_record_id"
) -> dict[str, int]:
    """`key` → id of the rows of one import batch with ids above `after_id`.

    Rows a transaction inserts get increasing ids, so `after_id` (the largest id read back after
    the previous batch) selects exactly the rows of the latest batch, with one query.
    """
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(key)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column}, id FROM {table} WHERE import_batch_id = %s AND id > %s",  # noqa: S608 (identifiers from the models, values bound as parameters)
            [batch_id, after_id],
        )
        return dict(cursor.fetchall())
