"""SIGKILL in the middle of the work: afterwards the database opens, the audit chain verifies,
nothing is half written. Each kill waits for a point the test can see (the write-ahead log
growing, a progress line), not a fixed sleep. Every name in the data is fictional."""

from __future__ import annotations

import contextlib
import csv
import os
import pty
import signal
import subprocess
import time

import pytest
from backup_support import EXPEDIENTE, RING_PASSPHRASE, cli, python, seeded_installation

from support.encrypted_db import open_data_dir_database

# The installation is an embedded (SQLite) data directory whatever the pass: the PostgreSQL pass
# would repeat it as it is.
pytestmark = pytest.mark.skipif(os.environ.get("EXPEDIENTE_TEST_DB") == "postgres",
                                reason="an embedded data directory; run in the SQLite pass")

COUNTS = r"""
from expediente_web.cli.setup import setup_django
setup_django()
from expediente_web.audit.models import AuditEntry
from expediente_web.analyses.models import LinkRun
from expediente_web.records.models import Act, Person
print(Person.objects.count(), Act.objects.count(), LinkRun.objects.count(),
      AuditEntry.objects.count())
"""


@pytest.fixture(scope="module")
def installation(tmp_path_factory):
    root = tmp_path_factory.mktemp("crash")
    env = seeded_installation(root / "data", n=5)
    return root, root / "data", env


def _counts(env):
    done = python(env, COUNTS)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def _intact(env, before):
    assert _counts(env) == before, "a killed process left rows behind"
    verified = cli(env, "audit", "verify", "--records")
    assert verified.returncode == 0, verified.stdout + verified.stderr


def _kill_when(process: subprocess.Popen, seen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not seen():
        assert process.poll() is None, "the process ended before the point to kill it at"
        assert time.monotonic() < deadline, "the point to kill at never came"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)


def test_a_killed_import_writes_nothing(installation):
    root, data, env = installation
    path = root / "victims.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_id", "full_name", "id_number", "sex"])
        for i in range(40000):
            writer.writerow([f"R-{i}", f"Persona Ficticia {i}", f"V-{10000000 + i}", "sex.male"])
    before = _counts(env)
    wal = data / "expediente.sqlite3-wal"
    start = wal.stat().st_size if wal.exists() else 0
    process = subprocess.Popen(
        [
            EXPEDIENTE,
            "import",
            str(path),
            "--case",
            "C-BK",
            "--source",
            "ONG-F",
            "--kind",
            "victims",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # Rows are being written inside the import's transaction once the WAL grows by a few pages.
    _kill_when(process, lambda: wal.exists() and wal.stat().st_size > start + 256 * 1024)
    assert process.returncode == -signal.SIGKILL
    _intact(env, before)


def test_a_killed_backup_leaves_no_archive(installation):
    root, _data, env = installation
    before = _counts(env)
    out = root / "killed.age"
    process = subprocess.Popen(
        [EXPEDIENTE, "backup", "--out", str(out)],
        env={**env, "EXPEDIENTE_BACKUP_PASSPHRASE": "frase ficticia"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []

    def copied() -> bool:
        line = process.stderr.readline()
        lines.append(line)
        return "database copied" in line

    _kill_when(process, copied)
    assert not out.exists(), "a killed backup left a file under the archive's name"
    _intact(env, before)
    again = cli(
        {**env, "EXPEDIENTE_BACKUP_PASSPHRASE": "frase ficticia"}, "backup", "--out", str(out)
    )
    assert again.returncode == 0, again.stderr
    for stray in root.glob(".killed.age.partial-*"):
        stray.unlink()  # what a kill during the final write can leave: hidden, never the name


ENQUEUE = r"""
from expediente_web.cli.setup import setup_django
setup_django()
from django.contrib.auth import get_user_model
from expediente_web.cases.models import Case
from expediente_web.jobs.actions import do_enqueue_job
owner = get_user_model().objects.get(username="ana-ficticia")
print(do_enqueue_job(owner, Case.objects.get(code="C-BK"), "linkage").uid)
"""


def _job_status(data, uid: str) -> str | None:
    with open_data_dir_database(data, RING_PASSPHRASE, read_only=True) as db:
        table = next(
            name
            for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name LIKE 'jobs_%'"
            )
        )
        row = db.execute(
            f"SELECT status FROM {table} WHERE uid IN (?, ?)", (uid, uid.replace("-", ""))
        ).fetchone()
    return row[0] if row else None


def test_a_killed_worker_leaves_its_job_failed_and_nothing_half_written(installation):
    _root, data, env = installation
    enqueued = python(env, ENQUEUE)
    assert enqueued.returncode == 0, enqueued.stderr
    uid = enqueued.stdout.strip()
    before = _counts(env)
    process = subprocess.Popen(
        [EXPEDIENTE, "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _kill_when(process, lambda: _job_status(data, uid) == "running")
    assert _job_status(data, uid) == "running"
    _intact(env, before)
    once = cli(env, "worker", "--once")
    assert once.returncode == 0, once.stderr
    assert _job_status(data, uid) == "failed"
    assert _counts(env)[:3] == before[:3]  # the failure itself is an audited write


def test_a_killed_linkage_run_stores_nothing(installation):
    _root, _data, env = installation
    before = _counts(env)
    # The stage progress is shown on a terminal only: give the command one.
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [EXPEDIENTE, "link", "--case", "C-BK", "--user", "ana-ficticia"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=follower,
    )
    os.close(follower)
    os.set_blocking(leader, False)
    seen = bytearray()

    def linking() -> bool:
        with contextlib.suppress(OSError):  # nothing to read yet, or the process is gone
            seen.extend(os.read(leader, 4096))
        return b"linking" in seen

    try:
        _kill_when(process, linking)
    finally:
        os.close(leader)
    _intact(env, before)
