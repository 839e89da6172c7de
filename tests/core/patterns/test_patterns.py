"""Pattern counts and indicators on small synthetic acts tables."""

from __future__ import annotations

import pandas as pd
import polars as pl
import pytest

from expediente.estimation import Estimate, Interval
from expediente.patterns import (
    PatternInputError,
    count_acts,
    gini,
    systematic_indicators,
    widespread_indicators,
)


def acts() -> dict[str, list]:
    """Eight synthetic acts in three states, two units, 2017-2018."""
    return {
        "act_id": ["a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8"],
        "victim_id": ["v1", "v2", "v3", "v3", "v4", "v5", "v6", "v7"],
        "act_type": [
            "detention",
            "torture",
            "detention",
            "torture",
            "torture",
            "detention",
            "torture",
            "killing",
        ],
        "methods": [
            "asfixia;golpes",
            "golpes;descargas",
            "golpes",
            "asfixia;golpes",
            "golpes;descargas",
            "",
            "asfixia;golpes",
            "arma de fuego",
        ],
        "start_date": [
            "2017-04-02",
            "2017-04-10",
            "2017-05-01",
            "2017-05-03",
            "2017-05-20",
            "2017-07-01",
            "2018-01-15",
            "2017-05-04",
        ],
        "place": ["Carabobo", "Lara", "Carabobo", "Zulia", "Lara", "Zulia", "Carabobo", "Lara"],
        "unit": ["GNB-1", "GNB-1", "PNB-2", "PNB-2", "GNB-1", "PNB-2", "GNB-1", "PNB-2"],
        "victim_affiliation": [
            "opposition",
            "opposition",
            "opposition",
            "opposition",
            "none",
            "opposition",
            "opposition",
            "none",
        ],
    }


def test_counts_by_period_place_and_method() -> None:
    by_month = count_acts(acts(), ["period"])
    assert by_month.get_column("acts").sum() == 8
    may = by_month.filter(pl.col("period") == pl.date(2017, 5, 1))
    assert may.get_column("acts").item() == 4
    assert may.get_column("victims").item() == 3  # v3 suffered two acts in May
    by_method = count_acts(acts(), ["method"])
    golpes = by_method.filter(pl.col("method") == "golpes").get_column("acts").item()
    assert golpes == 6


def test_rates_need_population_for_every_place() -> None:
    out = count_acts(acts(), ["place"], population={"Carabobo": 2e6, "Lara": 1.5e6, "Zulia": 3e6})
    lara = out.filter(pl.col("place") == "Lara")
    assert lara.get_column("rate").item() == pytest.approx(3 / 1.5e6 * 1e5)
    with pytest.raises(PatternInputError, match="Zulia"):
        count_acts(acts(), ["place"], population={"Carabobo": 1.0, "Lara": 1.0})


def test_pandas_input_and_bad_dates_are_reported() -> None:
    assert count_acts(pd.DataFrame(acts()), ["unit"]).height == 2
    bad = acts()
    bad["start_date"][2] = "mayo 2017"
    with pytest.raises(PatternInputError, match=r"row 3, column 'start_date'"):
        count_acts(bad)


def test_widespread_indicators_with_estimate() -> None:
    est = Estimate("loglinear", ("A", "B"), 7, 20.0, (Interval(12.0, 35.0, 0.95, "wald-log"),))
    w = widespread_indicators(acts(), est, all_places=["Carabobo", "Lara", "Zulia", "Mérida"])
    assert w.victims == 7 and w.acts == 8
    assert w.estimated_victims == 20.0 and w.estimate_lower == 12.0
    assert w.places == 3 and w.share_of_places == pytest.approx(0.75)
    assert w.first_date == "2017-04-02" and w.last_date == "2018-01-15"
    assert w.months_active == 4 and w.share_of_months_active == pytest.approx(4 / 10)
    assert 0 < w.place_evenness <= 1


def test_systematic_indicators() -> None:
    s = systematic_indicators(acts(), reference_shares={"opposition": 0.4, "none": 0.6})
    top = s.method_recurrence[0]
    assert top["method"] == "golpes" and top["places"] == 3 and top["share_of_places"] == 1.0
    pair = next(
        p for p in s.co_occurrence if {p["method_a"], p["method_b"]} == {"asfixia", "golpes"}
    )
    assert pair["acts"] == 3 and pair["lift"] > 1
    assert 0 < s.temporal_gini < 1 and s.peak_share >= 4 / 8
    opp = next(r for r in s.targeting if r["group"] == "opposition")
    assert opp["victims"] == 5 and opp["ratio"] > 1.5
    assert s.targeting_p_value is not None
    assert s.place_profile_similarity is not None and 0 < s.place_profile_similarity <= 1


def test_gini_extremes() -> None:
    assert gini([5, 5, 5, 5]) == pytest.approx(0.0)
    assert gini([0, 0, 0, 10]) == pytest.approx(0.75)


def test_missing_required_column() -> None:
    with pytest.raises(PatternInputError, match="'start_date'"):
        count_acts({"act_id": ["a"]})


@pytest.mark.parametrize(
    ("shares", "message"),
    [
        ({"opposition": 0.0, "none": 0.0}, "all 0"),
        ({"opposition": float("inf"), "none": 0.6}, "finite"),
        ({"opposition": float("nan"), "none": 0.6}, "finite"),
        ({"opposition": -0.4, "none": 0.6}, "negative"),
    ],
)
def test_unusable_reference_shares_are_refused(shares: dict[str, float], message: str) -> None:
    with pytest.raises(PatternInputError, match=message):
        systematic_indicators(acts(), reference_shares=shares)
