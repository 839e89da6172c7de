"""The random variates of the LCMCR sampler follow their exact distributions.

Each generator of ``lcmcr_sampler`` (uniform, normal, gamma, binomial on each of its paths,
Poisson) is drawn many times from a fixed seed and compared with the distribution from scipy
by a chi-square test (discrete) or a Kolmogorov-Smirnov test (continuous). The seeds are
fixed, so the tests are deterministic; the thresholds (p > 1e-4) would catch any systematic
error in an algorithm or its constants at these sample sizes.
"""

from __future__ import annotations

import numpy as np
import pytest
from numba import njit
from scipy import stats

from expediente.estimation import lcmcr_sampler as sampler

DRAWS = 200_000


@njit
def _draw_binomial(seed: int, n: int, p: float, size: int) -> np.ndarray:
    st = sampler._seed_state(seed)
    out = np.empty(size, dtype=np.int64)
    for i in range(size):
        st, out[i] = sampler._binomial(st, n, p)
    return out


@njit
def _draw_poisson(seed: int, lam: float, size: int) -> np.ndarray:
    st = sampler._seed_state(seed)
    out = np.empty(size, dtype=np.int64)
    for i in range(size):
        st, out[i] = sampler._poisson(st, lam)
    return out


@njit
def _draw_gamma(seed: int, shape: float, size: int) -> np.ndarray:
    st = sampler._seed_state(seed)
    out = np.empty(size)
    for i in range(size):
        st, out[i] = sampler._gamma(st, shape)
    return out


@njit
def _draw_log_gamma(seed: int, shape: float, size: int) -> np.ndarray:
    st = sampler._seed_state(seed)
    out = np.empty(size)
    for i in range(size):
        st, out[i] = sampler._log_gamma_draw(st, shape)
    return out


@njit
def _draw_normal(seed: int, size: int) -> np.ndarray:
    st = sampler._seed_state(seed)
    out = np.empty(size)
    for i in range(size):
        st, out[i] = sampler._normal(st)
    return out


@njit
def _draw_uniform(seed: int, size: int) -> np.ndarray:
    st = sampler._seed_state(seed)
    out = np.empty(size)
    for i in range(size):
        st, out[i] = sampler._uniform(st)
    return out


def chi_square_p(draws: np.ndarray, pmf: np.ndarray) -> float:
    """Chi-square goodness of fit of integer draws to a pmf on 0..len(pmf)-1, with the
    sparse tails pooled so every bin expects at least 20 draws."""
    observed = np.bincount(draws, minlength=len(pmf)).astype(float)
    assert observed.size == pmf.size, "draw outside the support"
    expected = pmf * draws.size
    obs_bins, exp_bins = [], []
    acc_o = acc_e = 0.0
    for o, e in zip(observed, expected, strict=True):
        acc_o += o
        acc_e += e
        if acc_e >= 20:
            obs_bins.append(acc_o)
            exp_bins.append(acc_e)
            acc_o = acc_e = 0.0
    obs_bins[-1] += acc_o
    exp_bins[-1] += acc_e
    exp_arr = np.array(exp_bins)
    exp_arr *= draws.size / exp_arr.sum()
    return float(stats.chisquare(obs_bins, exp_arr).pvalue)


@pytest.mark.parametrize(
    ("n", "p"),
    [
        (995, 0.3),  # transformed rejection, large n p
        (60, 0.25),  # transformed rejection near its lower limit n p = 10
        (200, 0.02),  # inversion with a walk
        (2000, 0.0004),  # inversion, mostly settled by the zero bound
        (50, 0.005),  # few trials, rare: inversion
        (40, 0.1),  # few trials: Bernoulli trials counted
        (30, 0.8),  # p > 0.5: by symmetry
        (7, 0.5),
        (1, 0.3),
    ],
)
def test_binomial_is_exact(n: int, p: float) -> None:
    draws = _draw_binomial(11, n, p, DRAWS)
    assert draws.min() >= 0 and draws.max() <= n
    pmf = stats.binom.pmf(np.arange(n + 1), n, p)
    assert chi_square_p(draws, pmf) > 1e-4


def test_binomial_edge_cases() -> None:
    assert np.all(_draw_binomial(1, 50, 0.0, 100) == 0)
    assert np.all(_draw_binomial(1, 50, 1.0, 100) == 50)
    assert np.all(_draw_binomial(1, 0, 0.4, 100) == 0)


@pytest.mark.parametrize("lam", [0.7, 6.0, 25.0, 650.0, 15000.0])
def test_poisson_is_exact(lam: float) -> None:
    draws = _draw_poisson(12, lam, DRAWS)
    top = int(draws.max()) + 1
    pmf = stats.poisson.pmf(np.arange(top), lam)
    pmf[-1] += stats.poisson.sf(top - 1, lam)
    assert draws.min() >= 0
    assert chi_square_p(draws, pmf) > 1e-4


@pytest.mark.parametrize("shape", [0.3, 1.0, 2.5, 31.0, 2744.0])
def test_gamma_is_exact(shape: float) -> None:
    draws = _draw_gamma(13, shape, DRAWS)
    assert stats.kstest(draws, stats.gamma(shape).cdf).pvalue > 1e-4


def test_log_gamma_for_tiny_shapes_is_exact() -> None:
    # shapes below one are drawn in log space (alpha can be tiny); compare log G with the
    # exact distribution of the log of a gamma variate
    shape = 0.01
    draws = _draw_log_gamma(14, shape, DRAWS)
    assert np.all(np.isfinite(draws))
    assert stats.kstest(np.exp(draws), stats.gamma(shape).cdf).pvalue > 1e-4


def test_normal_is_exact_including_the_tails() -> None:
    draws = _draw_normal(15, 1_000_000)
    assert stats.kstest(draws, "norm").pvalue > 1e-4
    # the tail beyond the ziggurat's base layer (|x| > 3.44) has the right mass
    tail = np.mean(np.abs(draws) > 3.442619855899)
    expected = 2 * stats.norm.sf(3.442619855899)
    assert abs(tail - expected) < 5 * np.sqrt(expected / draws.size)


def test_uniform_is_open_and_uniform() -> None:
    draws = _draw_uniform(16, DRAWS)
    assert draws.min() > 0.0 and draws.max() < 1.0
    assert stats.kstest(draws, "uniform").pvalue > 1e-4


def test_seeds_give_distinct_reproducible_streams() -> None:
    a = _draw_uniform(1, 1000)
    assert np.array_equal(a, _draw_uniform(1, 1000))
    assert not np.array_equal(a, _draw_uniform(2, 1000))


def test_chain_traces_are_consistent() -> None:
    # a small synthetic 3-list table; every trace is recorded once per kept draw
    patterns = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [0, 1, 1], [1, 1, 1]], np.int8)
    counts = np.array([40, 35, 50, 8, 6, 2], np.int64)
    n_obs = int(counts.sum())
    for k_classes, warmup in [(1, 500), (3, 0), (5, 50)]:
        n, k_star, alpha, p0 = sampler.run_chain(
            patterns, counts, k_classes, 0.25, 0.25, 200, 300, 3, 7, warmup
        )
        assert n.shape == k_star.shape == alpha.shape == p0.shape == (300,)
        assert np.all(n >= n_obs) and np.all(n == np.round(n))
        assert np.all((k_star >= 1) & (k_star <= k_classes))
        assert np.all(alpha > 0) and np.all((p0 > 0) & (p0 < 1))
        again = sampler.run_chain(patterns, counts, k_classes, 0.25, 0.25, 200, 300, 3, 7, warmup)
        assert np.array_equal(n, again[0])
