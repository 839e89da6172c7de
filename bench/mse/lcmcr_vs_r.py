"""Benchmark: LCMCR Gibbs sampler, expediente (numba) versus the R LCMCR package.

Same table, same K, priors, burn-in, thinning and number of kept draws on both sides; one
chain each, timed end to end (R: lcmCR + lcmCR_PostSampl; Python: one compiled chain, after
a warm-up call so compilation is not timed). Also reports posterior medians and intervals so
the comparison is at the same posterior. R must be installed with LCMCR in R_LIBS.

Usage:
    nice python bench/mse/lcmcr_vs_r.py [--table tests/data/mse/uk_modern_slavery_2013_5lists.csv]
        [--chains 2] [--samples 10000] [--burnin 10000] [--thinning 10] [--k 5] [--rlib /tmp/rlib]
"""

from __future__ import annotations

import argparse
import json
import shutil
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
t0 <- proc.time()[["elapsed"]]
fit <- lcmCR(d, tabular = TRUE, in_list_label = "1", not_in_list_label = "0", K = {k},
             a_alpha = 0.25, b_alpha = 0.25, buffer_size = {samples}, thinning = {thinning},
             seed = {seed}, verbose = FALSE)
N <- lcmCR_PostSampl(fit, burnin = {burnin}, samples = {samples}, thinning = {thinning},
                     output = FALSE)
t1 <- proc.time()[["elapsed"]]
cat(sprintf('{{"seconds": %f, "median": %f, "lo": %f, "hi": %f}}\\n', t1 - t0, median(N),
    quantile(N, 0.025), quantile(N, 0.975)))
"""


def run_python(table, k: int, burnin: int, samples: int, thinning: int, seed: int) -> dict:
    obs = table.nonzero()
    run_chain(obs.patterns, obs.counts, k, 0.25, 0.25, 10, 10, 1, seed)  # compile / load cache
    t0 = time.perf_counter()
    n, *_ = run_chain(obs.patterns, obs.counts, k, 0.25, 0.25, burnin, samples, thinning, seed)
    dt = time.perf_counter() - t0
    lo, hi = np.quantile(n, [0.025, 0.975])
    return {"seconds": dt, "median": float(np.median(n)), "lo": float(lo), "hi": float(hi)}


def run_python_chains(
    table, k: int, burnin: int, samples: int, thinning: int, seed: int, chains: int
) -> dict:
    """The same number of kept draws split over parallel chains (each with its own burn-in)."""
    t0 = time.perf_counter()
    post = run_lcmcr(
        table,
        k_classes=k,
        burnin=burnin,
        samples=samples // chains,
        thinning=thinning,
        chains=chains,
        seed=seed,
        n_jobs=chains,
    )
    dt = time.perf_counter() - t0
    lo, hi = post.interval()
    return {"seconds": dt, "median": post.median, "lo": lo, "hi": hi}


def run_r(
    path: Path, rlib: str, k: int, burnin: int, samples: int, thinning: int, seed: int
) -> dict | None:
    if shutil.which("Rscript") is None:
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".R", delete=False) as fh:
        fh.write(
            R_SCRIPT.format(
                rlib=rlib,
                table=path.resolve(),
                k=k,
                burnin=burnin,
                samples=samples,
                thinning=thinning,
                seed=seed,
            )
        )
    out = subprocess.run(["Rscript", fh.name], capture_output=True, text=True, check=False)
    if out.returncode != 0:
        print(out.stderr)
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--table", default="tests/data/mse/uk_modern_slavery_2013_5lists.csv")
    ap.add_argument("--samples", type=int, default=10000)
    ap.add_argument("--burnin", type=int, default=10000)
    ap.add_argument("--thinning", type=int, default=10)
    ap.add_argument("--k", type=int, default=5)
    ap.add_argument("--seed", type=int, default=123)
    ap.add_argument("--rlib", default="/tmp/rlib")
    ap.add_argument("--skip-r", action="store_true")
    ap.add_argument("--chains", type=int, default=0, help="also time N parallel chains")
    args = ap.parse_args()
    path = Path(args.table)
    table = capture_table(path)
    print(
        f"table {path.name}: J={table.n_lists}, n={table.n_observed}, K={args.k}, "
        f"burnin={args.burnin}, samples={args.samples}, thinning={args.thinning}"
    )
    py = run_python(table, args.k, args.burnin, args.samples, args.thinning, args.seed)
    print(
        f"expediente (numba): {py['seconds']:.2f} s, median {py['median']:,.0f} "
        f"[{py['lo']:,.0f}, {py['hi']:,.0f}]"
    )
    par = None
    if args.chains > 1:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            par = run_python_chains(
                table, args.k, args.burnin, args.samples, args.thinning, args.seed, args.chains
            )
        print(
            f"expediente, {args.chains} chains on threads, {args.samples // args.chains} "
            f"draws each: {par['seconds']:.2f} s, median {par['median']:,.0f} "
            f"[{par['lo']:,.0f}, {par['hi']:,.0f}]"
        )
    if not args.skip_r:
        r = run_r(path, args.rlib, args.k, args.burnin, args.samples, args.thinning, args.seed)
        if r:
            print(
                f"R LCMCR:            {r['seconds']:.2f} s, median {r['median']:,.0f} "
                f"[{r['lo']:,.0f}, {r['hi']:,.0f}]"
            )
            print(f"speed-up, one chain: {r['seconds'] / py['seconds']:.1f}x")
            if par:
                print(
                    f"speed-up, {args.chains} parallel chains: {r['seconds'] / par['seconds']:.1f}x"
                )


if __name__ == "__main__":
    main()
