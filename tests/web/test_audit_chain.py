"""The audit chain detects an edited, deleted or reordered entry and a deleted tail, and names
it; tampering is done with raw SQL, as an attacker with database access would."""

from __future__ import annotations

import pytest
from django.db import connection

from expediente_web.audit.chain import append, check, verify
from expediente_web.audit.models import AppendOnlyError, AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain(case, documenter):
    """Eight entries (the case's own entries first, then a few people)."""
    from expediente_web.records.actions import do_create_person

    while AuditEntry.objects.count() < 8:
        do_create_person(documenter, case, full_name=f"Persona {AuditEntry.objects.count()}")
    assert verify() == []
    return list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))


def _sql(statement: str, *params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _problems() -> dict[int, str]:
    return {b.seq: b.problem for b in verify()}


def test_intact_chain(chain):
    verdict = check()
    assert verdict.intact and verdict.entries == 8
    assert verdict.head == AuditEntry.objects.get(seq=8).hash


def test_edited_entry_is_named(chain):
    _sql("UPDATE audit_auditentry SET actor = %s WHERE seq = 4", "someone_else")
    assert _problems() == {4: "its content was changed after it was written (its hash does not "
                              "match)"}


def test_edited_payload_is_named(chain):
    _sql("UPDATE audit_auditentry SET payload = %s WHERE seq = 6", '{"fields": {}}')
    assert list(_problems()) == [6]


def test_edit_with_a_recomputed_hash_breaks_the_next_link(chain):
    from expediente_web.audit.chain import entry_hash

    entry = AuditEntry.objects.get(seq=5)
    forged = entry_hash(seq=5, at=entry.at, actor="forger", action=entry.action,
                        case_code=entry.case_code, object_type=entry.object_type,
                        object_id=entry.object_id, payload=entry.payload,
                        prev_hash=entry.prev_hash, rows=entry.rows)
    _sql("UPDATE audit_auditentry SET actor = 'forger', hash = %s WHERE seq = 5", forged)
    problems = _problems()
    assert list(problems) == [6]
    assert "does not follow entry #5" in problems[6]


def test_deleted_entry_is_named(chain):
    _sql("DELETE FROM audit_auditentry WHERE seq = 3")
    assert _problems() == {3: "missing: the entry was deleted"}


def test_deleted_tail_is_named(chain):
    _sql("DELETE FROM audit_auditentry WHERE seq >= 7")
    problems = _problems()
    assert list(problems) == [7]
    assert "tail #7–#8 deleted" in problems[7]


def test_reordered_entries_are_named(chain):
    # Swap the sequence numbers of entries 3 and 4 (through a free number: seq is unique).
    _sql("UPDATE audit_auditentry SET seq = 1000 WHERE seq = 3")
    _sql("UPDATE audit_auditentry SET seq = 3 WHERE seq = 4")
    _sql("UPDATE audit_auditentry SET seq = 4 WHERE seq = 1000")
    problems = verify()
    # #3 and #4 hold each other's content; #5 was written after what is now #3.
    assert {b.seq for b in problems} == {3, 4, 5}
    text = " ".join(str(b) for b in problems)
    assert "entry #3: out of order: it was written after the entry now at #4" in text
    assert "reordered" in text
    assert "entry #5: out of order: it was written after the entry now at #3" in text


def test_moved_content_is_named(chain):
    # Exchange everything but the sequence numbers of rows 5 and 6.
    cols = ["at", "actor", "action", "case_code", "object_type", "object_id", "payload",
            "prev_hash", "hash"]
    rows = {
        seq: AuditEntry.objects.filter(seq=seq).values_list(*cols).get() for seq in (5, 6)
    }
    _sql("UPDATE audit_auditentry SET hash = %s WHERE seq = 5", "x" * 64)
    sets = ", ".join(f"{c} = %s" for c in cols)
    from django.db.models import JSONField

    def params(values):
        out = list(values)
        out[6] = JSONField().get_db_prep_value(out[6], connection)
        return out

    _sql(f"UPDATE audit_auditentry SET {sets} WHERE seq = 6", *params(rows[5]))
    _sql(f"UPDATE audit_auditentry SET {sets} WHERE seq = 5", *params(rows[6]))
    assert {5, 6} <= set(_problems())


def test_orm_refuses_to_change_entries(chain):
    entry = AuditEntry.objects.get(seq=2)
    entry.actor = "x"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


@pytest.mark.django_db(transaction=True)
def test_append_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        append("x", "nothing")


def test_walk_reads_what_the_orm_reads(chain):
    """`check` reads the entries a page at a time with plain SQL and the fields' converters: the
    values must be exactly those of the ORM, whatever the page size."""
    from django.db import transaction

    from expediente_web.audit.chain import _ROW, _converter, _entries

    with transaction.atomic():
        append("documentalista", "add_comment", case_code="C-ñ", object_type="comment",
               object_id=9, payload={"texto": "«golpes» en la sede", "n": [1, 2.5, None]})
    pages: list[int] = []
    convert = _converter()
    walked = [tuple(convert(row)) for row in _entries(3, pages.append)]
    assert walked == list(AuditEntry.objects.order_by("seq").values_list(*_ROW))
    assert pages == [3, 3, 3] and len(walked) == 9
    assert walked[-1][7] == {"texto": "«golpes» en la sede", "n": [1, 2.5, None]}
    assert walked[-1][1].tzinfo is not None


def test_breaks_at_page_boundaries_are_named(chain):
    # Pages of 3: an edit at the end of the first page, a deletion in the second, and entries
    # swapped across the boundary of the second and third.
    _sql("UPDATE audit_auditentry SET actor = %s WHERE seq = 3", "someone_else")
    _sql("DELETE FROM audit_auditentry WHERE seq = 5")
    _sql("UPDATE audit_auditentry SET seq = 1000 WHERE seq = 6")
    _sql("UPDATE audit_auditentry SET seq = 6 WHERE seq = 7")
    _sql("UPDATE audit_auditentry SET seq = 7 WHERE seq = 1000")
    paged = check(batch_size=3)
    assert [str(b) for b in paged.breaks] == [str(b) for b in check(batch_size=5000).breaks]
    problems = {b.seq: b.problem for b in paged.breaks}
    assert list(problems) == [3, 5, 6, 7, 8]
    assert problems[3].startswith("its content was changed")
    assert problems[5] == "missing: the entry was deleted"
    assert problems[6].startswith("its content was changed")  # its number is sealed
    assert problems[8] == "out of order: it was written after the entry now at #6, not after #7"
    assert paged.entries == 7


def test_entries_are_stored_in_the_form_their_seal_covers(chain, monkeypatch):
    """The JSON columns are written canonically (keys sorted, no spaces, text as is): on SQLite
    the stored text is what the seal covers, and verify checks it as read."""
    from django.db import connection, transaction

    from expediente_web.audit import chain as chain_module
    from expediente_web.audit.chain import _canonical

    with transaction.atomic():
        entry = append("documentalista", "add_comment", payload={"z": "«ñ»", "a": [1, 2.5]})
    with connection.cursor() as cursor:
        cursor.execute("SELECT payload, rows FROM audit_auditentry WHERE seq = %s", [entry.seq])
        payload, rows = cursor.fetchone()
    if connection.vendor == "sqlite":
        assert payload == _canonical({"z": "«ñ»", "a": [1, 2.5]}) == '{"a":[1,2.5],"z":"«ñ»"}'
        assert rows == "{}"

        def decoded(raw):
            raise AssertionError(f"entry #{raw[0]} was decoded: its stored text did not verify")

        monkeypatch.setattr(chain_module, "_converter", lambda: decoded)
    assert verify() == []


def test_entries_stored_in_another_json_form_still_verify_and_their_edits_still_show(chain):
    """Entries written before the canonical form (or re-spaced by hand: the same content) are
    checked decoded, as before; an edit inside such a text is still a break."""
    import json

    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the stored JSON text is SQLite's; PostgreSQL keeps jsonb in its own form")
    for seq, payload in AuditEntry.objects.values_list("seq", "payload"):
        _sql("UPDATE audit_auditentry SET payload = %s WHERE seq = %s",
             json.dumps(payload, indent=1), seq)
    assert verify() == []
    _sql("UPDATE audit_auditentry SET payload = %s WHERE seq = 2", json.dumps({"n": 999}))
    problems = {b.seq: b.problem for b in verify()}
    assert list(problems) == [2] and problems[2].startswith("its content was changed")


@pytest.mark.parametrize(
    "text", ['"', "\\", "\n\t\x00\x1f", "«ñ» \u2028\u2029 😀", "</script>", ""])
def test_the_sealed_fields_are_written_as_the_json_encoder_writes_them(text):
    """The fields line of a sealed message is built without the encoder's per-call work; it
    must be the encoder's text exactly, whatever the strings hold."""
    from expediente_web.audit.chain import _encode_fields, _message_text

    texts = ["2026-01-05T08:00:00.123457+00:00", text, "act" + text, "C" + text, "t", "42",
             "0" * 64]
    message = _message_text(7, *texts[:6], "{}", texts[6], "{}")
    assert message == (
        f"expediente-audit-entry/2\n{_encode_fields([7, *texts])}\n{{}}\n{{}}".encode())
