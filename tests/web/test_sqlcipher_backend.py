"""The embedded database encrypted as a whole (SQLCipher): how a connection is opened with the
key ring's database key, what a wrong key gets, and FTS5 on an encrypted file.

The command-line round trips (rotation in WAL mode, an interrupted rotation, encrypting a plain
database) are in tests/cli/test_database_encryption.py.
"""

from __future__ import annotations

import os
from dataclasses import replace

import pytest

from expediente_web.protection.keyring import KeyRingError, new_keyring, parse_keyring
from expediente_web.protection.sqlcipher_backend import keyed

needs_sqlcipher = pytest.mark.skipif(not keyed.AVAILABLE, reason="no SQLCipher wheel here")
# The embedded database's encryption: the PostgreSQL pass has nothing to add to it.
pytestmark = pytest.mark.skipif(os.environ.get("EXPEDIENTE_TEST_DB") == "postgres",
                                reason="SQLCipher is the embedded database's")

NARRATIVE = "Relato ficticio de la detención en la Plaza Imaginaria"


def _make(path, ring, text=NARRATIVE):
    conn, key = keyed.connect(str(path), lambda: ring)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE t (body TEXT)")
    conn.execute("INSERT INTO t VALUES (?)", (text,))
    conn.commit()
    conn.close()
    return key


def _refused():
    raise AssertionError("the key ring was asked for")


@needs_sqlcipher
@pytest.mark.django_db
def test_the_suite_runs_on_sqlcipher_with_the_rings_database_key():
    """The suite's connections go through the SQLCipher driver, keyed with its ring's database
    key. (Its in-memory test database is not encrypted — SQLCipher leaves memory databases in
    clear — so encrypted files are tested here and by the command-line tests' data
    directories, which are files.)"""
    from django.db import connection

    from expediente_web.protection.cipher import configured_keyring

    connection.ensure_connection()
    assert connection.Database is keyed.Database
    assert keyed.Database.__name__ == "sqlcipher3.dbapi2"
    ring = configured_keyring()
    assert ring.db_key is not None and connection.db_key_in_use == ring.db_key
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cipher_version")
        assert cursor.fetchone()[0].startswith("4.")


@needs_sqlcipher
def test_a_new_file_is_ciphertext_and_opens_with_its_key(tmp_path):
    ring = new_keyring()
    path = tmp_path / "db.sqlite3"
    assert _make(path, ring) == ring.db_key
    raw = (
        path.read_bytes() + (tmp_path / "db.sqlite3-wal").read_bytes()
        if (tmp_path / "db.sqlite3-wal").exists()
        else path.read_bytes()
    )
    assert raw[:16] != keyed.SQLITE_HEADER and NARRATIVE.encode() not in raw
    assert keyed.file_state(str(path)) == keyed.ENCRYPTED
    conn, key = keyed.connect(str(path), lambda: ring)
    assert key == ring.db_key and conn.execute("SELECT body FROM t").fetchone()[0] == NARRATIVE
    conn.close()


@needs_sqlcipher
def test_a_wrong_database_key_is_a_clear_refusal(tmp_path, capfd):
    path = tmp_path / "db.sqlite3"
    _make(path, new_keyring())
    other = new_keyring()
    with pytest.raises(KeyRingError) as refused:
        keyed.connect(str(path), lambda: other)
    message = str(refused.value)
    assert "database key does not open the database" in message and str(path) in message
    assert "not this database's" in message and "file is not a database" not in message
    # SQLCipher's own log lines of the failed decryption are silenced: the refusal says it.
    assert "hmac check failed" not in capfd.readouterr().err


@needs_sqlcipher
def test_an_encrypted_file_with_a_ring_without_a_database_key_or_no_ring(tmp_path):
    path = tmp_path / "db.sqlite3"
    _make(path, new_keyring())
    with pytest.raises(KeyRingError, match="holds no database key"):
        keyed.connect(str(path), lambda: new_keyring(database_key=False))
    with pytest.raises(KeyRingError, match="there is no key ring"):
        keyed.connect(str(path), lambda: None)


def test_a_plain_file_opens_plain_without_unlocking_the_ring(tmp_path):
    import sqlite3

    path = tmp_path / "plain.sqlite3"
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE t (body TEXT)")
    db.commit()
    db.close()
    conn, key = keyed.connect(str(path), _refused)
    assert key is None and conn.execute("SELECT count(*) FROM t").fetchone() == (0,)
    conn.close()


def test_a_ring_without_a_database_key_makes_a_plain_database(tmp_path):
    path = tmp_path / "db.sqlite3"
    assert _make(path, new_keyring(database_key=False)) is None
    assert path.read_bytes()[:16] == keyed.SQLITE_HEADER


@needs_sqlcipher
def test_an_old_database_key_still_opens_after_an_interrupted_rotation(tmp_path):
    ring = new_keyring()
    path = tmp_path / "db.sqlite3"
    _make(path, ring)
    rotated = ring.with_new_db_key()  # the key file written, the rekey not run
    assert rotated.db_key != ring.db_key and rotated.old_db_keys == (ring.db_key,)
    conn, key = keyed.connect(str(path), lambda: rotated)
    assert key == ring.db_key
    conn.execute(keyed.rekey_statement(rotated.db_key))  # what `keys rotate` does next
    conn.close()
    conn, key = keyed.connect(str(path), lambda: rotated.without_old_db_keys())
    assert key == rotated.db_key and conn.execute("SELECT body FROM t").fetchone()[0] == NARRATIVE
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    with pytest.raises(KeyRingError):
        keyed.connect_with(str(path), ring.db_key)


@needs_sqlcipher
def test_fts5_works_on_an_encrypted_file_and_its_terms_are_ciphertext(tmp_path):
    ring = new_keyring()
    path = tmp_path / "db.sqlite3"
    conn, _ = keyed.connect(str(path), lambda: ring)
    conn.execute("CREATE VIRTUAL TABLE f USING fts5(body)")
    conn.execute("INSERT INTO f VALUES (?)", (NARRATIVE,))
    conn.commit()
    assert conn.execute("SELECT body FROM f WHERE f MATCH 'imaginaria'").fetchall() == [
        (NARRATIVE,)
    ]
    conn.close()
    assert b"Imaginaria" not in path.read_bytes() and b"imaginaria" not in path.read_bytes()


def test_the_database_key_survives_the_key_file():
    ring = new_keyring().with_new_db_key()
    again = parse_keyring(ring.to_json())
    assert again.db_key == ring.db_key and again.old_db_keys == ring.old_db_keys
    assert parse_keyring(new_keyring(database_key=False).to_json()).db_key is None
    short = replace(ring, db_key=os.urandom(16))
    with pytest.raises(KeyRingError, match="wrong length"):
        parse_keyring(short.to_json())
