"""Mapping files, the dry run, and the same rows from CSV, XLSX and JSON."""

from __future__ import annotations

import json

import pytest
from intake_tables import DATA, VICTIM_HEADER, good_victims

pytestmark = pytest.mark.django_db


def test_dry_run_lists_unmapped_values_and_writes_nothing(structured_case, source, counts):
    from expediente.tables.mapping import load_mapping
    from expediente_web.intake.importer import ImportRefused, do_import_table

    mapping = load_mapping(DATA / "ngo_list_raw.yaml")
    before = counts()
    with pytest.raises(ImportRefused) as refused:
        do_import_table(structured_case, DATA / "ngo_list_raw.csv", kind="victims",
                        source_code="SRC-01", mapping=mapping, dry_run=True)
    outcome = refused.value.outcome
    assert outcome.dry_run
    check = outcome.checks[0]
    assert dict(check.unmapped["Tipo de hecho"]) == {"Otro (ver notas)": 1}
    assert [(p.row, p.column, str(p.code)) for p in check.problems] == [
        (4, "Tipo de hecho", "unknown_term")
    ]
    assert counts() == before


def test_a_mapped_file_imports_with_canonical_values(structured_case, source, counts):
    from expediente.tables.mapping import load_mapping, mapping_from_dict
    from expediente_web.intake.importer import do_import_table
    from expediente_web.records.models import Act, Person

    raw = load_mapping(DATA / "ngo_list_raw.yaml")
    fixed = mapping_from_dict({
        "kind": "victims", "date_format": "dmy", "columns": dict(raw.columns),
        "values": {**{k: dict(v) for k, v in raw.values.items()},
                   "act_type": {**raw.values["act_type"],
                                "Otro (ver notas)": "act.disappearance.enforced"}},
    })
    outcome = do_import_table(structured_case, DATA / "ngo_list_raw.csv", kind="victims",
                              source_code="SRC-01", mapping=fixed, dry_run=True)
    assert outcome.ok and not outcome.written
    outcome = do_import_table(structured_case, DATA / "ngo_list_raw.csv", kind="victims",
                              source_code="SRC-01", mapping=fixed)
    assert outcome.written[0].counts == {"persons": 3, "acts": 3}
    maria = Person.objects.get(source_record_id="OV-001")
    assert (maria.full_name, maria.sex, maria.state.code) == (
        "María José Pérez (ficticia)", "sex.female", "VE-X")
    acts = dict(Act.objects.values_list("source_record_id", "date_text"))
    assert acts == {"OV-001": "2017-05-03", "OV-002": "2017-03", "OV-003": "2017"}
    assert Act.objects.get(source_record_id="OV-003").act_type == "act.disappearance.enforced"


def _victim_records():
    from expediente_web.records.models import Person

    return sorted(
        (p.source_record_id, p.full_name, p.given_names, p.id_number, p.birth_date, p.age, p.sex)
        for p in Person.objects.filter(source__isnull=False)
    )


def _as_objects() -> list[dict]:
    return [{k: v for k, v in zip(VICTIM_HEADER, row, strict=True) if v}
            for row in good_victims()]


def test_xlsx_json_and_json_lines_give_the_same_records_as_csv(
    structured_case, source, table_files, tmp_path
):
    from openpyxl import Workbook

    from expediente_web.cases.models import Source
    from expediente_web.intake.importer import do_import_table

    do_import_table(structured_case, table_files["victims"], kind="victims", source_code="SRC-01")
    expected = _victim_records()
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(VICTIM_HEADER)
    for row in good_victims():
        sheet.append([int(v) if v.isdigit() and len(v) < 4 else (v or None) for v in row])
    workbook.save(tmp_path / "victims.xlsx")
    (tmp_path / "victims.json").write_text(json.dumps(_as_objects(), ensure_ascii=False),
                                           encoding="utf-8")
    (tmp_path / "victims.jsonl").write_text(
        "\n".join(json.dumps(o, ensure_ascii=False) for o in _as_objects()), encoding="utf-8")
    for n, name in enumerate(("victims.xlsx", "victims.json", "victims.jsonl"), start=2):
        code = f"SRC-0{n}"
        Source.objects.create(case=structured_case, code=code, name=code, kind="source.ngo_list")
        outcome = do_import_table(structured_case, tmp_path / name, kind="victims",
                                  source_code=code)
        assert outcome.written[0].counts == {"persons": 3, "acts": 1, "involvements": 1}, name
        from expediente_web.records.models import Person

        got = sorted(
            (p.source_record_id, p.full_name, p.given_names, p.id_number, p.birth_date, p.age,
             p.sex)
            for p in Person.objects.filter(source__code=code)
        )
        assert got == expected, name


def test_sources_file_creates_sources(structured_case, tmp_path):
    from intake_tables import write_csv

    from expediente_web.cases.models import Source
    from expediente_web.intake.importer import do_import_table

    path = write_csv(tmp_path / "sources.csv", ["record_id", "name", "kind", "reliability"],
                     [["SRC-09", "Audiencia pública (ficticia)", "source.hearing",
                       "reliability.high"]])
    do_import_table(structured_case, path, kind="sources", source_code=None)
    created = Source.objects.get(case=structured_case, code="SRC-09")
    assert (created.kind, created.reliability) == ("source.hearing", "reliability.high")
