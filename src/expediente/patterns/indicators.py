"""Indicators for the contextual elements *widespread* and *systematic* (Rome Statute art. 7).

They describe the documented acts; they do not decide the legal question. Each indicator's
method is written out in ``docs/methodology/patterns.md``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from itertools import combinations
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
from scipy.stats import chisquare

from expediente.estimation.results import Estimate
from expediente.patterns.acts import PatternInputError, acts_frame

__all__ = [
    "Systematic",
    "Widespread",
    "gini",
    "systematic_indicators",
    "widespread_indicators",
]


def gini(values: Sequence[float] | npt.NDArray[np.number[Any]]) -> float:
    """Gini coefficient of non-negative values: 0 even, towards 1 concentrated."""
    x = np.sort(np.asarray(values, dtype=float))
    if x.size == 0 or x.sum() == 0:
        return 0.0
    n = x.size
    return float((2 * np.arange(1, n + 1) - n - 1) @ x / (n * x.sum()))


def _evenness(counts: Sequence[float]) -> float:
    c = np.asarray([v for v in counts if v > 0], dtype=float)
    if c.size <= 1:
        return 0.0
    p = c / c.sum()
    return float(-(p * np.log(p)).sum() / math.log(c.size))


def _date_bounds(dates: pl.Series) -> tuple[date, date]:
    # ``Series.min``/``max`` are typed as any Python scalar; on the Date columns that
    # ``acts_frame`` guarantees they are dates, or None when there is no dated act at all.
    first, last = dates.min(), dates.max()
    if not isinstance(first, date) or not isinstance(last, date):
        raise PatternInputError("the acts table has no dated acts; indicators need at least one")
    return first, last


@dataclass(frozen=True)
class Widespread:
    """Scale, geographic spread and duration of the documented acts."""

    acts: int
    victims: int
    estimated_victims: float | None
    estimate_lower: float | None
    estimate_upper: float | None
    estimate_method: str | None
    places: int
    share_of_places: float | None
    place_evenness: float
    top_place_share: float
    first_date: str
    last_date: str
    duration_days: int
    months_active: int
    share_of_months_active: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return asdict(self)


def widespread_indicators(
    acts: Any,
    estimate: Estimate | None = None,
    all_places: Sequence[str] | None = None,
) -> Widespread:
    """Indicators of scale (documented and estimated), geographic spread and duration.

    Args:
        acts: Acts table.
        estimate: A multiple-systems estimate of the number of victims (with its interval).
        all_places: Every place of the territory, to express spread as a share.
    """
    frame = acts_frame(acts)
    by_place = (
        frame.filter(pl.col("place").is_not_null())
        .group_by("place")
        .agg(pl.col("victim_id").n_unique().alias("victims"))
    )
    counts = by_place.get_column("victims").to_list()
    n_places = by_place.height
    victims = frame.get_column("victim_id").n_unique()
    first, last = _date_bounds(frame.get_column("start_date"))
    months = frame.with_columns(pl.col("start_date").dt.truncate("1mo").alias("m"))
    active = months.get_column("m").n_unique()
    span = (last.year - first.year) * 12 + last.month - first.month + 1
    return Widespread(
        acts=frame.get_column("act_id").n_unique(),
        victims=victims,
        estimated_victims=estimate.estimate if estimate else None,
        estimate_lower=estimate.interval.lower if estimate else None,
        estimate_upper=estimate.interval.upper if estimate else None,
        estimate_method=(f"{estimate.method} ({estimate.interval.method})" if estimate else None),
        places=n_places,
        share_of_places=(n_places / len(set(all_places))) if all_places else None,
        place_evenness=_evenness(counts),
        top_place_share=(max(counts) / sum(counts)) if counts else 0.0,
        first_date=first.isoformat(),
        last_date=last.isoformat(),
        duration_days=(last - first).days + 1,
        months_active=active,
        share_of_months_active=active / span,
    )


@dataclass(frozen=True)
class Systematic:
    """Indicators of organised, non-random conduct."""

    method_recurrence: list[dict[str, Any]]
    place_profile_similarity: float | None
    unit_profile_similarity: float | None
    temporal_gini: float
    peak_share: float
    co_occurrence: list[dict[str, Any]]
    targeting: list[dict[str, Any]]
    targeting_p_value: float | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return asdict(self)


def _profile_similarity(frame: pl.DataFrame, column: str) -> float | None:
    # Mean pairwise cosine similarity of method-frequency profiles between places (or units):
    # near 1 when every place shows the same mix of methods.
    exploded = frame.filter(pl.col(column).is_not_null()).explode("methods").drop_nulls("methods")
    if exploded.height == 0:
        return None
    table = (
        exploded.group_by([column, "methods"])
        .len()
        .pivot(on="methods", index=column, values="len")
        .fill_null(0)
    )
    mat = table.drop(column).to_numpy().astype(float)
    if mat.shape[0] < 2:
        return None
    unit = mat / np.linalg.norm(mat, axis=1, keepdims=True)
    sims = unit @ unit.T
    iu = np.triu_indices(mat.shape[0], 1)
    return float(sims[iu].mean())


def systematic_indicators(
    acts: Any,
    reference_shares: Mapping[str, float] | None = None,
    period: str = "month",
) -> Systematic:
    """Recurrence of methods across places and units, temporal concentration, method
    co-occurrence and targeting of groups.

    Args:
        acts: Acts table.
        reference_shares: Share of each group (``victim_affiliation``) in the population at
            risk; targeting compares victims' shares with these.
        period: Period for temporal concentration (``month``, ``week``...).
    """
    from expediente.patterns.counts import PERIODS

    frame = acts_frame(acts)
    n_places = max(frame.get_column("place").drop_nulls().n_unique(), 1)
    n_units = max(frame.get_column("unit").drop_nulls().n_unique(), 1)
    exploded = frame.explode("methods").drop_nulls("methods")
    recurrence = (
        exploded.group_by("methods")
        .agg(
            pl.col("act_id").n_unique().alias("acts"),
            pl.col("place").drop_nulls().n_unique().alias("places"),
            pl.col("unit").drop_nulls().n_unique().alias("units"),
        )
        .with_columns(
            (pl.col("places") / n_places).alias("share_of_places"),
            (pl.col("units") / n_units).alias("share_of_units"),
        )
        .rename({"methods": "method"})
        .sort(["acts", "method"], descending=[True, False])
    )
    # Temporal concentration over every period of the span, empty periods included.
    per = frame.with_columns(pl.col("start_date").dt.truncate(PERIODS[period]).alias("p"))
    counts = per.group_by("p").agg(pl.col("act_id").n_unique().alias("n")).sort("p")
    start, end = _date_bounds(counts.get_column("p"))
    span = pl.date_range(start, end, PERIODS[period], eager=True).alias("p")
    full = pl.DataFrame(span).join(counts, on="p", how="left").fill_null(0)
    series = full.get_column("n").to_numpy()
    top = max(1, math.ceil(0.1 * series.size))
    peak_share = float(np.sort(series)[::-1][:top].sum() / series.sum())
    # Co-occurrence of methods within acts: count and lift = P(a and b) / (P(a) P(b)).
    sets = [set(m) for m in frame.get_column("methods").to_list() if m]
    n_acts = frame.height
    freq: dict[str, int] = {}
    for s in sets:
        for m in s:
            freq[m] = freq.get(m, 0) + 1
    # (method_a, method_b, acts, lift), most frequent pairs first.
    pairs: list[tuple[str, str, int, float]] = []
    for a, b in combinations(sorted(freq), 2):
        both = sum(1 for s in sets if a in s and b in s)
        if both:
            pairs.append((a, b, both, both * n_acts / (freq[a] * freq[b])))
    pairs.sort(key=lambda r: (-r[2], r[0], r[1]))
    targeting, p_value = _targeting(frame, reference_shares)
    return Systematic(
        method_recurrence=recurrence.to_dicts(),
        place_profile_similarity=_profile_similarity(frame, "place"),
        unit_profile_similarity=_profile_similarity(frame, "unit"),
        temporal_gini=gini(series),
        peak_share=peak_share,
        co_occurrence=[
            {"method_a": a, "method_b": b, "acts": both, "lift": lift} for a, b, both, lift in pairs
        ],
        targeting=targeting,
        targeting_p_value=p_value,
    )


def _targeting(
    frame: pl.DataFrame, reference: Mapping[str, float] | None
) -> tuple[list[dict[str, Any]], float | None]:
    victims = (
        frame.filter(pl.col("victim_affiliation").is_not_null())
        # the first act of each victim decides the group: "any" would vary between runs
        .unique("victim_id", keep="first", maintain_order=True)
        .group_by("victim_affiliation")
        .len()
        .sort("victim_affiliation")
    )
    total = int(victims.get_column("len").sum()) if victims.height else 0
    rows = [{"group": g, "victims": int(n), "share": n / total} for g, n in victims.iter_rows()]
    if reference:
        bad = {g: v for g, v in reference.items() if not (math.isfinite(v) and v >= 0)}
        if bad:
            raise PatternInputError(
                f"reference shares must be finite and not negative; got {bad}"
            )
        if sum(reference.values()) <= 0:
            raise PatternInputError(
                "reference shares are all 0: give each group's share of the population at risk"
            )
    if not reference or total == 0:
        return rows, None
    missing = [r["group"] for r in rows if r["group"] not in reference]
    if missing:
        raise PatternInputError(f"no reference share for group(s) {missing}")
    ref_total = sum(reference.values())
    groups = sorted(reference)
    observed = np.array(
        [next((r["victims"] for r in rows if r["group"] == g), 0) for g in groups], dtype=float
    )
    expected = np.array([reference[g] / ref_total * total for g in groups])
    p = float(chisquare(observed, expected).pvalue)
    rows = [
        {
            "group": g,
            "victims": int(o),
            "share": o / total,
            "reference_share": reference[g] / ref_total,
            "ratio": (o / total) / (reference[g] / ref_total) if reference[g] else math.inf,
        }
        for g, o in zip(groups, observed, strict=True)
    ]
    return rows, p
