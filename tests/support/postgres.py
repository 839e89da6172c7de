"""A throwaway PostgreSQL cluster for the test run.

PostgreSQL refuses to run as root, and CI runs as root: there the cluster is created and started
as the `postgres` system user (with `runuser`), in a temporary directory it owns; elsewhere as the
current user. The cluster listens on a Unix socket only and trusts local connections.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

CANDIDATE_BINDIRS = [
    os.environ.get("EXPEDIENTE_PG_BINDIR", ""),
    "/usr/lib/postgresql/15/bin",
    "/usr/lib/postgresql/16/bin",
    "/usr/lib/postgresql/17/bin",
]


def find_bindir() -> Path | None:
    for candidate in CANDIDATE_BINDIRS:
        if candidate and (Path(candidate) / "initdb").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _as_cluster_user(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@contextlib.contextmanager
def running_cluster() -> Iterator[str]:
    """Start a cluster, yield a DATABASE_URL for it, stop and remove it afterwards."""
    bindir = find_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL server binaries (initdb) not found; install postgresql")
    root = Path(tempfile.mkdtemp(prefix="expediente-pg-"))
    datadir, sockdir = root / "data", root / "sock"
    sockdir.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
        shutil.chown(sockdir, "postgres", "postgres")
    port = str(15432 + os.getpid() % 1000)
    user = "postgres" if os.geteuid() == 0 else os.environ.get("USER", "postgres")
    subprocess.run(
        _as_cluster_user([str(bindir / "initdb"), "-D", str(datadir), "--auth=trust",
                          "--encoding=UTF8", "--locale=C.UTF-8", "-U", user]),
        check=True, capture_output=True,
    )
    options = f"-k {sockdir} -p {port} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
    subprocess.run(
        _as_cluster_user([str(bindir / "pg_ctl"), "-D", str(datadir), "-o", options,
                          "-l", str(root / "log"), "-w", "start"]),
        check=True, capture_output=True,
    )
    try:
        deadline = time.time() + 30
        while not (sockdir / f".s.PGSQL.{port}").exists():
            if time.time() > deadline:
                raise RuntimeError("PostgreSQL did not start: " + (root / "log").read_text())
            time.sleep(0.1)
        yield f"postgres://{user}@/expediente?host={sockdir}&port={port}"
    finally:
        stop = [str(bindir / "pg_ctl"), "-D", str(datadir), "-m", "immediate", "stop"]
        subprocess.run(_as_cluster_user(stop), capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
