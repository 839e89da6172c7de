"""`expediente init` run as a user runs it: a fresh process and a fresh data directory."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from expediente_web.protection.sqlcipher_backend.keyed import AVAILABLE as SQLCIPHER

pytestmark = pytest.mark.skipif(
    os.environ.get("EXPEDIENTE_TEST_DB") == "postgres",
    reason="init is tested on the embedded SQLite default; PostgreSQL migrations run in tests/web",
)


def run(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in ("EXPEDIENTE_KEYS", "DATABASE_URL", "DJANGO_SETTINGS_MODULE",
                        "EXPEDIENTE_KEY_FILE", "EXPEDIENTE_SECRET_KEY")}
    env["PYTHONPATH"] = str(Path(__file__).parents[2] / "src")
    return subprocess.run(
        [sys.executable, "-c", "from expediente.cli import main; main()", *args,
         "--data-dir", str(data_dir)] if args[0] != "user" else
        [sys.executable, "-c", "from expediente.cli import main; main()", *args],
        capture_output=True, text=True, env=env, timeout=120,
    )


def test_init_creates_everything_once_and_is_idempotent(tmp_path):
    data = tmp_path / "data"
    first = run("init", data_dir=data)
    assert first.returncode == 0, first.stderr
    keys = data / "keys.json"
    assert stat.S_IMODE(keys.stat().st_mode) == 0o600
    assert stat.S_IMODE((data / "secret.key").stat().st_mode) == 0o600
    assert (data / "expediente.sqlite3").exists() and (data / "evidence").is_dir()
    assert str(keys) in first.stdout and "created" in first.stdout
    assert "Back up the key ring" in first.stderr
    ring, secret = keys.read_text(), (data / "secret.key").read_text()

    again = run("init", data_dir=data)
    assert again.returncode == 0, again.stderr
    assert "(kept)" in again.stdout
    assert keys.read_text() == ring and (data / "secret.key").read_text() == secret

    verify = run("audit", "verify", data_dir=data)
    assert verify.returncode == 0 and verify.stdout.startswith("chain intact, 0 entries")


def test_init_refuses_a_malformed_key_ring(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "keys.json").write_text("{not json")
    result = run("init", data_dir=data)
    assert result.returncode == 2
    assert "malformed" in result.stderr and "Traceback" not in result.stderr
    assert (data / "keys.json").read_text() == "{not json"


def test_commands_before_init_say_to_run_init(tmp_path):
    result = run("audit", "verify", data_dir=tmp_path / "nothing")
    assert result.returncode == 2
    assert "expediente init" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "nothing" / "expediente.sqlite3").exists()


def test_a_session_from_the_console(tmp_path):
    data = tmp_path / "data"
    assert run("init", data_dir=data).returncode == 0
    steps = [
        ("case", "create", "demo-case", "--title", "Demo (synthetic)", "--country", "Venezuela"),
        ("user", "create", "ana", "--password", "a-long-enough-password", "--role", "owner",
         "--case", "demo-case", "--data-dir", str(data)),
        ("case", "list"),
        ("case", "sources", "demo-case"),
        ("keys", "rotate", "--retire-old"),
        ("keys", "status"),
        ("check",),
        ("audit", "verify"),
    ]
    outputs = []
    for step in steps:
        result = run(*step, data_dir=data)
        assert result.returncode == 0, (step, result.stderr)
        outputs.append(result.stdout)
    assert "demo-case\tDemo (synthetic)\tVenezuela\t0\t0\t0" in outputs[2]
    assert "k2 (active): 0 values" in outputs[5]
    # Set-up entries, the rotation (and, on SQLCipher, its rekey of the database) and retirement.
    assert outputs[-1].startswith(f"chain intact, {6 if SQLCIPHER else 5} entries")
