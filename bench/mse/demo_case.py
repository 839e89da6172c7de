"""Validation on the synthetic demo case: is the true number of victims inside the interval?

Builds the capture histories from the demo case's ground truth (perfect record linkage: one
row per true documented person, one 0/1 column per source), then estimates with the log-linear
and LCMCR estimators. The demo's sources are merged round-robin into 5 lists for log-linear
fits (20 lists would need 2**20 cells); LCMCR also runs on all 20 sources.

Usage: nice python bench/mse/demo_case.py [--seeds 7 11 23]
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np

from expediente.demo import generate
from expediente.estimation import capture_table, estimate_lcmcr, estimate_loglinear


def histories(case) -> tuple[list[str], np.ndarray]:
    recs = case.truth.records.records()
    sources = sorted({r["source_id"] for r in recs})
    persons = sorted({r["true_person_id"] for r in recs})
    row = {p: i for i, p in enumerate(persons)}
    hist = np.zeros((len(persons), len(sources)), dtype=np.int8)
    for r in recs:
        hist[row[r["true_person_id"]], sources.index(r["source_id"])] = 1
    return sources, hist


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, nargs="+", default=[7, 11, 23])
    args = ap.parse_args()
    for seed in args.seeds:
        case = generate(seed=seed, size="small")
        truth = case.truth.summary["true_victims"]
        sources, hist = histories(case)
        full = capture_table({s: hist[:, j] for j, s in enumerate(sources)})
        merged = full
        for i in range(5):
            merged = merged.merge_lists(sources[i::5], f"G{i + 1}")
        print(f"seed {seed}: true victims {truth}, documented {full.n_observed}")
        for sel in ("stepwise", "independence", "average"):
            e = estimate_loglinear(merged, selection=sel, profile=False)
            inside = e.interval.lower <= truth <= e.interval.upper
            print(
                f"  log-linear {sel:12s} (5 merged lists): {e.estimate:6.0f} "
                f"[{e.interval.lower:.0f}, {e.interval.upper:.0f}] covers truth: {inside}"
            )
        for label, table in (("5 merged lists", merged), ("20 sources", full)):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                e = estimate_lcmcr(
                    table, burnin=10000, samples=1000, thinning=10, chains=2, seed=seed
                )
            inside = e.interval.lower <= truth <= e.interval.upper
            print(
                f"  LCMCR K=5 ({label}): {e.estimate:6.0f} "
                f"[{e.interval.lower:.0f}, {e.interval.upper:.0f}] covers truth: {inside}"
            )


if __name__ == "__main__":
    main()
