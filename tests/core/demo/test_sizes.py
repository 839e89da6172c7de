"""Sizes: small is a few hundred victims and about 1-2 thousand acts; large exactly 100,000."""

from __future__ import annotations

from pathlib import Path

import pytest

from expediente.demo import DemoCase, generate, write_demo_case
from expediente.demo.generator import source_codes, step_count


def test_small_case_size(small_case: DemoCase) -> None:
    summary = small_case.truth.summary
    assert 200 <= summary["documented_victims"] <= 900
    assert 800 <= summary["act_records"] <= 2500
    assert summary["act_records"] == len(small_case.truth.acts)
    assert len(small_case.sources) == 20
    assert summary["testimony_records"] > 50


def test_act_records_add_up(small_case: DemoCase) -> None:
    in_files = sum(
        len(s.victims) if s.spec.raw_headers else len(s.acts) for s in small_case.sources
    )
    assert in_files == small_case.truth.summary["act_records"]


def test_unknown_size_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown size 'huge'"):
        generate(seed=1, size="huge")  # type: ignore[arg-type]


@pytest.mark.slow
def test_large_case_has_exactly_100000_act_records() -> None:
    case = generate(seed=5, size="large")
    in_files = sum(len(s.victims) if s.spec.raw_headers else len(s.acts) for s in case.sources)
    assert in_files == case.truth.summary["act_records"] == 100_000
    assert case.truth.summary["documented_victims"] > 20_000


def test_progress_reports_every_step(tmp_path: Path) -> None:
    ticks: list[int] = []
    case = generate(seed=2, size="small", progress=ticks.append)
    assert sum(ticks) == step_count()
    written: list[int] = []
    write_demo_case(case, tmp_path, progress=written.append)
    assert sum(written) == len(source_codes()) + 2
