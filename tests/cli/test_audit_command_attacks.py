"""The audit attacks through the commands an operator runs: `audit checkpoint`, `audit verify
--expect` and `--records`, `check`, and `keys upgrade` for a key ring older than the audit keys.
Tampering is raw SQL, as by someone holding a copy of the database."""

from __future__ import annotations

import hashlib
import io
import json
import os

import pytest
from click.testing import CliRunner
from django.db import connection

from expediente.cli import main

pytestmark = pytest.mark.django_db


def _sql(statement: str, *params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.fixture
def persons():
    from django.contrib.auth import get_user_model

    from expediente_web.cases.actions import do_create_case
    from expediente_web.records.actions import do_create_person

    user = get_user_model().objects.create_user("owner")
    case = do_create_case(user, "c1", "Case one")
    return [
        do_create_person(user, case, full_name=f"Persona Ficticia {n}", sex="sex.female")
        for n in range(4)
    ]


def test_checkpoint_file_shows_a_tail_cut_with_a_replayed_head(persons, tmp_path):
    from expediente_web.audit.chain import seal_head
    from expediente_web.audit.models import AuditEntry

    runner = CliRunner()
    cp_file = tmp_path / "elsewhere" / "checkpoint.json"
    cp_file.parent.mkdir()
    made = runner.invoke(main, ["audit", "checkpoint", "--out", str(cp_file)])
    assert made.exit_code == 0, made.output
    saved = json.loads(cp_file.read_text())
    assert made.stdout.strip() == f"{saved['seq']}:{saved['hash']}" == "5:" + saved["hash"]
    assert saved["signature"] and saved["public_key"]
    # Someone holding the database and the key ring cuts the last two entries and re-signs.
    _sql("DELETE FROM audit_auditentry WHERE seq >= 4")
    _sql("DELETE FROM audit_auditcheckpoint")
    seq3 = AuditEntry.objects.get(seq=3).hash
    _sql("UPDATE audit_audithead SET seq = 3, hash = %s, signature = %s", seq3, seal_head(3, seq3))
    assert runner.invoke(main, ["audit", "verify"]).exit_code == 0  # unseen from inside
    result = runner.invoke(main, ["audit", "verify", "--expect", str(cp_file)])
    assert result.exit_code == 1
    assert (
        "entry #4: missing: the log ends at #3 but the expected head says entries up to #5 "
        "were written (tail #4–#5 deleted)"
    ) in result.stderr
    by_head = runner.invoke(main, ["audit", "verify", "--expect", made.stdout.strip()])
    assert by_head.exit_code == 1 and "tail #4–#5 deleted" in by_head.stderr


def test_verify_with_the_expected_head_passes_on_an_intact_log(persons):
    runner = CliRunner()
    head = runner.invoke(main, ["audit", "checkpoint"]).stdout.strip()
    from django.contrib.auth import get_user_model

    from expediente_web.records.actions import do_create_person

    owner = get_user_model().objects.get(username="owner")
    do_create_person(owner, persons[0].case, full_name="Persona Ficticia Nueva")
    result = runner.invoke(main, ["audit", "verify", "--expect", head])
    assert result.exit_code == 0, result.output
    assert "expected head #5 found: nothing was cut off before it" in result.stdout


@pytest.mark.parametrize("value", ["12", "x:y", "3:" + "g" * 64, "no-such-file.json"])
def test_a_bad_expected_head_is_refused(persons, value):
    result = CliRunner().invoke(main, ["audit", "verify", "--expect", value])
    assert result.exit_code == 2
    assert "--expect" in result.stderr and "Traceback" not in result.output


def test_emptied_log_is_reported(persons):
    from expediente_web.audit.chain import GENESIS

    _sql("DELETE FROM audit_auditentry")
    _sql("UPDATE audit_audithead SET seq = 0, hash = %s, signature = ''", GENESIS)
    result = CliRunner().invoke(main, ["audit", "verify"])
    assert result.exit_code == 1
    assert "log: empty log but records exist (1 cases, 4 persons)" in result.stderr


def test_verify_records_names_rows_edited_in_the_database(persons):
    runner = CliRunner()
    clean = runner.invoke(main, ["audit", "verify", "--records"])
    assert clean.exit_code == 0, clean.output
    assert "records intact" in clean.stdout
    target = persons[2]
    _sql("UPDATE records_person SET sex = 'sex.male' WHERE id = %s", target.pk)
    result = runner.invoke(main, ["audit", "verify", "--records"])
    assert result.exit_code == 1
    assert "chain intact" in result.stdout
    assert "records CHANGED: 1 rows or files differ from the log" in result.stderr
    assert f"records_person row {target.pk} ({target.uid}): changed outside the services" in (
        result.stderr
    )
    assert runner.invoke(main, ["audit", "verify"]).exit_code == 0  # without --records: unseen


def test_check_names_a_file_replaced_with_its_hash(tmp_path, settings):
    from django.contrib.auth import get_user_model

    from expediente_web.cases.actions import do_create_case
    from expediente_web.evidence.actions import do_store_evidence
    from expediente_web.evidence.store import store

    settings.EXPEDIENTE_EVIDENCE_DIR = tmp_path / "evidence"
    user = get_user_model().objects.create_user("owner")
    case = do_create_case(user, "c1", "Case one")
    item = do_store_evidence(user, case, io.BytesIO(b"acta original"), "acta.txt")
    forged = b"acta falsificada"
    forged_sha = store(io.BytesIO(forged)).sha256  # put into the store as the store writes
    assert forged_sha == hashlib.sha256(forged).hexdigest()
    _sql("UPDATE evidence_evidenceitem SET sha256 = %s WHERE id = %s", forged_sha, item.pk)
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 1
    assert f"item {item.uid} (c1, acta.txt)" in result.stderr
    assert f"is not the {item.sha256} that audit entry #" in result.stderr
    records = CliRunner().invoke(main, ["audit", "verify", "--records"])
    assert records.exit_code == 1 and f"evidence_evidenceitem row {item.pk}" in records.stderr


def test_an_old_key_ring_is_refused_until_upgraded(tmp_path, monkeypatch, settings):
    from expediente_web.protection.cipher import reset_keyring_cache
    from expediente_web.protection.keyring import load_keyring

    ring = json.loads(os.environ["EXPEDIENTE_KEYS"])
    kept = {k: ring[k] for k in ring if k not in ("audit_key", "signing_key")}
    key_file = tmp_path / "keys.json"
    key_file.write_text(json.dumps(kept), encoding="utf-8")
    monkeypatch.delenv("EXPEDIENTE_KEYS")
    settings.EXPEDIENTE_KEY_FILE = key_file
    reset_keyring_cache()
    try:
        runner = CliRunner()
        refused = runner.invoke(
            main, ["user", "create", "someone", "--password", "a-long-synthetic-passphrase"]
        )
        assert refused.exit_code == 2, refused.output
        assert "Run `expediente keys upgrade` to add them" in refused.stderr
        upgraded = runner.invoke(main, ["keys", "upgrade"])
        assert upgraded.exit_code == 0, upgraded.output
        assert "Added audit_key and signing_key" in upgraded.stdout
        new = load_keyring(key_file)
        assert new.audit_key and new.signing_key and new.keys == load_keyring(key_file).keys
        assert json.loads(key_file.read_text())["keys"] == kept["keys"]
        again = runner.invoke(main, ["keys", "upgrade"])
        assert "already holds the audit keys; nothing changed" in again.stdout
        reset_keyring_cache()
        assert runner.invoke(main, ["audit", "verify"]).exit_code == 0
    finally:
        monkeypatch.undo()
        reset_keyring_cache()
