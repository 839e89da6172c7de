"""Key rotation: a new data key and a new index key, every protected value re-encrypted and every
blind index recomputed under them, old keys retired.

Order matters for safety. The ring is first proven to be this database's (its key check
values). The key ring file is then written, with the new keys current and the old keys kept: if
the re-encryption then fails, nothing is lost (old values still decrypt with their keys, and the
database still names the old index key as the one its blind indexes use). Re-encryption and
re-indexing run in one transaction, in batches, keep every value bound to its row, record the
new keys' check values, switch the index key in use and are audited. Old keys are dropped from
the file only after a scan finds no value still encrypted under them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.dispatch import Signal

from expediente_web.audit.chain import append
from expediente_web.audit.imports import rows_with_protected_values
from expediente_web.audit.record import actor_name
from expediente_web.protection.cipher import (
    binding_prefix,
    current_keyring,
    decrypt,
    encrypt,
    key_id_of,
    reset_keyring_cache,
    row_key,
)
from expediente_web.protection.fields import ROW_FIELD, ProtectedTextField
from expediente_web.protection.indexes import index_columns
from expediente_web.protection.key_check import register, verify
from expediente_web.protection.keyring import KeyRing, KeyRingError, load_keyring, save_keyring

BATCH = 1000

#: Sent inside the rotation's transaction with `ring`, the new key ring: an app that keeps
#: HMACs under the index key recomputes them with it (the rotation rolls back if it fails).
index_key_rotated = Signal()


@dataclass(frozen=True)
class ProtectedColumn:
    model: type[models.Model]
    field: str

    @property
    def label(self) -> str:
        return f"{self.model._meta.label_lower}.{self.field}"


def protected_columns() -> list[ProtectedColumn]:
    """Every `ProtectedTextField` of every installed model."""
    return [
        ProtectedColumn(model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, ProtectedTextField)
    ]


def _raw_values(column: ProtectedColumn) -> Iterator[str]:
    """Stored (encrypted) values of one column, read without decrypting."""
    table = column.model._meta.db_table
    name = column.model._meta.get_field(column.field).column
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {q(name)} FROM {q(table)} WHERE {q(name)} <> ''")  # noqa: S608 (identifiers from the models, values bound as parameters)
        while rows := cursor.fetchmany(BATCH):
            for (value,) in rows:
                yield value


def _protected_by_model() -> dict[type[models.Model], list[str]]:
    by_model: dict[type[models.Model], list[str]] = {}
    for column in protected_columns():
        by_model.setdefault(column.model, []).append(column.field)
    return by_model


def _reencrypt_table(model: type[models.Model], fields: list[str], ring: KeyRing,
                     progress: Callable[[int], None] | None) -> int:
    """Re-encrypt the protected columns of one table under the ring's active key and recompute
    its blind indexes under the ring's index key.

    Works on the raw column values (no model instances, no `updated_at` change): read a batch
    of rows by primary key, decrypt each value with the key it names and the row it is bound
    to, encrypt it under the active key bound to the same row, derive the row's blind indexes
    from the decrypted values, write the batch back with one `executemany`.
    """
    q = connection.ops.quote_name
    meta = model._meta
    table, pk = q(meta.db_table), q(meta.pk.column)
    has_uid = any(f.name == ROW_FIELD for f in meta.concrete_fields)
    uid_column = q(meta.get_field(ROW_FIELD).column) if has_uid else "''"
    names = [meta.get_field(f).column for f in fields]
    prefixes = [binding_prefix(meta.db_table, n) for n in names]
    indexes = index_columns(meta.label_lower)
    written = [q(n) for n in names] + [q(meta.get_field(i.field).column) for i in indexes]
    select = (f"SELECT {pk}, {uid_column}, {', '.join(q(n) for n in names)} FROM {table} "  # noqa: S608 (identifiers from the models, values bound as parameters)
              f"WHERE {pk} > %s ORDER BY {pk} LIMIT {BATCH}")
    update = (f"UPDATE {table} SET {', '.join(f'{c} = %s' for c in written)} "  # noqa: S608 (identifiers from the models, values bound as parameters)
              f"WHERE {pk} = %s")
    done, last = 0, -1
    with connection.cursor() as cursor:
        while True:
            cursor.execute(select, [last])
            rows = cursor.fetchall()
            if not rows:
                return done
            params = []
            for row_pk, uid, *values in rows:
                row = row_key(uid)
                bindings = [prefix + row for prefix in prefixes]
                plain = [decrypt(v, ring, bound_to=b) if v else "" for v, b in
                         zip(values, bindings, strict=True)]
                fresh = [encrypt(t, ring, bound_to=b) if t else "" for t, b in
                         zip(plain, bindings, strict=True)]
                by_field = dict(zip(fields, plain, strict=True))
                params.append([*fresh, *(i.value(by_field, ring) for i in indexes), row_pk])
                done += sum(1 for v in values if v)
            cursor.executemany(update, params)
            last = rows[-1][0]
            if progress is not None:
                progress(sum(1 for row in rows for v in row[2:] if v))


def _scan() -> tuple[Counter[str], dict[str, str]]:
    usage: Counter[str] = Counter()
    samples: dict[str, str] = {}
    for column in protected_columns():
        for value in _raw_values(column):
            key_id = key_id_of(value)
            usage[key_id] += 1
            samples.setdefault(key_id, value)
    return usage, samples


def key_usage() -> Counter[str]:
    """How many stored values each key id encrypts."""
    return _scan()[0]


def count_values() -> int:
    """How many protected values the database holds (the work of a rotation)."""
    total = 0
    for column in protected_columns():
        names = {column.field: ""}
        total += column.model._base_manager.exclude(**names).count()
    return total


def key_file() -> Path:
    return Path(settings.EXPEDIENTE_KEY_FILE)


def _writable_ring() -> KeyRing:
    import os

    if os.environ.get("EXPEDIENTE_KEYS"):
        raise KeyRingError(
            "The key ring comes from the EXPEDIENTE_KEYS environment variable; rotate the key "
            "file it was copied from (unset EXPEDIENTE_KEYS, set EXPEDIENTE_KEY_FILE) instead"
        )
    return load_keyring(key_file())


def rotate(actor: object = None, progress: Callable[[int], None] | None = None) -> tuple[str, int]:
    """Make a new data key and a new index key current, re-encrypt every protected value and
    recompute every blind index under them.

    Returns the new key id and the number of values re-encrypted.
    """
    # Before anything changes: the ring is this database's (its check values) and holds every
    # key a stored value names, so a wrong ring fails here, not half-way.
    ring = verify(_writable_ring())
    usage, _ = _scan()
    missing = sorted(k for k in usage if k not in ring.keys)
    if missing:
        ring.key(missing[0])  # raises, naming the key
    new_ring = ring.with_new_active_key().with_new_index_key()
    save_keyring(new_ring, key_file())
    reset_keyring_cache()
    done = 0
    with transaction.atomic():
        for model, fields in _protected_by_model().items():
            done += _reencrypt_table(model, fields, new_ring, progress)
        # Keyed indexes kept by other apps (the name tokens of search) follow the new key.
        index_key_rotated.send(sender=rotate, ring=new_ring)
        # The new keys' check values, and the index key the blind indexes now use.
        register(new_ring, index_in_use=new_ring.index_id)
        append(actor_name(actor), "rotate_keys", object_type="keyring",
               object_id=new_ring.active,
               payload={"new_key": new_ring.active, "previous_key": ring.active,
                        "new_index_key": new_ring.index_id, "previous_index_key": ring.index_id,
                        "values_reencrypted": done, "previous_usage": dict(usage)},
               rows=rows_with_protected_values())
    # Written again once committed: a server or worker holding the ring sees the file change,
    # reopens it and takes the index key the blind indexes use now (`protection.unlocked`).
    save_keyring(new_ring, key_file())
    reset_keyring_cache()
    # The evidence files' keys are wrapped under the new data key; only their headers change.
    # The old key stays in the ring until every file is rewrapped (`--retire-old` checks).
    from expediente_web.evidence.store import rewrap

    rewrap(new_ring)
    return new_ring.active, done


def retire_old_keys(actor: object = None) -> list[str]:
    """Remove every data key but the active one, and every index key but the one the blind
    indexes use, from the key file, if no value still needs them."""
    ring = verify(_writable_ring())
    from expediente_web.evidence.store import key_usage as evidence_key_usage

    usage = key_usage()
    # A file no item names (left by a refused or killed import) holds nothing of the record:
    # it does not keep an old key in the ring.
    for key_id, files in evidence_key_usage(named_only=True).items():
        if key_id not in ("plain", "damaged"):
            usage[key_id] += files
    still_used = sorted(k for k in usage if k != ring.active)
    if still_used:
        counts = ", ".join(f"{k}: {usage[k]} values" for k in still_used)
        raise KeyRingError(f"Old keys are still in use ({counts}); run `expediente keys rotate` "
                           "to re-encrypt them first")
    retired = sorted(k for k in ring.keys if k != ring.active) + sorted(ring.old_index_keys)
    if not retired:
        return []
    kept = ring.without_old_keys()  # audit and signing keys kept as they are
    with transaction.atomic():
        append(actor_name(actor), "retire_keys", object_type="keyring", object_id=ring.active,
               payload={"retired": retired, "active": ring.active})
        save_keyring(kept, key_file())
    reset_keyring_cache()
    return retired


def current_key_id() -> str:
    return current_keyring().active
