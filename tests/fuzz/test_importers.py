"""The table importers under generated hostile input (hypothesis), bounded in time.

Whatever the rows hold — control characters, formula prefixes, surrogates and odd encodings,
huge and negative numbers, impossible dates, nested JSON — `do_import_table` either imports
every row or refuses the file with `ImportRefused` / `InvalidInput`; it never raises anything
else, and a refusal leaves the record and the audit log exactly as they were. The CLI answers
the same files with exit 0 or 2, never a traceback. Every value is synthetic.
"""

from __future__ import annotations

import csv
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=25,
    deadline=None,  # one import touches the database; the suite is bounded by max_examples
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)

HOSTILE = st.sampled_from(
    [
        '=HYPERLINK("http://x")',
        "+1+1",
        "-2",
        "@SUM(A1)",
        "\x00",
        "\x1b[31m",
        "\ufeff",
        "'; DROP TABLE records_person; --",
        "<script>alert(1)</script>",
        "\u202e",
        "Ñandú",
        "a" * 5000,
        "1e308",
        "-99999999999999999999",
        "2017-02-30",
        "0000-00-00",
        "9999-99",
        "NaN",
        "null",
        "\r\n",
        '"',
        ",",
        "V-12.345.678",
    ]
)
TEXT = st.one_of(st.text(max_size=40), HOSTILE)
NUMBER = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
)
CELL = st.one_of(TEXT, NUMBER.map(str), st.just(""))
COLUMNS = ["record_id", "full_name", "id_number", "birth_date", "age", "sex", "state", "notes"]
ROW = st.fixed_dictionaries(
    dict.fromkeys(COLUMNS, CELL), optional={"extra_column": CELL, "nickname": CELL}
)
ROWS = st.lists(ROW, min_size=0, max_size=6)
JSON_VALUE = st.recursive(
    st.one_of(st.none(), st.booleans(), NUMBER, TEXT),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=30,
)


@pytest.fixture
def fuzz_case(db):
    from expediente_web.cases.models import Case, Source
    from expediente_web.records.models import Location

    case = Case.objects.create(code="fuzz", title="Caso de fuzzing (sintético)")
    Source.objects.create(case=case, code="SRC-F", name="Fuente ficticia", kind="source.ngo_list")
    Location.objects.create(case=case, code="VE-F", name="Estado Ficticio", kind="location.state")
    return case


def _counts():
    from expediente_web.audit.models import AuditEntry
    from expediente_web.records.models import Person

    return Person.objects.count(), AuditEntry.objects.count()


def _import(case, path: Path) -> None:
    from expediente_web.cases.validation import InvalidInput
    from expediente_web.intake.importer import ImportRefused, do_import_table

    before = _counts()
    try:
        outcome = do_import_table(case, path, kind="victims", source_code="SRC-F")
    except (ImportRefused, InvalidInput):
        assert _counts() == before, "a refused import changed the record or the audit log"
        return
    persons, entries = _counts()
    assert persons == before[0] + outcome.rows
    assert entries == before[1] + 1


def _write_csv(path: Path, rows: list[dict[str, str]], encoding: str) -> None:
    columns = sorted({c for row in rows for c in row}) or COLUMNS
    with open(path, "w", encoding=encoding, errors="replace", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


@FUZZ
@given(rows=ROWS, encoding=st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16", "cp1252"]))
def test_csv_rows_are_imported_whole_or_refused_whole(fuzz_case, rows, encoding):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "victims.csv"
        _write_csv(path, rows, encoding)
        _import(fuzz_case, path)


@FUZZ
@given(rows=ROWS)
def test_xlsx_rows_are_imported_whole_or_refused_whole(fuzz_case, rows):
    from openpyxl import Workbook

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "victims.xlsx"
        book = Workbook(write_only=True)
        sheet = book.create_sheet()
        columns = sorted({c for row in rows for c in row}) or COLUMNS
        sheet.append(columns)
        for row in rows:
            # Cells as openpyxl would hold them: numbers stay numbers; characters that XML
            # cannot carry are dropped here (openpyxl refuses them), the rest goes in as is.
            sheet.append([_xlsx_cell(row.get(c, "")) for c in columns])
        book.save(path)
        _import(fuzz_case, path)


def _xlsx_cell(value: str):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    try:
        return int(value)
    except ValueError:
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:32000]


@FUZZ
@given(
    rows=st.lists(
        st.dictionaries(st.sampled_from([*COLUMNS, "x"]), JSON_VALUE, max_size=8), max_size=5
    ),
    wrap=st.booleans(),
)
def test_json_rows_are_imported_whole_or_refused_whole(fuzz_case, rows, wrap):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "victims.json"
        body = json.dumps({"rows": rows} if wrap else rows, allow_nan=True)
        path.write_text(body, encoding="utf-8")
        _import(fuzz_case, path)


@settings(
    max_examples=6,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=ROWS, suffix=st.sampled_from([".csv", ".json"]), junk=st.binary(max_size=64))
def test_the_import_command_exits_0_or_2_never_with_a_traceback(fuzz_case, rows, suffix, junk):
    from click.testing import CliRunner

    from expediente.cli import main

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"victims{suffix}"
        if suffix == ".csv":
            _write_csv(path, rows, "utf-8")
            path.write_bytes(path.read_bytes() + junk)
        else:
            path.write_bytes(json.dumps(rows).encode()[: max(1, len(junk))] + junk)
        before = _counts()
        result = CliRunner().invoke(
            main, ["import", str(path), "--case", "fuzz", "--source", "SRC-F", "--kind", "victims"]
        )
        assert result.exit_code in (0, 2), result.output
        assert "Traceback" not in result.output
        if result.exit_code == 2:
            assert _counts() == before
