"""Benchmark: cost per Gibbs iteration of the LCMCR sampler as K, J and N grow.

One chain, 500 warm-up + 20,000 iterations per configuration, compilation excluded.
Usage: nice python bench/mse/lcmcr_scaling.py
"""

from __future__ import annotations

import time

from expediente.estimation import capture_table, simulate_captures
from expediente.estimation.lcmcr_sampler import run_chain

ITER = 20000


def per_iteration(table, k: int) -> float:
    obs = table.nonzero()
    run_chain(obs.patterns, obs.counts, k, 0.25, 0.25, 10, 10, 1, 1)
    t0 = time.perf_counter()
    run_chain(obs.patterns, obs.counts, k, 0.25, 0.25, 0, ITER, 1, 1)
    return (time.perf_counter() - t0) / (ITER + 500) * 1e6


def main() -> None:
    uk6 = capture_table("tests/data/mse/uk_modern_slavery_2013_6lists.csv")
    uk5 = capture_table("tests/data/mse/uk_modern_slavery_2013_5lists.csv")
    print("K (UK 5 lists):")
    for k in (2, 5, 10, 15, 20):
        print(f"  K={k:2d}: {per_iteration(uk5, k):6.2f} us/iteration")
    print("J (UK 6 lists, dropping lists), K=10:")
    for drop in (["GP", "NCA", "GO"], ["GP", "NCA"], ["NCA"], []):
        t = uk6.drop_lists(drop) if drop else uk6
        m = int((t.counts > 0).sum())
        print(f"  J={t.n_lists}: {per_iteration(t, 10):6.2f} us/iteration ({m} observed patterns)")
    print("N (simulated, 6 lists), K=10:")
    probs = [[0.3, 0.2, 0.25, 0.1, 0.15, 0.2], [0.05, 0.1, 0.05, 0.08, 0.02, 0.04]]
    for n in (1_000, 10_000, 100_000, 1_000_000):
        t = simulate_captures(n, probs, seed=1)
        m = int((t.counts > 0).sum())
        print(
            f"  N={n:>9,}: {per_iteration(t, 10):6.2f} us/iteration (n={t.n_observed:,}, "
            f"{m} patterns)"
        )


if __name__ == "__main__":
    main()
