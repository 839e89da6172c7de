"""The key ring for protected fields, held outside the database.

A key ring is a small JSON file (or the `EXPEDIENTE_KEYS` environment variable holding the same
JSON) with named AES-256-GCM data keys, the id of the active one, and the HMAC key of blind
indexes and pseudonyms with its id (`index_id`, `i1` when absent):

    {"active": "k2", "keys": {"k1": "<base64>", "k2": "<base64>"},
     "index_key": "<base64>", "index_id": "i2", "old_index_keys": {"i1": "<base64>"}}

A ring may also hold `db_key`, the SQLCipher key of the embedded database (32 bytes, given to
SQLCipher as a raw key, so no key derivation runs per connection), and `old_db_keys`, the keys a
rotation has not finished replacing (`protection/database_key.py`). A ring without one opens a
plain database.

Every ciphertext carries the id of the key that made it, so old values stay readable after a new
key becomes active, and `expediente keys rotate` re-encrypts them under the active key. The
index key rotates with it: every blind index is recomputed under the new one, and the old index
key stays in `old_index_keys` only until `--retire-old` drops it. Which index key the stored
blind indexes use is recorded in the database (`protection_keycheck`), with a check value of
every key, so that a ring that is not this database's is refused before anything is read or
written. Losing the key file means losing the protected data: back it up apart from the
database.

On disk the ring is **sealed** with a passphrase: scrypt (parameters and salt in the file's
header) derives a key that AES-256-GCM-encrypts the JSON above, the header being the associated
data, so neither the keys nor the parameters can be read or altered without the passphrase:

    {"format": "expediente-sealed-keyring-v1",
     "kdf": {"name": "scrypt", "n": 131072, "r": 8, "p": 1, "salt": "<base64>"},
     "nonce": "<base64>", "ciphertext": "<base64>"}

The passphrase comes from `EXPEDIENTE_KEY_PASSPHRASE`, else the file named by
`EXPEDIENTE_KEY_PASSPHRASE_FILE`, else a prompt when stdin is a terminal (`read_passphrase`).
A ring in `EXPEDIENTE_KEYS` is plain JSON: keeping it in the environment is the operator's
explicit choice. A plain key file (written before rings were sealed) is still read;
`expediente keys passphrase` seals it.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

SEALED_FORMAT = "expediente-sealed-keyring-v1"
#: scrypt cost of new seals (OWASP's minimum: N=2^17, r=8, p=1, 128 MiB); a file's own header
#: says which parameters unseal it.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1
#: The shortest passphrase accepted for a new seal.
MIN_PASSPHRASE = 10
PASSPHRASE_ENV = "EXPEDIENTE_KEY_PASSPHRASE"  # noqa: S105 (the name of a setting, not a password)
PASSPHRASE_FILE_ENV = "EXPEDIENTE_KEY_PASSPHRASE_FILE"  # noqa: S105 (the name of a setting, not a password)


class KeyRingError(Exception):
    """The key ring is missing, malformed or lacks a key a value needs."""


@dataclass(frozen=True)
class Seal:
    """How a key file is sealed: scrypt's parameters and salt, and the key they derived from the
    passphrase (kept in memory so that a rotation re-seals the file without asking again)."""

    salt: bytes
    n: int
    r: int
    p: int
    key: bytes = field(repr=False)

    def header(self) -> dict[str, object]:
        return {"format": SEALED_FORMAT,
                "kdf": {"name": "scrypt", "n": self.n, "r": self.r, "p": self.p,
                        "salt": base64.b64encode(self.salt).decode()}}


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
    # The SQLCipher key of the embedded database (None: a plain database), and the keys of a
    # database-key rotation that has not committed yet (tried after `db_key` when opening).
    db_key: bytes | None = field(default=None, repr=False)
    old_db_keys: tuple[bytes, ...] = field(default=(), repr=False)
    # How the key file is sealed (None: from the environment, or a plain file of old).
    seal: Seal | None = field(default=None, compare=False, repr=False)

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

    @property
    def db_keys(self) -> tuple[bytes, ...]:
        """The keys that may open the embedded database, the current one first."""
        return () if self.db_key is None else (self.db_key, *self.old_db_keys)

    def with_new_db_key(self) -> KeyRing:
        """A copy with a fresh database key current, every earlier one kept until the database
        has been rekeyed under it."""
        old = tuple(k for k in self.db_keys)
        return replace(self, db_key=secrets.token_bytes(32), old_db_keys=old)

    def without_old_db_keys(self) -> KeyRing:
        return replace(self, old_db_keys=())

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
        if self.db_key is not None:
            raw["db_key"] = base64.b64encode(self.db_key).decode()
        if self.old_db_keys:
            raw["old_db_keys"] = [base64.b64encode(k).decode() for k in self.old_db_keys]
        return json.dumps(raw, indent=2)


def new_keyring(path: Path | None = None, *, database_key: bool = True) -> KeyRing:
    """A fresh ring; with a database key unless `database_key` is false (a platform without
    SQLCipher, where the database stays plain)."""
    return KeyRing(
        active="k1",
        keys={"k1": secrets.token_bytes(32)},
        index_key=secrets.token_bytes(32),
        path=path,
        audit_key=secrets.token_bytes(32),
        signing_key=secrets.token_bytes(32),
        db_key=secrets.token_bytes(32) if database_key else None,
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
            db_key=_optional_key(raw, "db_key"),
            old_db_keys=tuple(
                base64.b64decode(v, validate=True) for v in raw.get("old_db_keys") or ()
            ),
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise KeyRingError(f"The key ring in {where} is malformed: {exc}") from None
    if ring.active not in ring.keys:
        raise KeyRingError(f"The key ring in {where} names active key {ring.active!r} but lacks it")
    if ring.old_db_keys and ring.db_key is None:
        raise KeyRingError(f"The key ring in {where} holds old database keys but no db_key")
    extra = [k for k in (ring.audit_key, ring.signing_key) if k is not None]
    extra += list(ring.db_keys)
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


def load_keyring(path: Path, passphrase: str | None = None) -> KeyRing:
    """The ring in `EXPEDIENTE_KEYS`, else the key file at `path`, unsealed with `passphrase`
    (default: `read_passphrase`).

    Raises:
        KeyRingError: no ring, a malformed one, no passphrase, or a wrong one.
    """
    env = os.environ.get("EXPEDIENTE_KEYS")
    if env:
        return parse_keyring(env)
    if not path.exists():
        raise KeyRingError(
            f"No key ring at {path}. Run `expediente init` to create one, "
            "or set EXPEDIENTE_KEY_FILE."
        )
    text = path.read_text(encoding="utf-8")
    if not is_sealed(text):
        return parse_keyring(text, path)
    return unseal(text, path, read_passphrase(path) if passphrase is None else passphrase)


def is_sealed(text: str) -> bool:
    try:
        return json.loads(text).get("format") == SEALED_FORMAT
    except (ValueError, AttributeError):
        return False


def new_seal(passphrase: str) -> Seal:
    """A fresh salt and the key scrypt derives from `passphrase` with it."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise KeyRingError(f"The passphrase is too short ({len(passphrase)} characters; at least "
                           f"{MIN_PASSPHRASE} are needed — a few words are best)")
    salt = secrets.token_bytes(16)
    return Seal(salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, _derive(passphrase, salt, SCRYPT_N,
                                                            SCRYPT_R, SCRYPT_P))


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def _aad(header: dict[str, object]) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":")).encode()


def sealed_text(ring: KeyRing, seal: Seal) -> str:
    """The key file's text: the ring's JSON sealed under `seal` (a fresh nonce every time)."""
    header = seal.header()
    nonce = secrets.token_bytes(12)
    body = AESGCM(seal.key).encrypt(nonce, ring.to_json().encode(), _aad(header))
    return json.dumps({**header, "nonce": base64.b64encode(nonce).decode(),
                       "ciphertext": base64.b64encode(body).decode()}, indent=2)


def unseal(text: str, path: Path | None, passphrase: str) -> KeyRing:
    """The ring sealed in `text`.

    Raises:
        KeyRingError: a malformed file, or a passphrase that does not open it.
    """
    where = str(path) if path else "the sealed key ring"
    try:
        raw = json.loads(text)
        kdf = raw["kdf"]
        if kdf["name"] != "scrypt":
            raise ValueError(f"unknown key derivation {kdf['name']!r}")
        n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
        if not (2**14 <= n <= 2**22 and 1 <= r <= 32 and 1 <= p <= 16):
            raise ValueError("scrypt parameters out of range")
        salt = base64.b64decode(kdf["salt"], validate=True)
        nonce = base64.b64decode(raw["nonce"], validate=True)
        body = base64.b64decode(raw["ciphertext"], validate=True)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise KeyRingError(f"The sealed key ring in {where} is malformed: {exc}") from None
    seal = Seal(salt, n, r, p, _derive(passphrase, salt, n, r, p))
    try:
        plain = AESGCM(seal.key).decrypt(nonce, body, _aad(seal.header()))
    except InvalidTag:
        raise KeyRingError(f"Wrong passphrase for the key ring {where} (or the file was altered): "
                           "nothing was read or written") from None
    return replace(parse_keyring(plain.decode("utf-8"), path), seal=seal)


def reopen(text: str, path: Path | None, seal: Seal) -> KeyRing:
    """The ring sealed in `text` under `seal` (a file re-sealed without a new passphrase, as a
    rotation writes it), opened with the key `seal` holds: no passphrase, no key derivation.

    Raises:
        KeyRingError: a malformed file, or one sealed with other parameters or salt.
    """
    where = str(path) if path else "the sealed key ring"
    try:
        raw = json.loads(text)
        same = {"format": raw["format"], "kdf": raw["kdf"]} == seal.header()
        nonce = base64.b64decode(raw["nonce"], validate=True)
        body = base64.b64decode(raw["ciphertext"], validate=True)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise KeyRingError(f"The sealed key ring in {where} is malformed: {exc}") from None
    if not same:
        raise KeyRingError(f"The key ring {where} is sealed under another passphrase")
    try:
        plain = AESGCM(seal.key).decrypt(nonce, body, _aad(seal.header()))
    except InvalidTag:
        raise KeyRingError(f"The key ring {where} was altered: nothing was read") from None
    return replace(parse_keyring(plain.decode("utf-8"), path), seal=seal)


def read_passphrase(path: Path | None = None, *, prompt: str | None = None,
                    confirm: bool = False) -> str:
    """The passphrase of the key ring: `EXPEDIENTE_KEY_PASSPHRASE`, else the first line of the
    file `EXPEDIENTE_KEY_PASSPHRASE_FILE` names, else asked for when stdin is a terminal.

    Raises:
        KeyRingError: none of them gives one.
    """
    value = os.environ.get(PASSPHRASE_ENV)
    if value:
        return value
    named = os.environ.get(PASSPHRASE_FILE_ENV)
    if named:
        try:
            line = Path(named).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise KeyRingError(f"{PASSPHRASE_FILE_ENV} names {named}, which cannot be read: "
                               f"{exc.strerror}") from None
        if not line or not line[0]:
            raise KeyRingError(f"The passphrase file {named} is empty")
        return line[0]
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        text = prompt or f"Passphrase of the key ring {path or ''}: "
        value = getpass.getpass(text)
        if confirm and getpass.getpass("The same passphrase again: ") != value:
            raise KeyRingError("The two passphrases differ: nothing was changed")
        if value:
            return value
    raise KeyRingError(
        f"The key ring {path or ''} is sealed with a passphrase: set {PASSPHRASE_ENV}, or "
        f"{PASSPHRASE_FILE_ENV} to a file holding it, or run the command in a terminal to be "
        "asked for it"
    )


def save_keyring(ring: KeyRing, path: Path, seal: Seal | None = None) -> None:
    """Write the ring atomically, readable by its owner only, sealed under `seal` (default: the
    seal it was read with; a ring read from a plain file of old is written plain)."""
    seal = seal or ring.seal
    text = sealed_text(ring, seal) if seal else ring.to_json()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
