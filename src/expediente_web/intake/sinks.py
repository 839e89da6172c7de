"""Streaming table writers for the export: CSV, JSON (an array of objects) and Parquet.

Each sink takes rows of strings (empty = no value) one at a time and never holds more than one
batch, so an export's memory does not grow with the size of the case.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from expediente_web.intake.formula_guard import GUARDED_COLUMNS, guard

FORMATS = ("csv", "json", "parquet")
_PARQUET_BATCH = 5_000


class TableSink:
    """Writes one table file; use as a context manager."""

    def __init__(self, path: Path, header: Sequence[str]) -> None:
        self.path = path
        self.header = list(header)
        self.rows = 0
        path.parent.mkdir(parents=True, exist_ok=True)

    def write(self, row: Sequence[str]) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> TableSink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class CsvSink(TableSink):
    """UTF-8 CSV; free-text cells that a spreadsheet would run as a formula are guarded."""

    def __init__(self, path: Path, header: Sequence[str]) -> None:
        super().__init__(path, header)
        self._handle = open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115
        self._writer = csv.writer(self._handle)
        self._writer.writerow(self.header)
        self._guarded = [i for i, name in enumerate(self.header) if name in GUARDED_COLUMNS]

    def write(self, row: Sequence[str]) -> None:
        if self._guarded:
            row = list(row)
            for i in self._guarded:
                row[i] = guard(row[i])
        self._writer.writerow(row)
        self.rows += 1

    def close(self) -> None:
        self._handle.close()


class JsonSink(TableSink):
    """A JSON array with one object per line; empty cells become null."""

    def __init__(self, path: Path, header: Sequence[str]) -> None:
        super().__init__(path, header)
        self._handle = open(path, "w", encoding="utf-8")  # noqa: SIM115
        self._handle.write("[")

    def write(self, row: Sequence[str]) -> None:
        obj = {k: (v if v != "" else None) for k, v in zip(self.header, row, strict=True)}
        self._handle.write(("\n" if self.rows == 0 else ",\n")
                           + json.dumps(obj, ensure_ascii=False))
        self.rows += 1

    def close(self) -> None:
        self._handle.write("\n]\n")
        self._handle.close()


class ParquetSink(TableSink):
    """Parquet with every column a nullable string, written in row groups of 5,000 rows."""

    def __init__(self, path: Path, header: Sequence[str]) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        super().__init__(path, header)
        self._pa = pa
        self._schema = pa.schema([(name, pa.string()) for name in self.header])
        self._writer = pq.ParquetWriter(path, self._schema)
        self._pending: list[Sequence[str]] = []

    def write(self, row: Sequence[str]) -> None:
        self._pending.append(row)
        self.rows += 1
        if len(self._pending) >= _PARQUET_BATCH:
            self._flush()

    def _flush(self) -> None:
        if not self._pending:
            return
        columns: list[list[Any]] = [[] for _ in self.header]
        for row in self._pending:
            for i, value in enumerate(row):
                columns[i].append(value if value != "" else None)
        self._writer.write_table(self._pa.table(columns, schema=self._schema))
        self._pending.clear()

    def close(self) -> None:
        self._flush()
        self._writer.close()


class LazySink:
    """A sink whose file is made on the first row: a table most cases leave empty (an act's
    further involvements) then leaves no empty file behind."""

    def __init__(self, stem: Path, fmt: str, header: Sequence[str]) -> None:
        self._args = (stem, fmt, header)
        self._sink: TableSink | None = None

    @property
    def rows(self) -> int:
        return self._sink.rows if self._sink is not None else 0

    def write(self, row: Sequence[str]) -> None:
        if self._sink is None:
            self._sink = open_sink(*self._args)
        self._sink.write(row)

    def close(self) -> None:
        if self._sink is not None:
            self._sink.close()

    def __enter__(self) -> LazySink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_sink(stem: Path, fmt: str, header: Sequence[str]) -> TableSink:
    """A sink for `stem` plus the format's extension."""
    if fmt == "csv":
        return CsvSink(Path(f"{stem}.csv"), header)
    if fmt == "json":
        return JsonSink(Path(f"{stem}.json"), header)
    if fmt == "parquet":
        return ParquetSink(Path(f"{stem}.parquet"), header)
    raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
