"""The database key of the embedded database: rotating it, and encrypting a plain database.

**Rotation** (`rotate_database_key`, run by `expediente keys rotate`) follows decision record
0504's order: the key file is written first, with the new database key current and the old one
kept in `old_db_keys`; then `PRAGMA rekey` re-encrypts every page under the new key in one
transaction (in WAL mode, checkpointed before and after); only when the database opens with the
new key alone is the old one dropped from the file. A crash between the two writes leaves a
database under the old key and a ring that holds both: it opens (the old key is tried second),
and running `rotate` again finishes the rekey.

**Encryption of a plain database** (`encrypt_database`, `expediente keys encrypt-database`):
the key file gets a database key first (a plain file still opens plain, so nothing is locked
out); `sqlcipher_export` copies every table into a new encrypted file beside it; the copy must
pass `integrity_check` and hold as many rows in every table as the plain file before it takes
the plain file's place (an atomic rename); the plain file's -wal and -shm are removed once no
connection has them open, and the plain file's bytes are overwritten (best effort: an SSD or a
copy-on-write file system may keep old blocks, which is why an encrypted disk stays advisable).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from expediente_web.audit.chain import append
from expediente_web.audit.record import actor_name
from expediente_web.protection.cipher import reset_keyring_cache
from expediente_web.protection.keyring import KeyRing, KeyRingError, load_keyring, save_keyring
from expediente_web.protection.sqlcipher_backend.keyed import (
    AVAILABLE,
    ENCRYPTED,
    NO_SQLCIPHER,
    PLAIN,
    Database,
    connect_with,
    file_state,
    is_memory,
    key_statement,
    rekey_statement,
    remove_journals,
)


@dataclass(frozen=True)
class DatabaseState:
    """How the embedded database is stored, as `expediente keys status` reports it."""

    embedded: bool  # False: PostgreSQL (its storage is the server's)
    encrypted: bool
    ring_has_key: bool
    opened_with_old_key: bool  # a rotation stopped before its rekey committed


def database_name() -> str:
    return str(connection.settings_dict["NAME"])


def _embedded() -> bool:
    return connection.vendor == "sqlite" and hasattr(connection, "db_key_in_use")


def database_state(ring: KeyRing) -> DatabaseState:
    if not _embedded():
        return DatabaseState(False, False, ring.db_key is not None, False)
    connection.ensure_connection()
    in_use = connection.db_key_in_use  # type: ignore[attr-defined]
    return DatabaseState(
        True,
        in_use is not None,
        ring.db_key is not None,
        in_use is not None and in_use != ring.db_key,
    )


def _ring_file(action: str) -> tuple[KeyRing, Path]:
    from expediente_web.protection.rotation import key_file

    if os.environ.get("EXPEDIENTE_KEYS"):
        raise KeyRingError(
            f"The key ring comes from the EXPEDIENTE_KEYS environment variable; {action} with "
            "the key file it was copied from (unset EXPEDIENTE_KEYS, set EXPEDIENTE_KEY_FILE)"
        )
    path = key_file()
    return load_keyring(path), path


def rotate_database_key(actor: object = None) -> bool:
    """Re-encrypt the embedded database under a new database key (see the module's text).

    Returns False, changing nothing, when the database is not an encrypted embedded one.
    """
    if not _embedded() or is_memory(database_name()):
        return False
    connection.ensure_connection()
    in_use: bytes | None = connection.db_key_in_use  # type: ignore[attr-defined]
    if in_use is None:
        return False
    ring, path = _ring_file("rotate the database key")
    if ring.db_key == in_use:
        ring = ring.with_new_db_key()
        save_keyring(ring, path)  # first: the old key stays in the file until rekey committed
    elif in_use not in ring.db_keys:
        raise KeyRingError(f"The key file {path} lacks the key that opened the database")
    # else: an earlier rotation wrote the file and stopped before its rekey; finish it.
    reset_keyring_cache()
    assert ring.db_key is not None  # noqa: S101 (type narrowing: set above)
    if connection.in_atomic_block:
        raise RuntimeError("rotate_database_key must run outside a transaction")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cursor.execute(rekey_statement(ring.db_key))
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    connect_with(database_name(), ring.db_key).close()  # opens with the new key alone
    save_keyring(ring.without_old_db_keys(), path)
    reset_keyring_cache()
    with transaction.atomic():
        append(
            actor_name(actor),
            "rotate_database_key",
            object_type="keyring",
            object_id="database",
            payload={"cipher": "sqlcipher"},
        )
    return True


def _tables(conn: Any, schema: str = "main") -> list[str]:
    return [
        name
        for (name,) in conn.execute(
            f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table' "  # noqa: S608 (schema is ours)
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]


def _row_counts(conn: Any, tables: list[str]) -> dict[str, int]:
    return {
        t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]  # noqa: S608 (names from sqlite_master)
        for t in tables
    }


def _integrity(conn: Any, what: str) -> None:
    result = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    if result != ["ok"]:
        raise KeyRingError(
            f"The {what} fails SQLite's integrity check ({'; '.join(result[:3])}): "
            "nothing was changed"
        )


def encrypt_database(actor: object = None) -> dict[str, int]:
    """Encrypt a plain embedded database in place under the key ring's database key (made now
    if the ring has none). Returns the row count of every table, as verified in the copy.

    Raises:
        KeyRingError: not a plain embedded database, no SQLCipher, a ring from the environment
            without a database key, a database open in another process, or a copy that does not
            verify (nothing was changed then but the key file's new database key).
    """
    name = database_name()
    if not _embedded() or is_memory(name):
        raise KeyRingError(
            "Only the embedded SQLite database is encrypted with SQLCipher; "
            "a PostgreSQL server's storage is encrypted by the server"
        )
    state = file_state(name)
    if state == ENCRYPTED:
        raise KeyRingError(f"The database {name} is encrypted already: nothing to do")
    if state != PLAIN:
        raise KeyRingError(f"No database at {name}: run `expediente init` first")
    if not AVAILABLE:
        raise KeyRingError(f"{NO_SQLCIPHER}: the database cannot be encrypted here")
    if os.environ.get("EXPEDIENTE_KEYS"):
        from expediente_web.protection.cipher import configured_keyring

        ring, path = configured_keyring(), None
        if ring.db_key is None:
            _ring_file("add a database key")  # refuses, saying what to do
    else:
        ring, path = _ring_file("add a database key")
        if ring.db_key is None:
            ring = replace(ring, db_key=secrets.token_bytes(32))
            save_keyring(ring, path)  # first: the plain file still opens plain meanwhile
    reset_keyring_cache()
    from expediente_web.protection.cipher import current_keyring

    current_keyring()  # the ring is this database's, before anything is copied
    key = ring.db_key
    assert key is not None  # noqa: S101 (type narrowing: set above)
    connection.close()

    target = name + ".encrypting"
    for leftover in (target, target + "-wal", target + "-shm", target + "-journal"):
        Path(leftover).unlink(missing_ok=True)  # of an earlier run that stopped
    plain = Database.connect(name, isolation_level=None)
    try:
        plain.execute("PRAGMA busy_timeout = 30000")
        _integrity(plain, "plain database")
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        plain.execute(f"ATTACH DATABASE ? AS encrypted KEY \"x'{key.hex()}'\"", (target,))
        plain.execute("SELECT sqlcipher_export('encrypted')")
        version = plain.execute("PRAGMA main.user_version").fetchone()[0]
        plain.execute(f"PRAGMA encrypted.user_version = {int(version)}")
        plain.execute("DETACH DATABASE encrypted")
        tables = _tables(plain)
        counts = _row_counts(plain, tables)
    finally:
        plain.close()
    try:
        copy = connect_with(target, key)
        try:
            _integrity(copy, "encrypted copy")
            copied = _row_counts(copy, _tables(copy))
            if copied != counts:
                differ = sorted(t for t in {*counts, *copied} if counts.get(t) != copied.get(t))
                raise KeyRingError(
                    f"The encrypted copy differs from the plain database in "
                    f"{', '.join(differ[:5])}: nothing was changed (is a server "
                    "or a worker writing to it? stop it and run again)"
                )
            copy.execute("PRAGMA journal_mode = WAL")
        finally:
            copy.close()
        if Path(name + "-wal").exists() and Path(name + "-wal").stat().st_size:
            raise KeyRingError(
                f"The database {name} is open in another process (a server or a "
                "worker): stop it and run again. Nothing was changed"
            )
        os.chmod(target, os.stat(name).st_mode & 0o777)
        _fsync(target)
    except BaseException:
        Path(target).unlink(missing_ok=True)
        raise
    remove_journals(name)
    old = os.open(name, os.O_RDWR)
    try:
        os.replace(target, name)
        _fsync_dir(Path(name).parent)
        _overwrite(old)  # the plain file's bytes, now reachable only through `old`
    finally:
        os.close(old)
    reset_keyring_cache()
    with transaction.atomic():
        append(
            actor_name(actor),
            "encrypt_database",
            object_type="keyring",
            object_id="database",
            payload={"cipher": "sqlcipher", "tables": len(counts), "rows": sum(counts.values())},
        )
    return counts


def _fsync(name: str) -> None:
    fd = os.open(name, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _overwrite(fd: int) -> None:
    size = os.fstat(fd).st_size
    os.lseek(fd, 0, os.SEEK_SET)
    block = b"\0" * (1 << 20)
    left = size
    while left > 0:
        left -= os.write(fd, block[: min(left, len(block))])
    os.fsync(fd)


__all__ = [
    "DatabaseState",
    "database_state",
    "encrypt_database",
    "key_statement",
    "rotate_database_key",
]
