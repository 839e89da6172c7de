"""Linkage's capture histories feed estimation as they are, and a table with too many lists for
a log-linear model is refused at once with what to do instead."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

from expediente.cli.estimate import command
from expediente.estimation import EstimationError, capture_table, estimate_loglinear


def test_a_person_id_column_is_not_a_list(tmp_path):
    path = tmp_path / "capture_history.csv"
    path.write_text("person_id,SRC-01,SRC-02,SRC-03\nP1,1,0,1\nP2,0,1,0\nP3,1,1,0\nP4,0,0,1\n",
                    encoding="utf-8")
    table = capture_table(path)
    assert list(table.lists) == ["SRC-01", "SRC-02", "SRC-03"]
    assert table.n_observed == 4


def test_the_command_reads_linkage_output_directly(tmp_path):
    rng = np.random.default_rng(3)
    rows = ["person_id,A,B,C"]
    for i in range(400):
        row = (rng.random(3) < 0.4).astype(int)
        if row.any():
            rows.append(f"P{i}," + ",".join(map(str, row)))
    path = tmp_path / "capture_history.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = CliRunner().invoke(command, [str(path), "--n-boot", "0", "--chart", "none"])
    assert result.exit_code == 0, result.output
    assert "loglinear: recorded" in result.output


def test_too_many_lists_for_a_loglinear_model_are_refused_with_advice():
    rng = np.random.default_rng(1)
    columns = {f"L{j:02d}": (rng.random(300) < 0.3).astype(int) for j in range(13)}
    seen = np.any(np.stack(list(columns.values())), axis=0)
    table = capture_table({k: v[seen] for k, v in columns.items()})
    with pytest.raises(EstimationError, match=r"too many for a log-linear model.*lcmcr"):
        estimate_loglinear(table)


def test_each_clustering_is_estimated_on_its_own_to_show_linkage_sensitivity(tmp_path):
    rng = np.random.default_rng(5)
    rows = ["clustering,person_id,A,B,C"]
    for label, n in (("threshold=0.5", 400), ("threshold=0.9", 480)):
        for i in range(n):
            row = (rng.random(3) < 0.4).astype(int)
            if row.any():
                rows.append(f"{label},P{i}," + ",".join(map(str, row)))
    path = tmp_path / "capture_histories.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = CliRunner().invoke(command, [str(path), "--each", "clustering", "--n-boot", "0",
                                          "--chart", "none"])
    assert result.exit_code == 0, result.output
    assert "[threshold=0.5] loglinear" in result.output
    assert "[threshold=0.9] loglinear" in result.output
    assert "across 2 values of clustering" in result.output
    assert "TOTAL" not in result.output  # clusterings are alternatives, never summed
