"""Attacks on the audit log and on the record it vouches for, each done with raw SQL as someone
holding a copy of the database (but not the key ring) would, and each named by verification.

The attacks are those a security review reproduced against the unkeyed chain: cutting the tail
with the head row, emptying the log, editing an entry and re-hashing the rest, editing record
rows directly, and replacing an evidence file together with its stored hash.
"""

from __future__ import annotations

import hashlib
import io
import json
import os

import pytest
from django.db import connection

from expediente_web.audit import chain
from expediente_web.audit.chain import Checkpoint, check, make_checkpoint
from expediente_web.audit.models import AuditEntry, AuditHead
from expediente_web.audit.rowcheck import check_kept_digests, check_rows

pytestmark = pytest.mark.django_db


def _sql(statement: str, *params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def _problems(**kwargs) -> dict[int, str]:
    return {b.seq: b.problem for b in check(**kwargs).breaks}


def _head() -> tuple[int, str, str]:
    head = AuditHead.objects.get(id=1)
    return head.seq, head.hash, head.signature


@pytest.fixture
def people(case, documenter):
    """Ten entries: the case's own, then people."""
    from expediente_web.records.actions import do_create_person

    persons = []
    while AuditEntry.objects.count() < 10:
        persons.append(
            do_create_person(
                documenter,
                case,
                full_name=f"Persona Ficticia {len(persons)}",
                id_number=f"V-{len(persons):08d}",
                sex="sex.female",
            )
        )
    assert check().intact
    assert check_kept_digests() == [] and check_rows() == []
    return persons


# -- the log ---------------------------------------------------------------------------------
def test_cutting_the_tail_with_the_head_row_is_named(people):
    _sql("DELETE FROM audit_auditentry WHERE seq >= 8")
    _sql("DELETE FROM audit_audithead")
    problems = _problems()
    assert problems == {7: "the log head record was deleted"}


def test_moving_the_head_back_to_an_earlier_entry_is_named(people):
    seq7 = AuditEntry.objects.get(seq=7).hash
    _sql("DELETE FROM audit_auditentry WHERE seq >= 8")
    _sql("UPDATE audit_audithead SET seq = 7, hash = %s", seq7)
    assert "its seal does not match" in _problems()[7]


def test_replaying_an_old_head_is_named_by_a_checkpoint_kept_elsewhere(people):
    # The operator exported a checkpoint at #10 and keeps it elsewhere. An attacker who kept a
    # copy of the head row from when the log ended at #9 (a real, sealed head) cuts #10 and the
    # stored checkpoint and puts that head back: nothing left in the database shows it.
    kept_elsewhere = make_checkpoint()
    assert kept_elsewhere.seq == 10
    seq9 = AuditEntry.objects.get(seq=9)
    copied_head_seal = chain.seal_head(9, seq9.hash)  # what the head row held at #9
    _sql("DELETE FROM audit_auditentry WHERE seq = 10")
    _sql("DELETE FROM audit_auditcheckpoint")
    _sql(
        "UPDATE audit_audithead SET seq = 9, hash = %s, signature = %s",
        seq9.hash,
        copied_head_seal,
    )
    assert check().intact  # what verification inside the database alone cannot see
    problems = _problems(expect=kept_elsewhere)
    assert list(problems) == [10]
    assert (
        "the expected head says entries up to #10 were written (tail #10 deleted)" in (problems[10])
    )


def test_a_cut_back_past_a_stored_checkpoint_is_named(people, monkeypatch, documenter, case):
    from expediente_web.audit.models import AuditCheckpoint
    from expediente_web.records.actions import do_create_person

    monkeypatch.setattr(chain, "CHECKPOINT_EVERY", 3)
    for n in range(4):  # entries 11–14; checkpoint at 12
        do_create_person(documenter, case, full_name=f"Otra Persona {n}")
    assert AuditCheckpoint.objects.filter(seq=12).exists()
    seq11 = AuditEntry.objects.get(seq=11).hash
    _sql("DELETE FROM audit_auditentry WHERE seq >= 12")
    # Even a head re-signed by someone with the key ring leaves the stored checkpoint behind.
    _sql(
        "UPDATE audit_audithead SET seq = 11, hash = %s, signature = %s",
        seq11,
        chain.seal_head(11, seq11),
    )
    problems = _problems()
    assert list(problems) == [12]
    assert "signed checkpoint #12 says entries up to #12 were written" in problems[12]


def test_a_forged_checkpoint_is_named(people):
    cp = make_checkpoint()
    _sql("UPDATE audit_auditcheckpoint SET hash = %s WHERE seq = %s", "ab" * 32, cp.seq)
    assert "its signed checkpoint was forged or changed" in _problems()[cp.seq]


def test_emptying_the_log_and_resetting_the_head_is_named(people):
    kept_elsewhere = make_checkpoint()
    _sql("DELETE FROM audit_auditcheckpoint")
    _sql("DELETE FROM audit_auditentry")
    _sql("UPDATE audit_audithead SET seq = 0, hash = %s, signature = ''", chain.GENESIS)
    problems = _problems()
    assert list(problems) == [0]
    persons = len(people)
    assert problems[0].startswith(f"empty log but records exist (1 cases, {persons} persons")
    with_expect = _problems(expect=Checkpoint(kept_elsewhere.seq, kept_elsewhere.hash))
    assert "the log ends at #0 but the expected head says entries up to #10" in with_expect[1]


def test_an_edit_rehashed_without_the_key_is_named(people):
    """The old attack: edit #4 and recompute every later hash as the unkeyed chain did."""
    rows = list(AuditEntry.objects.filter(seq__gte=4).order_by("seq"))
    prev = rows[0].prev_hash
    for entry in rows:
        actor = "forger" if entry.seq == 4 else entry.actor
        body = json.dumps(
            {
                "seq": entry.seq,
                "at": entry.at.isoformat(timespec="microseconds"),
                "actor": actor,
                "action": entry.action,
                "case": entry.case_code,
                "object_type": entry.object_type,
                "object_id": entry.object_id,
                "payload": entry.payload,
                "prev": prev,
            },
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )
        digest = hashlib.sha256(body.encode()).hexdigest()
        _sql(
            "UPDATE audit_auditentry SET actor = %s, prev_hash = %s, hash = %s WHERE seq = %s",
            actor,
            prev,
            digest,
            entry.seq,
        )
        prev = digest
    _sql("UPDATE audit_audithead SET hash = %s", prev)
    problems = _problems()
    assert set(problems) == {4, 5, 6, 7, 8, 9, 10}
    assert problems[4] == "its content was changed after it was written (its hash does not match)"
    breaks = [str(b) for b in check().breaks]
    assert "entry #10: its content was changed after it was written (its hash does not match)" in (
        breaks
    )
    assert any("the log head was changed" in b for b in breaks)  # the head was re-hashed too


def test_an_expected_head_that_was_rewritten_is_named(people):
    kept = make_checkpoint()
    _sql("UPDATE audit_auditentry SET hash = %s WHERE seq = %s", "cd" * 32, kept.seq)
    problems = _problems(expect=kept)
    assert "is not the entry of the expected head" in problems[kept.seq]


def test_a_checkpoint_signed_by_another_key_ring_is_refused(people):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    head_seq, head_hash, _ = _head()
    foreign = Ed25519PrivateKey.generate().sign(chain.checkpoint_message(head_seq, head_hash))
    problems = _problems(expect=Checkpoint(head_seq, head_hash, signature=foreign.hex()))
    assert "is not signed by this key ring's signing key" in problems[0]


def test_a_key_ring_without_audit_keys_refuses_to_write(case, documenter, monkeypatch):
    from expediente_web.protection.cipher import reset_keyring_cache
    from expediente_web.records.actions import do_create_person

    old = json.loads(os.environ["EXPEDIENTE_KEYS"])
    del old["audit_key"], old["signing_key"]
    monkeypatch.setenv("EXPEDIENTE_KEYS", json.dumps(old))
    reset_keyring_cache()
    try:
        before = AuditEntry.objects.count()
        with pytest.raises(chain.AuditKeyMissing, match="expediente keys upgrade"):
            do_create_person(documenter, case, full_name="Persona Ficticia")
        assert AuditEntry.objects.count() == before
    finally:
        monkeypatch.undo()
        reset_keyring_cache()


# -- the record ------------------------------------------------------------------------------
def _row_problems() -> dict[tuple[str, int], str]:
    return {(p.table, p.row_id): p.problem for p in check_kept_digests() + check_rows()}


def test_a_row_edited_in_the_database_is_named(people):
    target = people[3]
    _sql("UPDATE records_person SET sex = 'sex.male' WHERE id = %s", target.pk)
    assert check().intact  # the log itself is untouched
    problems = check_rows()
    assert [(p.table, p.row_id, p.name) for p in problems] == [
        ("records_person", target.pk, str(target.uid))
    ]
    assert problems[0].problem.startswith(
        "changed outside the services (it differs from what entry #"
    )


def test_a_review_status_set_in_the_database_is_named(case, documenter, victim):
    """Marking an act verified by hand, without a second person, is a changed row."""
    from expediente_web.records.actions import do_create_act, do_submit_for_review

    act = do_create_act(documenter, case, victim, "act.torture", date="2017-06")
    review = do_submit_for_review(documenter, act)
    assert check_rows() == []
    _sql("UPDATE records_review SET status = 'verified' WHERE id = %s", review.pk)
    assert [(p.table, p.row_id) for p in check_rows()] == [("records_review", review.pk)]


def test_a_ciphertext_copied_onto_another_row_is_named(people):
    a, b = people[1], people[2]
    _sql(
        "UPDATE records_person SET full_name = (SELECT full_name FROM records_person WHERE "
        "id = %s) WHERE id = %s",
        a.pk,
        b.pk,
    )
    assert list(_row_problems()) == [("records_person", b.pk)]


def _drop_references_to(person_ids: list[int]) -> None:
    """Delete what other tables (e.g. a search index) hold of these persons, as an attacker
    removing a person would, so that the database stays consistent."""
    from django.apps import apps

    from expediente_web.records.models import Person

    marks = ", ".join(["%s"] * len(person_ids))
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if f.is_relation and f.related_model is Person:
                _sql(
                    f"DELETE FROM {model._meta.db_table} WHERE {f.column} IN ({marks})", *person_ids
                )


def test_a_row_added_or_removed_outside_the_services_is_named(people):
    victim = people[0]
    _drop_references_to([people[5].pk, people[6].pk])
    _sql("DELETE FROM records_person WHERE id = %s", people[5].pk)
    _sql("UPDATE records_person SET id = 9999 WHERE id = %s", people[6].pk)
    problems = _row_problems()
    assert problems[("records_person", people[5].pk)].startswith("removed from the database")
    assert problems[("records_person", people[6].pk)].startswith("removed from the database")
    assert problems[("records_person", 9999)].startswith("no audited write left this row")
    assert ("records_person", victim.pk) not in problems


def test_editing_the_kept_digest_along_with_the_row_is_named(people):
    from expediente_web.audit.rows import current_digests

    target = people[4]
    _sql("UPDATE records_person SET sex = 'sex.male' WHERE id = %s", target.pk)
    forged = current_digests("records.person", [target.pk])[target.pk]
    _sql(
        "UPDATE audit_rowdigest SET digest = %s WHERE \"table\" = 'records_person' AND row_id = %s",
        forged,
        target.pk,
    )
    assert check_rows() == []  # the row now matches its (forged) digest …
    problems = check_kept_digests()  # … which no longer matches the sealed entry
    assert len(problems) == 1 and "are not those it recorded" in problems[0].problem


def test_a_soft_delete_through_the_service_is_not_a_problem(people, documenter):
    from expediente_web.records.actions import do_delete_record

    do_delete_record(documenter, people[2], "duplicado de otra ficha")
    assert check().intact and _row_problems() == {}


def test_rows_an_import_wrote_are_checked_too(case, documenter, source, tmp_path):
    from expediente_web.intake.importer import do_import_table
    from expediente_web.records.models import Act, Person

    path = tmp_path / "victims.csv"
    path.write_text(
        "record_id,full_name,sex,act_type,date\n"
        "V1,Persona Importada Uno,sex.female,act.detention.arbitrary,2017-05-03\n"
        "V2,Persona Importada Dos,sex.male,,\n",
        encoding="utf-8",
    )
    do_import_table(case, path, kind="victims", source_code="SRC-01", actor=documenter)
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "import_table"
    assert entry.rows["records_person"]["rows"] == 2 and entry.rows["records_act"]["rows"] == 1
    assert _row_problems() == {}
    act = Act.objects.get(source_record_id="V1")
    person = Person.objects.get(source_record_id="V2")
    _sql("UPDATE records_act SET outcome = 'outcome.killed' WHERE id = %s", act.pk)
    _sql("UPDATE records_person SET age = 99 WHERE id = %s", person.pk)
    assert set(_row_problems()) == {("records_act", act.pk), ("records_person", person.pk)}


# -- evidence --------------------------------------------------------------------------------
def test_replacing_an_evidence_file_and_its_hash_is_named(case, documenter, settings, tmp_path):
    from expediente_web.evidence.actions import do_store_evidence
    from expediente_web.evidence.integrity import check_items
    from expediente_web.evidence.store import store

    settings.EXPEDIENTE_EVIDENCE_DIR = tmp_path / "evidence"
    item = do_store_evidence(documenter, case, io.BytesIO(b"acta original"), "acta.txt")
    other = do_store_evidence(documenter, case, io.BytesIO(b"otra acta"), "otra.txt")
    assert [p for _, p in check_items()] == [None, None]
    forged = b"acta falsificada"
    forged_sha = store(io.BytesIO(forged)).sha256  # put into the store as the store writes
    assert forged_sha == hashlib.sha256(forged).hexdigest()
    _sql("UPDATE evidence_evidenceitem SET sha256 = %s WHERE id = %s", forged_sha, item.pk)
    _sql(
        "UPDATE evidence_custodyevent SET hash_observed = %s WHERE item_id = %s",
        forged_sha,
        item.pk,
    )
    problems = {str(p.item_uid): p.problem for _, p in check_items() if p is not None}
    assert list(problems) == [str(item.uid)]
    assert f"is not the {item.sha256} that audit entry #" in problems[str(item.uid)]
    rows = _row_problems()
    assert ("evidence_evidenceitem", item.pk) in rows
    assert ("evidence_evidenceitem", other.pk) not in rows


def test_a_bulk_rewrite_recorded_with_its_digests_is_not_a_problem(people):
    """What a re-encryption of every protected value must do to keep `--records` quiet: append
    its entry with the digests of the rows it rewrote."""
    from django.db import transaction

    from expediente_web.audit.imports import rows_with_protected_values

    a, b = people[1], people[2]
    _sql(
        "UPDATE records_person SET full_name = (SELECT full_name FROM records_person WHERE "
        "id = %s) WHERE id = %s",
        a.pk,
        b.pk,
    )
    assert list(_row_problems()) == [("records_person", b.pk)]
    with transaction.atomic():
        chain.append("operator", "rotate_keys", payload={"digests": rows_with_protected_values()})
    assert _row_problems() == {} and check().intact
