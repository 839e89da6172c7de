"""Choosing two-way interactions: stepwise rule, information criteria, model averaging.

**Stepwise (Chan, Silverman & Vincent 2021).** Start from main effects. For every two-way
term not yet in the model, compare the observed total overlap of its two lists (all cells
containing both) with the total the current model expects: the overlap is Poisson under the
model, and the two-sided tail probability ``min(P(X <= obs), P(X >= obs))`` is the term's
p-value. Add the term with the smallest p-value, skipping terms whose addition would make the
MLE non-existent or the model non-identifiable, while that p-value is below the threshold
(0.02 by default). Ties go to the first term in list order.

**Information criteria.** Forward selection adding the term that most lowers AIC (or BIC),
stopping when no addition lowers it.

**Model averaging** (Buckland, Burnham & Augustin 1997). Weights proportional to
``exp(-IC/2)`` over all estimable two-way models (up to 5 lists) or, for more lists, over the
models met by forward selection and their one-term neighbours. The averaged log dark figure
gets the variance ``(sum_m w_m sqrt(var_m + (u_m - u_bar)^2))^2``, which adds the spread
between models to each model's own uncertainty.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.stats import norm, poisson

from expediente.estimation.captures import CaptureTable
from expediente.estimation.design import Design, all_pairs, term_name
from expediente.estimation.errors import ModelNotEstimableError
from expediente.estimation.existence import EstimabilityCache
from expediente.estimation.loglinear import LoglinearFit, fit_loglinear
from expediente.estimation.poisson import fit_poisson

__all__ = [
    "AveragedEstimate",
    "SelectionStep",
    "model_average",
    "select_by_criterion",
    "stepwise",
    "stepwise_batch",
]


@dataclass(frozen=True)
class SelectionStep:
    """One term added during selection and the statistic that justified it."""

    term: str
    statistic: float  # p-value (stepwise) or criterion value after adding (AIC/BIC)


def overlap_pvalues(design: Design, y: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """Two-sided Poisson tail probability of each term's observed overlap under ``mu``."""
    tc = design.term_cells.astype(float)
    observed = y @ tc
    expected = mu @ tc
    return np.minimum(poisson.cdf(observed, expected), poisson.sf(observed - 1, expected))


def stepwise_batch(
    design: Design,
    y: np.ndarray,
    pthresh: float = 0.02,
    cache: EstimabilityCache | None = None,
) -> tuple[np.ndarray, np.ndarray, list[list[tuple[int, float]]]]:
    """Run the stepwise rule on B tables at once (rows of ``y``, observable cells).

    Returns:
        ``(included (B, K), log_dark (B,), paths)`` where ``paths[b]`` lists the
        ``(term index, p-value)`` added in order.
    """
    cache = cache or EstimabilityCache()
    y = np.atleast_2d(np.asarray(y, dtype=float))
    b_count, k_count = y.shape[0], len(design.terms)
    included = np.zeros((b_count, k_count), dtype=bool)
    col, cell, _ = design.masks(y, included)
    fit = fit_poisson(design.x, y, col, cell)
    mu, log_dark = fit.mu.copy(), fit.beta[:, 0].copy()
    active = np.ones(b_count, dtype=bool)
    paths: list[list[tuple[int, float]]] = [[] for _ in range(b_count)]
    for _ in range(k_count):
        rows = np.flatnonzero(active)
        if rows.size == 0:
            break
        pvals = overlap_pvalues(design, y[rows], mu[rows])
        pvals[included[rows]] = np.inf
        changed = []
        for r, b in enumerate(rows):
            chosen = -1
            for k in np.argsort(pvals[r], kind="stable"):
                if not pvals[r, k] < pthresh:
                    break
                trial = included[b].copy()
                trial[k] = True
                c1, c2, _ = design.masks(y[b][None, :], trial[None, :])
                exists, ident = cache.check(design.x, y[b], c1[0], c2[0])
                if exists and ident:
                    chosen = int(k)
                    break
            if chosen < 0:
                active[b] = False
            else:
                included[b, chosen] = True
                paths[b].append((chosen, float(pvals[r, chosen])))
                changed.append(b)
        if changed:
            ch = np.asarray(changed)
            col, cell, _ = design.masks(y[ch], included[ch])
            fit = fit_poisson(design.x, y[ch], col, cell)
            mu[ch] = fit.mu
            log_dark[ch] = fit.beta[:, 0]
    return included, log_dark, paths


def stepwise(
    table: CaptureTable, pthresh: float = 0.02
) -> tuple[LoglinearFit, tuple[SelectionStep, ...]]:
    """Stepwise selection of two-way terms by the Chan-Silverman-Vincent rule.

    Returns:
        The fitted selected model and the steps taken.
    """
    design = Design.build(table.n_lists)
    y = table.full_counts()[1:].astype(float)
    _, _, paths = stepwise_batch(design, y[None, :], pthresh)
    terms = [design.terms[k] for k, _ in paths[0]]
    steps = tuple(SelectionStep(term_name(design.terms[k], table.lists), p) for k, p in paths[0])
    # The selection checked every term it added, but not the starting model: with lists
    # that share nobody even main effects have no finite estimate, and that must be refused.
    return fit_loglinear(table, terms), steps


def _fit_many(
    table: CaptureTable, design: Design, models: np.ndarray, cache: EstimabilityCache
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Fit many models (rows of ``models``) on one table; non-estimable ones get ``ok=False``."""
    y = table.full_counts()[1:].astype(float)
    m = models.shape[0]
    yb = np.broadcast_to(y, (m, y.size))
    col, cell, empty = design.masks(yb, models)
    ok = np.zeros(m, dtype=bool)
    for i in range(m):
        exists, ident = cache.check(design.x, y, col[i], cell[i])
        ok[i] = exists and ident
    loglik = np.full(m, np.nan)
    log_dark = np.full(m, np.nan)
    var = np.full(m, np.nan)
    n_params = col.sum(axis=1) + empty.sum(axis=1)
    idx = np.flatnonzero(ok)
    for start in range(0, idx.size, 256):
        chunk = idx[start : start + 256]
        fit = fit_poisson(design.x, yb[chunk], col[chunk], cell[chunk])
        loglik[chunk] = fit.loglik
        log_dark[chunk] = fit.beta[:, 0]
        var[chunk] = fit.cov_intercept
    return ok, loglik, log_dark, var, n_params


def _criterion(loglik: np.ndarray, n_params: np.ndarray, n: int, criterion: str) -> np.ndarray:
    if criterion == "aic":
        return -2 * loglik + 2 * n_params
    if criterion == "bic":
        return -2 * loglik + math.log(max(n, 2)) * n_params
    raise ValueError(f"unknown criterion {criterion!r}; use 'aic' or 'bic'")


def select_by_criterion(
    table: CaptureTable, criterion: str = "aic"
) -> tuple[LoglinearFit, tuple[SelectionStep, ...]]:
    """Forward selection of two-way terms by AIC or BIC."""
    design = Design.build(table.n_lists)
    cache = EstimabilityCache()
    k_count = len(design.terms)
    current = np.zeros(k_count, dtype=bool)
    ok, ll, _, _, npar = _fit_many(table, design, current[None, :], cache)
    if not ok[0]:
        raise ModelNotEstimableError(
            "the independence model cannot be fitted to this table: the lists share too few "
            "people (the maximum-likelihood estimate does not exist)"
        )
    best = float(_criterion(ll, npar, table.n_observed, criterion)[0])
    steps: list[SelectionStep] = []
    while not current.all():
        cand = np.flatnonzero(~current)
        models = np.repeat(current[None, :], cand.size, axis=0)
        models[np.arange(cand.size), cand] = True
        ok, ll, _, _, npar = _fit_many(table, design, models, cache)
        ic = np.where(ok, _criterion(ll, npar, table.n_observed, criterion), np.inf)
        i = int(np.argmin(ic))
        if not ic[i] < best - 1e-9:
            break
        best = float(ic[i])
        current[cand[i]] = True
        steps.append(SelectionStep(term_name(design.terms[cand[i]], table.lists), best))
    terms = [t for t, inc in zip(design.terms, current, strict=True) if inc]
    return fit_loglinear(table, terms, check=False), tuple(steps)


@dataclass(frozen=True)
class AveragedEstimate:
    """Model-averaged population estimate.

    Attributes:
        estimate: ``n + exp(u_bar)`` with ``u_bar`` the weighted mean log dark figure.
        lower: Lower limit (Wald on the averaged log dark figure).
        upper: Upper limit.
        n_models: Number of estimable models averaged.
        criterion: ``"aic"`` or ``"bic"``.
        top_models: The heaviest models as ``(terms, weight, estimate)``.
        log_dark_se: Standard error of the averaged log dark figure (between-model spread
            included), the quantity strata totals combine.
    """

    estimate: float
    lower: float
    upper: float
    n_models: int
    criterion: str
    top_models: tuple[tuple[tuple[str, ...], float, float], ...]
    log_dark_se: float


def model_average(
    table: CaptureTable, criterion: str = "aic", level: float = 0.95, top: int = 5
) -> AveragedEstimate:
    """Average the estimate over two-way log-linear models weighted by ``exp(-IC/2)``."""
    design = Design.build(table.n_lists)
    k_count = len(design.terms)
    cache = EstimabilityCache()
    if k_count <= 10:
        models = ((np.arange(2**k_count)[:, None] >> np.arange(k_count)) & 1).astype(bool)
    else:
        fit, _ = select_by_criterion(table, criterion)
        pairs = all_pairs(table.n_lists)
        path = np.zeros(k_count, dtype=bool)
        rows = [path.copy()]
        for t in fit.terms:
            path[pairs.index(t)] = True
            rows.append(path.copy())
        for r in list(rows):
            for k in range(k_count):
                nb = r.copy()
                nb[k] = ~nb[k]
                rows.append(nb)
        models = np.unique(np.asarray(rows), axis=0)
    ok, ll, log_dark, var, npar = _fit_many(table, design, models, cache)
    if not ok.any():
        raise ModelNotEstimableError(
            "no log-linear model can be fitted to this table, not even independence: the "
            "lists share too few people (the maximum-likelihood estimate does not exist)"
        )
    ic = _criterion(ll[ok], npar[ok], table.n_observed, criterion)
    w = np.exp(-(ic - ic.min()) / 2.0)
    w /= w.sum()
    u = log_dark[ok]
    u_bar = float(np.sum(w * u))
    se = float(np.sum(w * np.sqrt(var[ok] + (u - u_bar) ** 2)))
    z = norm.ppf(0.5 + level / 2.0)
    n = table.n_observed
    order = np.argsort(-w)[:top]
    ok_models = models[ok]
    top_models = tuple(
        (
            tuple(
                term_name(t, table.lists)
                for t, inc in zip(design.terms, ok_models[i], strict=True)
                if inc
            ),
            float(w[i]),
            float(n + math.exp(u[i])),
        )
        for i in order
    )
    return AveragedEstimate(
        estimate=n + math.exp(u_bar),
        lower=n + math.exp(u_bar - z * se),
        upper=n + math.exp(u_bar + z * se),
        n_models=int(ok.sum()),
        criterion=criterion,
        top_models=top_models,
        log_dark_se=se,
    )
