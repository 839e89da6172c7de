"""Bayesian latent-class multiple-systems estimation (LCMCR; Manrique-Vallier 2016).

Runs several independent Gibbs chains (different seeds derived from one seed), pools their
draws of N, and reports convergence diagnostics. When the chains disagree — a known failure
mode of this model on some tables, where single chains sit in different posterior modes — the
result carries a loud warning instead of quietly averaging the modes together.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypedDict

import numpy as np

from expediente.estimation.captures import CaptureTable
from expediente.estimation.diagnostics import effective_sample_size, split_rhat
from expediente.estimation.errors import EstimationError

__all__ = ["ChainDisagreementWarning", "LcmcrPosterior", "run_lcmcr"]


class ChainDisagreementWarning(UserWarning):
    """Independent chains of a sampler reached different answers."""



class LcmcrDiagnostics(TypedDict):
    """Convergence summary of the chains (see :meth:`LcmcrPosterior.diagnostics`)."""

    rhat_n: float
    rhat_p0: float
    rhat_k_star: float
    ess_n: float
    ess_k_star: float
    chain_medians: list[float]
    k_star_mean: float

@dataclass(frozen=True, eq=False)
class LcmcrPosterior:
    """Posterior draws of an LCMCR run.

    Attributes:
        n_observed: People recorded by at least one list.
        n_draws: ``(chains, samples)`` draws of N.
        k_star: ``(chains, samples)`` number of occupied latent classes.
        alpha: ``(chains, samples)`` stick-breaking concentration.
        p0: ``(chains, samples)`` probability of being missed by every list.
        seeds: Seed of each chain.
        settings: The sampler settings used.
    """

    n_observed: int
    n_draws: np.ndarray
    k_star: np.ndarray
    alpha: np.ndarray
    p0: np.ndarray
    seeds: tuple[int, ...]
    settings: dict[str, float | int]

    @property
    def median(self) -> float:
        """Posterior median of N (pooled chains)."""
        return float(np.median(self.n_draws))

    @property
    def mean(self) -> float:
        """Posterior mean of N."""
        return float(np.mean(self.n_draws))

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        """Equal-tailed posterior interval of N."""
        q = np.quantile(self.n_draws, [(1 - level) / 2, (1 + level) / 2])
        return float(q[0]), float(q[1])

    def diagnostics(self) -> LcmcrDiagnostics:
        """R-hat and effective sample size of N and of the occupied classes; chain medians."""
        return {
            "rhat_n": split_rhat(self.n_draws),
            "rhat_p0": split_rhat(self.p0),
            "rhat_k_star": split_rhat(self.k_star),
            "ess_n": effective_sample_size(self.n_draws),
            "ess_k_star": effective_sample_size(self.k_star),
            "chain_medians": [float(x) for x in np.median(self.n_draws, axis=1)],
            "k_star_mean": float(self.k_star.mean()),
        }

    def disagreement(self, rhat_limit: float = 1.1, ratio_limit: float = 1.25) -> str | None:
        """A message if chains disagree (R-hat of N above the limit, or chain medians apart)."""
        if self.n_draws.shape[0] < 2:
            return None
        d = self.diagnostics()
        med = np.asarray(d["chain_medians"])
        ratio = float(med.max() / max(med.min(), 1.0))
        if d["rhat_n"] > rhat_limit or ratio > ratio_limit:
            return (
                f"LCMCR chains DISAGREE: R-hat of N = {d['rhat_n']:.3f} (limit {rhat_limit}), "
                f"chain medians {', '.join(f'{m:,.0f}' for m in med)}. The posterior has "
                "several modes or the chains are too short; do not report this estimate "
                "without longer chains (more burn-in and thinning) and a comparison with "
                "log-linear fits."
            )
        return None


def chain_seeds(seed: int, chains: int) -> tuple[int, ...]:
    """Independent per-chain seeds derived from one seed."""
    state = np.random.SeedSequence(seed).generate_state(chains, dtype=np.uint32)
    return tuple(int(s) & 0x7FFFFFFF for s in state)


def run_lcmcr(
    table: CaptureTable,
    *,
    k_classes: int = 5,
    a_alpha: float = 0.25,
    b_alpha: float = 0.25,
    burnin: int = 10000,
    samples: int = 1000,
    thinning: int = 10,
    chains: int = 4,
    seed: int = 12345,
    n_jobs: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> LcmcrPosterior:
    """Sample the LCMCR posterior with several chains.

    Args:
        table: Capture table.
        k_classes: Truncation level K of the stick-breaking mixture.
        a_alpha: Shape of the Gamma prior on the concentration alpha.
        b_alpha: Rate of that prior.
        burnin: Iterations discarded per chain (after a 500-iteration warm-up).
        samples: Draws kept per chain.
        thinning: Iterations between kept draws.
        chains: Number of independent chains.
        seed: Master seed; chain seeds are derived from it.
        n_jobs: Threads running chains at once (default: up to the CPU count).
        progress: Called with 1 each time a chain finishes.
    """
    from expediente.estimation.lcmcr_sampler import run_chain

    if k_classes < 1 or burnin < 0 or samples < 1 or thinning < 1 or chains < 1:
        raise EstimationError(
            "LCMCR settings must be positive: K >= 1, burnin >= 0, samples >= 1, "
            "thinning >= 1, chains >= 1"
        )
    if a_alpha <= 0 or b_alpha <= 0:
        raise EstimationError("a_alpha and b_alpha must be positive")
    obs = table.nonzero()
    patterns = np.ascontiguousarray(obs.patterns, dtype=np.int8)
    counts = np.ascontiguousarray(obs.counts, dtype=np.int64)
    seeds = chain_seeds(seed, chains)

    def one(s: int) -> tuple[np.ndarray, ...]:
        out = run_chain(
            patterns,
            counts,
            k_classes,
            float(a_alpha),
            float(b_alpha),
            burnin,
            samples,
            thinning,
            s,
        )
        if progress is not None:
            progress(1)
        return out

    workers = max(1, min(chains, n_jobs or (os.cpu_count() or 1)))
    if workers == 1:
        outs = [one(s) for s in seeds]
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            outs = list(pool.map(one, seeds))
    post = LcmcrPosterior(
        n_observed=obs.n_observed,
        n_draws=np.stack([o[0] for o in outs]),
        k_star=np.stack([o[1] for o in outs]),
        alpha=np.stack([o[2] for o in outs]),
        p0=np.stack([o[3] for o in outs]),
        seeds=seeds,
        settings={
            "k_classes": k_classes,
            "a_alpha": a_alpha,
            "b_alpha": b_alpha,
            "burnin": burnin,
            "samples": samples,
            "thinning": thinning,
            "chains": chains,
            "warmup": 500,
        },
    )
    message = post.disagreement()
    if message:
        warnings.warn(message, ChainDisagreementWarning, stacklevel=2)
    return post
