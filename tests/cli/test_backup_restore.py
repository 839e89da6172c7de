"""`expediente backup` and `expediente restore`: one encrypted archive, brought back whole.

The round trip is checked on what matters: every evidence file byte for byte, every row of every
table equal (protected values read back decrypted on their own rows), and the audit chain and
the records verifying against each other in the restored installation. The PostgreSQL test
restores a SQLite backup into an empty database of the throwaway cluster.
"""

from __future__ import annotations

import io
import os
import tarfile
import uuid
from pathlib import Path

import pytest
from backup_support import (
    cli,
    environment,
    evidence_files,
    python,
    records,
    seeded_installation,
)

PASS = "synthetic backup passphrase"


# The installations here are embedded (SQLite) data directories whatever the pass; on the
# PostgreSQL pass only the restore into PostgreSQL has something to add.
embedded_only = pytest.mark.skipif(os.environ.get("EXPEDIENTE_TEST_DB") == "postgres",
                                   reason="an embedded data directory; run in the SQLite pass")


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    root = tmp_path_factory.mktemp("backup")
    source = root / "source"
    env = seeded_installation(source)
    verified = cli(env, "audit", "verify", "--records")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    archive = root / "case.age"
    done = cli({**env, "EXPEDIENTE_BACKUP_PASSPHRASE": PASS}, "backup", "--out", str(archive))
    assert done.returncode == 0, done.stderr
    return root, source, env, archive


def _restore(
    archive: Path, target: Path, passphrase: str | None = PASS, database_url=None, *extra: str
):
    env = environment(target, database_url)
    if passphrase is not None:
        env["EXPEDIENTE_BACKUP_PASSPHRASE"] = passphrase
    return cli(env, "restore", str(archive), "--data-dir", str(target), *extra), env


@embedded_only
def test_the_archive_is_sealed_and_reveals_nothing(made):
    root, _source, env, archive = made
    data = archive.read_bytes()
    assert data.startswith(b"age-encryption.org/v1\n")
    for clear in (b"Ficticia", b"V-9000000", b"SQLite format", "Ñandú".encode()):
        assert clear not in data
    again = cli({**env, "EXPEDIENTE_BACKUP_PASSPHRASE": PASS}, "backup", "--out", str(archive))
    assert again.returncode == 2 and "never overwrites" in again.stderr
    assert archive.read_bytes() == data
    assert not [p for p in root.iterdir() if ".partial-" in p.name]


@embedded_only
def test_restore_brings_back_every_file_and_row_and_verifies(made, tmp_path):
    _root, source, env, archive = made
    target = tmp_path / "restored"
    done, renv = _restore(archive, target)
    assert done.returncode == 0, done.stderr
    assert evidence_files(target) == evidence_files(source) and evidence_files(source)
    assert (target / "keys.json").read_bytes() == (source / "keys.json").read_bytes()
    assert (target / "secret.key").read_bytes() == (source / "secret.key").read_bytes()
    assert records(renv) == records(env)
    verified = cli(renv, "audit", "verify", "--records")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    checked = cli(renv, "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr


@embedded_only
@pytest.mark.parametrize("passphrase", ["wrong passphrase", None])
def test_a_wrong_or_missing_passphrase_is_a_clear_refusal(made, tmp_path, passphrase):
    archive = made[3]
    target = tmp_path / "restored"
    done, _ = _restore(archive, target, passphrase)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    expected = "wrong passphrase or key" if passphrase else "No passphrase"
    assert expected in done.stderr
    assert not target.exists() or not any(target.iterdir())


@embedded_only
def test_a_backup_sealed_to_a_key_needs_that_key(made, tmp_path):
    _root, source, env, _archive = made
    made_key = python(
        env, "import pyrage;i=pyrage.x25519.Identity.generate();print(i);print(i.to_public())"
    )
    identity, recipient = made_key.stdout.split()
    (tmp_path / "id.txt").write_text(identity + "\n")
    other = python(env, "import pyrage;print(pyrage.x25519.Identity.generate())").stdout
    (tmp_path / "other.txt").write_text(other)
    keyed = tmp_path / "keyed.age"
    done = cli(env, "backup", "--out", str(keyed), "--recipient", recipient)
    assert done.returncode == 0, done.stderr
    wrong, _ = _restore(
        keyed, tmp_path / "r1", None, None, "--identity", str(tmp_path / "other.txt")
    )
    assert wrong.returncode == 2 and "wrong passphrase or key" in wrong.stderr
    by_passphrase, _ = _restore(keyed, tmp_path / "r2")
    assert by_passphrase.returncode == 2 and "--identity" in by_passphrase.stderr
    right, _renv = _restore(
        keyed, tmp_path / "r3", None, None, "--identity", str(tmp_path / "id.txt")
    )
    assert right.returncode == 0, right.stderr
    assert evidence_files(tmp_path / "r3") == evidence_files(source)


@embedded_only
def test_a_non_empty_target_is_refused(made, tmp_path):
    target = tmp_path / "busy"
    target.mkdir()
    (target / "something").write_text("kept")
    done, _ = _restore(made[3], target)
    assert done.returncode == 2 and "not empty" in done.stderr
    assert [p.name for p in target.iterdir()] == ["something"]


@embedded_only
def test_a_re_sealed_archive_with_a_changed_member_is_refused(made, tmp_path):
    import pyrage

    archive = made[3]
    plain = pyrage.passphrase.decrypt(archive.read_bytes(), PASS)
    out = io.BytesIO()
    with tarfile.open(fileobj=io.BytesIO(plain)) as src, tarfile.open(fileobj=out, mode="w") as dst:
        for info in src:
            data = src.extractfile(info).read()
            if info.name.startswith("files/evidence/"):
                data = data[:-1] + bytes([data[-1] ^ 1])
            info.size = len(data)
            dst.addfile(info, io.BytesIO(data))
    forged = tmp_path / "forged.age"
    forged.write_bytes(pyrage.passphrase.encrypt(out.getvalue(), PASS))
    target = tmp_path / "restored"
    done, _ = _restore(forged, target)
    assert done.returncode == 2, done.stderr
    assert "changed after it was made" in done.stderr and "SHA-256 differs" in done.stderr
    assert not target.exists()


@pytest.fixture
def empty_postgres_database():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("restoring into PostgreSQL needs EXPEDIENTE_TEST_DB=postgres")
    import psycopg

    name = f"restore_{uuid.uuid4().hex[:8]}"
    admin = url.replace("/expediente?", "/postgres?")
    dsn = admin.replace("postgres://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield url.replace("/expediente?", f"/{name}?")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_sqlite_backup_restores_into_postgresql(made, tmp_path, empty_postgres_database):
    _root, source, env, archive = made
    target = tmp_path / "restored"
    done, renv = _restore(archive, target, PASS, empty_postgres_database)
    assert done.returncode == 0, done.stderr
    assert "postgresql database" in done.stdout
    assert evidence_files(target) == evidence_files(source)
    assert records(renv) == records(env)
    # The chain verifies; `--records` does not across backends: the row digests are of values
    # as each database holds them (SQLite's text against PostgreSQL's types).
    verified = cli(renv, "audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "chain intact" in verified.stdout
    again, _ = _restore(archive, tmp_path / "second", PASS, empty_postgres_database)
    assert again.returncode == 2 and "empty database" in again.stderr
    # And back: a backup of the PostgreSQL installation restores into SQLite, rows equal.
    from_pg = tmp_path / "from-postgres.age"
    done = cli({**renv, "EXPEDIENTE_BACKUP_PASSPHRASE": PASS}, "backup", "--out", str(from_pg))
    assert done.returncode == 0, done.stderr
    back, benv = _restore(from_pg, tmp_path / "back")
    assert back.returncode == 0, back.stderr
    assert "sqlite database" in back.stdout
    assert evidence_files(tmp_path / "back") == evidence_files(source)
    assert records(benv) == records(env)
    verified = cli(benv, "audit", "verify")
    assert verified.returncode == 0, verified.stdout + verified.stderr


@embedded_only
def test_backup_of_an_uninitialised_directory_is_refused(tmp_path):
    env = environment(tmp_path / "nothing", EXPEDIENTE_BACKUP_PASSPHRASE=PASS)
    done = cli(env, "backup", "--out", str(tmp_path / "x.age"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert not (tmp_path / "x.age").exists()
