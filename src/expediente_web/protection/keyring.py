"""The key ring for protected fields, held outside the database.

A key ring is a small JSON file (or the `EXPEDIENTE_KEYS` environment variable holding the same
JSON) with named AES-256-GCM data keys, the id of the active one, and one HMAC key for blind
indexes and pseudonyms:

    {"active": "k2", "keys": {"k1": "<base64>", "k2": "<base64>"}, "index_key": "<base64>"}

Every ciphertext carries the id of the key that made it, so old values stay readable after a new
key becomes active, and `expediente keys rotate` re-encrypts them under the active key. Losing
the key file means losing the protected data: back it up apart from the database.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path


class KeyRingError(Exception):
    """The key ring is missing, malformed or lacks a key a value needs."""


@dataclass(frozen=True)
class KeyRing:
    active: str
    keys: dict[str, bytes]
    index_key: bytes
    path: Path | None = field(default=None, compare=False)
    # HMAC key of the audit chain and Ed25519 seed of its signed checkpoints (32 bytes each);
    # None in a ring made before they existed (`expediente keys upgrade` adds them).
    audit_key: bytes | None = None
    signing_key: bytes | None = None

    def key(self, key_id: str) -> bytes:
        try:
            return self.keys[key_id]
        except KeyError:
            raise KeyRingError(
                f"A protected value was encrypted with key {key_id!r}, which is not in the key ring"
            ) from None

    def with_new_active_key(self) -> KeyRing:
        """A copy of the ring with a freshly generated key made active (old keys are kept)."""
        n = 1 + max((int(k[1:]) for k in self.keys if k[1:].isdigit()), default=0)
        new_id = f"k{n}"
        keys = dict(self.keys)
        keys[new_id] = secrets.token_bytes(32)
        return KeyRing(
            active=new_id,
            keys=keys,
            index_key=self.index_key,
            path=self.path,
            audit_key=self.audit_key,
            signing_key=self.signing_key,
        )

    def to_json(self) -> str:
        raw = {
            "active": self.active,
            "keys": {k: base64.b64encode(v).decode() for k, v in self.keys.items()},
            "index_key": base64.b64encode(self.index_key).decode(),
        }
        if self.audit_key is not None:
            raw["audit_key"] = base64.b64encode(self.audit_key).decode()
        if self.signing_key is not None:
            raw["signing_key"] = base64.b64encode(self.signing_key).decode()
        return json.dumps(raw, indent=2)


def new_keyring(path: Path | None = None) -> KeyRing:
    return KeyRing(
        active="k1",
        keys={"k1": secrets.token_bytes(32)},
        index_key=secrets.token_bytes(32),
        path=path,
        audit_key=secrets.token_bytes(32),
        signing_key=secrets.token_bytes(32),
    )


def parse_keyring(text: str, path: Path | None = None) -> KeyRing:
    where = str(path) if path else "EXPEDIENTE_KEYS"
    try:
        raw = json.loads(text)
        keys = {k: base64.b64decode(v, validate=True) for k, v in raw["keys"].items()}
        ring = KeyRing(
            active=raw["active"],
            keys=keys,
            index_key=base64.b64decode(raw["index_key"], validate=True),
            path=path,
            audit_key=_optional_key(raw, "audit_key"),
            signing_key=_optional_key(raw, "signing_key"),
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise KeyRingError(f"The key ring in {where} is malformed: {exc}") from None
    if ring.active not in ring.keys:
        raise KeyRingError(f"The key ring in {where} names active key {ring.active!r} but lacks it")
    extra = [k for k in (ring.audit_key, ring.signing_key) if k is not None]
    if any(len(k) != 32 for k in [*ring.keys.values(), *extra]) or len(ring.index_key) < 32:
        raise KeyRingError(f"The key ring in {where} holds a key of the wrong length")
    return ring


def _optional_key(raw: dict[str, str], name: str) -> bytes | None:
    value = raw.get(name)
    return None if value is None else base64.b64decode(value, validate=True)


def load_keyring(path: Path) -> KeyRing:
    env = os.environ.get("EXPEDIENTE_KEYS")
    if env:
        return parse_keyring(env)
    if not path.exists():
        raise KeyRingError(
            f"No key ring at {path}. Run `expediente init` to create one, "
            "or set EXPEDIENTE_KEY_FILE."
        )
    return parse_keyring(path.read_text(encoding="utf-8"), path)


def save_keyring(ring: KeyRing, path: Path) -> None:
    """Write the ring atomically, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(ring.to_json())
    os.replace(tmp, path)
