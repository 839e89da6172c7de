"""The estimate integrated over plausible clusterings carries linkage uncertainty."""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from click.testing import CliRunner

from expediente.estimation import capture_table, estimate_loglinear, split_strata
from expediente.estimation.errors import EstimationError
from expediente.estimation.linkage_mixture import (
    estimate_over_clusterings,
    plausible_clusterings,
)


def _histories(n: int, seed: int, p: tuple[float, ...]) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    caught = np.stack([rng.random(n) < q for q in p], axis=1).astype(np.int8)
    caught = caught[caught.sum(axis=1) > 0]
    return {f"L{j}": caught[:, j] for j in range(len(p))}


def _long(clusterings: dict[str, dict[str, np.ndarray]]) -> pl.DataFrame:
    frames = [
        pl.DataFrame(cols).with_columns(pl.lit(label).alias("clustering"))
        for label, cols in clusterings.items()
    ]
    return pl.concat(frames).select("clustering", pl.exclude("clustering"))


def test_spread_between_clusterings_widens_the_interval() -> None:
    p = (0.3, 0.35, 0.4)
    # Plausible clusterings that disagree on how many persons there are.
    clusterings = {f"sample={k}": _histories(2000 + 150 * k, k, p) for k in range(1, 6)}
    tables = split_strata(_long(clusterings), "clustering", count=None)
    est = estimate_over_clusterings(tables, estimate_loglinear, main="sample=1")
    mixture, alone = est.intervals[0], est.intervals[1]
    assert mixture.method == "linkage-mixture"
    assert mixture.upper - mixture.lower > alone.upper - alone.lower
    linkage = est.details["linkage"]
    assert 0 < linkage["share_linkage"] < 1
    assert linkage["share_linkage"] + linkage["share_sampling"] == pytest.approx(1.0)
    assert set(linkage["per_clustering"]) == set(clusterings)


def test_identical_clusterings_add_no_linkage_uncertainty() -> None:
    cols = _histories(3000, 4, (0.3, 0.4, 0.5))
    tables = {f"sample={k}": capture_table(cols) for k in range(1, 4)}
    est = estimate_over_clusterings(tables, estimate_loglinear)
    assert est.details["linkage"]["share_linkage"] == pytest.approx(0.0, abs=0.02)
    single = estimate_loglinear(tables["sample=1"])
    assert est.intervals[0].lower == pytest.approx(single.interval.lower, rel=0.05)
    assert est.intervals[0].upper == pytest.approx(single.interval.upper, rel=0.05)


def test_thresholds_are_left_out_when_samples_exist() -> None:
    labels = ["threshold=0.5", "threshold=0.2", "sample=1", "sample=2"]
    assert plausible_clusterings(labels) == ["sample=1", "sample=2"]
    assert plausible_clusterings(["threshold=0.5"]) == ["threshold=0.5"]


def test_no_clusterings_is_refused() -> None:
    with pytest.raises(EstimationError):
        estimate_over_clusterings({}, estimate_loglinear)


def test_cli_over_clustering_reports_the_decomposition(tmp_path: Path) -> None:
    from expediente.cli.estimate import command

    clusterings = {"threshold=0.5": _histories(2000, 1, (0.3, 0.35, 0.4))}
    clusterings |= {f"sample={k}": _histories(1900 + 100 * k, k, (0.3, 0.35, 0.4)) for k in (1, 2)}
    path = tmp_path / "capture_histories.csv"
    _long(clusterings).write_csv(path)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        command, [str(path), "--over", "clustering", "--out", str(out), "--chart", "none"]
    )
    assert result.exit_code == 0, result.output
    assert "linkage-mixture" in result.output
    assert "of the variance (log N) is linkage" in result.output
    stored = (out / "estimate-loglinear.json").read_text()
    assert '"share_linkage"' in stored and '"main_clustering": "threshold=0.5"' in stored
    both = CliRunner().invoke(command, [str(path), "--over", "clustering", "--each", "clustering"])
    assert both.exit_code == 2


@pytest.mark.slow
@pytest.mark.parametrize(("size", "truth"), [("small", 600), ("large", 56_000)])
def test_demo_case_interval_with_linkage_uncertainty_holds_the_truth(size: str, truth: int) -> None:
    demo = pytest.importorskip("expediente.demo")
    from expediente.linkage import LinkConfig, link_records
    from expediente.linkage.inputs import read_case_directory

    out = Path(tempfile.mkdtemp()) / f"demo-7-{size}"
    demo.write_demo_case(demo.generate(seed=7, size=size), out)
    result = link_records(read_case_directory(out), LinkConfig())
    tables = split_strata(result.capture_histories().drop("person_id"), "clustering", count=None)
    sources = sorted(result.sources)
    for label, table in list(tables.items()):
        for i in range(5):  # 20 sources, merged round-robin into 5 lists
            table = table.merge_lists(sources[i::5], f"G{i + 1}")
        tables[label] = table
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = estimate_over_clusterings(
            tables, estimate_loglinear, main=result.clusterings[0].label, selection="average"
        )
    interval = est.intervals[0]
    assert interval.method == "linkage-mixture"
    assert interval.lower <= truth <= interval.upper
    assert interval.upper - interval.lower >= est.intervals[1].upper - est.intervals[1].lower
