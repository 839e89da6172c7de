"""Subprocess helpers of the backup, restore and crash-safety tests: each data directory is its
own installation (own key ring, sealed with a passphrase, own secret key), so the commands run
as separate processes, as an operator runs them. Every name here is fictional."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

PYTHON = sys.executable
EXPEDIENTE = str(Path(sys.executable).parent / "expediente")
RING_PASSPHRASE = "synthetic-ring-passphrase-7"

SEED = r"""
import io, sys
from expediente_web.cli.setup import setup_django
setup_django()
from expediente_web.cases.actions import do_create_case, do_create_source, do_create_user
from expediente_web.evidence.actions import do_store_evidence, do_create_excerpt
from expediente_web.records.actions import (do_create_act, do_create_location, do_create_person,
                                            do_create_testimony, do_add_comment)
n = int(sys.argv[1])
owner = do_create_user(None, "ana-ficticia")
case = do_create_case(owner, "C-BK", "Caso sintético de respaldo")
source = do_create_source(owner, case, "ONG-F", "ONG ficticia", "source.ngo_list")
place = do_create_location(owner, case, "VE-F", "Estado Ficticio", "location.state")
for i in range(n):
    person = do_create_person(owner, case, full_name=f"Persona Ficticia {i} Ñandú",
                              id_number=f"V-{90000000 + i}", sex="sex.female", source=source)
    do_create_act(owner, case, person, "act.detention.arbitrary", date="2017-05-03",
                  location=place, description=f"Detención ficticia número {i}")
testimony = do_create_testimony(owner, case, "Relato ficticio: «nadie» vio nada.", "es",
                                witness_name="Testigo Ficticio", source=source)
do_add_comment(owner, testimony, "Nota interna ficticia")
for k in range(3):
    blob = bytes(range(256)) * (50 + k) + f"evidencia {k}".encode()
    do_store_evidence(owner, case, io.BytesIO(blob), f"prueba-{k}.bin", title=f"Prueba {k}")
print("seeded")
"""

DUMP = r"""
import datetime, decimal, json, uuid
from expediente_web.cli.setup import setup_django
setup_django()
from expediente_web.backup.tables import dumped_models
from expediente_web.protection.fields import ProtectedTextField

def plain(v):
    if isinstance(v, (datetime.datetime, datetime.date, datetime.time)):
        return v.isoformat()
    if isinstance(v, (decimal.Decimal, uuid.UUID, datetime.timedelta)):
        return str(v)
    if isinstance(v, (bytes, memoryview)):
        return bytes(v).hex()
    return v

out = {}
for model in dumped_models():
    fields = [f for f in model._meta.concrete_fields]
    rows = []
    for obj in model._base_manager.order_by("pk"):
        # A protected field read through its instance: decrypted on its own row.
        rows.append({f.attname: plain(getattr(obj, f.attname)) for f in fields})
    out[model._meta.db_table] = rows
print(json.dumps(out, sort_keys=True, default=str))
"""


def environment(data_dir: Path, database_url: str | None = None, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("EXPEDIENTE_KEYS", "DATABASE_URL", "EXPEDIENTE_BACKUP_PASSPHRASE")
    }
    env.update(
        EXPEDIENTE_DATA_DIR=str(data_dir),
        EXPEDIENTE_KEY_PASSPHRASE=RING_PASSPHRASE,
        EXPEDIENTE_TASKS="database",
        **extra,
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def cli(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [EXPEDIENTE, *args], env=env, capture_output=True, text=True, timeout=timeout
    )


def python(env: dict[str, str], code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-c", code, *args], env=env, capture_output=True, text=True, timeout=300
    )


def seeded_installation(data_dir: Path, n: int = 20) -> dict[str, str]:
    env = environment(data_dir)
    done = cli(env, "init")
    assert done.returncode == 0, done.stderr
    seeded = python(env, SEED, str(n))
    assert seeded.returncode == 0, seeded.stderr
    return env


def records(env: dict[str, str]) -> dict[str, list[dict[str, object]]]:
    done = python(env, DUMP)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def evidence_files(data_dir: Path) -> dict[str, bytes]:
    root = data_dir / "evidence"
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "incoming" not in p.parts
    }
