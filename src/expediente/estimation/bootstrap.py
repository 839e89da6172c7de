"""Bias-corrected and accelerated (BCa) bootstrap for log-linear estimates.

Each replicate redistributes the ``n`` observed people over the observed cells by
multinomial resampling and repeats the *whole* estimation, model selection included, so the
interval reflects the uncertainty of choosing the model too. The acceleration comes from a
jackknife that removes one person from each non-empty cell in turn (Efron 1987). All
replicates are fitted together (batched IRLS, lock-step selection).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

from expediente.estimation.captures import CaptureTable
from expediente.estimation.design import Design, Term
from expediente.estimation.existence import EstimabilityCache
from expediente.estimation.loglinear import parse_terms
from expediente.estimation.poisson import fit_poisson
from expediente.estimation.selection import stepwise_batch

__all__ = ["BootstrapInterval", "bca_interval", "estimate_batch"]


@dataclass(frozen=True, eq=False)
class BootstrapInterval:
    """BCa interval and the replicates behind it.

    Attributes:
        lower: Lower limit.
        upper: Upper limit.
        level: Coverage level.
        n_boot: Replicates requested.
        n_failed: Replicates whose model could not be fitted (left out).
        bias_correction: ``z0``.
        acceleration: ``a`` from the jackknife.
        seed: Seed of the resampling generator.
        replicates: Estimates of N from the fitted replicates.
    """

    lower: float
    upper: float
    level: float
    n_boot: int
    n_failed: int
    bias_correction: float
    acceleration: float
    seed: int
    replicates: np.ndarray


def estimate_batch(
    design: Design,
    y: np.ndarray,
    *,
    method: str,
    terms: Sequence[Term] = (),
    pthresh: float = 0.02,
    cache: EstimabilityCache | None = None,
) -> np.ndarray:
    """Population estimates for each row of ``y`` (NaN where the model cannot be fitted)."""
    cache = cache or EstimabilityCache()
    n = y.sum(axis=1)
    if method == "stepwise":
        _, log_dark, _ = stepwise_batch(design, y, pthresh, cache)
        return n + np.exp(log_dark)
    if method != "fixed":
        raise ValueError(f"unknown method {method!r}; use 'stepwise' or 'fixed'")
    included = np.zeros((y.shape[0], len(design.terms)), dtype=bool)
    for t in terms:
        included[:, design.terms.index(t)] = True
    col, cell, _ = design.masks(y, included)
    ok = np.array([all(cache.check(design.x, y[b], col[b], cell[b])) for b in range(y.shape[0])])
    out = np.full(y.shape[0], np.nan)
    if ok.any():
        fit = fit_poisson(design.x, y[ok], col[ok], cell[ok])
        out[ok] = n[ok] + np.exp(fit.beta[:, 0])
    return out


def bca_interval(
    table: CaptureTable,
    *,
    method: str = "stepwise",
    terms: Sequence[str | Sequence[str] | Term] = (),
    pthresh: float = 0.02,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 1234,
    batch_size: int = 250,
) -> BootstrapInterval:
    """BCa interval for N under stepwise selection or a fixed model.

    Args:
        table: Capture table.
        method: ``"stepwise"`` (selection repeated per replicate) or ``"fixed"``.
        terms: Interaction terms of the fixed model.
        pthresh: Threshold of the stepwise rule.
        n_boot: Number of bootstrap replicates.
        level: Coverage level.
        seed: Seed of the NumPy generator used for resampling.
        batch_size: Replicates fitted together (bounds memory).
    """
    idx_terms = parse_terms(terms, table.lists)
    design = Design.build(table.n_lists, None if method == "stepwise" else idx_terms)
    cache = EstimabilityCache()
    y = table.full_counts()[1:].astype(float)
    n = int(y.sum())

    def estimate(batch: np.ndarray) -> np.ndarray:
        # The same design, model choice and estimability cache for every batch of replicates.
        return estimate_batch(
            design, batch, method=method, terms=idx_terms, pthresh=pthresh, cache=cache
        )

    theta = float(estimate(y[None, :])[0])

    rng = np.random.default_rng(seed)
    draws = rng.multinomial(n, y / n, size=n_boot).astype(float)
    reps = np.concatenate(
        [estimate(draws[s : s + batch_size]) for s in range(0, n_boot, batch_size)]
    )
    good = np.isfinite(reps)
    reps_ok = reps[good]

    cells = np.flatnonzero(y > 0)
    jack_y = np.repeat(y[None, :], cells.size, axis=0)
    jack_y[np.arange(cells.size), cells] -= 1.0
    jack = estimate(jack_y)
    w = y[cells]
    fin = np.isfinite(jack)
    w, jack = w[fin], jack[fin]
    jbar = np.sum(w * jack) / np.sum(w)
    d = jbar - jack
    denom = 6.0 * np.sum(w * d**2) ** 1.5
    a = float(np.sum(w * d**3) / denom) if denom > 0 else 0.0

    prop = (np.sum(reps_ok < theta) + 0.5 * np.sum(reps_ok == theta)) / max(reps_ok.size, 1)
    prop = min(max(prop, 1.0 / (reps_ok.size + 1)), 1.0 - 1.0 / (reps_ok.size + 1))
    z0 = float(norm.ppf(prop))
    limits = []
    for alpha in ((1 - level) / 2, (1 + level) / 2):
        za = norm.ppf(alpha)
        adj = norm.cdf(z0 + (z0 + za) / (1.0 - a * (z0 + za)))
        limits.append(float(np.quantile(reps_ok, adj)))
    return BootstrapInterval(
        lower=limits[0],
        upper=limits[1],
        level=level,
        n_boot=n_boot,
        n_failed=int((~good).sum()),
        bias_correction=z0,
        acceleration=a,
        seed=seed,
        replicates=reps_ok,
    )
