"""The content-addressed evidence store: each file lives at `ab/cd/<sha256>` under the evidence
directory, is written once through a temporary file and an atomic rename, and is never
overwritten. The same content stored twice is one file."""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from django.conf import settings

_CHUNK = 1024 * 1024


class TooLarge(Exception):
    """The file is larger than `EXPEDIENTE_MAX_UPLOAD_BYTES`."""


@dataclass(frozen=True)
class Stored:
    sha256: str
    size: int
    path: Path
    new: bool
    """False when the same content was already in the store (nothing was written)."""


def store_root() -> Path:
    return Path(settings.EXPEDIENTE_EVIDENCE_DIR)


_SHA256 = re.compile(r"[0-9a-f]{64}")


class NotAHash(ValueError):
    """A name given as a SHA-256 is not one (64 lowercase hex digits)."""


def path_for(sha256: str) -> Path:
    """Where the file with this SHA-256 lives.

    Raises:
        NotAHash: `sha256` is not a SHA-256; taken as a path, it could name any file.
    """
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        raise NotAHash(f"{sha256!r} is not a SHA-256 (64 lowercase hexadecimal digits)")
    return store_root() / sha256[:2] / sha256[2:4] / sha256


def chunks(stream: BinaryIO) -> Iterator[bytes]:
    while chunk := stream.read(_CHUNK):
        yield chunk


def store(stream: BinaryIO, *, max_bytes: int | None = None) -> Stored:
    """Copy `stream` into the store, hashing it on the way; the file is read once."""
    limit = settings.EXPEDIENTE_MAX_UPLOAD_BYTES if max_bytes is None else max_bytes
    root = store_root()
    incoming = root / "incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(dir=incoming, prefix="upload-")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks(stream):
                size += len(chunk)
                if size > limit:
                    raise TooLarge(f"larger than the limit of {limit} bytes")
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        sha = digest.hexdigest()
        target = path_for(sha)
        if target.exists():
            # Same content already stored: never overwrite, never rewrite.
            return Stored(sha, size, target, new=False)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(tmp, 0o444)
        try:
            # link() fails if the target appeared meanwhile, unlike rename(): written once.
            os.link(tmp, target)
        except FileExistsError:
            return Stored(sha, size, target, new=False)
        return Stored(sha, size, target, new=True)
    finally:
        tmp.unlink(missing_ok=True)
