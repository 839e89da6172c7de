"""Parquet files are read like the other formats: the same cells, the same validation, rows
counted from 1, and memory flat in the size of the file. All values are synthetic."""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import tracemalloc
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from expediente.dates import PartialDate
from expediente.tables import ProblemCode, check_file, detect_format, read_records
from expediente.vocabularies import load_vocabularies

DATA = Path(__file__).parents[2] / "data" / "tables"

_spec = importlib.util.spec_from_file_location(
    "generate_acts", Path(__file__).parents[2] / "data" / "tables" / "generate_acts.py"
)
assert _spec is not None and _spec.loader is not None
generate_acts = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate_acts)


def _csv_as_parquet(source: Path, target: Path, row_group_size: int | None = None) -> Path:
    """Every column a nullable string, as `expediente export --format parquet` writes."""
    with open(source, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    table = pa.Table.from_pylist([{k: v or None for k, v in r.items()} for r in rows])
    pq.write_table(table, target, row_group_size=row_group_size)
    return target


def test_parquet_is_detected() -> None:
    assert detect_format("acts/SRC-01.parquet") == "parquet"


@pytest.mark.parametrize(
    "kind", ["victims", "acts", "testimonies", "sources", "involvements", "measurements"]
)
def test_a_parquet_copy_reads_into_the_same_records(tmp_path: Path, kind: str) -> None:
    path = _csv_as_parquet(DATA / f"{kind}.csv", tmp_path / f"{kind}.parquet")
    from_csv = list(read_records(DATA / f"{kind}.csv", kind))
    from_parquet = list(read_records(path, kind))
    assert [r.row for r in from_parquet] == list(range(1, len(from_csv) + 1))
    # Same records but for the row number: CSV counts the header, Parquet does not.
    assert [{**vars(r), "row": 0} for r in from_parquet] == [
        {**vars(r), "row": 0} for r in from_csv
    ]


def test_typed_parquet_columns_become_cells(tmp_path: Path) -> None:
    path = tmp_path / "acts.parquet"
    table = pa.table(
        {
            "record_id": ["A1", "A2"],
            "victim_record_id": ["V1", "V2"],
            "act_type": ["act.torture", "act.detention.arbitrary"],
            "date": pa.array([dt.date(2017, 5, 3), dt.date(2017, 6, 1)]),
            "methods": [["method.beating", "method.asphyxiation"], None],
            "days_incommunicado": pa.array([40, None], pa.int64()),
            "weight_lost_kg": pa.array([12.5, 3.0]),
        }
    )
    pq.write_table(table, path)
    first, second = read_records(path, "acts")
    assert first.date == PartialDate(2017, 5, 3)
    assert first.methods == ("method.beating", "method.asphyxiation")
    assert (first.days_incommunicado, first.weight_lost_kg) == (40, 12.5)
    assert (second.methods, second.days_incommunicado, second.weight_lost_kg) == ((), None, 3.0)


def test_parquet_problems_are_located(tmp_path: Path) -> None:
    path = tmp_path / "acts.parquet"
    table = pa.table(
        {
            "record_id": ["A1", "A2", "A3"],
            "victim_record_id": ["V1", "V2", "V3"],
            "act_type": ["act.torture", "act.robot", "act.torture"],
            "date": ["2017", "2017", "2017"],
            "description": pa.array([b"ok", b"\xff\xfe", b"a\x00b"], pa.binary()),
            "comentario": ["x", None, None],
            "detalle": pa.array([{"a": 1}, {"a": 2}, {"a": 3}]),
        }
    )
    pq.write_table(table, path)
    found = {(p.row, p.column, p.code) for p in check_file(path, "acts").problems}
    assert found == {
        (None, "detalle", ProblemCode.MALFORMED_FILE),  # nested records: no cell
        (None, "comentario", ProblemCode.UNKNOWN_COLUMN),  # a schema column, no row
        (None, "detalle", ProblemCode.UNKNOWN_COLUMN),
        (2, "act_type", ProblemCode.UNKNOWN_TERM),
        (2, "description", ProblemCode.BAD_ENCODING),
        (3, "description", ProblemCode.BAD_ENCODING),  # a control character
    }


def test_a_broken_parquet_file_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "acts.parquet"
    path.write_bytes(b"PAR1 not really parquet")
    [problem] = check_file(path, "acts").problems
    assert (problem.row, problem.code) == (None, ProblemCode.MALFORMED_FILE)


def _peak_bytes(path: Path) -> int:
    """Peak Python memory plus peak Arrow memory while the records are read."""
    load_vocabularies()
    pool = pa.default_memory_pool()
    arrow_peak = 0
    tracemalloc.start()
    try:
        for _ in read_records(path, "acts"):
            arrow_peak = max(arrow_peak, pool.bytes_allocated())
        return tracemalloc.get_traced_memory()[1] + arrow_peak
    finally:
        tracemalloc.stop()


def test_peak_memory_does_not_grow_with_a_parquet_file(tmp_path: Path) -> None:
    small_csv, large_csv = tmp_path / "small.csv", tmp_path / "large.csv"
    generate_acts.write(small_csv, 2_000, description_chars=2_000)
    generate_acts.write(large_csv, 8_000, description_chars=2_000)
    small = _csv_as_parquet(small_csv, tmp_path / "small.parquet", row_group_size=1_000)
    large = _csv_as_parquet(large_csv, tmp_path / "large.parquet", row_group_size=1_000)
    small_peak, large_peak = _peak_bytes(small), _peak_bytes(large)
    # What may grow: nothing but the row ids kept for duplicate checks (~200 bytes a row).
    allowed_growth = 200 * (8_000 - 2_000) + 512 * 1024
    assert large_peak < small_peak + allowed_growth, (small_peak, large_peak)
    assert large_peak < 8_000 * 2_000 / 2, large_peak  # well below the text it holds
