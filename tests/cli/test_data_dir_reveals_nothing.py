"""A data directory holding the synthetic demo case, read byte by byte, shows none of the
case's names, ID numbers, phones or narratives in clear.

- the key file, the evidence store, logs, caches, temporary files and job progress files hold
  nothing of the case;
- the embedded database is encrypted as a whole (SQLCipher, under the key ring's database
  key): its file, its WAL and the WAL an import killed half-way leaves hold nothing of the case
  either (`test_the_database_and_its_wal_reveal_nothing`);
- opened with the key, the database still holds free text as written: testimonies' narratives
  (`records_testimony`), excerpts' quotes, comments, notes and descriptions, the search
  index's terms (`search_*`), and the names of units and places (`records_unit`,
  `records_location`), which narratives cite; the protected fields (names, ID numbers, phones,
  witnesses' names) are encrypted field by field inside it besides.
  `test_only_these_tables_hold_clear_text` names exactly which tables hold free text, which is
  what whoever holds the key ring and its passphrase reads.
"""

from __future__ import annotations

import csv
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from expediente_web.protection.sqlcipher_backend.keyed import AVAILABLE, SQLITE_HEADER
from support.encrypted_db import open_data_dir_database

pytestmark = pytest.mark.skipif(
    os.environ.get("EXPEDIENTE_TEST_DB") == "postgres",
    reason="the embedded data directory; on PostgreSQL the database is not in it",
)

PASSPHRASE = "synthetic passphrase of the seized laptop"
DB_FILES = ("expediente.sqlite3", "expediente.sqlite3-wal", "expediente.sqlite3-shm")
# Where free text is stored as written inside the (encrypted) database.
CLEAR_TEXT_TABLES = {"records_testimony", "evidence_excerpt", "records_comment",
                     # the case's structure: names of units and places, which narratives cite
                     "records_unit", "records_location"}


def run(*args: str, data_dir: Path | None = None, wait: bool = True):
    env = {k: v for k, v in os.environ.items()
           if k not in ("EXPEDIENTE_KEYS", "DATABASE_URL", "DJANGO_SETTINGS_MODULE",
                        "EXPEDIENTE_KEY_FILE", "EXPEDIENTE_SECRET_KEY",
                        "EXPEDIENTE_KEY_PASSPHRASE_FILE")}
    env["PYTHONPATH"] = str(Path(__file__).parents[2] / "src")
    env["EXPEDIENTE_KEY_PASSPHRASE"] = PASSPHRASE
    env["TMPDIR"] = str(data_dir / "tmp") if data_dir else env.get("TMPDIR", "/tmp")
    argv = [sys.executable, "-c", "from expediente.cli import main; main()", *args]
    if data_dir:
        argv += ["--data-dir", str(data_dir)]
    if not wait:
        return subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
    result = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stderr
    return result


def needles(case_dir: Path) -> set[str]:
    """Names, ID numbers, phones and narrative phrases of the generated case."""
    found: set[str] = set()
    for path in (case_dir / "victims").glob("*.csv"):
        # The sources' own layouts: the generator writes each in its own column names.
        for row in csv.DictReader(path.open(encoding="utf-8")):
            if "record_id" not in row:
                found |= {row[c] for c in ("APELLIDOS Y NOMBRES", "CEDULA", "nombre_completo",
                                           "cedula", "telefono_contacto", "C.I.") if row.get(c)}
                continue
            name = row["full_name"] or " ".join(
                p for p in (row["given_names"], row["first_surname"], row["second_surname"]) if p)
            found |= {name, row["id_number"], row["phone"]}
    for path in (case_dir / "testimonies").glob("*.csv"):
        for row in csv.DictReader(path.open(encoding="utf-8")):
            found |= {row["witness_name"], row["witness_phone"]}
            narrative = row["narrative"]
            found |= {narrative[:40], narrative[len(narrative) // 2:][:40]}
    return {v.strip() for v in found if len(v.strip()) >= 7}


#: Sealed values (`k1:<base64>`) and keyed indexes (hex): random text in which a digit run of an
#: ID number can occur by chance; they are what protection is, not what it leaks.
_CIPHERTEXT = re.compile(r"\b[ki]\d+:[A-Za-z0-9+/=]{16,}|\b[0-9a-f]{24,}\b")


def _without_ciphertext(text: str) -> str:
    return _CIPHERTEXT.sub(" ", text)


def hits(data: bytes, wanted: set[str]) -> set[str]:
    lowered = data.lower()
    return {w for w in wanted if w.encode() in data or w.lower().encode() in lowered}


@pytest.fixture(scope="module")
def seized(tmp_path_factory):
    root = tmp_path_factory.mktemp("seized")
    case_dir, data = root / "case", root / "data"
    run("demo-data", "--seed", "7", "--size", "small", "--out", str(case_dir), "--quiet")
    data.mkdir()
    (data / "tmp").mkdir()
    run("init", data_dir=data)
    # An import killed half-way first, then the whole import.
    killed = run("import", str(case_dir), "--case", "DEMO-SMALL-7", data_dir=data, wait=False)
    deadline = time.monotonic() + 300  # a loaded machine starts the import slowly
    wal = data / "expediente.sqlite3-wal"
    while time.monotonic() < deadline and (not wal.exists() or wal.stat().st_size < 200_000):
        time.sleep(0.05)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    killed_wal = wal.read_bytes() if wal.exists() else b""
    run("import", str(case_dir), "--case", "DEMO-SMALL-7", data_dir=data)
    run("check", data_dir=data)
    return data, needles(case_dir), killed_wal


def test_every_file_but_the_database_reveals_nothing(seized):
    data, wanted, _ = seized
    assert len(wanted) > 300
    read = 0
    for path in sorted(p for p in data.rglob("*") if p.is_file()):
        if path.name in DB_FILES:
            continue
        raw = path.read_bytes()
        read += len(raw)
        assert not hits(raw, wanted), f"{path.relative_to(data)} holds case data in clear"
    assert (data / "keys.json").exists() and read > 0


def test_only_these_tables_hold_clear_text(seized):
    data, wanted, _ = seized
    db = open_data_dir_database(data, PASSPHRASE)
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    clear: dict[str, set[str]] = {}
    for table in tables:
        # One text per table (rows apart by a NUL): a needle is searched once per table.
        text = "\x00".join(
            _without_ciphertext("\x00".join(str(v) for v in row if isinstance(v, str)))
            for row in db.execute(f'SELECT * FROM "{table}"'))
        found = hits(text.encode(), wanted)
        if found:
            clear[table] = found
    db.close()
    free_text = {t for t in clear if t in CLEAR_TEXT_TABLES or t.startswith("search_")}
    assert set(clear) == free_text, f"identifying data in clear in {sorted(set(clear) - free_text)}"
    assert "records_testimony" in clear  # narratives: what SQLCipher's encryption covers
    names_and_ids = {w for w in wanted if w[:1].isdigit() or len(w.split()) in (2, 3, 4)}
    protected_only = names_and_ids - {w for found in clear.values() for w in found}
    assert protected_only, "every name also appears in free text"


@pytest.mark.skipif(not AVAILABLE, reason="SQLCipher has no wheel for this platform")
def test_the_database_and_its_wal_reveal_nothing(seized):
    data, wanted, killed_wal = seized
    assert killed_wal, "the import was not killed while its WAL was being written"
    assert not hits(killed_wal, wanted), "a killed import left case data in clear in the WAL"
    assert (data / "expediente.sqlite3").read_bytes()[:16] != SQLITE_HEADER
    for name in DB_FILES:
        path = data / name
        if path.exists():
            assert not hits(path.read_bytes(), wanted), f"{name} holds case data in clear"
