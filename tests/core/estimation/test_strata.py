from __future__ import annotations

import pytest

from expediente.estimation import (
    CaptureTableError,
    estimate_by_stratum,
    estimate_lcmcr,
    estimate_loglinear,
    simulate_captures,
    split_strata,
)


def _two_regions() -> dict[str, list]:
    cols: dict[str, list] = {"A": [], "B": [], "C": [], "region": []}
    probs = {"north": [[0.3, 0.25, 0.2]], "south": [[0.2, 0.3, 0.35]]}
    for i, (region, p) in enumerate(probs.items()):
        t = simulate_captures(1500, p, seed=i)
        for pat, c in zip(t.patterns, t.counts, strict=True):
            for _ in range(int(c)):
                cols["A"].append(int(pat[0]))
                cols["B"].append(int(pat[1]))
                cols["C"].append(int(pat[2]))
                cols["region"].append(region)
    return cols


def test_loglinear_strata_combine_to_a_total() -> None:
    tables = split_strata(_two_regions(), "region")
    assert set(tables) == {"north", "south"}
    report = estimate_by_stratum(
        tables, estimate_loglinear, selection="independence", profile=False, strata_column="region"
    )
    assert report.total is not None
    assert report.total.estimate == pytest.approx(sum(e.estimate for e in report.estimates))
    assert report.total.interval.lower < 3000 < report.total.interval.upper


def test_lcmcr_strata_add_draws() -> None:
    tables = split_strata(_two_regions(), "region")
    report = estimate_by_stratum(tables, estimate_lcmcr, burnin=500, samples=300, chains=2)
    total = report.total
    assert total is not None and total.interval.method == "combined-posterior"
    assert total.interval.lower < 3000 < total.interval.upper


def test_stratum_with_too_few_lists_is_refused() -> None:
    cols = _two_regions()
    cols["A"] += [1, 1, 0, 0] * 5
    cols["B"] += [0, 0, 1, 1] * 5
    cols["C"] += [0, 0, 0, 0] * 5
    cols["region"] += ["island"] * 20
    tables = split_strata(cols, "region")
    report = estimate_by_stratum(
        tables, estimate_loglinear, selection="independence", profile=False
    )
    assert "island" in report.refused and "list" in report.refused["island"]
    assert any("refused" in w for w in report.total.warnings)


def test_blank_stratum_labels_are_named() -> None:
    cols = {"A": [1, 0], "B": [0, 1], "region": ["x", ""]}
    with pytest.raises(CaptureTableError, match=r"rows \[2\]"):
        split_strata(cols, "region")
