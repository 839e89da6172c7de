"""Benchmark: LCMCR Gibbs sampler, expediente (numba) versus the R LCMCR package.

Same table, same K, priors, burn-in, thinning and number of kept draws on both sides, timed
back to back in one run and repeated; medians are reported.

- One chain: R ``lcmCR`` + ``lcmCR_PostSampl`` (timed inside R, sampling only) against one
  compiled chain of ``run_chain`` (compilation excluded by a warm-up call).
- The estimator's default number of chains (4): R running that many chains one after another
  (R LCMCR is single-threaded) against ``run_lcmcr``, which runs the chains on threads.

Posterior medians and 95% intervals are printed for both sides, so the comparison is at the
same posterior. R must be installed with LCMCR in ``--rlib``.

Usage:
    nice python bench/mse/lcmcr_vs_r.py [--table tests/data/mse/uk_modern_slavery_2013_5lists.csv]
        [--reps 5] [--chains 4] [--samples 10000] [--burnin 10000] [--thinning 10] [--k 5]
        [--rlib /tmp/rlib] [--skip-r]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

from expediente.estimation import capture_table, run_lcmcr
from expediente.estimation.lcmcr_sampler import run_chain

R_SCRIPT = """
suppressMessages(library(LCMCR, lib.loc = "{rlib}"))
d <- read.csv("{table}")
cols <- setdiff(names(d), "count")
for (c in cols) d[[c]] <- factor(d[[c]], levels = c(0, 1))
d <- d[d$count > 0, ]
names(d)[names(d) == "count"] <- "Freq"
for (seed in c({seeds})) {{
  t0 <- proc.time()[["elapsed"]]
  fit <- lcmCR(d, tabular = TRUE, in_list_label = "1", not_in_list_label = "0", K = {k},
               a_alpha = 0.25, b_alpha = 0.25, buffer_size = {samples}, thinning = {thinning},
               seed = seed, verbose = FALSE)
  N <- lcmCR_PostSampl(fit, burnin = {burnin}, samples = {samples}, thinning = {thinning},
                       output = FALSE)
  t1 <- proc.time()[["elapsed"]]
  cat(sprintf('{{"seconds": %f, "median": %f, "lo": %f, "hi": %f, "draws": [%s]}}\\n',
      t1 - t0, median(N), quantile(N, 0.025), quantile(N, 0.975),
      paste(format(N, scientific = FALSE), collapse = ",")))
}}
"""


def summary(draws: np.ndarray) -> str:
    lo, hi = np.quantile(draws, [0.025, 0.975])
    return f"{np.median(draws):,.0f} [{lo:,.0f}, {hi:,.0f}]"


def python_chain(obs, k: int, burnin: int, samples: int, thinning: int, seed: int):
    t0 = time.perf_counter()
    n, *_ = run_chain(obs[0], obs[1], k, 0.25, 0.25, burnin, samples, thinning, seed)
    return time.perf_counter() - t0, n


def python_chains(table, k: int, burnin: int, samples: int, thinning: int, seed: int, chains: int):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # chain disagreement is reported below, not warned
        t0 = time.perf_counter()
        post = run_lcmcr(
            table,
            k_classes=k,
            burnin=burnin,
            samples=samples,
            thinning=thinning,
            chains=chains,
            seed=seed,
        )
        return time.perf_counter() - t0, post


def r_chains(
    path: Path, rlib: str, k: int, burnin: int, samples: int, thinning: int, seeds: list[int]
) -> list[dict] | None:
    """Chains of R LCMCR one after another in one R process; one result per chain."""
    with tempfile.NamedTemporaryFile("w", suffix=".R", delete=False) as fh:
        fh.write(
            R_SCRIPT.format(
                rlib=rlib,
                table=path.resolve(),
                k=k,
                burnin=burnin,
                samples=samples,
                thinning=thinning,
                seeds=", ".join(str(s) for s in seeds),
            )
        )
    try:
        out = subprocess.run(["Rscript", fh.name], capture_output=True, text=True, check=False)  # noqa: S603, S607 (a fixed argv of our own, no shell)
    finally:
        os.unlink(fh.name)
    if out.returncode != 0:
        print(out.stderr)
        return None
    return [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--table", default="tests/data/mse/uk_modern_slavery_2013_5lists.csv")
    ap.add_argument("--samples", type=int, default=10000)
    ap.add_argument("--burnin", type=int, default=10000)
    ap.add_argument("--thinning", type=int, default=10)
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--reps", type=int, default=5, help="repetitions of each timing")
    ap.add_argument("--chains", type=int, default=4, help="chains in the multi-chain timing")
    ap.add_argument("--seed", type=int, default=123)
    ap.add_argument("--rlib", default="/tmp/rlib")  # noqa: S108 (the benchmark's scratch directory, named in its README)
    ap.add_argument("--skip-r", action="store_true")
    args = ap.parse_args()
    path = Path(args.table)
    table = capture_table(path)
    nz = table.nonzero()
    # the same array types as run_lcmcr passes, so both use one compiled version
    patterns = np.ascontiguousarray(nz.patterns, dtype=np.int8)
    counts = np.ascontiguousarray(nz.counts, dtype=np.int64)
    obs = (patterns, counts)
    use_r = not args.skip_r and shutil.which("Rscript") is not None
    print(
        f"table {path.name}: J={table.n_lists}, n={table.n_observed}, K={args.k}, "
        f"burnin={args.burnin}, kept draws={args.samples}, thinning={args.thinning}"
    )
    print(
        f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}, "
        f"{os.cpu_count()} CPUs"
    )
    run_chain(patterns, counts, args.k, 0.25, 0.25, 10, 10, 1, 1)  # compile / load
    settings = (args.k, args.burnin, args.samples, args.thinning)

    # one chain, back to back, repeated
    py_t, r_t, ratios = [], [], []
    py_draws, r_draws = [], []
    for rep in range(args.reps):
        seed = args.seed + rep
        if use_r:
            res = r_chains(path, args.rlib, *settings, [seed])
            if res:
                r_t.append(res[0]["seconds"])
                r_draws.append(np.asarray(res[0]["draws"]))
        dt, n = python_chain(obs, *settings, seed)
        py_t.append(dt)
        py_draws.append(n)
        if use_r and len(r_t) == len(py_t):
            ratios.append(r_t[-1] / dt)
        print(
            f"  rep {rep + 1}: expediente {dt:.3f} s"
            + (f", R {r_t[-1]:.3f} s, ratio {ratios[-1]:.1f}x" if ratios else "")
        )
    print(f"ONE CHAIN ({args.reps} reps, medians)")
    print(
        f"  expediente: {statistics.median(py_t):.3f} s   posterior per chain medians: "
        + ", ".join(f"{np.median(d):,.0f}" for d in py_draws)
    )
    if r_t:
        print(
            f"  R LCMCR:    {statistics.median(r_t):.3f} s   posterior per chain medians: "
            + ", ".join(f"{np.median(d):,.0f}" for d in r_draws)
        )
        print(
            f"  speed-up, one chain: {statistics.median(r_t) / statistics.median(py_t):.1f}x "
            f"(median of per-rep ratios {statistics.median(ratios):.1f}x)"
        )
    print(
        f"  pooled draws: expediente {summary(np.concatenate(py_draws))}"
        + (f", R {summary(np.concatenate(r_draws))}" if r_draws else "")
    )

    # the estimator's default number of chains
    if args.chains > 1:
        reps = max(1, (args.reps + 1) // 2)
        py_m, r_m = [], []
        for rep in range(reps):
            seeds = [args.seed + 100 * (rep + 1) + c for c in range(args.chains)]
            if use_r:
                res = r_chains(path, args.rlib, *settings, seeds)
                if res:
                    r_m.append(sum(x["seconds"] for x in res))
                    r_all = np.concatenate([np.asarray(x["draws"]) for x in res])
            dt, post = python_chains(table, *settings, seeds[0], args.chains)
            py_m.append(dt)
            print(
                f"  rep {rep + 1}: expediente {args.chains} chains on threads {dt:.3f} s"
                + (f", R {args.chains} chains one after another {r_m[-1]:.3f} s" if r_m else "")
            )
        print(f"{args.chains} CHAINS of {args.samples} draws each ({reps} reps, medians)")
        print(
            f"  expediente (threads): {statistics.median(py_m):.3f} s, pooled "
            f"{summary(post.n_draws.ravel())}, R-hat {post.diagnostics()['rhat_n']:.3f}"
        )
        if r_m:
            print(
                f"  R, one after another: {statistics.median(r_m):.3f} s, pooled {summary(r_all)}"
            )
            print(
                f"  speed-up, {args.chains} chains: "
                f"{statistics.median(r_m) / statistics.median(py_m):.1f}x"
            )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
