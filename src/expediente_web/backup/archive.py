"""The backup archive: a tar of named members, a manifest of their SHA-256, sealed with age.

    manifest.json              format, version, when, the database's vendor, and for every other
                               member its size and SHA-256
    database/expediente.sqlite3  a consistent copy of a SQLite database (online backup API)
    database/tables.jsonl      every table's rows, as stored (protected values still sealed)
    files/<path>               the files of the data directory: evidence store, key ring, secret
                               key, as they are on disk

The whole tar is encrypted with age (pyrage) to a passphrase (scrypt) or to one or more X25519
recipients, so a copy of the archive alone reveals nothing, and a changed byte of it fails
decryption. The manifest catches what age cannot: an archive re-sealed by someone who knows the
passphrase, with a member changed, added or removed.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

import pyrage
from pyrage import passphrase as age_passphrase
from pyrage import x25519

FORMAT = "expediente-backup"
VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/expediente.sqlite3"
TABLES_MEMBER = "database/tables.jsonl"
FILES_PREFIX = "files/"


class BackupError(Exception):
    """A backup cannot be written or restored; the message says why (exit code 2)."""


@dataclass(frozen=True)
class Seal:
    """How an archive is (or was) encrypted: a passphrase, or age recipients / identities."""

    passphrase: str | None = None
    recipients: Sequence[str] = ()
    identities: Sequence[str] = ()

    def encrypt(self, data: bytes) -> bytes:
        if self.recipients:
            try:
                keys = [x25519.Recipient.from_str(r.strip()) for r in self.recipients]
            except pyrage.RecipientError as exc:
                raise BackupError(f"Not an age recipient (age1…): {exc}") from None
            return pyrage.encrypt(data, keys)
        if not self.passphrase:
            raise BackupError("No passphrase and no recipient to encrypt the backup to")
        return age_passphrase.encrypt(data, self.passphrase)

    def decrypt(self, data: bytes) -> bytes:
        if not data.startswith(b"age-encryption.org/v1\n"):
            raise BackupError("Not an Expediente backup: the file is not an age archive")
        by_passphrase = b"\n-> scrypt " in data[:200]
        try:
            if self.identities:
                if by_passphrase:
                    raise BackupError(
                        "This backup is sealed with a passphrase, not to a key: give the passphrase"
                    )
                keys = [x25519.Identity.from_str(i) for i in self.identities]
                return pyrage.decrypt(data, keys)
            if not self.passphrase:
                raise BackupError("No passphrase or key given to open the backup")
            if not by_passphrase:
                raise BackupError(
                    "This backup is sealed to an age key, not a passphrase: give --identity FILE"
                )
            return age_passphrase.decrypt(data, self.passphrase)
        except (pyrage.DecryptError, pyrage.IdentityError) as exc:
            raise BackupError(
                "Cannot open the backup: wrong passphrase or key, or the archive was changed "
                f"({exc})"
            ) from None


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pack(manifest: Mapping[str, object], members: Mapping[str, bytes]) -> bytes:
    """The tar of the manifest (with every member's hash added) and the members."""
    entries = {name: {"sha256": sha256(data), "size": len(data)} for name, data in members.items()}
    full = {**manifest, "format": FORMAT, "version": VERSION, "members": entries}
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in [(MANIFEST, json.dumps(full, indent=1).encode()), *members.items()]:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o600
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == str(path)


def unpack(data: bytes) -> tuple[dict[str, object], dict[str, bytes]]:
    """The manifest and members of a decrypted archive, every member checked against the
    manifest: nothing missing, nothing extra, every hash equal.
    """
    members: dict[str, bytes] = {}
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tar:
            for info in tar:
                if not info.isfile() or not _safe_name(info.name) or info.name in members:
                    raise BackupError(f"The backup holds an unexpected entry {info.name!r}")
                handle = tar.extractfile(info)
                members[info.name] = handle.read() if handle else b""
    except tarfile.TarError as exc:
        raise BackupError(f"The backup's contents are not readable: {exc}") from None
    raw = members.pop(MANIFEST, None)
    if raw is None:
        raise BackupError("The backup has no manifest")
    try:
        manifest = json.loads(raw)
    except ValueError:
        raise BackupError("The backup's manifest is not JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("Not an Expediente backup (its manifest names another format)")
    if manifest.get("version") != VERSION:
        raise BackupError(f"Backup format version {manifest.get('version')!r} is not supported")
    listed = manifest.get("members")
    if not isinstance(listed, dict):
        raise BackupError("The backup's manifest lists no members")
    problems = [f"{name}: missing" for name in sorted(set(listed) - set(members))]
    problems += [f"{name}: not in the manifest" for name in sorted(set(members) - set(listed))]
    for name in sorted(set(listed) & set(members)):
        entry = listed[name]
        if not isinstance(entry, dict) or entry.get("sha256") != sha256(members[name]):
            problems.append(f"{name}: SHA-256 differs from the manifest")
    if problems:
        raise BackupError(
            "The backup was changed after it was made; nothing was restored:\n  "
            + "\n  ".join(problems)
        )
    return manifest, members
