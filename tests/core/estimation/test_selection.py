from __future__ import annotations

import numpy as np

from expediente.estimation import (
    CaptureTable,
    estimate_loglinear,
    model_average,
    select_by_criterion,
    simulate_captures,
    stepwise,
)
from expediente.estimation.design import Design
from expediente.estimation.selection import overlap_pvalues


def test_bic_is_no_larger_a_model_than_aic(uk5: CaptureTable) -> None:
    aic, _ = select_by_criterion(uk5, "aic")
    bic, _ = select_by_criterion(uk5, "bic")
    assert len(bic.terms) <= len(aic.terms)
    assert set(bic.terms) <= set(aic.terms) | set(bic.terms)
    # each criterion's chosen model beats independence on that criterion
    ind = estimate_loglinear(uk5, selection="independence")
    assert aic.aic < ind.details["aic"]


def test_model_average_lies_within_the_spread_of_models(western: CaptureTable) -> None:
    avg = model_average(western)
    assert avg.n_models > 100
    estimates = [m[2] for m in avg.top_models]
    assert avg.lower < avg.estimate < avg.upper
    assert min(estimates) * 0.5 < avg.estimate < max(estimates) * 2
    weights = [m[1] for m in avg.top_models]
    assert weights == sorted(weights, reverse=True)


def test_overlap_pvalue_is_small_for_a_strong_dependence() -> None:
    table = simulate_captures(5000, [[0.2, 0.2, 0.2, 0.2]], dependence=0.5, seed=3)
    design = Design.build(table.n_lists)
    _, steps = stepwise(table)
    assert steps[0].term == "L1:L2"
    y = table.full_counts()[1:].astype(float)
    # under the independence fit the L1:L2 overlap is far from expected
    from expediente.estimation.poisson import fit_poisson

    col, cell, _ = design.masks(y[None, :], np.zeros((1, len(design.terms)), bool))
    mu = fit_poisson(design.x, y[None, :], col, cell).mu
    p = overlap_pvalues(design, y[None, :], mu)[0]
    assert p[0] < 1e-6


def test_eight_list_stepwise_runs_and_finds_the_planted_pair() -> None:
    probs = [[0.15, 0.1, 0.2, 0.12, 0.1, 0.18, 0.08, 0.14]]
    table = simulate_captures(20000, probs, dependence=0.4, seed=11)
    fit, steps = stepwise(table)
    assert steps and steps[0].term == "L1:L2"
    assert table.n_observed < fit.estimate
