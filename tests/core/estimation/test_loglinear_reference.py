"""Log-linear fits reproduce the published reference values (tests/data/mse/README.md).

Deterministic maximum-likelihood fits: point and Wald limits to within 1 case.
"""

from __future__ import annotations

import pytest

from expediente.estimation import (
    CaptureTable,
    ModelNotEstimableError,
    estimate_loglinear,
    fit_loglinear,
    profile_interval,
    stepwise,
)


def close(value: float, target: float, tol: float = 1.0) -> bool:
    return abs(value - target) <= tol


def test_uk5_independence(uk5: CaptureTable) -> None:
    fit = fit_loglinear(uk5)
    lo, hi = fit.wald_interval()
    assert close(fit.estimate, 13444) and close(lo, 11985) and close(hi, 15133)


def test_uk5_stepwise_selects_reference_terms_and_value(uk5: CaptureTable) -> None:
    fit, steps = stepwise(uk5)
    assert fit.term_names == ("LA:NG", "NG:GP", "PFNCA:GP", "LA:PFNCA", "GO:GP", "NG:GO")
    assert all(s.statistic < 0.02 for s in steps)
    lo, hi = fit.wald_interval()
    assert close(fit.estimate, 11313) and close(lo, 9884) and close(hi, 13027)


def test_uk5_profile_likelihood(uk5: CaptureTable) -> None:
    terms = ["LA:NG", "NG:GP", "PFNCA:GP", "LA:PFNCA", "GO:GP", "NG:GO"]
    n_hat, lo, hi = profile_interval(uk5, terms)
    assert close(n_hat, 11303.87, 0.5)  # the multinomial profile maximiser, not n + exp(u)
    assert close(lo, 9889) and close(hi, 13063)


def test_uk6_stepwise_and_independence(uk6: CaptureTable) -> None:
    fit, _ = stepwise(uk6)
    lo, hi = fit.wald_interval()
    assert close(fit.estimate, 11418) and close(lo, 9977) and close(hi, 13146)
    ind = fit_loglinear(uk6)
    lo, hi = ind.wald_interval()
    assert close(ind.estimate, 12214) and close(lo, 10989) and close(hi, 13621)


def test_new_orleans_stepwise_selects_nothing(new_orleans: CaptureTable) -> None:
    fit, steps = stepwise(new_orleans)
    assert steps == ()
    lo, hi = fit.wald_interval()
    assert close(fit.estimate, 1034) and close(lo, 658) and close(hi, 1709)


def test_western_stepwise_and_independence(western: CaptureTable) -> None:
    fit, _ = stepwise(western)
    assert fit.term_names == ("A:E",)
    lo, hi = fit.wald_interval()
    assert close(fit.estimate, 2483) and close(lo, 1657) and close(hi, 3830)
    ind = fit_loglinear(western)
    lo, hi = ind.wald_interval()
    assert close(ind.estimate, 2007) and close(lo, 1420) and close(hi, 2914)


def test_artificial_table_refusals(artificial: CaptureTable) -> None:
    with pytest.raises(ModelNotEstimableError, match="does not exist"):
        fit_loglinear(artificial, ["A:B"])
    with pytest.raises(ModelNotEstimableError, match="does not exist"):
        fit_loglinear(artificial, ["A:B", "B:C"])
    with pytest.raises(ModelNotEstimableError, match="not identifiable"):
        fit_loglinear(artificial, ["A:B", "A:C", "B:C"])
    ind = fit_loglinear(artificial)
    lo, hi = ind.wald_interval()
    assert close(ind.estimate, 539) and close(lo, 279) and close(hi, 1171)


def test_highest_order_interaction_is_refused(artificial: CaptureTable) -> None:
    with pytest.raises(ValueError, match="highest-order interaction"):
        fit_loglinear(artificial, [("A", "B", "C")])


def test_hiv_mt_and_mt_with_interaction(hiv: CaptureTable) -> None:
    assert close(fit_loglinear(hiv).estimate, 11125)
    n_hat, lo, hi = profile_interval(hiv, ["c1:c2"])
    assert close(n_hat, 12308) and close(lo, 10266) and close(hi, 14992)


def test_estimate_carries_parameters_hash_and_intervals(uk5: CaptureTable) -> None:
    est = estimate_loglinear(uk5, selection="stepwise")
    assert est.parameters["pthresh"] == 0.02
    assert est.input_sha256 == uk5.sha256()
    assert [iv.method for iv in est.intervals] == ["wald-log", "profile"]
    assert est.details["terms"][0] == "LA:NG"
