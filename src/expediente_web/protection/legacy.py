"""Upgrading a database whose protected values were written before they were bound to their rows.

Such values were sealed with no associated data. The migration that introduces row binding
(`protection.0002_bind_values_to_rows`) re-seals each of them bound to its table, column and
row, under the same key, and records the key ring's check values — which proves, on the way,
that the ring given is the one the values were written with: a value that opens neither bound
nor unbound stops the migration, and nothing is changed.

A database without protected values (a new one, every test database) needs no key ring here.
"""

from __future__ import annotations

import base64
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from expediente_web.protection.cipher import encrypt, row_binding
from expediente_web.protection.keyring import KeyRing, KeyRingError

BATCH = 1000
_NONCE_BYTES = 12


def _opens(stored: str, ring: KeyRing, bound_to: bytes | None) -> str | None:
    key_id, _, payload = stored.partition(":")
    try:
        blob = base64.b64decode(payload, validate=True)
        aead = AESGCM(ring.key(key_id))
        return aead.decrypt(blob[:_NONCE_BYTES], blob[_NONCE_BYTES:], bound_to).decode("utf-8")
    except (ValueError, InvalidTag):
        return None


def _protected_columns(apps: Any) -> list[tuple[Any, list[Any]]]:
    from expediente_web.protection.fields import ProtectedTextField

    found = []
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, ProtectedTextField)]
        if fields:
            found.append((model, fields))
    return found


def _has_values(connection: Any, columns: list[tuple[Any, list[Any]]]) -> bool:
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model, fields in columns:
            where = " OR ".join(f"{q(f.column)} <> ''" for f in fields)
            cursor.execute(f"SELECT 1 FROM {q(model._meta.db_table)} WHERE {where} LIMIT 1")  # noqa: S608 (identifiers from the models, values bound as parameters)
            if cursor.fetchone():
                return True
    return False


def rebind(apps: Any, schema_editor: Any) -> None:
    """Re-seal every protected value that is not bound to its row yet (a migration step)."""
    from pathlib import Path

    from django.conf import settings

    from expediente_web.protection.cipher import reset_keyring_cache
    from expediente_web.protection.key_check import register
    from expediente_web.protection.keyring import load_keyring

    connection = schema_editor.connection
    columns = _protected_columns(apps)
    if not _has_values(connection, columns):
        return
    # Not verified: the check table is new and empty. The values themselves prove the ring.
    ring = load_keyring(Path(settings.EXPEDIENTE_KEY_FILE))
    q = connection.ops.quote_name
    for model, fields in columns:
        meta = model._meta
        table, pk = meta.db_table, meta.pk.column
        has_uid = any(f.name == "uid" for f in meta.concrete_fields)
        uid = q("uid") if has_uid else "''"
        names = [f.column for f in fields]
        select = (
            f"SELECT {q(pk)}, {uid}, {', '.join(q(n) for n in names)} FROM {q(table)} "  # noqa: S608 (identifiers from the models, values bound as parameters)
            f"WHERE {q(pk)} > %s ORDER BY {q(pk)} LIMIT {BATCH}"
        )
        update = (
            f"UPDATE {q(table)} SET {', '.join(f'{q(n)} = %s' for n in names)} WHERE {q(pk)} = %s"  # noqa: S608 (identifiers from the models, values bound as parameters)
        )
        last: Any = -1
        with connection.cursor() as cursor:
            while True:
                cursor.execute(select, [last])
                rows = cursor.fetchall()
                if not rows:
                    break
                params = []
                for row_pk, row_uid, *values in rows:
                    fresh = []
                    for name, value in zip(names, values, strict=True):
                        binding = row_binding(table, name, row_uid or "")
                        if not value or _opens(value, ring, binding) is not None:
                            fresh.append(value)  # empty, or bound already
                            continue
                        plain = _opens(value, ring, None)
                        if plain is None:
                            raise KeyRingError(
                                f"The protected value {table}.{name} of row {row_pk} does not "
                                f"decrypt with the key ring {ring.path or '$EXPEDIENTE_KEYS'}: "
                                "it is not the key ring this database was written with, or the "
                                "value was altered. Nothing was changed."
                            )
                        fresh.append(encrypt(plain, ring, bound_to=binding))
                    if fresh != list(values):
                        params.append([*fresh, row_pk])
                if params:
                    cursor.executemany(update, params)
                last = rows[-1][0]
    register(ring, index_in_use=ring.index_id)
    reset_keyring_cache()
