"""Capture is heterogeneous and dependent, so multiple-systems estimation is non-trivial."""

from __future__ import annotations

import numpy as np
import pytest

from expediente.demo import DemoCase, generate


@pytest.fixture(scope="module")
def capture(small_case: DemoCase) -> tuple[np.ndarray, list[dict[str, str]], list[str]]:
    persons = small_case.truth.persons.records()
    codes = [s.spec.code for s in small_case.sources]
    matrix = np.array([[code in p["sources"].split(";") for code in codes] for p in persons])
    return matrix, persons, codes


def test_sources_capture_unequal_overlapping_subsets(capture) -> None:
    matrix, _, _ = capture
    shares = matrix.mean(axis=0)
    assert shares.min() > 0
    assert shares.max() / shares.min() > 5  # unequal sources
    listed = matrix.sum(axis=1)
    assert (listed >= 2).mean() > 0.2  # overlapping lists
    assert 0.1 < (listed == 0).mean() < 0.5  # a real undocumented remainder


def test_visible_victims_are_listed_more_often(capture) -> None:
    matrix, persons, _ = capture
    listed = matrix.sum(axis=1)
    visibility = np.array([float(p["visibility"]) for p in persons])
    high, low = listed[visibility > 1.0].mean(), listed[visibility < -1.0].mean()
    assert high > 2 * low


def test_list_dependence(capture) -> None:
    matrix, _, codes = capture
    first, second = matrix[:, codes.index("SRC-01")], matrix[:, codes.index("SRC-02")]
    assert second[first].mean() > 3 * second[~first].mean()


def test_regional_source_covers_its_region(capture) -> None:
    matrix, persons, codes = capture
    andean = np.array([p["state"] in ("VE-S", "VE-L", "VE-T", "VE-V") for p in persons])
    regional = matrix[:, codes.index("SRC-04")]
    assert regional[andean].mean() > 10 * max(regional[~andean].mean(), 1e-3)


def test_specialised_sources_list_only_their_victims(small_case: DemoCase, capture) -> None:
    matrix, persons, codes = capture
    morgue = matrix[:, codes.index("SRC-17")]
    killed = {
        row["true_person_id"]
        for row in small_case.truth.true_acts.records()
        if row["act_type"].startswith("act.killing")
    }
    assert morgue.any()
    assert all(p["true_person_id"] in killed for p, hit in zip(persons, morgue, strict=True) if hit)


def test_capture_pattern_changes_with_seed(capture) -> None:
    matrix, _, _ = capture
    other = generate(seed=99, size="small").truth.persons.column("n_sources")
    assert [int(n) for n in other] != list(matrix.sum(axis=1))
