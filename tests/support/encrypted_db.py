"""Opening a data directory's database from a test, as SQLCipher opens it: with the database
key of the directory's own (sealed) key ring, or plain when the ring has none."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from expediente_web.protection.keyring import KeyRing, is_sealed, parse_keyring, unseal
from expediente_web.protection.sqlcipher_backend.keyed import connect


def data_dir_ring(data_dir: Path, passphrase: str) -> KeyRing:
    """The key ring of the directory's file (never the suite's ring in $EXPEDIENTE_KEYS)."""
    path = data_dir / "keys.json"
    text = path.read_text(encoding="utf-8")
    return unseal(text, path, passphrase) if is_sealed(text) else parse_keyring(text, path)


def open_data_dir_database(data_dir: Path, passphrase: str, *, read_only: bool = False) -> Any:
    ring = data_dir_ring(data_dir, passphrase)
    name = str(data_dir / "expediente.sqlite3")
    if read_only:
        name = f"file:{name}?mode=ro"
    conn, _key = connect(name, lambda: ring, uri=read_only)
    return conn
