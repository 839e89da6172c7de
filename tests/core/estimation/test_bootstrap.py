"""BCa bootstrap. Limits depend on the resampling generator: the reference values (R,
SparseMSE) are matched within a tolerance, not exactly; the far lower tail of the stepwise
bootstrap is estimated from a handful of replicates and differs by up to about 10%."""

from __future__ import annotations

import numpy as np

from expediente.estimation import CaptureTable, bca_interval


def test_uk5_bca_near_reference(uk5: CaptureTable) -> None:
    boot = bca_interval(uk5, n_boot=1000, seed=1234)
    assert boot.n_failed == 0
    assert abs(boot.lower - 8785) / 8785 < 0.12
    assert abs(boot.upper - 14701) / 14701 < 0.10
    assert boot.lower < 11313 < boot.upper


def test_western_bca_near_reference(western: CaptureTable) -> None:
    boot = bca_interval(western, n_boot=1000, seed=1234)
    assert abs(boot.lower - 1293) / 1293 < 0.12
    assert abs(boot.upper - 3672) / 3672 < 0.10


def test_bootstrap_is_reproducible_from_its_seed(western: CaptureTable) -> None:
    a = bca_interval(western, n_boot=200, seed=7)
    b = bca_interval(western, n_boot=200, seed=7)
    c = bca_interval(western, n_boot=200, seed=8)
    assert np.array_equal(a.replicates, b.replicates)
    assert not np.array_equal(a.replicates, c.replicates)


def test_fixed_model_bootstrap(western: CaptureTable) -> None:
    boot = bca_interval(western, method="fixed", terms=["A:E"], n_boot=300, seed=3)
    assert boot.lower < 2483 < boot.upper
