"""Benchmark: log-linear stepwise selection (8 lists) and the vectorised BCa bootstrap.

Usage: nice python bench/mse/loglinear_timing.py
"""

from __future__ import annotations

import time

from expediente.estimation import bca_interval, capture_table, simulate_captures, stepwise


def timed(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    probs = [
        [0.15, 0.1, 0.2, 0.12, 0.1, 0.18, 0.08, 0.14],
        [0.05, 0.04, 0.06, 0.05, 0.03, 0.07, 0.02, 0.05],
    ]
    table8 = simulate_captures(20000, probs, dependence=0.4, seed=11)
    fit, steps = stepwise(table8)
    print(
        f"8 lists, n={table8.n_observed}: stepwise picked {len(steps)} terms, "
        f"N={fit.estimate:,.0f}; best of 3: {timed(lambda: stepwise(table8)):.3f} s"
    )
    for name in ("uk_modern_slavery_2013_5lists", "uk_modern_slavery_2013_6lists"):
        t = capture_table(f"tests/data/mse/{name}.csv")
        dt = timed(lambda t=t: bca_interval(t, n_boot=1000, seed=1), repeat=1)
        print(f"{name}: BCa, 1000 replicates with stepwise re-selection: {dt:.2f} s")


if __name__ == "__main__":
    main()
