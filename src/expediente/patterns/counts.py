"""Counts and rates of acts and victims over time x place x unit x act type x method."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from expediente.patterns.acts import PatternInputError, acts_frame

__all__ = ["PERIODS", "count_acts"]

PERIODS = {"day": "1d", "week": "1w", "month": "1mo", "quarter": "1q", "year": "1y"}
DIMENSIONS = ("period", "place", "unit", "act_type", "method", "victim_affiliation")


def count_acts(
    acts: Any,
    by: Sequence[str] = ("period",),
    *,
    period: str = "month",
    population: Mapping[str, float] | None = None,
    per: float = 100_000,
) -> pl.DataFrame:
    """Count acts and distinct victims by any of the dimensions.

    Args:
        acts: Acts table (see :mod:`expediente.patterns.acts`).
        by: Dimensions among ``period``, ``place``, ``unit``, ``act_type``, ``method``,
            ``victim_affiliation``. Grouping by ``method`` counts an act once per method used.
        period: ``day``, ``week``, ``month``, ``quarter`` or ``year`` (start of period).
        population: Population per place, to add ``rate`` = victims per ``per`` inhabitants
            (requires ``place`` in ``by``).
        per: Denominator of the rate.

    Returns:
        A DataFrame with the ``by`` columns, ``acts`` and ``victims``, sorted by ``by``.
    """
    unknown = [d for d in by if d not in DIMENSIONS]
    if unknown:
        raise PatternInputError(f"unknown dimension(s) {unknown}; choose from {DIMENSIONS}")
    if period not in PERIODS:
        raise PatternInputError(f"unknown period {period!r}; choose from {list(PERIODS)}")
    frame = acts_frame(acts)
    frame = frame.with_columns(pl.col("start_date").dt.truncate(PERIODS[period]).alias("period"))
    if "method" in by:
        frame = frame.explode("methods").rename({"methods": "method"})
    keys = list(by)
    out = (
        frame.group_by(keys)
        .agg(
            pl.col("act_id").n_unique().alias("acts"),
            pl.col("victim_id").n_unique().alias("victims"),
        )
        .sort(keys, nulls_last=True)
    )
    if population is not None:
        if "place" not in keys:
            raise PatternInputError("rates need 'place' among the dimensions")
        pop = pl.DataFrame({"place": list(population), "population": list(population.values())})
        missing = set(out.get_column("place").drop_nulls().to_list()) - set(population)
        if missing:
            raise PatternInputError(f"no population given for place(s) {sorted(missing)}")
        out = out.join(pop, on="place", how="left").with_columns(
            (pl.col("victims") / pl.col("population") * per).alias("rate")
        )
    return out
