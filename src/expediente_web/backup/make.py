"""Writing a backup: a consistent copy of the database and the data directory's files."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from expediente_web.backup import tables
from expediente_web.backup.archive import (
    FILES_PREFIX,
    SQLITE_MEMBER,
    TABLES_MEMBER,
    BackupError,
    Seal,
    pack,
)

# Files of the data directory that are not copied as files: the live SQLite database and its
# journals (copied through the online backup API instead), and uploads still being written.
_SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")
_SKIPPED_DIRS = {"incoming"}


@dataclass(frozen=True)
class Made:
    path: Path
    size: int
    files: int
    rows: int
    vendor: str
    key_ring_included: bool


def _sqlite_copy_and_dump(db_name: str) -> tuple[bytes, list[bytes]]:
    """The database as one file, through SQLite's online backup API (a consistent state even
    while others write), and the logical dump made from that very copy.

    An encrypted database is copied encrypted, under the same database key (SQLCipher's backup
    between two databases of one key): the copy in the archive opens with the archived ring.
    """
    from expediente_web.protection.sqlcipher_backend.keyed import connect_with

    connection.ensure_connection()
    key = getattr(connection, "db_key_in_use", None)
    with tempfile.TemporaryDirectory(prefix="expediente-backup-") as tmp:
        copy_path = Path(tmp) / "copy.sqlite3"
        source = connect_with(db_name, key)
        target = connect_with(str(copy_path), key)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        copy = copy_path.read_bytes()
        original = connection.settings_dict["NAME"]
        connection.close()
        connection.settings_dict["NAME"] = str(copy_path)
        try:
            with transaction.atomic():
                lines = list(tables.dump_lines())
        finally:
            connection.close()
            connection.settings_dict["NAME"] = original
    return copy, lines


def _data_files(root: Path, out: Path, skipped: set[Path]) -> dict[str, bytes]:
    found: dict[str, bytes] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIPPED_DIRS)
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if path in skipped or path == out or name.startswith(f".{out.name}."):
                continue
            if not path.is_file() or path.is_symlink():
                continue
            found[FILES_PREFIX + path.relative_to(root).as_posix()] = path.read_bytes()
    return found


def make_backup(out: Path, seal: Seal, progress: Callable[[str], None] = lambda _: None) -> Made:
    """Write the encrypted archive to `out`, which must not exist yet.

    The archive is assembled in memory and sealed before anything is written; it reaches `out`
    through a hidden temporary file beside it and a hard link, so `out` either does not exist
    or holds the whole archive (a crash leaves at most the hidden `.NAME.partial-…`).
    """
    out = out.absolute()
    if out.exists() or out.is_symlink():
        raise BackupError(f"{out} exists: a backup never overwrites a file")
    if not out.parent.is_dir():
        raise BackupError(f"No directory {out.parent} to write the backup in")
    root = Path(settings.DATA_DIR).absolute()
    db_name = str(connection.settings_dict["NAME"])
    skipped = {Path(db_name + suffix).absolute() for suffix in _SQLITE_SUFFIXES}
    members: dict[str, bytes] = {}
    progress("copying the database")
    if connection.vendor == "sqlite":
        members[SQLITE_MEMBER], lines = _sqlite_copy_and_dump(db_name)
    else:
        with transaction.atomic():  # one snapshot of every table
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            lines = list(tables.dump_lines())
    members[TABLES_MEMBER] = b"".join(lines)
    rows = sum(1 for line in lines if line.startswith(b'{"row"'))
    progress(f"database copied: {rows} rows")
    files = _data_files(root, out, skipped)
    key_file = Path(settings.EXPEDIENTE_KEY_FILE).absolute()
    key_ring_included = key_file.is_file()
    if key_ring_included and not key_file.is_relative_to(root):
        files[FILES_PREFIX + key_file.name] = key_file.read_bytes()
    members.update(files)
    progress(f"data directory copied: {len(files)} files")
    manifest = {
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "vendor": connection.vendor,
        "key_ring_file": key_file.name if key_ring_included else None,
    }
    sealed = seal.encrypt(pack(manifest, members))
    progress("archive sealed, writing")
    fd, tmp_name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.partial-")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(sealed)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, out)  # unlike rename, never replaces a file that appeared meanwhile
        except FileExistsError:
            raise BackupError(f"{out} exists: a backup never overwrites a file") from None
    finally:
        tmp.unlink(missing_ok=True)
    return Made(out, len(sealed), len(files), rows, connection.vendor, key_ring_included)
