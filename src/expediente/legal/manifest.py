"""Signed release manifests: the SHA-256 of every file of an edition, signed with Ed25519.

A release folder (a report edition, a static site) ships ``MANIFEST.json``, which lists
every other file with its size and SHA-256, and ``MANIFEST.json.sig``, the Ed25519
signature of the manifest's exact bytes (base64). The manifest carries the signer's
public key; whoever verifies should compare its fingerprint with the one the publisher
gave them out of band, or pin the key (``expected_key``), since anyone can sign a forged
folder with a key of their own.

:func:`verify_release` re-hashes the folder and reports every changed, added and removed
file, a bad signature, a key other than the pinned one, and anything in the folder that a
manifest cannot vouch for (links, special files, paths that leave the folder).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

__all__ = [
    "MANIFEST_NAME",
    "SIGNATURE_NAME",
    "ManifestError",
    "VerifyResult",
    "build_manifest",
    "key_fingerprint",
    "load_public_key",
    "sign_release",
    "verify_release",
]

MANIFEST_NAME = "MANIFEST.json"
SIGNATURE_NAME = "MANIFEST.json.sig"
FORMAT = "expediente-release-manifest/1"
_CHUNK = 1 << 20


class ManifestError(ValueError):
    """The folder or the manifest cannot be read as a release (exit 2 in the CLI)."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_fingerprint(key: Ed25519PublicKey) -> str:
    """``SHA256:`` and the first 32 hex digits of the SHA-256 of the raw public key."""
    return "SHA256:" + hashlib.sha256(_raw_public(key)).hexdigest()[:32]


def load_public_key(path: Path) -> Ed25519PublicKey:
    """An Ed25519 public key from a PEM file or from a file holding its raw base64.

    Raises:
        ManifestError: the file is missing or holds no Ed25519 public key.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ManifestError(f"cannot read the public key {str(path)!r}: {exc.strerror}") from None
    try:
        if b"BEGIN" in data:
            key = serialization.load_pem_public_key(data)
        else:
            key = Ed25519PublicKey.from_public_bytes(base64.b64decode(data.strip(), validate=True))
    except (ValueError, TypeError):
        raise ManifestError(f"{str(path)!r} holds no Ed25519 public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise ManifestError(f"{str(path)!r} holds a public key that is not Ed25519")
    return key


def _walk(root: Path) -> tuple[dict[str, Path], list[str]]:
    """Regular files under ``root`` by relative POSIX path, and what cannot be vouched for."""
    files: dict[str, Path] = {}
    unsafe: list[str] = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            unsafe.append(f"{rel} is a symbolic link")
        elif path.is_dir():
            continue
        elif not path.is_file():
            unsafe.append(f"{rel} is not a regular file")
        elif rel not in (MANIFEST_NAME, SIGNATURE_NAME):
            files[rel] = path
    return files, unsafe


def build_manifest(root: Path, public_key: Ed25519PublicKey) -> bytes:
    """The manifest of every regular file under ``root`` (canonical JSON bytes).

    Raises:
        ManifestError: ``root`` is no folder, or holds links or special files.
    """
    if not root.is_dir():
        raise ManifestError(f"{str(root)!r} is not a folder")
    files, unsafe = _walk(root)
    if unsafe:
        raise ManifestError("cannot sign a folder that holds: " + "; ".join(unsafe))
    manifest = {
        "format": FORMAT,
        "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "hash": "sha256",
        "signature": "ed25519",
        "public_key": base64.b64encode(_raw_public(public_key)).decode("ascii"),
        "files": [
            {"path": rel, "size": path.stat().st_size, "sha256": _sha256(path)}
            for rel, path in sorted(files.items())
        ],
    }
    return (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def sign_release(root: Path, private_key: Ed25519PrivateKey) -> Path:
    """Write ``MANIFEST.json`` and its signature into ``root``; return the manifest path."""
    data = build_manifest(root, private_key.public_key())
    signature = private_key.sign(data)
    (root / MANIFEST_NAME).write_bytes(data)
    (root / SIGNATURE_NAME).write_bytes(base64.b64encode(signature) + b"\n")
    return root / MANIFEST_NAME


@dataclass(frozen=True)
class VerifyResult:
    changed: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    unsafe: tuple[str, ...] = ()
    signature_ok: bool = False
    key_ok: bool = True
    """False when a key was pinned and the manifest was signed with another."""
    fingerprint: str = ""
    files: int = 0
    problems: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return (
            self.signature_ok
            and self.key_ok
            and not (self.changed or self.added or self.removed or self.unsafe)
        )


def _read_manifest(root: Path) -> tuple[bytes, dict[str, Any], bytes]:
    if not root.is_dir():
        raise ManifestError(f"{str(root)!r} is not a folder")
    manifest_path, signature_path = root / MANIFEST_NAME, root / SIGNATURE_NAME
    for path in (manifest_path, signature_path):
        if path.is_symlink() or not path.is_file():
            raise ManifestError(f"{str(root)!r} has no {path.name}: it is not a signed release")
    data = manifest_path.read_bytes()
    try:
        manifest = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ManifestError(f"{MANIFEST_NAME} is not valid JSON: {exc}") from None
    if not isinstance(manifest, Mapping) or manifest.get("format") != FORMAT:
        raise ManifestError(f"{MANIFEST_NAME} is not an Expediente release manifest ({FORMAT})")
    try:
        signature = base64.b64decode(signature_path.read_bytes().strip(), validate=True)
    except ValueError:
        signature = b""  # reported as a bad signature, not as unreadable
    return data, dict(manifest), signature


def _listed(manifest: Mapping[str, Any]) -> dict[str, str]:
    entries = manifest.get("files")
    if not isinstance(entries, list):
        raise ManifestError(f"{MANIFEST_NAME}: 'files' must be a list")
    listed: dict[str, str] = {}
    for position, entry in enumerate(entries, start=1):
        if not isinstance(entry, Mapping):
            raise ManifestError(f"{MANIFEST_NAME}: file #{position} is not an object")
        rel, digest = entry.get("path"), entry.get("sha256")
        if not isinstance(rel, str) or not isinstance(digest, str):
            raise ManifestError(f"{MANIFEST_NAME}: file #{position} needs a path and a sha256")
        pure = PurePosixPath(rel)
        if pure.is_absolute() or ".." in pure.parts or "\\" in rel or str(pure) != rel:
            raise ManifestError(f"{MANIFEST_NAME}: file #{position} has an unsafe path {rel!r}")
        if rel in listed:
            raise ManifestError(f"{MANIFEST_NAME}: {rel!r} is listed twice")
        listed[rel] = digest
    return listed


def verify_release(root: Path, expected_key: Ed25519PublicKey | None = None) -> VerifyResult:
    """Check a release folder against its signed manifest.

    Raises:
        ManifestError: the folder is missing, or its manifest is absent or unreadable.
    """
    data, manifest, signature = _read_manifest(root)
    try:
        key = Ed25519PublicKey.from_public_bytes(
            base64.b64decode(str(manifest.get("public_key", "")), validate=True)
        )
    except ValueError:
        raise ManifestError(f"{MANIFEST_NAME} carries no valid Ed25519 public key") from None
    try:
        key.verify(signature, data)
        signature_ok = True
    except InvalidSignature:
        signature_ok = False
    key_ok = expected_key is None or _raw_public(expected_key) == _raw_public(key)
    listed = _listed(manifest)
    files, unsafe = _walk(root)
    changed = tuple(
        rel for rel in sorted(listed) if rel in files and _sha256(files[rel]) != listed[rel]
    )
    added = tuple(rel for rel in sorted(files) if rel not in listed)
    removed = tuple(rel for rel in sorted(listed) if rel not in files)
    return VerifyResult(
        changed=changed,
        added=added,
        removed=removed,
        unsafe=tuple(unsafe),
        signature_ok=signature_ok,
        key_ok=key_ok,
        fingerprint=key_fingerprint(key),
        files=len(listed),
    )
