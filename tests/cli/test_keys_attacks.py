"""The command line refuses what a wrong key ring or a missing secret key would have allowed.

- `import` with another ring that uses the same key id writes nothing, and a protected export
  with the right ring works afterwards;
- `serve` does not start with a wrong ring, nor without a secret key (and the WSGI application
  does not load without one);
- `keys status` verifies every key against the database and says which one differs;
- `keys rotate --retire-old` leaves a ring whose index key confirms nothing.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from expediente.cli import main
from expediente_web.protection.cipher import reset_keyring_cache
from expediente_web.protection.keyring import load_keyring, new_keyring

pytestmark = pytest.mark.django_db

SRC = Path(__file__).resolve().parents[2] / "src"


def invoke(*args: object, **kwargs):
    return CliRunner().invoke(main, [str(a) for a in args], **kwargs)


@pytest.fixture(autouse=True)
def _fresh_key_checks():
    reset_keyring_cache()
    yield
    reset_keyring_cache()


@pytest.fixture
def case_with_victims(tmp_path):
    assert invoke("case", "create", "c1", "--title", "Synthetic case").exit_code == 0
    from expediente_web.cases.models import Case, Source

    Source.objects.create(case=Case.objects.get(code="c1"), code="SRC-01",
                          name="Lista ficticia", kind="source.ngo_list")
    path = _victims(tmp_path / "first.csv", [("V1", "Ana Ficticia", "V-11.111.111"),
                                             ("V2", "Bea Inventada", "V-22.222.222")])
    result = invoke("import", path, "--case", "c1", "--source", "SRC-01")
    assert result.exit_code == 0, result.output
    return "c1"


def _victims(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_id", "full_name", "id_number"])
        writer.writerows(rows)
    return path


@pytest.fixture
def wrong_ring(monkeypatch):
    right = os.environ["EXPEDIENTE_KEYS"]

    def use(ring_json: str) -> None:
        monkeypatch.setenv("EXPEDIENTE_KEYS", ring_json)
        reset_keyring_cache()

    yield use
    monkeypatch.setenv("EXPEDIENTE_KEYS", right)
    reset_keyring_cache()


def test_an_import_with_another_ring_of_the_same_key_id_writes_nothing(
    case_with_victims, wrong_ring, tmp_path
):
    from expediente_web.audit.models import AuditEntry
    from expediente_web.records.models import Person

    right = os.environ["EXPEDIENTE_KEYS"]
    before = (Person.objects.count(), AuditEntry.objects.count())
    wrong_ring(new_keyring().to_json())  # k1 and i1, other keys
    path = _victims(tmp_path / "second.csv", [("V3", "Carla Ficticia", "V-33.333.333")])
    result = invoke("import", path, "--case", "c1", "--source", "SRC-01")
    assert result.exit_code == 2, result.output
    assert "is not this database's" in result.stderr and "Traceback" not in result.output
    assert (Person.objects.count(), AuditEntry.objects.count()) == before
    wrong_ring(right)
    out = tmp_path / "out"
    invoke("user", "create", "ana", "--no-login", "--role", "analyst", "--case", "c1")
    result = invoke("export", "--case", "c1", "--out", out, "--include-protected", "--user", "ana")
    assert result.exit_code == 0, result.output
    with open(out / "victims" / "SRC-01.csv", encoding="utf-8") as handle:
        names = sorted(r["full_name"] for r in csv.DictReader(handle))
    assert names == ["Ana Ficticia", "Bea Inventada"]


def test_serve_refuses_a_wrong_ring_before_listening(case_with_victims, wrong_ring, monkeypatch,
                                                     settings):
    waitress = pytest.importorskip("waitress")
    monkeypatch.setattr(waitress, "serve", _must_not_serve)
    settings.SECRET_KEY = "a-real-key-" + "Kq7xW2pZ9mB4vN8cR1tY6uH3jL5sD0fG"
    wrong_ring(new_keyring().to_json())
    result = invoke("serve", "--no-worker")
    assert result.exit_code == 2, result.output
    assert "is not this database's" in result.stderr


def test_serve_refuses_to_start_without_a_secret_key(case_with_victims, monkeypatch, settings):
    waitress = pytest.importorskip("waitress")
    monkeypatch.setattr(waitress, "serve", _must_not_serve)
    assert settings.SECRET_KEY.startswith("expediente-no-secret-key:")  # no secret.key here
    result = invoke("serve", "--no-worker")
    assert result.exit_code == 2, result.output
    assert "No secret key" in result.stderr and "expediente init" in result.stderr


def _must_not_serve(*args, **kwargs):
    raise AssertionError("the server started")


def test_serve_takes_up_a_secret_key_written_after_the_settings_were_read(
    case_with_victims, monkeypatch, settings
):
    waitress = pytest.importorskip("waitress")
    served = []
    monkeypatch.setattr(waitress, "serve", lambda *a, **k: served.append(k["port"]))
    from django.conf import settings as live_settings

    # serve takes the key up into the process's settings: put the placeholder back afterwards,
    # so that later tests still see a process without a secret key.
    monkeypatch.setattr(live_settings, "SECRET_KEY", live_settings.SECRET_KEY)
    (Path(settings.DATA_DIR) / "secret.key").write_text("K" + "q7xW2pZ9mB4vN8cR1tY6uH3jL5sD0fG")
    try:
        result = invoke("serve", "--no-worker", "--port", "8931")
    finally:
        (Path(settings.DATA_DIR) / "secret.key").unlink()
    assert result.exit_code == 0, result.output
    assert served == [8931] and not settings.SECRET_KEY.startswith("expediente-no-secret-key:")


def test_the_wsgi_application_does_not_load_without_a_secret_key(tmp_path):
    env = {k: v for k, v in os.environ.items()
           if k not in ("EXPEDIENTE_SECRET_KEY", "EXPEDIENTE_SECRET_KEY_FILE")}
    env.update(EXPEDIENTE_DATA_DIR=str(tmp_path), PYTHONPATH=str(SRC))
    found = subprocess.run([sys.executable, "-c", "import expediente_web.wsgi"], env=env,
                           capture_output=True, text=True, timeout=120)
    assert found.returncode != 0 and "No secret key" in found.stderr
    (tmp_path / "secret.key").write_text("K" + "q7xW2pZ9mB4vN8cR1tY6uH3jL5sD0fG")
    found = subprocess.run([sys.executable, "-c", "import expediente_web.wsgi"], env=env,
                           capture_output=True, text=True, timeout=120)
    assert "No secret key" not in found.stderr


def test_help_works_without_a_secret_key():
    result = invoke("--help")
    assert result.exit_code == 0 and "serve" in result.output


def test_keys_status_verifies_every_key_and_names_the_one_that_differs(case_with_victims,
                                                                      wrong_ring):
    status = invoke("keys", "status")
    assert status.exit_code == 0, status.output
    assert "k1 (active): 4 values — verified against the database" in status.stdout
    assert "index key i1 (used by the blind indexes) — verified" in status.stdout
    wrong_ring(new_keyring().to_json())
    status = invoke("keys", "status")
    assert status.exit_code == 1
    assert "k1 (active): 4 values — DIFFERS" in status.stderr
    assert "index key i1 (used by the blind indexes) — DIFFERS" in status.stderr


@pytest.fixture
def key_file(tmp_path, monkeypatch, settings):
    path = tmp_path / "keys.json"
    path.write_text(os.environ["EXPEDIENTE_KEYS"], encoding="utf-8")
    monkeypatch.delenv("EXPEDIENTE_KEYS")
    settings.EXPEDIENTE_KEY_FILE = path
    reset_keyring_cache()
    yield path
    reset_keyring_cache()


def test_rotate_retire_old_leaves_the_old_ring_nothing_to_confirm(case_with_victims, key_file):
    from django.db import connection

    from expediente_web.protection.cipher import blind_index

    old = load_keyring(key_file)
    result = invoke("keys", "rotate", "--retire-old")
    assert result.exit_code == 0, result.output
    assert "Retired keys: k1, i1" in result.stdout
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number_index FROM records_person")
        stored = {row[0] for row in cursor.fetchall()}
    for cedula in ("11111111", "22222222"):
        assert blind_index("id_number", cedula, old) not in stored
    status = invoke("keys", "status")
    assert "index key i2 (used by the blind indexes) — verified" in status.stdout
    assert "index key i1 — retired" in status.stdout
    key_file.write_text(old.to_json())  # the retired ring, put back
    status = invoke("keys", "status")
    assert status.exit_code == 1 and "NOT IN THE KEY RING" in status.stderr
