"""Encryption of protected values (AES-256-GCM) and keyed blind indexes (HMAC-SHA256).

A stored value looks like `k2:<base64(nonce ‖ ciphertext ‖ tag)>`: the key id in clear, so that
rotation knows which values to re-encrypt, and nothing else readable. Every value is bound to
its place — table, column and the row's `uid` — as AES-GCM associated data (`row_binding`): a
value copied onto another row or column does not decrypt there, it is refused. A blind index is
an HMAC of the normalised value; equal inputs give equal indexes, so an exact lookup (an ID
number, a full name) works without decrypting every row, while the index reveals nothing without
the key.

`current_keyring()` is the key ring proven to be this database's (`key_check`), with the index
key that the stored blind indexes use.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import unicodedata
import uuid
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from expediente_web.protection.keyring import KeyRing, KeyRingError
from expediente_web.protection.unlocked import forget_held, held_keyring

_NONCE_BYTES = 12


def current_keyring() -> KeyRing:
    """The configured key ring, verified against this database's key check values (once per
    process and database), with the index key the stored blind indexes use.

    Raises:
        KeyRingError: no key ring, a malformed one, or one that is not this database's.
        ConfigError: a PostgreSQL database on another host reached without TLS.
    """
    from django.conf import settings

    from expediente_web.config import ConfigError
    from expediente_web.protection.key_check import verified
    from expediente_web.protection.transport import transport_problem

    refused = transport_problem(settings.DATABASES["default"])
    if refused:  # before the ring is unlocked and anything is read over that connection
        raise ConfigError(refused)
    return verified(configured_keyring())


def configured_keyring() -> KeyRing:
    """The configured key ring, unlocked (once per process, and again with the seal it holds when
    its file changes: see `unlocked`) but not verified against the database: what the SQLCipher
    backend opens the database with, before any query."""
    from pathlib import Path

    from django.conf import settings

    return held_keyring(Path(settings.EXPEDIENTE_KEY_FILE))


def reset_keyring_cache() -> None:
    from expediente_web.protection.key_check import forget

    forget_held()
    _aead.cache_clear()
    forget()


@lru_cache(maxsize=16)
def _aead(key: bytes) -> AESGCM:
    return AESGCM(key)


def row_binding(table: str, column: str, row_uid: object) -> bytes:
    """The associated data that binds a stored value to its table, column and row.

    `row_uid` is the row's `uid` (any form `uuid.UUID` reads), or "" for a model without one
    (its values are then bound to the table and column only).
    """
    return binding_prefix(table, column) + row_key(row_uid)


def binding_prefix(table: str, column: str) -> bytes:
    """The part of `row_binding` shared by every row of a column (made once per column)."""
    return f"expediente-v1\x00{table}\x00{column}\x00".encode()


def row_key(row_uid: object) -> bytes:
    """The part of `row_binding` that names the row (made once per row)."""
    if isinstance(row_uid, uuid.UUID):
        return str(row_uid).encode()
    return str(uuid.UUID(str(row_uid))).encode() if row_uid else b""


def describe_binding(bound_to: bytes) -> str:
    """`table.column of row UID`, for messages."""
    _, table, column, row = bound_to.decode().split("\x00")
    return f"{table}.{column}" + (f" of row {row}" if row else "")


def encrypt(plaintext: str, ring: KeyRing | None = None, *, bound_to: bytes) -> str:
    """The stored form of `plaintext` under the ring's active key, bound to `bound_to`."""
    ring = ring or current_keyring()
    nonce = os.urandom(_NONCE_BYTES)
    sealed = _aead(ring.key(ring.active)).encrypt(nonce, plaintext.encode("utf-8"), bound_to)
    return f"{ring.active}:{base64.b64encode(nonce + sealed).decode('ascii')}"


def key_id_of(stored: str) -> str:
    return stored.split(":", 1)[0]


def decrypt(stored: str, ring: KeyRing | None = None, *, bound_to: bytes) -> str:
    """The plaintext of a stored value, which must be bound to `bound_to`.

    Raises:
        KeyRingError: the value is damaged, altered, or was copied from another place (row,
            column or table), or its key is not in the ring.
    """
    ring = ring or current_keyring()
    key_id, _, payload = stored.partition(":")
    place = describe_binding(bound_to)
    if not payload:
        raise KeyRingError(f"The protected value {place} is not in the `keyid:ciphertext` form")
    try:
        blob = base64.b64decode(payload, validate=True)
    except ValueError:
        raise KeyRingError(f"The protected value {place} is damaged (not valid base64)") from None
    nonce, sealed = blob[:_NONCE_BYTES], blob[_NONCE_BYTES:]
    try:
        return _aead(ring.key(key_id)).decrypt(nonce, sealed, bound_to).decode("utf-8")
    except InvalidTag:
        raise KeyRingError(
            f"The protected value {place} does not decrypt with key {key_id!r}: it was altered "
            "or copied there from another row or column (a value opens only where it was "
            "written)"
        ) from None


def fold(text: str) -> str:
    """Case-, accent- and spacing-insensitive form used before indexing a name."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]+", " ", stripped.lower()).strip()


def normalise_id_number(raw: str) -> str:
    """A cédula-style number without nationality prefix, dots, dashes or spaces: `V-12.345.678` →
    `12345678`. Values with no digits are folded as text."""
    digits = re.sub(r"\D", "", raw)
    return digits.lstrip("0") or fold(raw)


def blind_index(kind: str, value: str, ring: KeyRing | None = None) -> str:
    """HMAC-SHA256 of `kind` and the normalised value, hex, truncated to 32 characters.

    `kind` separates index spaces (an ID number never collides with a name).
    """
    ring = ring or current_keyring()
    normalised = normalise_id_number(value) if kind == "id_number" else fold(value)
    mac = hmac.new(ring.index_key, f"{kind}\x00{normalised}".encode(), hashlib.sha256)
    return mac.hexdigest()[:32]


def pseudonym(prefix: str, stable_id: str, ring: KeyRing | None = None) -> str:
    """A stable pseudonym such as `P-7K3QZ9TX`: the same person gets the same code in every export
    made with the same key ring, and the code says nothing about the person."""
    ring = ring or current_keyring()
    mac = hmac.new(ring.index_key, f"pseudonym\x00{stable_id}".encode(), hashlib.sha256).digest()
    code = base64.b32encode(mac[:5]).decode("ascii")
    return f"{prefix}-{code}"
