"""The file formats: CSV (and its encodings), TSV, XLSX, JSON arrays, JSON Lines."""

from __future__ import annotations

import codecs
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from expediente.dates import PartialDate
from expediente.tables import (
    Problem,
    ProblemCode,
    TableMapping,
    check_file,
    detect_format,
    open_table,
    read_records,
)

HEADER = "record_id,victim_record_id,act_type,date,description\n"
ROW = "A1,V1,tortura,2017-05,Núñez\n"


def test_csv_with_byte_order_mark(write_file: Callable[..., Path]) -> None:
    path = write_file("a.csv", codecs.BOM_UTF8 + (HEADER + ROW).encode())
    [record] = read_records(path, "acts")
    assert record.record_id == "A1"
    assert record.description == "Núñez"


def test_csv_in_utf16(write_file: Callable[..., Path]) -> None:
    path = write_file("a.csv", (HEADER + ROW).encode("utf-16"))
    [record] = read_records(path, "acts")
    assert record.description == "Núñez"


def test_csv_in_cp1252_with_encoding_in_mapping(write_file: Callable[..., Path]) -> None:
    path = write_file("a.csv", (HEADER + ROW).encode("cp1252"))
    assert check_file(path, "acts").counts[ProblemCode.BAD_ENCODING] == 1
    mapping = TableMapping(kind="acts", encoding="cp1252")
    [record] = read_records(path, mapping=mapping)
    assert record.description == "Núñez"


def test_csv_multiline_cell_counts_as_one_spreadsheet_row(write_file: Callable[..., Path]) -> None:
    text = HEADER + 'A1,V1,act.torture,2017,"line one\nline two"\nA2,V1,act.torture,2017-13,\n'
    problems = check_file(write_file("a.csv", text), "acts").problems
    assert [(p.row, p.column) for p in problems] == [(3, "date")]


def test_blank_lines_are_skipped_but_counted(write_file: Callable[..., Path]) -> None:
    text = HEADER + "A1,V1,act.torture,2017,\n\nA2,V1,act.torture,2017-13,\n"
    problems = check_file(write_file("a.csv", text), "acts").problems
    assert [p.row for p in problems] == [4]


def test_tsv(write_file: Callable[..., Path]) -> None:
    path = write_file("a.tsv", (HEADER + ROW).replace(",", "\t"))
    [record] = read_records(path, "acts")
    assert record.act_type == "act.torture"


def test_header_matching_ignores_case_accents_and_spaces(write_file: Callable[..., Path]) -> None:
    path = write_file("a.csv", "Record ID,VICTIM_RECORD_ID,Act Type,Date\nA1,V1,act.torture,2017\n")
    [record] = read_records(path, "acts")
    assert record.victim_record_id == "V1"


def test_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "victims.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["record_id", "full_name", "birth_date", "age", "sex"])
    sheet.append(["V1", "Ana Pérez", dt.datetime(1990, 4, 12), 27, "F"])
    sheet.append([2, "José", "1985", 30.0, "sex.male"])
    sheet.append([None, None, None, None, None])  # an empty row is skipped
    sheet.append(["V3", None, "2017-02-30", None, None])
    book.save(path)
    problems = check_file(path, "victims").problems
    assert [(p.row, p.column, p.code) for p in problems] == [
        (5, "birth_date", ProblemCode.IMPOSSIBLE_DATE),
        (5, "full_name", ProblemCode.MISSING_REQUIRED),
    ]
    first, second = _records_or_skip(path)
    assert first.birth_date == PartialDate(1990, 4, 12)
    assert first.sex == "sex.female"
    assert second.record_id == "2"
    assert second.age == 30


def _records_or_skip(path: Path) -> list:
    from expediente.tables import validate

    return [r for r in validate(path, "victims") if not isinstance(r, Problem)]


def test_xlsx_named_sheet(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Notas"
    book.active.append(["nothing here"])
    sheet = book.create_sheet("Fuentes")
    sheet.append(["record_id", "name", "kind"])
    sheet.append(["SRC-01", "ONG ficticia", "ONG"])
    book.save(path)
    [record] = read_records(path, mapping=TableMapping(kind="sources", sheet="Fuentes"))
    assert record.kind == "source.ngo_list"
    report = check_file(path, mapping=TableMapping(kind="sources", sheet="Hoja 9"))
    assert report.problems[0].code == ProblemCode.MALFORMED_FILE
    assert "Fuentes" in report.problems[0].message


def test_json_array(write_file: Callable[..., Path]) -> None:
    rows = [
        {
            "record_id": "A1",
            "victim_record_id": "V1",
            "act_type": "act.torture",
            "date": "2017",
            "methods": ["method.beating", "golpes", "asfixia"],
            "days_incommunicado": 3,
        },
        {
            "record_id": "A2",
            "victim_record_id": "V1",
            "act_type": "act.torture",
            "date": "2017",
            "weight_lost_kg": 4.5,
            "description": None,
        },
    ]
    path = write_file("a.json", json.dumps(rows, indent=2))
    first, second = read_records(path, "acts")
    assert first.methods == ("method.beating", "method.asphyxiation")
    assert first.days_incommunicado == 3
    assert second.weight_lost_kg == 4.5


def test_json_keys_may_vary_between_objects(write_file: Callable[..., Path]) -> None:
    path = write_file(
        "a.json",
        json.dumps(
            [
                {"record_id": "S1", "name": "Uno", "kind": "source.press"},
                {"record_id": "S2", "name": "Dos", "kind": "source.press", "reliability": "alta"},
                {"record_id": "S3", "name": "Tres", "kind": "source.press", "colour": "red"},
            ]
        ),
    )
    report = check_file(path, "sources")
    assert [(p.row, p.column, p.code) for p in report.problems] == [
        (3, "colour", ProblemCode.UNKNOWN_COLUMN)
    ]
    mapping = TableMapping(kind="sources", columns={"colour": None})
    records = list(read_records(path, mapping=mapping))
    assert records[1].reliability == "reliability.high"


def test_json_nested_object_is_refused(write_file: Callable[..., Path]) -> None:
    path = write_file(
        "a.json", json.dumps([{"record_id": "S1", "name": {"first": "x"}, "kind": "source.press"}])
    )
    codes = [(p.row, p.column, p.code) for p in check_file(path, "sources").problems]
    assert (1, "name", ProblemCode.MALFORMED_FILE) in codes


def test_json_lines(write_file: Callable[..., Path]) -> None:
    lines = [
        json.dumps({"record_id": "S1", "name": "Uno", "kind": "source.press"}),
        "",
        "{broken",
        json.dumps({"record_id": "S2", "name": "Dos", "kind": "source.hearing"}),
        json.dumps(["not", "an", "object"]),
    ]
    path = write_file("a.jsonl", "\n".join(lines) + "\n")
    report = check_file(path, "sources")
    assert [(p.row, p.code) for p in report.problems] == [
        (3, ProblemCode.MALFORMED_FILE),
        (5, ProblemCode.MALFORMED_FILE),
    ]
    assert report.valid_rows == 2


def test_json_array_split_across_read_blocks(write_file: Callable[..., Path]) -> None:
    # Objects large enough that several straddle the reader's 64 KiB blocks.
    rows = [
        {"record_id": f"S{i}", "name": "n" * 3000, "kind": "source.press", "n": 12345678}
        for i in range(200)
    ]
    path = write_file("a.json", json.dumps(rows))
    mapping = TableMapping(kind="sources", columns={"n": None})
    assert len(list(read_records(path, mapping=mapping))) == 200


@pytest.mark.parametrize(
    "text",
    ['[{"record_id": "S1"} {"record_id": "S2"}]', '[{"record_id": "S1"},', "[", "[1,]"],
)
def test_json_array_errors(write_file: Callable[..., Path], text: str) -> None:
    report = check_file(write_file("a.json", text), "sources")
    assert ProblemCode.MALFORMED_FILE in report.counts


def test_json_not_utf8(write_file: Callable[..., Path]) -> None:
    path = write_file("a.json", '[{"record_id": "Núñez"}]'.encode("cp1252"))
    assert check_file(path, "sources").counts[ProblemCode.BAD_ENCODING] == 1


def test_detect_format() -> None:
    assert detect_format("x.CSV") == "csv"
    assert detect_format("x.ndjson") == "jsonl"
    with pytest.raises(ValueError, match=r"cannot read \.pdf"):
        detect_format("x.pdf")


def test_reader_yields_rows_aligned_with_header(write_file: Callable[..., Path]) -> None:
    with open_table(write_file("a.csv", HEADER + ROW)) as reader:
        items = list(reader)
        assert reader.header == ["record_id", "victim_record_id", "act_type", "date", "description"]
    assert items == [(2, ["A1", "V1", "tortura", "2017-05", "Núñez"])]


def test_xlsx_error_cells_are_problems_not_values(tmp_path: Path) -> None:
    # A failed VLOOKUP leaves #N/A in a cell: read as text it would become a person's name.
    path = tmp_path / "victims.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["record_id", "full_name", "occupation"])
    sheet.append(["V1", "#N/A", "#REF!"])
    sheet.append(["V2", "Ana Pérez", "maestra"])
    book.save(path)
    report = check_file(path, "victims")
    assert [(p.row, p.column, p.code) for p in report.problems] == [
        (2, "full_name", ProblemCode.MALFORMED_FILE),
        (2, "occupation", ProblemCode.MALFORMED_FILE),
    ]
    assert "#N/A" in report.problems[0].message
