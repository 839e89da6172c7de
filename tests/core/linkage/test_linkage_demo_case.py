"""Linkage on the demo case (written by an independent generator): accuracy floors."""

from __future__ import annotations

from pathlib import Path

import pytest

from expediente.linkage import LinkConfig, link_records
from expediente.linkage.inputs import read_case_directory

demo = pytest.importorskip("expediente.demo")


def test_demo_case_victims_resolve(tmp_path: Path) -> None:
    try:
        case = demo.generate(seed=7, size="small")
    except NotImplementedError:
        pytest.skip("the demo case generator is not available")
    demo.write_demo_case(case, tmp_path / "case")
    records = read_case_directory(tmp_path / "case")
    result = link_records(records, LinkConfig(truth_column="true_person_id"))
    metrics = result.evaluation[result.clusterings[0].label]
    assert metrics.pair_f1 >= 0.85
    assert abs(metrics.persons_error) <= 0.10
    history = result.capture_history
    assert history.height == metrics.persons_counted
