"""Reading acts files and estimate files for pattern analysis.

An acts file is either of the ``acts`` table kind (``docs/reference/tables.md``), checked row
by row,
or a CSV/Parquet with the core's own columns (``act_id``, ``start_date``…). Every error names the
row and column at fault.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from expediente.fingerprints import file_sha256
from expediente.patterns.acts import PatternInputError


def _frame(rows: Mapping[str, list[Any]]) -> Any:
    import polars as pl

    schema: dict[str, Any] = {
        "act_id": pl.String,
        "victim_id": pl.String,
        "act_type": pl.String,
        "methods": pl.List(pl.String),
        "start_date": pl.Date,
        "end_date": pl.Date,
        "place": pl.String,
        "unit": pl.String,
        "victim_affiliation": pl.String,
    }
    return pl.DataFrame(
        {k: rows.get(k, [None] * len(rows["act_id"])) for k in schema}, schema=schema
    )


def _states(structure: Path) -> dict[str, str | None]:
    """Location code → name of the state it lies in, from a case's ``structure.json``."""
    try:
        locations = json.loads(structure.read_text("utf-8"))["locations"]
        tree = {
            loc["code"]: (loc.get("kind"), loc.get("name") or loc["code"], loc.get("parent_code"))
            for loc in locations
        }
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise PatternInputError(
            f"{structure}: not a case structure file with 'locations' ({exc})"
        ) from None
    found: dict[str, str | None] = {}
    for code in tree:
        current: str | None = code
        for _ in range(32):  # a bounded walk: a cycle in a hand-edited file must not hang
            if current is None or current not in tree:
                current = None
                break
            kind, name, parent = tree[current]
            if kind == "location.state":
                current = name
                break
            current = parent
        found[code] = current
    return found


def _read_acts_kind(path: Path, states: dict[str, str | None] | None) -> Any:
    from expediente.tables import ActRow, check_file, read_records

    try:
        report = check_file(path, "acts")
    except (OSError, ValueError) as exc:
        raise PatternInputError(f"{path}: {exc}") from None
    if not report.ok:
        shown = [str(p) for p in report.problems[:10]]
        more = report.problem_count - len(shown)
        raise PatternInputError(
            f"{path}: {report.problem_count} problem(s) in the acts table\n  "
            + "\n  ".join(shown)
            + (f"\n  … and {more} more" if more > 0 else "")
        )
    rows: dict[str, list[Any]] = {
        k: []
        for k in (
            "act_id",
            "victim_id",
            "act_type",
            "methods",
            "start_date",
            "end_date",
            "place",
            "unit",
        )
    }
    for act in read_records(path, "acts"):
        assert isinstance(act, ActRow)  # the acts kind yields nothing else  # noqa: S101 (type narrowing for mypy; the invariant is set just above)
        place = act.location_code
        if states is not None and place is not None:
            if place not in states:
                raise PatternInputError(
                    f"{path}: row {act.row}, column 'location_code': {place!r} is not "
                    "a location of the structure file"
                )
            place = states[place]
        rows["act_id"].append(act.record_id)
        rows["victim_id"].append(act.victim_record_id)
        rows["act_type"].append(act.act_type)
        rows["methods"].append(list(act.methods))
        rows["start_date"].append(act.date.earliest)
        rows["end_date"].append(act.date.latest)
        rows["place"].append(place)
        rows["unit"].append(act.unit_code)
    return _frame(rows)


def _read_core(path: Path, frame: Any) -> Any:
    """The core's own columns, checked row by row so an error names its row and column."""
    import polars as pl

    from expediente.dates import DateError, DateValue, parse_date

    first_row = 1 if path.suffix.lower() in {".parquet", ".pq"} else 2  # CSV: header is row 1
    for required in ("act_id", "start_date"):
        if required not in frame.columns:
            raise PatternInputError(
                f"{path}: no column {required!r} (columns: {', '.join(frame.columns)})"
            )
    if "place" not in frame.columns and "state" in frame.columns:
        frame = frame.rename({"state": "place"})
    rows: dict[str, list[Any]] = {k: [] for k in ("start_date", "end_date")}
    starts = frame.get_column("start_date").cast(pl.String).to_list()
    ends = (
        frame.get_column("end_date").cast(pl.String).to_list()
        if "end_date" in frame.columns
        else [None] * frame.height
    )

    def parsed(text: str, row: int, column: str) -> DateValue:
        try:
            return parse_date(text, date_format="iso")
        except DateError as exc:
            raise PatternInputError(f"{path}: row {row}, column {column!r}: {exc}") from None

    act_ids: list[str] = frame.get_column("act_id").cast(pl.String).to_list()
    first_seen: dict[str, int] = {}
    for i, act_id in enumerate(act_ids):
        if not act_id:
            raise PatternInputError(f"{path}: row {i + first_row}, column 'act_id': empty")
        if act_id in first_seen:
            raise PatternInputError(
                f"{path}: row {i + first_row}, column 'act_id': {act_id!r} is already "
                f"on row {first_seen[act_id]}"
            )
        first_seen[act_id] = i + first_row
    for i, (start_text, end_text) in enumerate(zip(starts, ends, strict=True)):
        row = i + first_row
        if not start_text:
            raise PatternInputError(f"{path}: row {row}, column 'start_date': empty")
        start = parsed(start_text, row, "start_date")
        end = parsed(end_text, row, "end_date") if end_text else start
        if end.latest < start.earliest:
            raise PatternInputError(
                f"{path}: row {row}, column 'end_date': {end} is before the start date"
            )
        rows["start_date"].append(start.earliest)
        rows["end_date"].append(end.latest)
    data: dict[str, list[Any]] = {"act_id": act_ids, **rows}
    for name in ("victim_id", "act_type", "place", "unit", "victim_affiliation"):
        if name in frame.columns:
            data[name] = [v or None for v in frame.get_column(name).cast(pl.String).to_list()]
    if "methods" in frame.columns:
        raw = frame.get_column("methods").to_list()
        data["methods"] = [
            list(v)
            if isinstance(v, list)
            else [m.strip() for m in (v or "").split(";") if m.strip()]
            for v in raw
        ]
    # An act without a victim id is its own victim (all of them would otherwise be one).
    data["victim_id"] = [
        v or f"act:{a}"
        for a, v in zip(act_ids, data.get("victim_id", [None] * len(act_ids)), strict=True)
    ]
    return _frame(data)


def read_acts_file(path: Path, structure: Path | None = None) -> tuple[Any, dict[str, Any]]:
    """Read an acts file into the frame pattern analysis reads.

    Args:
        path: CSV or Parquet with the core's columns (``act_id``, ``start_date``...), or any
            file of the ``acts`` table kind (``record_id``, ``victim_record_id``, ``date``...).
        structure: a case's ``structure.json``, to place acts in their state (acts kind).

    Returns:
        The frame and a description of the input (format, rows, what ``place`` holds).

    Raises:
        PatternInputError: naming the row and column at fault.
    """
    import polars as pl

    suffix = path.suffix.lower()
    try:
        if suffix in {".parquet", ".pq"}:
            head = pl.read_parquet(path)
        elif suffix in {".csv", ".tsv"}:
            head = pl.read_csv(
                path,
                infer_schema=False,
                separator="\t" if suffix == ".tsv" else ",",
                encoding="utf8-lossy",
            )
        else:
            head = None  # XLSX, JSON: only the acts table kind, through its reader
    except Exception as exc:  # polars raises several types; the user needs the message only
        raise PatternInputError(f"{path}: cannot read the file: {exc}") from None
    info: dict[str, Any] = {"file": str(path), "sha256": file_sha256(path)}
    if head is not None and {"act_id", "start_date"} <= set(head.columns):
        if structure is not None:
            raise PatternInputError(
                "--structure applies to files of the acts table kind (location_code)"
            )
        frame = _read_core(path, head)
        info.update(format="expediente.patterns columns", place="place as given")
    elif head is None or {"record_id", "victim_record_id"} <= set(head.columns):
        frame = _read_acts_kind(path, _states(structure) if structure else None)
        info.update(
            format="acts table kind",
            place="state (from --structure)" if structure else "location code",
        )
    else:
        raise PatternInputError(
            f"{path}: neither an acts table (record_id, victim_record_id, act_type, "
            "date…) nor the core's columns (act_id, start_date…); it has "
            f"{', '.join(head.columns)}"
        )
    if frame.height == 0:
        raise PatternInputError(f"{path}: no acts in the file")
    info["rows"] = frame.height
    return frame, info


def estimate_from_json(path: Path) -> tuple[Any, str]:
    """The headline estimate of a JSON written by ``expediente estimate --out`` (on a file or
    on a case), and a sentence saying where it came from.

    Raises:
        PatternInputError: the file is not such a JSON (the message names the missing field).
    """
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise PatternInputError(f"--estimate {path}: not a JSON file ({exc})") from None
    where = f"{path.name} (sha256 {file_sha256(path)[:12]}…)"
    if isinstance(data, dict) and isinstance(data.get("result"), dict):
        where = f"stored estimate {data.get('uid', '?')}, from {where}"
        data = data["result"]
    return estimate_from_result(data, f"--estimate {path}"), where


def estimate_from_result(data: Any, where: str) -> Any:
    """An :class:`~expediente.estimation.Estimate` from an ``EstimationReport.to_dict()``:
    the combined total of a stratified run, else its only estimate."""
    from expediente.estimation import Estimate, Interval

    if not isinstance(data, dict):
        raise PatternInputError(f"{where}: not an estimate (expected a JSON object)")
    head = data.get("total") or (data.get("estimates") or [None])[0]
    if head is None and "estimate" in data:
        head = data  # a single Estimate written on its own
    if not isinstance(head, dict):
        raise PatternInputError(f"{where}: no 'total' and no 'estimates' in it")
    try:
        intervals = tuple(
            Interval(float(iv["lower"]), float(iv["upper"]), float(iv["level"]), str(iv["method"]))
            for iv in head["intervals"]
        )
        if not intervals:
            raise KeyError("intervals")
        return Estimate(
            method=str(head["method"]),
            lists=tuple(head.get("lists", ())),
            n_observed=int(head["n_observed"]),
            estimate=float(head["estimate"]),
            intervals=intervals,
            stratum=head.get("stratum"),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise PatternInputError(f"{where}: the estimate lacks the field {exc}") from None
