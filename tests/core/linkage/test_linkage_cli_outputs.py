"""``expediente link --out`` on hostile input: CSV outputs a spreadsheet opens safely, and a
filled-in review_queue.csv that reads back as a labels file."""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
from click.testing import CliRunner

from expediente.cli.link import command
from expediente.linkage.synthetic import generate

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _write_sources(folder: Path) -> None:
    """Synthetic sources with record ids a spreadsheet would run as formulas."""
    records = generate(200, seed=11).with_columns(
        pl.concat_str([pl.lit("=HYPERLINK(\"http://example.invalid/"), pl.col("record_id"),
                       pl.lit("\")")]).alias("record_id"),
        pl.lit("@SUM(1,2)").alias("notes"),
    )
    folder.mkdir()
    for (source,), frame in records.group_by(["source_id"]):
        frame.drop("source_id").write_csv(folder / f"{source}.csv")


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _cells(path: Path) -> list[str]:
    """The text cells of a CSV (a negative number is a number, not a formula)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [cell for row in csv.reader(handle) for cell in row if not _is_number(cell)]


def test_no_output_cell_starts_a_formula(tmp_path: Path) -> None:
    _write_sources(tmp_path / "in")
    out = tmp_path / "out"
    result = CliRunner().invoke(command, [*map(str, sorted((tmp_path / "in").iterdir())),
                                          "--out", str(out)])
    assert result.exit_code == 0, result.output
    for name in ("membership.csv", "capture_history.csv", "links.csv", "review_queue.csv",
                 "clusterings.csv", "capture_histories.csv"):
        for cell in _cells(out / name):
            assert not cell.startswith(FORMULA_START), (name, cell)
    assert any(cell.startswith("'=HYPERLINK") for cell in _cells(out / "membership.csv"))


def test_a_filled_in_review_queue_reads_back_as_labels(tmp_path: Path) -> None:
    _write_sources(tmp_path / "in")
    files = [*map(str, sorted((tmp_path / "in").iterdir()))]
    out = tmp_path / "out"
    assert CliRunner().invoke(command, [*files, "--out", str(out)]).exit_code == 0
    queue = pl.read_csv(out / "review_queue.csv", infer_schema_length=0)
    assert queue.height > 0
    first = queue.row(0, named=True)
    labels = tmp_path / "labels.csv"
    queue.head(1).with_columns(pl.lit("reject").alias("decision")).write_csv(labels)
    again = tmp_path / "again"
    result = CliRunner().invoke(command, [*files, "--labels", str(labels), "--out", str(again)])
    assert result.exit_code == 0, result.output
    membership = pl.read_csv(again / "membership.csv", infer_schema_length=0)
    person = dict(zip(membership["record_id"], membership["person_id"], strict=True))
    assert person[first["record_a"]] != person[first["record_b"]]
    links = pl.read_csv(again / "links.csv", infer_schema_length=0)
    decided = links.filter((pl.col("record_a") == first["record_a"])
                           & (pl.col("record_b") == first["record_b"]))
    assert decided.height == 0 or decided["decision"].to_list() == ["reject"]
