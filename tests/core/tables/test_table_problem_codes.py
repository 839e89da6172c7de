"""Every problem code, each located by row and column."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from expediente.tables import Limits, Problem, ProblemCode, check_file

ACT_HEADER = "record_id,victim_record_id,act_type,date,weight_lost_kg,days_incommunicado\n"


def only(problems: list[Problem], code: ProblemCode) -> list[tuple[int | None, str | None]]:
    return [(p.row, p.column) for p in problems if p.code == code]


def test_unknown_term(write_file: Callable[..., Path]) -> None:
    path = write_file("a.csv", ACT_HEADER + "A1,V1,act.tortura,2017,,\nA2,V1,act.torture,2017,,\n")
    report = check_file(path, "acts")
    assert only(report.problems, ProblemCode.UNKNOWN_TERM) == [(2, "act_type")]
    assert "did you mean 'act.torture'" in report.problems[0].message
    assert report.valid_rows == 1


def test_unknown_term_in_a_multi_valued_cell(write_file: Callable[..., Path]) -> None:
    path = write_file(
        "a.csv",
        "record_id,victim_record_id,act_type,date,methods\n"
        "A1,V1,act.torture,2017,method.beating;method.flying\n",
    )
    [problem] = check_file(path, "acts").problems
    assert (problem.row, problem.column, problem.code) == (2, "methods", ProblemCode.UNKNOWN_TERM)
    assert "method.flying" in problem.message


def test_malformed_date(write_file: Callable[..., Path]) -> None:
    path = write_file("a.csv", ACT_HEADER + "A1,V1,act.torture,last spring,,\n")
    assert only(check_file(path, "acts").problems, ProblemCode.MALFORMED_DATE) == [(2, "date")]


def test_impossible_date(write_file: Callable[..., Path]) -> None:
    path = write_file(
        "a.csv", ACT_HEADER + "A1,V1,act.torture,2017-02-30,,\nA2,V1,act.torture,2031,,\n"
    )
    report = check_file(path, "acts", today=dt.date(2030, 1, 1))
    assert only(report.problems, ProblemCode.IMPOSSIBLE_DATE) == [(2, "date"), (3, "date")]


def test_missing_required(write_file: Callable[..., Path]) -> None:
    path = write_file("a.csv", ACT_HEADER + "A1,,act.torture,,,\n")
    problems = check_file(path, "acts").problems
    assert only(problems, ProblemCode.MISSING_REQUIRED) == [(2, "victim_record_id"), (2, "date")]


def test_missing_required_column_named_by_field(write_file: Callable[..., Path]) -> None:
    path = write_file("a.csv", "record_id,act_type,date\nA1,act.torture,2017\n")
    problems = check_file(path, "acts").problems
    assert only(problems, ProblemCode.MISSING_REQUIRED) == [(2, "victim_record_id")]


def test_bad_encoding(write_file: Callable[..., Path]) -> None:
    content = (ACT_HEADER + "A1,V1,act.torture,2017,,\n").encode() + (
        "A2,V1,act.torture,2017,,\nA3,V1,act.torture,2017,,\n".encode("cp1252")
    )
    content = content.replace(b"A2,V1", "A2,Núñez".encode("cp1252"))
    path = write_file("a.csv", content)
    report = check_file(path, "acts")
    assert only(report.problems, ProblemCode.BAD_ENCODING) == [(3, "victim_record_id")]
    assert "encoding: cp1252" in report.problems[0].message
    assert report.valid_rows == 2  # the rows around it are read normally


def test_duplicate_row_id(write_file: Callable[..., Path]) -> None:
    rows = "A1,V1,act.torture,2017,,\nA2,V1,act.torture,2017,,\nA1,V2,act.torture,2017,,\n"
    report = check_file(write_file("a.csv", ACT_HEADER + rows), "acts")
    assert only(report.problems, ProblemCode.DUPLICATE_ROW_ID) == [(4, "record_id")]
    assert report.record_ids == {"A1", "A2"}


def test_oversized_cell(write_file: Callable[..., Path]) -> None:
    path = write_file("a.csv", ACT_HEADER + f"A1,{'V' * 101},act.torture,2017,,\n")
    report = check_file(path, "acts", limits=Limits(max_cell_chars=100))
    assert only(report.problems, ProblemCode.OVERSIZED_CELL) == [(2, "victim_record_id")]


def test_long_text_has_its_own_limit(write_file: Callable[..., Path]) -> None:
    header = "record_id,victim_record_id,act_type,date,description\n"
    path = write_file("a.csv", header + f"A1,V1,act.torture,2017,{'x' * 500}\n")
    assert check_file(path, "acts", limits=Limits(max_cell_chars=100)).ok
    report = check_file(path, "acts", limits=Limits(max_cell_chars=100, max_long_text_chars=400))
    assert only(report.problems, ProblemCode.OVERSIZED_CELL) == [(2, "description")]


def test_bad_number(write_file: Callable[..., Path]) -> None:
    rows = (
        "A1,V1,act.torture,2017,cinco,\n"
        "A2,V1,act.torture,2017,,-3\n"
        "A3,V1,act.torture,2017,1.234,5,\n"
    )
    report = check_file(write_file("a.csv", ACT_HEADER + rows), "acts")
    assert only(report.problems, ProblemCode.BAD_NUMBER) == [
        (2, "weight_lost_kg"),
        (3, "days_incommunicado"),
    ]


def test_unknown_column(write_file: Callable[..., Path]) -> None:
    path = write_file(
        "a.csv", "record_id,victim_record_id,act_type,date,colour\nA1,V1,act.torture,2017,red\n"
    )
    report = check_file(path, "acts")
    assert only(report.problems, ProblemCode.UNKNOWN_COLUMN) == [(1, "colour")]
    assert report.columns["colour"] is None


def test_extra_cells_beyond_the_header(write_file: Callable[..., Path]) -> None:
    path = write_file(
        "a.csv", "record_id,victim_record_id,act_type,date\nA1,V1,act.torture,2017,surplus\n"
    )
    report = check_file(path, "acts")
    assert only(report.problems, ProblemCode.UNKNOWN_COLUMN) == [(2, "#5")]


def test_values_under_a_header_less_column(write_file: Callable[..., Path]) -> None:
    header = "record_id,victim_record_id,act_type,date,\n"
    quiet = write_file("a.csv", header + "A1,V1,act.torture,2017,\n")
    assert check_file(quiet, "acts").ok  # an empty trailing column, as spreadsheets export
    loud = write_file("b.csv", header + "A1,V1,act.torture,2017,\nA2,V1,act.torture,2017,x\n")
    report = check_file(loud, "acts")
    assert only(report.problems, ProblemCode.UNKNOWN_COLUMN) == [(3, "#5")]


def test_malformed_file(write_file: Callable[..., Path]) -> None:
    assert only(
        check_file(write_file("a.csv", ""), "acts").problems, ProblemCode.MALFORMED_FILE
    ) == [(None, None)]
    broken = write_file("a.json", '[{"record_id": "A1", "victim_record_id": "V1",')
    assert only(check_file(broken, "acts").problems, ProblemCode.MALFORMED_FILE) == [(1, None)]
    not_xlsx = write_file("a.xlsx", b"PK\x03\x04 not really a zip")
    assert only(check_file(not_xlsx, "acts").problems, ProblemCode.MALFORMED_FILE) == [(None, None)]


def test_file_over_the_size_limit(write_file: Callable[..., Path]) -> None:
    path = write_file("a.csv", ACT_HEADER + "A1,V1,act.torture,2017,,\n")
    report = check_file(path, "acts", limits=Limits(max_file_bytes=10))
    assert [p.code for p in report.problems] == [ProblemCode.MALFORMED_FILE]
    assert "limit" in report.problems[0].message


def test_every_code_is_covered() -> None:
    tested = {
        ProblemCode.UNKNOWN_TERM, ProblemCode.MALFORMED_DATE, ProblemCode.IMPOSSIBLE_DATE,
        ProblemCode.MISSING_REQUIRED, ProblemCode.BAD_ENCODING, ProblemCode.DUPLICATE_ROW_ID,
        ProblemCode.OVERSIZED_CELL, ProblemCode.BAD_NUMBER, ProblemCode.UNKNOWN_COLUMN,
        ProblemCode.MALFORMED_FILE,
    }  # fmt: skip
    # unknown_reference is the import's (it checks references against the case).
    assert tested == set(ProblemCode) - {ProblemCode.UNKNOWN_REFERENCE}


def test_problem_text_names_row_and_column() -> None:
    problem = Problem(7, "Fecha", ProblemCode.MALFORMED_DATE, "not a date")
    assert str(problem) == "row 7, column 'Fecha': [malformed_date] not a date"
    assert str(Problem(None, None, ProblemCode.MALFORMED_FILE, "empty")) == (
        "file: [malformed_file] empty"
    )


def test_report_keeps_a_bounded_number_of_problems(write_file: Callable[..., Path]) -> None:
    rows = "".join(f"A{i},V1,act.nope,2017,,\n" for i in range(50))
    report = check_file(
        write_file("a.csv", ACT_HEADER + rows), "acts", limits=Limits(max_problems=10)
    )
    assert report.problem_count == 50
    assert len(report.problems) == 10
    assert report.truncated
    assert report.counts[ProblemCode.UNKNOWN_TERM] == 50
