"""Opening the embedded database with the key ring's database key (SQLCipher).

The database key (`db_key` of the key ring, 32 random bytes) is given to SQLCipher in its raw
form, `PRAGMA key = "x'…'"`, before anything else is run on a connection: no key derivation runs
per connection (opening costs about a millisecond; a passphrase-style key would run PBKDF2 for
most of a second every time). `sqlite_master` is read at once, so a wrong key is refused there,
as a `KeyRingError` that says what to do, not as "file is not a database" half-way through a
command.

What the file's first bytes say decides how it is opened:

- a plain SQLite file (written before the database was encrypted, or on a system without
  SQLCipher) opens plain, without unlocking the key ring; `expediente keys encrypt-database`
  encrypts it;
- an encrypted file (or a new one) opens with the ring's database key, or with one of its
  `old_db_keys` when a rotation stopped before `PRAGMA rekey` committed;
- a ring without a database key opens (and creates) a plain database, as before.

`sqlcipher3-binary` has wheels for Linux x86_64 only; elsewhere `Database` is the standard
library's sqlite3, a ring without a database key works as before, and one with a key is
refused, saying why.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from expediente_web.protection.keyring import KeyRing, KeyRingError

try:
    from sqlcipher3 import dbapi2 as Database

    AVAILABLE = True
except ImportError:  # no wheel for this platform: plain SQLite
    from sqlite3 import dbapi2 as Database  # type: ignore[no-redef]

    AVAILABLE = False

SQLITE_HEADER = b"SQLite format 3\x00"
NO_SQLCIPHER = (
    "SQLCipher is not available on this system (the Python package sqlcipher3-binary has wheels "
    "for Linux x86_64 only)"
)

PLAIN, ENCRYPTED, NEW, MEMORY = "plain", "encrypted", "new", "memory"


def is_memory(name: str) -> bool:
    return name == ":memory:" or "mode=memory" in name


def file_state(name: str) -> str:
    """`plain`, `encrypted` (not a plain SQLite header: SQLCipher's first page is ciphertext),
    `new` (absent or empty) or `memory`."""
    if is_memory(name):
        return MEMORY
    path = Path(name.removeprefix("file:").split("?", 1)[0])
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        return NEW
    if not head:
        return NEW
    return PLAIN if head == SQLITE_HEADER else ENCRYPTED


def key_statement(key: bytes) -> str:
    """`PRAGMA key` with a raw 256-bit key (SQLCipher's `x'…'` form: no key derivation)."""
    if len(key) != 32:
        raise KeyRingError("The key ring's database key is not 32 bytes long")
    return f"PRAGMA key = \"x'{key.hex()}'\""


def rekey_statement(key: bytes) -> str:
    return "PRAGMA rekey" + key_statement(key).removeprefix("PRAGMA key")


def _readable(conn: Any) -> bool:
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except Database.DatabaseError:
        return False
    return True


def _where(ring: KeyRing) -> str:
    return str(ring.path) if ring.path else "$EXPEDIENTE_KEYS"


def connect(
    name: str, ring: Callable[[], KeyRing | None], **params: Any
) -> tuple[Any, bytes | None]:
    """A connection to the database `name` and the key that opened it (None: a plain one).

    `ring` gives the key ring (None when there is none); it is called only when the file is
    not a plain SQLite file, so that a plain database opens without a passphrase, as before.

    Raises:
        KeyRingError: the ring's database keys do not open the file, the file is encrypted and
            the ring has no database key (or there is no ring), or the ring has a database key
            and SQLCipher is not installed.
    """
    state = file_state(name)
    if state == PLAIN:
        return Database.connect(name, **params), None
    keys = ring()
    if keys is None or keys.db_key is None:
        if state == ENCRYPTED:
            holder = (
                "there is no key ring"
                if keys is None
                else (f"the key ring {_where(keys)} holds no database key")
            )
            raise KeyRingError(
                f"The database {name} is encrypted (or is not a SQLite database), and {holder}: "
                "use the key ring that belongs to this database. Nothing was read or written"
            )
        return Database.connect(name, **params), None
    if not AVAILABLE:
        raise KeyRingError(
            f"The key ring {_where(keys)} holds a database key, but {NO_SQLCIPHER}: the "
            f"database {name} cannot be opened here. Nothing was read or written"
        )
    for key in keys.db_keys:
        conn = Database.connect(name, **params)
        # SQLCipher logs a failed page decryption on stderr: the refusal below says it better.
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(key_statement(key))
        if _readable(conn):
            return conn, key
        conn.close()
    raise KeyRingError(
        f"The key ring's database key does not open the database {name}: the key ring "
        f"{_where(keys)} is not this database's, or the file is damaged. Nothing was read or "
        "written; use the key ring that belongs to this database (`expediente keys status` "
        "compares them)"
    )


def connect_with(name: str, key: bytes | None, **params: Any) -> Any:
    """A connection to `name` opened with exactly `key` (None: plain), checked readable."""
    conn = Database.connect(name, **params)
    if key is not None:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(key_statement(key))
    if not _readable(conn):
        conn.close()
        raise KeyRingError(f"The database {name} does not open with the key given")
    return conn


def remove_journals(name: str) -> None:
    """Remove the -wal and -shm files of `name` (once no connection has it open)."""
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name + suffix)
