"""`expediente serve` on an initialised data directory answers HTTP requests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    os.environ.get("EXPEDIENTE_TEST_DB") == "postgres",
    reason="served from the embedded SQLite default",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_prints_the_address_and_answers(tmp_path):
    pytest.importorskip("waitress")
    env = {k: v for k, v in os.environ.items()
           if k not in ("EXPEDIENTE_KEYS", "DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["PYTHONPATH"] = str(Path(__file__).parents[2] / "src")
    env["PYTHONUNBUFFERED"] = "1"
    cli = [sys.executable, "-c", "from expediente.cli import main; main()"]
    data = str(tmp_path / "data")
    subprocess.run([*cli, "init", "--data-dir", data], env=env, check=True, capture_output=True,
                   timeout=120)
    port = _free_port()
    server = subprocess.Popen([*cli, "serve", "--data-dir", data, "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first_line = server.stdout.readline()
        assert first_line.startswith(f"Serving Expediente at http://localhost:{port}/")
        status = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2) as r:
                    status = r.status
                break
            except urllib.error.HTTPError as exc:
                status = exc.code
                break
            except OSError:
                time.sleep(0.1)
        assert status == 200
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_serve_before_init_is_refused(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("EXPEDIENTE_KEYS", "DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["PYTHONPATH"] = str(Path(__file__).parents[2] / "src")
    result = subprocess.run(
        [sys.executable, "-c", "from expediente.cli import main; main()", "serve",
         "--data-dir", str(tmp_path / "none")], env=env, capture_output=True, text=True,
        timeout=60)
    assert result.returncode == 2 and "expediente init" in result.stderr
