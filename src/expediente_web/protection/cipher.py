"""Encryption of protected values (AES-256-GCM) and keyed blind indexes (HMAC-SHA256).

A stored value looks like `k2:<base64(nonce ‖ ciphertext ‖ tag)>`: the key id in clear, so that
rotation knows which values to re-encrypt, and nothing else readable. A blind index is an HMAC of
the normalised value; equal inputs give equal indexes, so an exact lookup (an ID number, a full
name) works without decrypting every row, while the index reveals nothing without the key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import unicodedata
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from expediente_web.protection.keyring import KeyRing, KeyRingError, load_keyring

_NONCE_BYTES = 12


def current_keyring() -> KeyRing:
    from django.conf import settings

    return _cached_keyring(str(settings.EXPEDIENTE_KEY_FILE), os.environ.get("EXPEDIENTE_KEYS", ""))


@lru_cache(maxsize=4)
def _cached_keyring(path: str, env: str) -> KeyRing:
    from pathlib import Path

    return load_keyring(Path(path))


def reset_keyring_cache() -> None:
    _cached_keyring.cache_clear()
    _aead.cache_clear()


@lru_cache(maxsize=16)
def _aead(key: bytes) -> AESGCM:
    return AESGCM(key)


def encrypt(plaintext: str, ring: KeyRing | None = None) -> str:
    ring = ring or current_keyring()
    nonce = os.urandom(_NONCE_BYTES)
    sealed = _aead(ring.key(ring.active)).encrypt(nonce, plaintext.encode("utf-8"), None)
    return f"{ring.active}:{base64.b64encode(nonce + sealed).decode('ascii')}"


def key_id_of(stored: str) -> str:
    return stored.split(":", 1)[0]


def decrypt(stored: str, ring: KeyRing | None = None) -> str:
    ring = ring or current_keyring()
    key_id, _, payload = stored.partition(":")
    if not payload:
        raise KeyRingError("A protected value is not in the `keyid:ciphertext` form")
    try:
        blob = base64.b64decode(payload, validate=True)
    except ValueError:
        raise KeyRingError("A protected value is damaged (not valid base64)") from None
    nonce, sealed = blob[:_NONCE_BYTES], blob[_NONCE_BYTES:]
    try:
        return _aead(ring.key(key_id)).decrypt(nonce, sealed, None).decode("utf-8")
    except InvalidTag:
        where = f" ({ring.path})" if ring.path else ""
        raise KeyRingError(
            f"A protected value cannot be decrypted with key {key_id!r} of the key ring{where}: "
            "the key ring does not belong to this database, or the value was altered"
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
