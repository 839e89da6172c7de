"""Memory stays flat in the size of the file: the readers stream."""

from __future__ import annotations

import importlib.util
import tracemalloc
from pathlib import Path

import pytest

from expediente.tables import check_file, read_records
from expediente.vocabularies import load_vocabularies

_spec = importlib.util.spec_from_file_location(
    "generate_acts", Path(__file__).parents[2] / "data" / "tables" / "generate_acts.py"
)
assert _spec is not None and _spec.loader is not None
generate_acts = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate_acts)


def peak_bytes(path: Path) -> int:
    load_vocabularies()  # loaded once, outside the measurement
    tracemalloc.start()
    try:
        count = sum(1 for _ in read_records(path, "acts"))
        assert count > 0
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("suffix", [".csv", ".json", ".jsonl"])
def test_peak_memory_does_not_grow_with_the_file(tmp_path: Path, suffix: str) -> None:
    # Rows of about 2 KB, so that the file's bytes dwarf the ids the validator must keep.
    small, large = tmp_path / f"small{suffix}", tmp_path / f"large{suffix}"
    generate_acts.write(small, 500, description_chars=2_000)
    generate_acts.write(large, 4_000, description_chars=2_000)
    size = large.stat().st_size
    assert size > 7 * small.stat().st_size
    small_peak, large_peak = peak_bytes(small), peak_bytes(large)
    # What may grow: the record ids and references (O(ids), ~200 bytes per row at most).
    allowed_growth = 200 * (4_000 - 500) + 256 * 1024
    assert large_peak < small_peak + allowed_growth, (small_peak, large_peak)
    assert large_peak < size / 5, (large_peak, size)


def test_checking_pass_keeps_ids_not_rows(tmp_path: Path) -> None:
    path = tmp_path / "acts.csv"
    generate_acts.write(path, 5_000)
    report = check_file(path, "acts")
    assert report.ok, report.problems[:3]
    assert report.valid_rows == len(report.record_ids) == 5_000
    assert report.problems == []
