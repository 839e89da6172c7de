"""A bad file is refused with every problem named by row and column, and nothing is written."""

from __future__ import annotations

import pytest
from intake_tables import ACT_HEADER, TESTIMONY_HEADER, VICTIM_HEADER, good_victims, write_csv

pytestmark = pytest.mark.django_db


def _victims_with(row_changes: dict[str, str], index: int = 1) -> list[list[str]]:
    rows = good_victims()
    for column, value in row_changes.items():
        rows[index][VICTIM_HEADER.index(column)] = value
    return rows


def _refused(case, path, kind, **kwargs):
    from expediente_web.intake.importer import ImportRefused, do_import_table

    with pytest.raises(ImportRefused) as refused:
        do_import_table(case, path, kind=kind, source_code="SRC-01", **kwargs)
    return refused.value.outcome


# (what, column changes on the 2nd data row = file row 3, expected column, expected code)
CELL_CASES = [
    ("unknown term", {"sex": "sex.robot"}, "sex", "unknown_term"),
    ("malformed date", {"birth_date": "sometime"}, "birth_date", "malformed_date"),
    ("impossible date", {"birth_date": "1985-02-30"}, "birth_date", "impossible_date"),
    ("future date", {"birth_date": "2999-01-01"}, "birth_date", "impossible_date"),
    ("missing required", {"record_id": ""}, "record_id", "missing_required"),
    ("duplicate row id", {"record_id": "V1"}, "record_id", "duplicate_row_id"),
    ("oversized cell", {"given_names": "x" * 40_000}, "given_names", "oversized_cell"),
    ("unknown location", {"state": "VE-NOWHERE"}, "state", "unknown_reference"),
    ("unknown unit", {"act_type": "act.torture", "date": "2017", "unit_code": "U-NONE"},
     "unit_code", "unknown_reference"),
]


@pytest.mark.parametrize(("what", "changes", "column", "code"), CELL_CASES,
                         ids=[c[0] for c in CELL_CASES])
def test_each_kind_of_problem_is_named_by_row_and_column(
    structured_case, source, tmp_path, counts, what, changes, column, code
):
    path = write_csv(tmp_path / "victims.csv", VICTIM_HEADER, _victims_with(changes))
    before = counts()
    outcome = _refused(structured_case, path, "victims")
    problems = outcome.checks[0].problems
    assert [(p.row, p.column, str(p.code)) for p in problems] == [(3, column, code)], what
    assert counts() == before


def test_missing_name_is_reported_on_the_row(structured_case, source, tmp_path, counts):
    rows = _victims_with({"full_name": "", "given_names": "", "first_surname": ""})
    path = write_csv(tmp_path / "victims.csv", VICTIM_HEADER, rows)
    outcome = _refused(structured_case, path, "victims")
    assert [(p.row, str(p.code)) for p in outcome.checks[0].problems] == [
        (3, "missing_required")
    ]


def test_bad_encoding_is_named_by_row(structured_case, source, tmp_path, counts):
    path = tmp_path / "victims.csv"
    path.write_bytes(
        b"record_id,full_name\nV1,Mar\xeda P\xe9rez\nV2,Juan D\xedaz\n"  # Latin-1, not UTF-8
    )
    before = counts()
    outcome = _refused(structured_case, path, "victims")
    problems = outcome.checks[0].problems
    assert {str(p.code) for p in problems} == {"bad_encoding"}
    assert {p.row for p in problems} == {2, 3}
    assert counts() == before


def test_every_problem_of_a_file_is_reported(structured_case, source, tmp_path, counts):
    rows = [
        ["A1", "V404", "", "act.torture", "method.levitation", "2017-13", "", "", "", "", "",
         "", "", "", ""],
        ["A2", "V405", "EV-404", "", "", "", "VE-404", "", "", "PER-404", "", "heavy", "", "",
         ""],
    ]
    path = write_csv(tmp_path / "acts.csv", ACT_HEADER, rows)
    before = counts()
    outcome = _refused(structured_case, path, "acts")
    found = {(p.row, p.column, str(p.code)) for p in outcome.checks[0].problems}
    assert {
        (2, "methods", "unknown_term"),
        (2, "date", "impossible_date"),
        (3, "act_type", "missing_required"),
        (3, "date", "missing_required"),
        (3, "weight_lost_kg", "bad_number"),
    } <= found
    assert counts() == before


def test_unknown_victim_event_place_and_perpetrator_references(
    structured_case, source, tmp_path, counts
):
    rows = [["A1", "V404", "EV-404", "act.torture", "", "2017", "VE-404", "", "U-404", "PER-404",
             "", "", "", "", ""]]
    path = write_csv(tmp_path / "acts.csv", ACT_HEADER, rows)
    before = counts()
    outcome = _refused(structured_case, path, "acts")
    found = {(p.row, p.column, str(p.code)) for p in outcome.checks[0].problems}
    assert found == {
        (2, column, "unknown_reference")
        for column in ("victim_record_id", "event_code", "location_code", "unit_code",
                       "perpetrator_record_id")
    }
    assert counts() == before


def test_a_testimony_must_cite_acts_of_its_source(imported_case, tmp_path, counts):
    rows = [["T9", "V404", "", "", "2018", "es", "", "Relato sintético.", "A1;A404"]]
    path = write_csv(tmp_path / "testimonies.csv", TESTIMONY_HEADER, rows)
    before = counts()
    outcome = _refused(imported_case, path, "testimonies")
    found = {(p.row, p.column, str(p.code)) for p in outcome.checks[0].problems}
    assert found == {(2, "witness_record_id", "unknown_reference"),
                     (2, "act_record_ids", "unknown_reference")}
    assert counts() == before


def test_rows_already_imported_from_the_source_are_duplicates(imported_case, table_files, counts):
    before = counts()
    outcome = _refused(imported_case, table_files["victims"], "victims")
    problems = outcome.checks[0].problems
    assert [(p.row, p.column, str(p.code)) for p in problems][:3] == [
        (2, "record_id", "duplicate_row_id"),
        (2, "record_id", "duplicate_row_id"),  # V1 also carried an act already imported
        (3, "record_id", "duplicate_row_id"),
    ]
    assert counts() == before


def test_a_file_for_an_unknown_source_is_refused(structured_case, source, table_files, counts):
    from expediente_web.intake.importer import ImportRefused, do_import_table

    before = counts()
    with pytest.raises(ImportRefused) as refused:
        do_import_table(structured_case, table_files["victims"], kind="victims",
                        source_code="SRC-404")
    assert "SRC-404" in str(refused.value.outcome.checks[0].problems[0])
    assert counts() == before


def test_a_documenter_may_import_a_reviewer_may_not(
    structured_case, source, table_files, reviewer, documenter, counts
):
    from expediente_web.cases.access import NotPermitted
    from expediente_web.intake.importer import do_import_table

    before = counts()
    with pytest.raises(NotPermitted):
        do_import_table(structured_case, table_files["victims"], kind="victims",
                        source_code="SRC-01", actor=reviewer)
    assert counts() == before
    outcome = do_import_table(structured_case, table_files["victims"], kind="victims",
                              source_code="SRC-01", actor=documenter)
    assert outcome.written[0].counts == {"persons": 3, "acts": 1, "involvements": 1}
