"""The content-addressed evidence store, encrypted at rest.

Each file lives at `ab/cd/<sha256>` under the evidence directory, named by the SHA-256 of its
**plaintext**, is written once through a temporary file and an atomic rename, and is never
overwritten; the same content stored twice is one file. Its bytes on disk are AES-256-GCM
ciphertext (decision record 1101):

    header (104 bytes)
      magic        8   b"EXPEVD1\\n"
      key id      16   the data key of the ring that wraps the file key (ASCII, NUL-padded)
      file id     16   random
      wrap nonce  12
      wrapped key 48   the file's random 256-bit key, AES-GCM under the data key, bound to
                       the magic, key id, file id and the plaintext's SHA-256
      segment      4   plaintext bytes per segment (big-endian; 1 MiB)
    segments: each one the AES-GCM ciphertext and tag of one segment of plaintext under the
      file key, nonce = 4 zero bytes ‖ segment index (8 bytes); the associated data names the
      file id, the index and whether it is the last, so segments cannot be reordered, dropped
      or cut off unnoticed. The last segment is shorter than a full one (empty when the
      plaintext fills whole segments).

Every reader of evidence bytes goes through `open_evidence(sha256)`, which decrypts one segment
at a time; memory stays flat for any size. A file stored in clear by an earlier version is
refused by it (`PlainEvidence`) until `expediente keys encrypt-evidence` encrypts the store.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import struct
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

_CHUNK = 1024 * 1024
SEGMENT = 1024 * 1024
MAGIC = b"EXPEVD1\n"
_HEADER = struct.Struct(">8s16s16s12s48sI")
HEADER_BYTES = _HEADER.size
_TAG = 16


class TooLarge(Exception):
    """The file is larger than `EXPEDIENTE_MAX_UPLOAD_BYTES`."""


class EvidenceUnreadable(Exception):
    """A stored evidence file cannot be read back as the plaintext its name promises: missing,
    altered, truncated, encrypted under a key not in the ring, or stored in clear."""


class PlainEvidence(EvidenceUnreadable):
    """The file was stored in clear by an earlier version."""


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
    """Where the file with this SHA-256 lives (encrypted: read it with `open_evidence`).

    Raises:
        NotAHash: `sha256` is not a SHA-256; taken as a path, it could name any file.
    """
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        raise NotAHash(f"{sha256!r} is not a SHA-256 (64 lowercase hexadecimal digits)")
    return store_root() / sha256[:2] / sha256[2:4] / sha256


def chunks(stream: BinaryIO) -> Iterator[bytes]:
    while chunk := stream.read(_CHUNK):
        yield chunk


# -- the format -----------------------------------------------------------------------------


def _wrap_aad(key_id: bytes, file_id: bytes, sha256: str) -> bytes:
    return MAGIC + key_id + file_id + sha256.encode("ascii")


def _segment_aad(file_id: bytes, index: int, final: bool) -> bytes:
    return b"expediente-evidence-segment\x00" + file_id + struct.pack(">QB", index, final)


def _nonce(index: int) -> bytes:
    return b"\x00\x00\x00\x00" + struct.pack(">Q", index)


def _key_id_field(key_id: str) -> bytes:
    raw = key_id.encode("ascii")
    if len(raw) > 16:
        raise ValueError(f"key id {key_id!r} is longer than 16 characters")
    return raw.ljust(16, b"\x00")


def _header(key_id: str, data_key: bytes, file_id: bytes, file_key: bytes, sha256: str) -> bytes:
    kid = _key_id_field(key_id)
    nonce = secrets.token_bytes(12)
    wrapped = AESGCM(data_key).encrypt(nonce, file_key, _wrap_aad(kid, file_id, sha256))
    return _HEADER.pack(MAGIC, kid, file_id, nonce, wrapped, SEGMENT)


@dataclass(frozen=True)
class _Header:
    key_id: str
    file_id: bytes
    nonce: bytes
    wrapped: bytes
    segment: int


def _read_header(handle: BinaryIO, sha256: str) -> _Header:
    raw = handle.read(HEADER_BYTES)
    if not raw.startswith(MAGIC):
        raise PlainEvidence(
            f"The evidence file {sha256} is stored in clear (by an earlier version): run "
            "`expediente keys encrypt-evidence` to encrypt the store")
    if len(raw) < HEADER_BYTES:
        raise EvidenceUnreadable(f"The evidence file {sha256} is cut off in its header")
    _, kid, file_id, nonce, wrapped, segment = _HEADER.unpack(raw)
    if not 1 <= segment <= 64 * SEGMENT:
        raise EvidenceUnreadable(f"The evidence file {sha256} has a damaged header")
    return _Header(kid.rstrip(b"\x00").decode("ascii", "replace"), file_id, nonce, wrapped,
                   segment)


def _file_key(header: _Header, sha256: str, ring: object | None = None) -> bytes:
    from expediente_web.protection.cipher import current_keyring

    ring = ring or current_keyring()
    data_key = ring.key(header.key_id)  # type: ignore[attr-defined]
    try:
        return AESGCM(data_key).decrypt(
            header.nonce, header.wrapped,
            _wrap_aad(_key_id_field(header.key_id), header.file_id, sha256))
    except InvalidTag:
        raise EvidenceUnreadable(
            f"The key of evidence file {sha256} does not decrypt with data key "
            f"{header.key_id!r}: the file was altered, moved from another file's place, or the "
            "key ring is not this store's") from None


def _encrypt_into(stream: BinaryIO, out: BinaryIO, limit: int | None,
                  data_key: bytes, key_id: str) -> tuple[str, int]:
    """Write `stream` encrypted into `out` (from the start); the plaintext's SHA-256 and size."""
    file_id, file_key = secrets.token_bytes(16), secrets.token_bytes(32)
    aead = AESGCM(file_key)
    out.write(b"\x00" * HEADER_BYTES)  # written once the plaintext's hash is known
    digest = hashlib.sha256()
    size = index = 0
    pending = b""
    for chunk in chunks(stream):
        size += len(chunk)
        if limit is not None and size > limit:
            raise TooLarge(f"larger than the limit of {limit} bytes")
        digest.update(chunk)
        pending += chunk
        while len(pending) > SEGMENT:  # a full segment with more after it: not the last
            out.write(aead.encrypt(_nonce(index), pending[:SEGMENT],
                                   _segment_aad(file_id, index, False)))
            pending, index = pending[SEGMENT:], index + 1
    if len(pending) == SEGMENT:  # the last segment is always shorter than a full one
        out.write(aead.encrypt(_nonce(index), pending, _segment_aad(file_id, index, False)))
        pending, index = b"", index + 1
    out.write(aead.encrypt(_nonce(index), pending, _segment_aad(file_id, index, True)))
    sha = digest.hexdigest()
    out.seek(0)
    out.write(_header(key_id, data_key, file_id, file_key, sha))
    out.flush()
    os.fsync(out.fileno())
    return sha, size


# -- writing and reading ---------------------------------------------------------------------


def store(stream: BinaryIO, *, max_bytes: int | None = None) -> Stored:
    """Encrypt `stream` into the store, hashing its plaintext on the way; read once, in
    segments, under the key ring's active data key."""
    from expediente_web.protection.cipher import current_keyring

    limit = settings.EXPEDIENTE_MAX_UPLOAD_BYTES if max_bytes is None else max_bytes
    ring = current_keyring()
    incoming = store_root() / "incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=incoming, prefix="upload-")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w+b") as out:
            sha, size = _encrypt_into(stream, out, limit, ring.key(ring.active), ring.active)
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


class EvidenceReader:
    """The plaintext of one stored file, decrypted a segment at a time (`open_evidence`).

    Iterating gives the plaintext in segments; `read(n)` works as on a file. Every segment is
    authenticated before it is given out, and a file cut off before its last segment raises
    `EvidenceUnreadable` at the end instead of ending early.
    """

    def __init__(self, sha256: str, handle: BinaryIO, ring: object | None = None) -> None:
        self.sha256 = sha256
        self._handle = handle
        try:
            header = _read_header(handle, sha256)
            self._aead = AESGCM(_file_key(header, sha256, ring))
        except BaseException:
            handle.close()
            raise
        self.key_id = header.key_id
        self._file_id = header.file_id
        self._segment = header.segment
        self._segments = self._decrypt()
        self._buffer = b""

    def _decrypt(self) -> Iterator[bytes]:
        index = 0
        while True:
            block = self._handle.read(self._segment + _TAG)
            final = len(block) < self._segment + _TAG
            if final and not block:
                raise EvidenceUnreadable(f"The evidence file {self.sha256} is cut off: its last "
                                         "segment is missing")
            try:
                yield self._aead.decrypt(_nonce(index), block,
                                         _segment_aad(self._file_id, index, final))
            except InvalidTag:
                raise EvidenceUnreadable(
                    f"Segment {index} of the evidence file {self.sha256} does not decrypt: the "
                    "file was altered or cut off") from None
            if final:
                return
            index += 1

    def __iter__(self) -> Iterator[bytes]:
        if self._buffer:
            yield self._buffer
            self._buffer = b""
        yield from self._segments

    def iter_range(self, start: int, stop: int) -> Iterator[bytes]:
        """The plaintext bytes `start` to `stop` (exclusive), decrypting only the segments
        that hold them (a recording played from its middle). Use on a fresh reader."""
        index = max(start, 0) // self._segment
        self._handle.seek(HEADER_BYTES + index * (self._segment + _TAG))
        offset = index * self._segment
        while offset < stop:
            block = self._handle.read(self._segment + _TAG)
            final = len(block) < self._segment + _TAG
            if not block:
                raise EvidenceUnreadable(f"The evidence file {self.sha256} is cut off: its last "
                                         "segment is missing")
            try:
                plain = self._aead.decrypt(_nonce(index), block,
                                           _segment_aad(self._file_id, index, final))
            except InvalidTag:
                raise EvidenceUnreadable(
                    f"Segment {index} of the evidence file {self.sha256} does not decrypt: the "
                    "file was altered or cut off") from None
            low, high = max(start - offset, 0), min(stop - offset, len(plain))
            if low < high:
                yield plain[low:high]
            if final:
                return
            offset += len(plain)
            index += 1

    def read(self, size: int = -1) -> bytes:
        parts = [self._buffer]
        have = len(self._buffer)
        while size < 0 or have < size:
            block = next(self._segments, None)
            if block is None:
                break
            parts.append(block)
            have += len(block)
        data = b"".join(parts)
        if size < 0:
            self._buffer = b""
            return data
        self._buffer = data[size:]
        return data[:size]

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> EvidenceReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_evidence(sha256: str, ring: object | None = None) -> EvidenceReader:
    """The plaintext of the stored file with this SHA-256 (use it as a context manager).

    Raises:
        NotAHash: not a SHA-256.
        FileNotFoundError: no such file in the store.
        EvidenceUnreadable: altered, cut off, under a key not in the ring, or stored in clear.
    """
    return EvidenceReader(sha256, open(path_for(sha256), "rb"), ring)


def plaintext_sha256(sha256: str) -> str:
    """The SHA-256 of the stored file's decrypted bytes (what `expediente check` compares)."""
    digest = hashlib.sha256()
    with open_evidence(sha256) as reader:
        for block in reader:
            digest.update(block)
    return digest.hexdigest()


# -- keys ------------------------------------------------------------------------------------


def stored_files(*, named_only: bool = False) -> Iterator[Path]:
    """The files of the store; with `named_only`, those an evidence item names (a file left by
    an import that was killed or refused names no item, holds nothing of the record and needs
    no key of the ring)."""
    root = store_root()
    named: set[str] | None = None
    if named_only:
        from expediente_web.evidence.models import EvidenceItem

        named = set(EvidenceItem._base_manager.values_list("sha256", flat=True))
    for path in sorted(root.glob("??/??/*")):
        if (path.is_file() and _SHA256.fullmatch(path.name)
                and (named is None or path.name in named)):
            yield path


def key_usage(*, named_only: bool = False) -> dict[str, int]:
    """How many stored files each data key wraps (`"plain"`: files stored in clear); with
    `named_only`, only the files an evidence item names."""
    usage: dict[str, int] = {}
    for path in stored_files(named_only=named_only):
        with open(path, "rb") as handle:
            try:
                key_id = _read_header(handle, path.name).key_id
            except PlainEvidence:
                key_id = "plain"
            except EvidenceUnreadable:
                key_id = "damaged"
        usage[key_id] = usage.get(key_id, 0) + 1
    return usage


def _replace(path: Path, write: object) -> None:
    """Write a new version of a stored file beside it and rename it into place."""
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".rewrap-")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w+b") as out:
            write(out)  # type: ignore[operator]
        os.chmod(tmp, 0o444)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def rewrap(ring: object) -> int:
    """Wrap every file key under the ring's active data key (`keys rotate`): only the headers
    change, the segments are copied as they are. Returns how many files were rewrapped."""
    active = ring.active  # type: ignore[attr-defined]
    done = 0
    named = {p.name for p in stored_files(named_only=True)}
    for path in stored_files():
        with open(path, "rb") as handle:
            try:
                header = _read_header(handle, path.name)
            except PlainEvidence:
                continue
            if header.key_id == active:
                continue
            try:
                file_key = _file_key(header, path.name, ring)
            except EvidenceUnreadable:
                if path.name in named:
                    raise
                continue  # a file no item names, left by a refused or killed import
            new_header = _header(active, ring.key(active), header.file_id,  # type: ignore[attr-defined]
                                 file_key, path.name)

            def write(out: BinaryIO, handle: BinaryIO = handle, head: bytes = new_header) -> None:
                out.write(head)
                while block := handle.read(_CHUNK):
                    out.write(block)
                out.flush()
                os.fsync(out.fileno())

            _replace(path, write)
        done += 1
    return done


def encrypt_plain_files() -> int:
    """Encrypt every file an earlier version stored in clear (`keys encrypt-evidence`); each is
    verified against its name before it replaces the plain one. Returns how many."""
    from expediente_web.protection.cipher import current_keyring

    ring = current_keyring()
    done = 0
    for path in stored_files():
        with open(path, "rb") as handle:
            if handle.read(len(MAGIC)) == MAGIC:
                continue
            handle.seek(0)

            def write(out: BinaryIO, handle: BinaryIO = handle, name: str = path.name) -> None:
                sha, _ = _encrypt_into(handle, out, None, ring.key(ring.active), ring.active)
                if sha != name:
                    raise EvidenceUnreadable(f"The plain evidence file {name} has changed (its "
                                             f"SHA-256 is {sha}): left as it is; run "
                                             "`expediente check`")

            _replace(path, write)
        done += 1
    return done
