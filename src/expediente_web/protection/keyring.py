"""The key ring for protected fields, held outside the database.

A key ring is a small JSON file (or the `EXPEDIENTE_KEYS` environment variable holding the same
JSON) with named AES-256-GCM data keys, the id of the active one, and the HMAC key of blind
indexes and pseudonyms with its id (`index_id`, `i1` when absent):

    {"active": "k2", "keys": {"k1": "<base64>", "k2": "<base64>"},
     "index_key": "<base64>", "index_id": "i2", "old_index_keys": {"i1": "<base64>"}}

Every ciphertext carries the id of the key that made it, so old values stay readable after a new
key becomes active, and `expediente keys rotate` re-encrypts them under the active key. The
index key rotates with it: every blind index is recomputed under the new one, and the old index
key stays in `old_index_keys` only until `--retire-old` drops it. Which index key the stored
blind indexes use is recorded in the database (`protection_keycheck`), with a check value of
every key, so that a ring that is not this database's is refused before anything is read or
written. Losing the key file means losing the protected data: back it up apart from the
database.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass, field, replace
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
    # The id of `index_key`, and index keys of earlier rotations kept until they are retired.
    index_id: str = "i1"
    old_index_keys: dict[str, bytes] = field(default_factory=dict)

    @property
    def index_keys(self) -> dict[str, bytes]:
        """Every index key of the ring by id, the current one included."""
        return {**self.old_index_keys, self.index_id: self.index_key}

    def with_index_in_use(self, index_id: str) -> KeyRing:
        """A copy whose `index_key` is the ring's index key `index_id` (the one the database's
        blind indexes use, which differs from the ring's newest after an interrupted rotation).
        """
        if index_id == self.index_id:
            return self
        keys = self.index_keys
        if index_id not in keys:
            raise KeyRingError(f"The key ring lacks index key {index_id!r}")
        others = {k: v for k, v in keys.items() if k != index_id}
        return replace(self, index_key=keys[index_id], index_id=index_id, old_index_keys=others)

    def with_new_index_key(self) -> KeyRing:
        """A copy with a freshly generated index key made current (the old ones are kept)."""
        n = 1 + max((int(k[1:]) for k in self.index_keys if k[1:].isdigit()), default=0)
        return replace(self, index_key=secrets.token_bytes(32), index_id=f"i{n}",
                       old_index_keys=self.index_keys)

    def without_old_keys(self) -> KeyRing:
        """A copy holding only the active data key and the current index key."""
        return replace(self, keys={self.active: self.key(self.active)}, old_index_keys={})

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
        # `replace` keeps every other part of the ring (index, audit and signing keys) as it is.
        return replace(self, active=new_id, keys=keys)

    def to_json(self) -> str:
        raw = {
            "active": self.active,
            "keys": {k: base64.b64encode(v).decode() for k, v in self.keys.items()},
            "index_key": base64.b64encode(self.index_key).decode(),
            "index_id": self.index_id,
        }
        if self.old_index_keys:
            raw["old_index_keys"] = {
                k: base64.b64encode(v).decode() for k, v in self.old_index_keys.items()
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
            index_id=str(raw.get("index_id") or "i1"),
            old_index_keys={
                k: base64.b64decode(v, validate=True)
                for k, v in (raw.get("old_index_keys") or {}).items()
            },
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise KeyRingError(f"The key ring in {where} is malformed: {exc}") from None
    if ring.active not in ring.keys:
        raise KeyRingError(f"The key ring in {where} names active key {ring.active!r} but lacks it")
    extra = [k for k in (ring.audit_key, ring.signing_key) if k is not None]
    if ring.index_id in ring.old_index_keys:
        raise KeyRingError(f"The key ring in {where} holds index key {ring.index_id!r} twice")
    index_keys = ring.index_keys.values()
    if any(len(k) != 32 for k in [*ring.keys.values(), *extra]) or any(
        len(k) < 32 for k in index_keys
    ):
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
