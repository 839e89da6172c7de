"""Bringing a backup back into an empty data directory (and an empty database).

Two steps, because Django's settings read the data directory (its secret key, its key ring):
`open_archive` + `write_files` run before Django is set up, `restore_database` after. Nothing is
written before the whole archive has been decrypted and every member checked against the
manifest. A marker file says a restore is under way until the database is in; a data directory
that still has it after a crash is incomplete (remove it and restore again).
"""

from __future__ import annotations

import os
from pathlib import Path

from expediente_web.backup.archive import (
    FILES_PREFIX,
    SQLITE_MEMBER,
    TABLES_MEMBER,
    BackupError,
    Seal,
    unpack,
)

MARKER = "RESTORE-INCOMPLETE"


def open_archive(path: Path, seal: Seal) -> tuple[dict[str, object], dict[str, bytes]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BackupError(f"Cannot read {path}: {exc.strerror}") from None
    return unpack(seal.decrypt(data))


def check_target(root: Path) -> None:
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise BackupError(f"{root} is not empty: a backup is restored only into an empty directory")


def write_files(root: Path, members: dict[str, bytes]) -> int:
    """Write the data directory's files (evidence store, key ring, secret key) as they were."""
    check_target(root)
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    (root / MARKER).write_text("A restore into this directory has not finished.\n")
    count = 0
    for name, data in members.items():
        if not name.startswith(FILES_PREFIX):
            continue
        target = root / name.removeprefix(FILES_PREFIX)
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if name.startswith(FILES_PREFIX + "evidence/"):
            os.chmod(target, 0o444)  # as the store keeps them: written once
        count += 1
    return count


def restore_database(root: Path, members: dict[str, bytes]) -> dict[str, int]:
    """Fill the configured database (after Django is set up) and remove the marker.

    SQLite, with a SQLite copy in the archive: that file, as it was. Otherwise (PostgreSQL, or
    an archive made from PostgreSQL): the schema by migrations, then every table from the dump.
    """
    from django.core.management import call_command
    from django.db import connection, transaction

    from expediente_web.backup import tables

    if connection.vendor == "sqlite" and SQLITE_MEMBER in members:
        name = Path(str(connection.settings_dict["NAME"]))
        if name.exists():
            raise BackupError(f"{name} exists: a backup is restored only into an empty place")
        connection.close()
        fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(members[SQLITE_MEMBER])
            handle.flush()
            os.fsync(handle.fileno())
        call_command("migrate", verbosity=0, interactive=False)  # a newer version's, if any
        loaded = {"(SQLite file)": 1}
    else:
        try:
            existing = connection.introspection.table_names()
        except Exception as exc:
            raise BackupError(f"Cannot open the database: {exc}") from None
        if existing:
            raise BackupError(
                f"The database already has {len(existing)} tables: a backup is restored only "
                "into an empty database"
            )
        call_command("migrate", verbosity=0, interactive=False)
        with transaction.atomic():
            loaded = tables.load_lines(members[TABLES_MEMBER].splitlines())
    (root / MARKER).unlink(missing_ok=True)
    return loaded
