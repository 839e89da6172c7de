"""The embedded database encrypted as a whole, from the command line: a new data directory's
database is SQLCipher ciphertext, a wrong key ring is refused plainly, `keys rotate` rekeys it
(in WAL mode) with the old key kept until the rekey has committed, and `keys encrypt-database`
encrypts a plain database of old, verified before it replaces the plain file. Each data
directory is its own installation; every name is fictional."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import backup_support
import pytest
from backup_support import RING_PASSPHRASE, SEED, environment, python, records

from expediente_web.protection.keyring import KeyRingError, new_keyring, new_seal, save_keyring
from expediente_web.protection.sqlcipher_backend import keyed
from support.encrypted_db import data_dir_ring

pytestmark = [
    pytest.mark.skipif(not keyed.AVAILABLE, reason="no SQLCipher wheel for this platform"),
    # The embedded database's encryption: the PostgreSQL pass has nothing to add to it.
    pytest.mark.skipif(os.environ.get("EXPEDIENTE_TEST_DB") == "postgres",
                       reason="SQLCipher is the embedded database's"),
]

# Generous: on a loaded machine a command's start-up (Django, scrypt) and `init`'s migrations
# take minutes.
TIMEOUT = 900

NEEDLES = ("Relato ficticio", "Persona Ficticia", "Nota interna ficticia", "Estado Ficticio")


def cli(env, *args):
    return backup_support.cli(env, *args, timeout=TIMEOUT)


def _installation(data: Path, seed: str = SEED, *args: str) -> dict[str, str]:
    env = environment(data)
    done = cli(env, "init")
    assert done.returncode == 0, done.stderr
    seeded = python(env, seed, *args)
    assert seeded.returncode == 0, seeded.stderr
    return env


def _database(data: Path) -> Path:
    return data / "expediente.sqlite3"


def _reveals(data: Path) -> list[str]:
    found = []
    for suffix in ("", "-wal", "-shm"):
        path = Path(str(_database(data)) + suffix)
        if path.exists():
            raw = path.read_bytes()
            found += [f"{path.name}: {n}" for n in NEEDLES if n.encode() in raw]
    return found


def _reseal(data: Path, ring) -> None:
    save_keyring(ring, data / "keys.json", seal=data_dir_ring(data, RING_PASSPHRASE).seal)


@pytest.fixture(scope="module")
def encrypted(tmp_path_factory):
    """One installation for the tests below, in their order (the later ones rotate it)."""
    data = tmp_path_factory.mktemp("encrypted") / "data"
    env = _installation(data, SEED, "3")
    return data, env


def test_a_new_data_directory_is_encrypted_and_reveals_nothing(encrypted):
    data, env = encrypted
    assert _database(data).read_bytes()[:16] != keyed.SQLITE_HEADER
    assert not _reveals(data)
    status = cli(env, "keys", "status")
    assert status.returncode == 0, status.stderr
    assert "database: encrypted (SQLCipher)" in status.stdout


def test_a_ring_that_is_not_the_databases_is_a_clear_refusal(encrypted):
    _data, env = encrypted
    for ring, said in (
        (new_keyring(), "database key does not open the database"),
        (new_keyring(database_key=False), "holds no database key"),
    ):
        done = cli({**env, "EXPEDIENTE_KEYS": ring.to_json()}, "keys", "status")
        assert done.returncode == 2, done.stderr
        assert said in done.stderr and "Nothing was read or written" in done.stderr
        assert "Traceback" not in done.stderr and "hmac check failed" not in done.stderr


def test_rotate_rekeys_the_database_in_wal_mode(encrypted):
    data, env = encrypted
    before_rows = records(env)
    old = data_dir_ring(data, RING_PASSPHRASE)
    done = cli(env, "keys", "rotate")
    assert done.returncode == 0, done.stderr
    assert "New database key" in done.stdout
    new = data_dir_ring(data, RING_PASSPHRASE)
    assert new.db_key not in (None, old.db_key) and new.old_db_keys == ()
    with pytest.raises(KeyRingError):
        keyed.connect_with(str(_database(data)), old.db_key)
    conn = keyed.connect_with(str(_database(data)), new.db_key)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    conn.close()
    after_rows = records(env)
    # The records are as they were (the audit log and the key checks grew with the rotation).
    for table in ("records_person", "records_testimony", "records_comment"):
        assert len(after_rows[table]) == len(before_rows[table])
    assert [p["full_name"] for p in after_rows["records_person"]] == [
        p["full_name"] for p in before_rows["records_person"]
    ]
    assert not _reveals(data)
    verified = cli(env, "audit", "verify")
    assert verified.returncode == 0, verified.stderr


def test_a_crash_between_the_key_file_and_the_rekey_leaves_a_database_that_opens(encrypted):
    data, env = encrypted
    old = data_dir_ring(data, RING_PASSPHRASE)
    _reseal(data, old.with_new_db_key())  # step one of a rotation, then the process died
    status = cli(env, "keys", "status")
    assert status.returncode == 1 and "OLD database key" in status.stderr
    assert records(env)["records_testimony"]  # every command still reads the database
    done = cli(env, "keys", "rotate")
    assert done.returncode == 0, done.stderr
    finished = data_dir_ring(data, RING_PASSPHRASE)
    assert finished.old_db_keys == () and finished.db_key != old.db_key
    keyed.connect_with(str(_database(data)), finished.db_key).close()
    assert cli(env, "keys", "status").returncode == 0


def test_encrypt_database_encrypts_a_plain_database_verified(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    # A key ring of an earlier version: no database key, so `init` made a plain database.
    save_keyring(
        new_keyring(database_key=False), data / "keys.json", seal=new_seal(RING_PASSPHRASE)
    )
    env = _installation(data, SEED_PLAIN)
    assert _database(data).read_bytes()[:16] == keyed.SQLITE_HEADER and _reveals(data)
    before_rows = records(env)
    status = cli(env, "keys", "status")
    assert status.returncode == 0 and "database: not encrypted" in status.stdout

    done = cli(env, "keys", "encrypt-database")
    assert done.returncode == 0, done.stderr
    assert "rows verified in the encrypted copy" in done.stdout
    ring = data_dir_ring(data, RING_PASSPHRASE)
    assert ring.db_key is not None
    assert _database(data).read_bytes()[:16] != keyed.SQLITE_HEADER and not _reveals(data)
    assert not any(data.glob("*.encrypting*"))
    assert not Path(str(_database(data)) + "-shm").exists() or not _reveals(data)
    after_rows = records(env)
    for table, rows in before_rows.items():
        if not table.startswith("audit_"):  # the audit log grows by the encryption's entry
            assert after_rows[table] == rows, table
    assert len(after_rows["audit_auditentry"]) == len(before_rows["audit_auditentry"]) + 1
    assert cli(env, "audit", "verify").returncode == 0
    assert "database: encrypted (SQLCipher)" in cli(env, "keys", "status").stdout
    again = cli(env, "keys", "encrypt-database")
    assert again.returncode == 2 and "encrypted already" in again.stderr


def test_a_key_file_with_a_database_key_over_a_plain_database_is_finished(tmp_path):
    """`encrypt-database` writes the key file first: stopped there, the plain database still
    opens, `keys status` says it is not encrypted, and the next run uses the key it wrote."""
    data = tmp_path / "data"
    data.mkdir()
    save_keyring(
        new_keyring(database_key=False), data / "keys.json", seal=new_seal(RING_PASSPHRASE)
    )
    env = environment(data)
    assert cli(env, "init").returncode == 0
    ring = data_dir_ring(data, RING_PASSPHRASE)
    _reseal(data, replace(ring, db_key=b"\x07" * 32))
    status = cli(env, "keys", "status")
    assert status.returncode == 1 and "NOT ENCRYPTED" in status.stderr
    assert cli(env, "keys", "encrypt-database").returncode == 0
    keyed.connect_with(str(_database(data)), b"\x07" * 32).close()


SEED_PLAIN = r"""
from expediente_web.cli.setup import setup_django
setup_django()
from expediente_web.cases.actions import do_create_case, do_create_source, do_create_user
from expediente_web.records.actions import (do_create_location, do_create_person,
                                            do_create_testimony, do_add_comment)
owner = do_create_user(None, "ana-ficticia")
case = do_create_case(owner, "C-EN", "Caso sintético de cifrado")
source = do_create_source(owner, case, "ONG-F", "ONG ficticia", "source.ngo_list")
do_create_location(owner, case, "VE-F", "Estado Ficticio", "location.state")
do_create_person(owner, case, full_name="Persona Ficticia Uno", id_number="V-90000001",
                 source=source)
testimony = do_create_testimony(owner, case, "Relato ficticio: nadie vio nada.", "es",
                                witness_name="Testigo Ficticio", source=source)
do_add_comment(owner, testimony, "Nota interna ficticia")
"""
