"""Export then import into an empty database reproduces the case; pseudonyms are stable; only
authorised users export, and only those who may see protected fields export them."""

from __future__ import annotations

import csv
import io
import json
import os
import stat

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_content_types():
    """Flushing makes content types again with new ids, and rolling the test back restores
    the old ones: the content type cache must not outlive either."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()


@pytest.fixture
def rich_case(imported_case, documenter, owner):
    """The imported case plus evidence, custody, excerpts, citations, a comment thread, two
    soft-deleted records, acts with two and three involvements (one with notes), acts with
    several measured facts (one measure twice), and notes on an act and a testimony."""
    from expediente_web.evidence.actions import (
        do_cite_excerpt,
        do_create_excerpt,
        do_record_custody_event,
        do_store_evidence,
    )
    from expediente_web.records.actions import do_add_comment
    from expediente_web.records.models import Act, Testimony

    item = do_store_evidence(documenter, imported_case,
                             io.BytesIO(b"synthetic scanned statement"), "statement.pdf",
                             media_type="application/pdf", title="Acta (sintética)",
                             received_from="ONG ficticia")
    do_record_custody_event(documenter, item, "custody.verified", purpose="control")
    testimony = Testimony.objects.get(source_record_id="T1")
    excerpt = do_create_excerpt(documenter, imported_case, testimony=testimony, start=0, end=12)
    act = Act.objects.get(source_record_id="A1")
    do_cite_excerpt(documenter, excerpt, act)
    page = do_create_excerpt(documenter, imported_case, item=item, page=2)
    do_cite_excerpt(documenter, page, act)
    first = do_add_comment(documenter, act, "¿Fecha confirmada? (sintético)")
    do_add_comment(owner, act, "Sí, por dos fuentes.", parent=first)
    from expediente_web.records.actions import do_delete_record
    from expediente_web.records.models import Event

    do_delete_record(documenter, Act.objects.get(source_record_id="A2"), "duplicate of A1")
    do_delete_record(documenter, Event.objects.get(code="EV-1"), "merged into another event")
    _add_perpetrators_and_measures(imported_case, documenter, act)
    return imported_case


def _add_perpetrators_and_measures(case, documenter, act):
    """A1 gets three involvements (the unit that carried it out, its commander who ordered
    it, a second unit that was present) and four measured facts (weight twice); the victim
    list's act V1 gets a second involvement; a new act A3 has one involvement and one
    measured fact, which fit its own row."""
    from expediente_web.evidence.actions import do_record_custody_event
    from expediente_web.evidence.models import EvidenceItem
    from expediente_web.records.actions import (
        do_add_involvement,
        do_add_measured_fact,
        do_create_act,
        do_create_person,
        do_create_unit,
        do_update_act,
    )
    from expediente_web.records.models import Act, Person, Testimony, Unit

    second_unit = do_create_unit(documenter, case, "U-MIL", "Brigada ficticia",
                                 unit_type="unit.military")
    commander = do_create_person(documenter, case, given_names="Coronel", first_surname="Inventado",
                                 source_record_id="PER-2")
    first = Person.objects.get(case=case, source_record_id="PER-1")
    do_add_involvement(documenter, act, person=commander, unit=Unit.objects.get(code="U-INT"),
                       degree="involvement.ordered", notes="Según dos testigos (sintético).")
    do_add_involvement(documenter, act, unit=second_unit, degree="involvement.present")
    do_add_measured_fact(documenter, act, "measure.weight_lost_kg", 13.25)
    do_update_act(documenter, act, notes="Nota interna sintética.")
    from_list = Act.objects.get(case=case, source_record_id="V1")
    do_add_involvement(documenter, from_list, person=first, degree="involvement.direct")
    do_create_act(documenter, case, Person.objects.get(case=case, source_record_id="V3"),
                  "act.detention.arbitrary", date="2017-06-02", source=from_list.source,
                  source_record_id="A3",
                  measurements=[{"measure": "measure.days_incommunicado", "value": 5}],
                  involvements=[{"unit": second_unit, "degree": "involvement.direct"}])
    Testimony.objects.filter(source_record_id="T1").update(notes="Entrevista repetida (sintético).")
    do_record_custody_event(documenter, EvidenceItem.objects.get(case=case), "custody.transferred",
                            from_party="ONG ficticia", to_party="Fiscalía ficticia",
                            place="Caracas", purpose="remisión")


def _wipe_database():
    """Empty every table, as a new database would be (the key ring stays)."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":  # TRUNCATE refuses while deferred checks are pending
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    ContentType.objects.clear_cache()  # content types are made again, with new ids


def test_export_then_import_into_an_empty_database_reproduces_the_case(
    rich_case, owner, dump, tmp_path
):
    from expediente_web.intake.case_directory import do_import_case_directory
    from expediente_web.intake.exporter import do_export_case

    before = dump(rich_case.code)
    result = do_export_case(rich_case, tmp_path / "out", include_protected=True, actor=owner)
    assert result.counts["victims"] == 3 and result.counts["comments"] == 2
    # A1's and V1's involvements and A1's facts go to the extra tables; A3's fit its act row.
    assert result.counts["involvements"] == 5 and result.counts["measurements"] == 4
    with open(tmp_path / "out" / "acts" / "SRC-01.csv", encoding="utf-8", newline="") as handle:
        acts = {r["record_id"]: r for r in csv.DictReader(handle)}
    assert acts["A1"]["unit_code"] == acts["V1"]["unit_code"] == ""
    assert acts["A1"]["weight_lost_kg"] == "" and acts["A1"]["notes"] == "Nota interna sintética."
    assert (acts["A3"]["unit_code"], acts["A3"]["days_incommunicado"]) == ("U-MIL", "5")
    _wipe_database()
    do_import_case_directory(rich_case.code, tmp_path / "out")
    after = dump(rich_case.code)
    assert after == before
    assert len(after["Person"]) == 5 and len(after["Citation"]) == 4
    assert len(after["Involvement"]) == 6 and len(after["MeasuredFact"]) == 5
    assert len(after["CustodyEvent"]) == 3


@pytest.mark.parametrize("fmt", ["json", "parquet"])
def test_round_trip_through_json_and_parquet(rich_case, owner, dump, tmp_path, fmt):
    from expediente_web.intake.case_directory import do_import_case_directory
    from expediente_web.intake.exporter import do_export_case

    before = dump(rich_case.code)
    do_export_case(rich_case, tmp_path / "out", fmt=fmt, include_protected=True, actor=owner)
    _wipe_database()
    do_import_case_directory(rich_case.code, tmp_path / "out")
    assert dump(rich_case.code) == before


def _victims_file(root):
    with open(root / "victims" / "SRC-01.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_pseudonyms_replace_identities_and_are_stable(rich_case, analyst, tmp_path, dump):
    from expediente_web.intake.case_directory import do_import_case_directory
    from expediente_web.intake.exporter import do_export_case

    do_export_case(rich_case, tmp_path / "one", actor=analyst)
    do_export_case(rich_case, tmp_path / "two", actor=None)
    one, two = _victims_file(tmp_path / "one"), _victims_file(tmp_path / "two")
    assert one == two
    assert all(r["full_name"].startswith("P-") for r in one)
    assert all(not r[k] for r in one for k in ("given_names", "first_surname", "birth_date",
                                                "phone", "address"))
    assert {r["id_number"][:3] for r in one if r["id_number"]} == {"ID-"}
    text = "".join(p.read_text(encoding="utf-8", errors="replace")
                   for p in (tmp_path / "one").rglob("*") if p.is_file())
    for secret in ("María José", "Pérez", "12.345.678", "555 0101", "555 0199", "Díaz Rangel",
                   "Comisario"):
        assert secret not in text
    # the witness of T1 is victim V2: the same pseudonym in both files
    with open(tmp_path / "one" / "testimonies" / "SRC-01.csv", encoding="utf-8") as handle:
        witness = next(csv.DictReader(handle))["witness_name"]
    assert witness == next(r["full_name"] for r in one if r["record_id"] == "V2")
    # the pseudonymised export imports into an empty database, and exports the same again
    _wipe_database()
    do_import_case_directory(rich_case.code, tmp_path / "one")
    from expediente_web.cases.models import Case

    do_export_case(Case.objects.get(code=rich_case.code), tmp_path / "three")
    assert _victims_file(tmp_path / "three") == one


def test_export_needs_an_export_role_and_protected_fields_a_protected_role(
    rich_case, reviewer, documenter, analyst, counts, tmp_path
):
    from expediente_web.cases.access import NotPermitted
    from expediente_web.intake.exporter import do_export_case

    before = counts()
    with pytest.raises(NotPermitted):
        do_export_case(rich_case, tmp_path / "r", include_protected=True, actor=reviewer)
    with pytest.raises(NotPermitted):
        do_export_case(rich_case, tmp_path / "r2", actor=reviewer)
    with pytest.raises(NotPermitted):
        do_export_case(rich_case, tmp_path / "d", actor=documenter)
    with pytest.raises(NotPermitted):  # the console operator must name an authorised user
        do_export_case(rich_case, tmp_path / "o", include_protected=True, actor=None)
    assert counts() == before
    assert not any((tmp_path / name).exists() for name in ("r", "r2", "d", "o"))
    do_export_case(rich_case, tmp_path / "a", include_protected=True, actor=analyst)
    assert _victims_file(tmp_path / "a")[0]["given_names"] == "María José"


def test_an_export_is_audited_and_described(rich_case, owner, tmp_path):
    from expediente_web.audit.models import AuditEntry
    from expediente_web.intake.exporter import do_export_case

    do_export_case(rich_case, tmp_path / "out", fmt="parquet", actor=owner)
    entry = AuditEntry.objects.filter(action="export_case").get()
    assert entry.payload["format"] == "parquet" and entry.payload["include_protected"] is False
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["pseudonymised"] and manifest["counts"]["acts"] == 4

    import pyarrow.parquet as pq

    acts = pq.read_table(tmp_path / "out" / "acts" / "SRC-01.parquet").to_pylist()
    assert {a["record_id"] for a in acts} == {"V1", "A1", "A2", "A3"}


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
@pytest.mark.parametrize("include_protected", [True, False])
def test_an_export_folder_is_readable_by_its_owner_only(rich_case, owner, tmp_path,
                                                        include_protected):
    from expediente_web.intake.exporter import do_export_case

    # Like the data directory: names in clear (or in narratives and comments) must not be
    # readable by every user of the machine through a 0755 folder.
    for out in (tmp_path / "new", tmp_path / "empty"):
        if out.name == "empty":
            out.mkdir(mode=0o755)
        do_export_case(rich_case, out, include_protected=include_protected, actor=owner)
        assert stat.S_IMODE(out.stat().st_mode) == 0o700


def test_csv_cells_that_a_spreadsheet_would_run_are_guarded_and_restored(
    rich_case, owner, tmp_path, dump
):
    from expediente_web.intake.case_directory import do_import_case_directory
    from expediente_web.intake.exporter import do_export_case
    from expediente_web.records.models import Person

    # Through the instance: a protected value is bound to its row, update() cannot write one.
    person = Person.objects.get(source_record_id="V2")
    person.nickname = '=HYPERLINK("http://example.invalid")'
    person.occupation, person.notes = "'quoted", "-"
    person.save()
    before = dump(rich_case.code)
    do_export_case(rich_case, tmp_path / "out", include_protected=True, actor=owner)
    rows = {r["record_id"]: r for r in _victims_file(tmp_path / "out")}
    assert rows["V2"]["nickname"] == '\'=HYPERLINK("http://example.invalid")'
    assert rows["V2"]["occupation"] == "''quoted"
    assert rows["V2"]["notes"] == "'-"
    assert rows["V1"]["phone"] == "'+58 412 555 0101"
    _wipe_database()
    do_import_case_directory(rich_case.code, tmp_path / "out")
    assert dump(rich_case.code) == before


@pytest.mark.parametrize("text", ["=1+1", "+58 412", "-", "@x", "'", "''", "'=x", "plain", "",
                                  "\tx", "a'=b"])
def test_guard_and_unguard_are_inverse(text):
    from expediente_web.intake.formula_guard import guard, unguard

    assert unguard(guard(text)) == text
    assert guard(text)[:1] not in ("=", "+", "-", "@", "\t")


def test_an_export_already_in_the_database_is_refused_not_crashed(rich_case, owner, tmp_path,
                                                                   counts):
    from expediente_web.intake.case_directory import do_import_case_directory
    from expediente_web.intake.exporter import do_export_case
    from expediente_web.intake.importer import ImportRefused

    do_export_case(rich_case, tmp_path / "out", include_protected=True, actor=owner)
    before = counts()
    with pytest.raises(ImportRefused) as refused:
        do_import_case_directory("ve-copy", tmp_path / "out")
    found = {(c.name, p.column, str(p.code)) for c in refused.value.outcome.checks
             if c.kind == "uids" for p in c.problems}
    assert ("structure.json", "locations", "duplicate_row_id") in found
    assert ("uids/acts/SRC-01.csv", "uid", "duplicate_row_id") in found
    assert ("evidence/items.json", "uid", "duplicate_row_id") in found
    assert counts() == before


def test_a_uid_that_is_not_a_uuid_is_a_problem_of_its_file(rich_case, owner, tmp_path):
    from expediente_web.intake.case_directory import do_import_case_directory
    from expediente_web.intake.exporter import do_export_case
    from expediente_web.intake.importer import ImportRefused

    do_export_case(rich_case, tmp_path / "out", include_protected=True, actor=owner)
    path = tmp_path / "out" / "uids" / "testimonies" / "SRC-01.csv"
    path.write_text("record_id,uid\nT1,not-a-uuid\n", encoding="utf-8")
    _wipe_database()
    with pytest.raises(ImportRefused) as refused:
        do_import_case_directory(rich_case.code, tmp_path / "out")
    found = [(c.name, p.column, str(p.code)) for c in refused.value.outcome.checks
             for p in c.problems]
    assert found[0] == ("uids/testimonies/SRC-01.csv", "uid", "malformed_file")
    # T1 no longer has the uid its excerpts name: they are refused too, not left dangling.
    assert set(found[1:]) == {("evidence/excerpts.json", "testimony_uid", "unknown_reference")}


def test_every_row_a_case_folder_import_writes_is_known_to_the_audit_log(
    rich_case, owner, tmp_path
):
    """`audit verify --records` after an import into an empty database: no row it wrote, nor a
    row it soft-deleted again, is reported as changed or added outside the services."""
    from expediente_web.audit.rowcheck import check_kept_digests, check_rows
    from expediente_web.intake.case_directory import do_import_case_directory
    from expediente_web.intake.exporter import do_export_case
    from expediente_web.records.actions import do_delete_record
    from expediente_web.records.models import Person

    do_delete_record(owner, Person.objects.filter(case=rich_case).first(), "entered twice")
    do_export_case(rich_case, tmp_path / "out", include_protected=True, actor=owner)
    _wipe_database()
    do_import_case_directory(rich_case.code, tmp_path / "out")
    assert check_kept_digests() == []
    assert check_rows() == []
