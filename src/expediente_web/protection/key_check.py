"""Proof that a key ring belongs to this database, before anything is read or written.

The database holds a check value of every key that ever wrote to it (`KeyCheck`), and names
the index key its blind indexes use. `verified(ring)` compares the ring with them once per
process and database, and refuses a ring that is not this database's with a clear message:

- a key whose id the database knows but whose check value differs (a different `k1`);
- a ring without the index key that the stored blind indexes use.

A ring that passes may bring data keys the database does not know yet (a rotation that was
interrupted after writing the key file): their check values are recorded then. A database
with no check values at all (just initialised) records those of the first ring it is given —
`expediente init` does that right after creating both.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from expediente_web.protection.keyring import KeyRing, KeyRingError

_LABEL = b"expediente key check v1"
_NONCE_BYTES = 12


def _aad(kind: str, key_id: str) -> bytes:
    return b"\x00".join((_LABEL, kind.encode(), key_id.encode()))


def data_check_value(key_id: str, key: bytes) -> str:
    """An AES-256-GCM tag of the fixed label under a data key (with a random nonce)."""
    nonce = os.urandom(_NONCE_BYTES)
    tag = AESGCM(key).encrypt(nonce, b"", _aad("data", key_id))
    return base64.b64encode(nonce + tag).decode("ascii")


def data_key_matches(key_id: str, key: bytes, check_value: str) -> bool:
    try:
        blob = base64.b64decode(check_value, validate=True)
        AESGCM(key).decrypt(blob[:_NONCE_BYTES], blob[_NONCE_BYTES:], _aad("data", key_id))
    except (ValueError, InvalidTag):
        return False
    return True


def index_check_value(index_id: str, key: bytes) -> str:
    """An HMAC-SHA256 of the fixed label under an index key."""
    return hmac.new(key, _aad("index", index_id), hashlib.sha256).hexdigest()


def index_key_matches(index_id: str, key: bytes, check_value: str) -> bool:
    return hmac.compare_digest(index_check_value(index_id, key), check_value)


@dataclass(frozen=True)
class KeyState:
    """One key as `expediente keys status` reports it."""

    kind: str  # "data" or "index"
    key_id: str
    in_ring: bool
    in_database: bool
    matches: bool | None  # None: not both in the ring and in the database
    in_use: bool = False  # index keys: the one the stored blind indexes use


def ring_name(ring: KeyRing) -> str:
    return str(ring.path) if ring.path else "$EXPEDIENTE_KEYS"


def _table_ready() -> bool:
    from django.db import connection

    from expediente_web.protection.models import KeyCheck

    return KeyCheck._meta.db_table in connection.introspection.table_names()


def key_states(ring: KeyRing) -> list[KeyState]:
    """Every key of the ring and of the database's check values, compared (no writing)."""
    from expediente_web.protection.models import DATA, INDEX, KeyCheck

    rows = {(r.kind, r.key_id): r for r in KeyCheck.objects.all()}
    states = []
    for kind, keys, matches in (
        (DATA, ring.keys, data_key_matches),
        (INDEX, ring.index_keys, index_key_matches),
    ):
        stored = {key_id: row for (k, key_id), row in rows.items() if k == kind}
        for key_id in sorted({*keys, *stored}, key=lambda k: (len(k), k)):
            row = stored.get(key_id)
            key = keys.get(key_id)
            states.append(
                KeyState(
                    kind=kind,
                    key_id=key_id,
                    in_ring=key is not None,
                    in_database=row is not None,
                    matches=matches(key_id, key, row.check_value) if key and row else None,
                    in_use=bool(row and row.in_use),
                )
            )
    return states


def register(ring: KeyRing, index_in_use: str | None = None) -> None:
    """Record the check values of the ring's data keys (and of its current index key, named
    in use when `index_in_use` is given) that the database does not hold yet."""
    from expediente_web.protection.models import DATA, INDEX, KeyCheck

    known = set(KeyCheck.objects.values_list("kind", "key_id"))
    new = [
        KeyCheck(kind=DATA, key_id=k, check_value=data_check_value(k, key))
        for k, key in ring.keys.items()
        if (DATA, k) not in known
    ]
    if (INDEX, ring.index_id) not in known:
        new.append(
            KeyCheck(
                kind=INDEX,
                key_id=ring.index_id,
                check_value=index_check_value(ring.index_id, ring.index_key),
            )
        )
    if new:
        # Two processes may register at once: the first wins, and the check below tells the
        # second whether its ring is the same.
        KeyCheck.objects.bulk_create(new, ignore_conflicts=True)
    if index_in_use is not None:
        KeyCheck.objects.filter(kind=INDEX).exclude(key_id=index_in_use).update(in_use=False)
        KeyCheck.objects.filter(kind=INDEX, key_id=index_in_use).update(in_use=True)


def verify(ring: KeyRing) -> KeyRing:
    """The ring, proven to be this database's, with the index key its blind indexes use.

    Raises:
        KeyRingError: the ring is not this database's (nothing was read or written).
    """
    proven = _verify(ring)
    return ring if proven is None else proven


def _verify(ring: KeyRing) -> KeyRing | None:
    """`verify`, or None inside `migrate` before this app's table exists (nothing to compare
    yet, and nothing to remember)."""
    from expediente_web.protection.models import INDEX, KeyCheck

    if not _table_ready():
        return None
    if not KeyCheck.objects.exists():
        register(ring, index_in_use=ring.index_id)
    states = key_states(ring)
    where = ring_name(ring)
    wrong = [s for s in states if s.matches is False]
    if wrong:
        names = ", ".join(f"{s.kind} key {s.key_id}" for s in wrong)
        raise KeyRingError(
            f"The key ring {where} is not this database's: {names} differ from the keys of the "
            "same id this database was written with. Nothing was read or written; use the key "
            "ring that belongs to this database (`expediente keys status` compares them)"
        )
    in_use = [s for s in states if s.kind == INDEX and s.in_use]
    if len(in_use) != 1:
        raise KeyRingError(
            "The database does not name exactly one index key in use: its key "
            "check table (protection_keycheck) was altered"
        )
    index = in_use[0]
    if not index.in_ring:
        raise KeyRingError(
            f"The key ring {where} lacks index key {index.key_id!r}, which this database's "
            "blind indexes use: it is not this database's key ring, or a copy older than the "
            "last rotation. Nothing was read or written"
        )
    if any(s.kind != INDEX and s.in_ring and not s.in_database for s in states):
        register(ring)
        return _verify(ring)
    return ring.with_index_in_use(index.key_id)


_verified: dict[tuple[Any, ...], tuple[KeyRing, KeyRing]] = {}


def _database() -> tuple[Any, ...]:
    from django.db import connection

    s = connection.settings_dict
    return (connection.vendor, s.get("NAME"), s.get("HOST"), s.get("PORT"))


def verified(ring: KeyRing) -> KeyRing:
    """`verify(ring)`, once per process and database (cached until `forget()`)."""
    where = _database()
    hit = _verified.get(where)
    if hit is not None and hit[0] is ring:
        return hit[1]
    proven = _verify(ring)
    if proven is None:
        return ring
    _verified[where] = (ring, proven)
    return proven


def forget() -> None:
    _verified.clear()
