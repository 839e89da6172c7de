"""Dates that cannot be: a victim born after the act, a witness born after the testimony, a
period that ends before it starts, a post held before its holder was born. Each is a problem of
its row and column, and the import is refused like any other row error."""

from __future__ import annotations

import json

import pytest
from intake_tables import write_csv

pytestmark = pytest.mark.django_db


def refused(call):
    from expediente_web.intake.importer import ImportRefused

    with pytest.raises(ImportRefused) as caught:
        call()
    return [
        (c.name, p.row, p.column, str(p.code))
        for c in caught.value.outcome.checks
        for p in c.problems
    ]


def _import(case, path, kind):
    from expediente_web.intake.importer import do_import_table

    return do_import_table(case, path, kind=kind, source_code="SRC-01")


def test_a_victim_born_after_the_act_on_the_same_row_is_refused(
    structured_case, source, tmp_path, counts
):
    path = write_csv(
        tmp_path / "victims.csv",
        ["record_id", "full_name", "birth_date", "act_type", "date"],
        [
            ["V1", "Ana (ficticia)", "2017-06-01", "act.torture", "2017-05"],
            ["V2", "Luis (ficticio)", "2017", "act.torture", "2017-05"],
        ],
    )
    before = counts()
    # V2's birth year may be before May 2017: only what is certainly after is refused.
    assert refused(lambda: _import(structured_case, path, "victims")) == [
        ("victims.csv", 2, "birth_date", "impossible_date")
    ]
    assert counts() == before


def test_an_act_before_its_victims_birth_is_refused(structured_case, source, tmp_path, counts):
    victims = write_csv(
        tmp_path / "victims.csv",
        ["record_id", "full_name", "birth_date"],
        [["V1", "Ana (ficticia)", "2018-03"], ["V2", "Luis (ficticio)", ""]],
    )
    acts = write_csv(
        tmp_path / "acts.csv",
        ["record_id", "victim_record_id", "act_type", "date"],
        [
            ["A1", "V1", "act.torture", "2017-05-03"],
            ["A2", "V1", "act.torture", "2017-02/2018-03"],  # may end after the birth
            ["A3", "V2", "act.torture", "2017-05-03"],
        ],
    )
    _import(structured_case, victims, "victims")  # stored first: its birth dates are read back
    before = counts()
    assert refused(lambda: _import(structured_case, acts, "acts")) == [
        ("acts.csv", 2, "date", "impossible_date")
    ]
    assert counts() == before


def test_a_testimony_before_its_witness_was_born_is_refused(
    structured_case, source, tmp_path, counts
):
    victims = write_csv(
        tmp_path / "victims.csv",
        ["record_id", "full_name", "birth_date"],
        [["V1", "Ana (ficticia)", "2019-01-02"]],
    )
    testimonies = write_csv(
        tmp_path / "testimonies.csv",
        ["record_id", "witness_record_id", "date", "language", "narrative"],
        [["T1", "V1", "2018-01-10", "es", "Relato sintético."]],
    )
    _import(structured_case, victims, "victims")
    before = counts()
    assert refused(lambda: _import(structured_case, testimonies, "testimonies")) == [
        ("testimonies.csv", 2, "date", "impossible_date")
    ]
    assert counts() == before


def test_impossible_orders_in_a_case_folder_are_each_a_row_problem(tmp_path, counts, db):
    from expediente_web.intake.case_directory import do_import_case_directory

    root = tmp_path / "folder"
    root.mkdir()
    (root / "structure.json").write_text(
        json.dumps(
            {
                "organizations": [{"code": "U-1", "name": "Unidad ficticia"}],
                "persons": [
                    {
                        "record_id": "PER-1",
                        "full_name": "Comisario Ficticio",
                        "birth_date": "1990-01",
                    }
                ],
                "positions": [
                    {
                        "person_record_id": "PER-1",
                        "unit_code": "U-1",
                        "start_date": "2016-05",
                        "end_date": "2015-01",
                    },
                    {"person_record_id": "PER-1", "unit_code": "U-1", "start_date": "1985"},
                    {
                        "person_record_id": "PER-1",
                        "unit_code": "U-1",
                        "start_date": "2016-05",
                        "end_date": "2016-05",
                    },
                ],
            }
        ),
        encoding="utf-8",
    )
    write_csv(
        root / "sources.csv",
        ["record_id", "name", "kind"],
        [["SRC-01", "Lista sintética", "source.ngo_list"]],
    )
    write_csv(
        root / "victims" / "SRC-01.csv",
        ["record_id", "full_name", "birth_date"],
        [["V1", "Ana (ficticia)", "2018-03"]],
    )
    write_csv(
        root / "acts" / "SRC-01.csv",
        ["record_id", "victim_record_id", "act_type", "start_date", "end_date"],
        [
            # released before the arrest; then detained before the victim was born
            ["A1", "V1", "act.detention.arbitrary", "2017-05-03", "2017-05-01"],
            ["A2", "V1", "act.detention.arbitrary", "2017-05-03", "2017-05-09"],
        ],
    )
    before = counts()
    problems = refused(lambda: do_import_case_directory("fechas", root))
    assert problems == [
        ("structure.json", 1, "positions.end_date", "impossible_date"),
        ("structure.json", 2, "positions.start_date", "impossible_date"),
        ("acts/SRC-01.csv", 2, "end_date", "impossible_date"),
        ("acts/SRC-01.csv", 3, "date", "impossible_date"),
    ]
    assert counts() == before


def test_the_cli_names_the_row_and_column_and_exits_2(structured_case, source, tmp_path):
    from click.testing import CliRunner

    from expediente.cli import main

    path = write_csv(
        tmp_path / "victims.csv",
        ["record_id", "full_name", "birth_date", "act_type", "date"],
        [["V1", "Ana (ficticia)", "2017-06-01", "act.torture", "2017-05"]],
    )
    result = CliRunner().invoke(
        main, ["import", str(path), "--case", structured_case.code, "--source", "SRC-01"]
    )
    assert result.exit_code == 2, result.output
    assert (
        "row 2, column 'birth_date': [impossible_date] the birth date 2017-06-01 is after "
        "the date of the act, 2017-05"
    ) in result.stderr
