"""The acts table that pattern analysis reads.

One row per documented act. Columns (only ``act_id`` and ``start_date`` are required):

``act_id``, ``victim_id``, ``act_type``, ``methods`` (a list, or text separated by ``;``),
``start_date`` (ISO date), ``place`` (state, municipality...), ``unit`` (perpetrator unit),
``victim_affiliation`` (e.g. political affiliation). Other names can be mapped with
``columns={"location": "place"}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from expediente.estimation.errors import EstimationError

__all__ = ["PatternInputError", "acts_frame"]

OPTIONAL = ("victim_id", "act_type", "place", "unit", "victim_affiliation")


class PatternInputError(EstimationError):
    """The acts table is malformed (missing column, unreadable date...)."""


def acts_frame(acts: Any, columns: Mapping[str, str] | None = None) -> pl.DataFrame:
    """Normalise an acts table into a polars DataFrame with the standard columns.

    Args:
        acts: polars or pandas DataFrame, or a mapping of column name to values.
        columns: Renames from the caller's names to the standard ones.

    Raises:
        PatternInputError: naming the missing column or the row of an unreadable date.
    """
    if isinstance(acts, pl.DataFrame):
        frame = acts
    elif isinstance(acts, Mapping):
        frame = pl.DataFrame(dict(acts))
    elif hasattr(acts, "to_dict") and hasattr(acts, "columns"):
        frame = pl.from_pandas(acts)
    else:
        raise PatternInputError(f"cannot read an acts table from {type(acts).__name__}")
    if columns:
        frame = frame.rename({k: v for k, v in columns.items() if k in frame.columns})
    for required in ("act_id", "start_date"):
        if required not in frame.columns:
            raise PatternInputError(
                f"the acts table needs a {required!r} column; it has {frame.columns}"
            )
    if frame.schema["start_date"] != pl.Date:
        parsed = frame.get_column("start_date").cast(pl.String).str.to_date(strict=False)
        bad = parsed.is_null() & frame.get_column("start_date").is_not_null()
        if bad.any() or parsed.is_null().any():
            row = int((bad | parsed.is_null()).arg_max() or 0) + 1
            raise PatternInputError(
                f"row {row}, column 'start_date': "
                f"{frame.get_column('start_date')[row - 1]!r} is not a date (YYYY-MM-DD)"
            )
        frame = frame.with_columns(parsed.alias("start_date"))
    if "methods" in frame.columns:
        if frame.schema["methods"] in (pl.String, pl.Utf8):
            frame = frame.with_columns(
                pl.col("methods")
                .fill_null("")
                .str.split(";")
                .list.eval(pl.element().str.strip_chars())
                .list.eval(pl.element().filter(pl.element() != ""))
                .alias("methods")
            )
    else:
        frame = frame.with_columns(pl.lit([], dtype=pl.List(pl.String)).alias("methods"))
    for col in OPTIONAL:
        if col not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(col))
    if "victim_id" in frame.columns and frame.get_column("victim_id").null_count() == frame.height:
        frame = frame.with_columns(pl.col("act_id").cast(pl.String).alias("victim_id"))
    return frame
