"""`expediente serve` picks a free port or says plainly why not, and runs a worker beside itself
that ends with it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest

from expediente_web.cli import serve

pytestmark = pytest.mark.skipif(
    os.environ.get("EXPEDIENTE_TEST_DB") == "postgres",
    reason="served from the embedded SQLite default",
)


@pytest.fixture
def held_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield s.getsockname()[1]


def test_a_port_asked_for_and_taken_is_refused_plainly(held_port):
    with pytest.raises(click.ClickException) as refused:
        serve.choose_port("127.0.0.1", held_port)
    assert f"Port {held_port} on 127.0.0.1 is taken" in refused.value.message
    assert f"--port {held_port + 1}" in refused.value.message


def test_without_a_port_the_next_free_one_is_used(held_port, monkeypatch, capsys):
    monkeypatch.setattr(serve, "DEFAULT_PORT", held_port)
    chosen = serve.choose_port("127.0.0.1", None)
    assert chosen > held_port
    assert f"Port {held_port} is taken; using {chosen}" in capsys.readouterr().err


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.update(int(p) for p in text)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc")
def test_the_worker_beside_the_server_stops_with_it(tmp_path, held_port):
    env = {k: v for k, v in os.environ.items()
           if k not in ("EXPEDIENTE_KEYS", "DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["PYTHONPATH"] = str(Path(__file__).parents[2] / "src")
    env["PYTHONUNBUFFERED"] = "1"
    cli = [sys.executable, "-c", "from expediente.cli import main; main()"]
    data = str(tmp_path / "data")
    subprocess.run([*cli, "init", "--data-dir", data], env=env, check=True, capture_output=True,
                   timeout=120)
    taken = subprocess.run([*cli, "serve", "--data-dir", data, "--port", str(held_port)],
                           env=env, capture_output=True, text=True, timeout=120)
    assert taken.returncode != 0 and "is taken" in taken.stderr
    assert "Serving" not in taken.stdout

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([*cli, "serve", "--data-dir", data, "--port", str(port)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert server.stdout.readline().startswith("Serving Expediente at")
        workers: set[int] = set()
        for _ in range(100):
            workers = _children(server.pid)
            if workers:
                break
            time.sleep(0.1)
        assert len(workers) == 1, "serve starts one worker process"
        server.terminate()
        server.wait(timeout=20)
        (worker,) = workers
        for _ in range(100):
            if not _alive(worker):
                break
            time.sleep(0.1)
        assert not _alive(worker), "the worker outlived its server"
    finally:
        if server.poll() is None:
            server.kill()
