"""Convergence diagnostics for Markov chain Monte Carlo draws.

* **Split R-hat** (Gelman et al. 2013): each chain is cut in half and the between-half
  variance is compared with the within-half variance; values above about 1.01-1.1 mean the
  chains have not mixed (they disagree).
* **Effective sample size** (Geyer's initial positive sequence on the autocorrelations averaged
  over chains): how many independent draws the correlated draws are worth.
"""

from __future__ import annotations

import numpy as np

__all__ = ["effective_sample_size", "split_rhat"]


def split_rhat(draws: np.ndarray) -> float:
    """Split R-hat of ``(chains, draws)``; 1.0 for constant draws."""
    draws = np.atleast_2d(np.asarray(draws, dtype=float))
    half = draws.shape[1] // 2
    if half < 2:
        return float("nan")
    parts = np.concatenate([draws[:, :half], draws[:, half : 2 * half]], axis=0)
    n = parts.shape[1]
    within = parts.var(axis=1, ddof=1).mean()
    between = n * parts.mean(axis=1).var(ddof=1)
    if within == 0:
        return 1.0 if between == 0 else float("inf")
    var_plus = (n - 1) / n * within + between / n
    return float(np.sqrt(var_plus / within))


def effective_sample_size(draws: np.ndarray) -> float:
    """Multi-chain effective sample size of ``(chains, draws)``."""
    draws = np.atleast_2d(np.asarray(draws, dtype=float))
    m, n = draws.shape
    if n < 4:
        return float("nan")
    centred = draws - draws.mean(axis=1, keepdims=True)
    size = 1 << int(np.ceil(np.log2(2 * n)))
    spec = np.fft.rfft(centred, n=size, axis=1)
    acov = np.fft.irfft(spec * np.conj(spec), n=size, axis=1)[:, :n] / n
    chain_var = acov[:, 0] * n / (n - 1)
    within = chain_var.mean()
    if within == 0:
        return float(m * n)
    var_plus = (n - 1) / n * within + (draws.mean(axis=1).var(ddof=1) if m > 1 else 0.0)
    rho = 1.0 - (within - acov.mean(axis=0)) / var_plus
    rho[0] = 1.0
    # Geyer: sum autocorrelation pairs while they stay positive (and non-increasing).
    total = 0.0
    prev = np.inf
    for t in range(0, n - 1, 2):
        pair = rho[t] + rho[t + 1]
        if pair <= 0:
            break
        pair = min(pair, prev)
        total += pair
        prev = pair
    tau = -1.0 + 2.0 * total
    return float(m * n / max(tau, 1e-12))
