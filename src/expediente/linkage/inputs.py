"""Reading person records for linkage from files: victims tables or a case directory.

A file is one source's list (``victims`` kind) unless it has a ``source_id`` column; its
source id is then the file name without extension (``victims/SRC-01.csv`` -> ``SRC-01``).
A directory laid out like a case export (``victims/<SRC>.csv``, optional
``mappings/<SRC>.yaml`` for raw headers, optional ``truth/records.csv``) is read whole, and
its ground truth, when present, becomes the ``true_person_id`` column.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from expediente.linkage.prepare import InputError

TRUTH_COLUMN = "true_person_id"
_SUFFIXES = (".csv", ".json", ".jsonl", ".ndjson", ".parquet", ".xlsx")


def _read_plain(path: Path) -> pl.DataFrame:
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return pl.read_csv(path, infer_schema=False, comment_prefix="#")
        if suffix in {".jsonl", ".ndjson"}:
            return pl.read_ndjson(path, infer_schema_length=None)
        if suffix == ".json":
            text = path.read_text("utf-8").lstrip()
            if text.startswith("["):
                return pl.read_json(path, infer_schema_length=None)
            return pl.read_ndjson(path, infer_schema_length=None)
        if suffix == ".parquet":
            return pl.read_parquet(path)
        if suffix == ".xlsx":
            return _read_with_tables(path, None)
    except (pl.exceptions.ComputeError, OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot be read ({exc})") from None
    raise InputError(
        f"{path}: unsupported file type {suffix!r} (use CSV, JSON, JSON Lines, Parquet or XLSX)"
    )


def _read_with_tables(path: Path, mapping_path: Path | None) -> pl.DataFrame:
    """Read through the case-table reader (raw headers mapped, values validated)."""
    from expediente.tables import (
        InvalidFileError,
        MappingError,
        VictimRow,
        load_mapping,
        read_records,
    )

    try:
        mapping = load_mapping(mapping_path) if mapping_path else None
        rows = []
        for record in read_records(path, "victims", mapping):
            assert isinstance(record, VictimRow)  # noqa: S101 (type narrowing for mypy; the invariant is set just above)
            rows.append(
                {
                    "record_id": record.record_id,
                    "full_name": record.full_name,
                    "given_names": record.given_names,
                    "first_surname": record.first_surname,
                    "second_surname": record.second_surname,
                    "nickname": record.nickname,
                    "id_number": record.id_number,
                    "birth_date": str(record.birth_date) if record.birth_date else None,
                    "age": record.age,
                    "sex": record.sex,
                    "state": record.state,
                    "event_date": str(record.date) if getattr(record, "date", None) else None,
                }
            )
    except (InvalidFileError, MappingError) as exc:
        raise InputError(f"{path}: {exc}") from None
    schema: dict[str, Any] = dict.fromkeys(
        (
            "record_id",
            "full_name",
            "given_names",
            "first_surname",
            "second_surname",
            "nickname",
            "id_number",
            "birth_date",
            "sex",
            "state",
            "event_date",
        ),
        pl.Utf8,
    )
    schema["age"] = pl.Int64
    return pl.DataFrame(rows, schema=schema)


def _with_source(frame: pl.DataFrame, source: str) -> pl.DataFrame:
    if "source_id" not in frame.columns:
        frame = frame.with_columns(pl.lit(source).alias("source_id"))
    if "event_date" not in frame.columns:
        for name in ("start_date", "date"):
            if name in frame.columns:
                frame = frame.with_columns(pl.col(name).alias("event_date"))
                break
    return frame.with_columns(pl.all().cast(pl.Utf8))


def _with_act_dates(victims: pl.DataFrame, acts_path: Path) -> pl.DataFrame:
    """Give each victim record without an event date the date of its first act.

    An age is "age at the event": without the event's date it says nothing about birth.
    """
    if not acts_path.exists():
        return victims
    try:
        acts = _read_plain(acts_path)
    except InputError:
        return victims
    if not {"victim_record_id", "date"} <= set(acts.columns):
        return victims
    first = (
        acts.select(pl.col("victim_record_id").alias("record_id"), pl.col("date").alias("_act"))
        .drop_nulls()
        .group_by("record_id")
        .agg(pl.col("_act").min())
    )
    if "event_date" not in victims.columns:
        victims = victims.with_columns(pl.lit(None, dtype=pl.Utf8).alias("event_date"))
    return (
        victims.join(first, on="record_id", how="left")
        .with_columns(pl.coalesce("event_date", "_act").alias("event_date"))
        .drop("_act")
    )


def read_case_directory(directory: Path) -> pl.DataFrame:
    """All victims tables of a case directory, with ground truth when it is there."""
    victims = directory / "victims"
    files = sorted(p for p in victims.iterdir() if p.suffix.lower() in _SUFFIXES)
    if not files:
        raise InputError(f"{victims}: no victims tables found")
    frames = []
    for path in files:
        mapping = directory / "mappings" / f"{path.stem}.yaml"
        frame = _read_with_tables(path, mapping) if mapping.exists() else _read_plain(path)
        frame = _with_source(frame, path.stem)
        frames.append(_with_act_dates(frame, directory / "acts" / path.name))
    records = pl.concat(frames, how="diagonal_relaxed")
    truth_path = directory / "truth" / "records.csv"
    if truth_path.exists():
        truth = pl.read_csv(truth_path, infer_schema=False, comment_prefix="#")
        if "kind" in truth.columns:
            truth = truth.filter(pl.col("kind") == "victims")
        truth = truth.select("source_id", "record_id", TRUTH_COLUMN).unique(
            subset=["source_id", "record_id"]
        )
        records = records.join(truth, on=["source_id", "record_id"], how="left")
    return records


def read_record_files(paths: list[Path]) -> pl.DataFrame:
    """Person records from files and/or case directories, as one frame of text columns."""
    frames = []
    for path in paths:
        if path.is_dir():
            if not (path / "victims").is_dir():
                raise InputError(f"{path}: a directory must hold a victims/ folder")
            frames.append(read_case_directory(path))
        else:
            frames.append(_with_source(_read_plain(path), path.stem))
    if not frames:
        raise InputError("no input files")
    return pl.concat(frames, how="diagonal_relaxed")


def _as_written(value: object) -> str:
    """An id as it was in the input, undoing the apostrophe `expediente link --out` puts before
    a value a spreadsheet would run as a formula (so a filled-in review_queue.csv reads back)."""
    text = str(value)
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
        return text[1:]
    return text


def read_labels(path: Path) -> list:
    """Reviewer decisions from a CSV with source_a, record_a, source_b, record_b, decision.

    The review_queue.csv that `expediente link --out` writes is such a file once its
    `decision` column is filled in.
    """
    from expediente.linkage.review import DECISIONS, PairLabel

    frame = _read_plain(path)
    needed = ("source_a", "record_a", "source_b", "record_b", "decision")
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(missing)}")
    labels = []
    for row_number, row in enumerate(frame.select(needed).iter_rows(named=True), start=2):
        decision = (row["decision"] or "").strip().lower()
        if decision not in DECISIONS:
            raise InputError(
                f"{path}, row {row_number}, column 'decision': {row['decision']!r} "
                f"is not one of {', '.join(DECISIONS)}"
            )
        labels.append(
            PairLabel(
                _as_written(row["source_a"]),
                _as_written(row["record_a"]),
                _as_written(row["source_b"]),
                _as_written(row["record_b"]),
                decision,
            )
        )
    return labels
