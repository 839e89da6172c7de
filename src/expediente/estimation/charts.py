"""Charts of estimation results (matplotlib, written as PNG or SVG)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from expediente.estimation.results import Estimate

__all__ = ["plot_posterior", "plot_strata", "plot_time_series"]


def _figure():
    import matplotlib

    matplotlib.use("Agg")  # files only; never open a window
    import matplotlib.pyplot as plt

    return plt


def plot_posterior(estimate: Estimate, path: str | Path, title: str | None = None) -> Path:
    """Histogram of the LCMCR posterior of N with median and interval marked."""
    if "draws" not in estimate.details:
        raise ValueError("the estimate has no posterior draws (use an LCMCR estimate)")
    plt = _figure()
    draws = np.asarray(estimate.details["draws"])
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.hist(draws, bins=60, color="#4c72b0", alpha=0.8)
    ax.axvline(estimate.estimate, color="black", lw=1.5, label=f"median {estimate.estimate:,.0f}")
    iv = estimate.interval
    ax.axvspan(
        iv.lower,
        iv.upper,
        color="grey",
        alpha=0.15,
        label=f"{iv.level:.0%} interval [{iv.lower:,.0f}, {iv.upper:,.0f}]",
    )
    ax.axvline(
        estimate.n_observed, color="#c44e52", ls="--", label=f"recorded {estimate.n_observed:,}"
    )
    ax.set_xlabel("population size N")
    ax.set_ylabel("posterior draws")
    ax.set_title(title or "Posterior distribution of the total")
    if any("DISAGREE" in w for w in estimate.warnings):
        # The chart may travel without the printed warning: it must say so itself.
        fig.suptitle(
            "WARNING: the chains disagree; do not report this estimate",
            color="#c44e52",
            fontweight="bold",
            fontsize=10,
        )
    ax.legend(fontsize=8)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path)
    plt.close(fig)
    return path


def plot_strata(estimates: Sequence[Estimate], path: str | Path, title: str | None = None) -> Path:
    """Point estimates with intervals per stratum, recorded counts alongside."""
    plt = _figure()
    labels = [str(e.stratum) for e in estimates]
    y = np.arange(len(estimates))
    est = np.array([e.estimate for e in estimates])
    lo = np.array([e.interval.lower for e in estimates])
    hi = np.array([e.interval.upper for e in estimates])
    fig, ax = plt.subplots(figsize=(7, 0.5 * len(estimates) + 1.5))
    ax.errorbar(
        est,
        y,
        xerr=[est - lo, hi - est],
        fmt="o",
        color="#4c72b0",
        capsize=3,
        label="estimate and interval",
    )
    ax.scatter(
        [e.n_observed for e in estimates], y, marker="|", s=200, color="#c44e52", label="recorded"
    )
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlabel("number of people")
    ax.set_title(title or "Estimated totals by stratum")
    ax.legend(fontsize=8)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path)
    plt.close(fig)
    return path


def plot_time_series(
    periods: Sequence[str],
    values: Sequence[float],
    path: str | Path,
    *,
    lower: Sequence[float] | None = None,
    upper: Sequence[float] | None = None,
    recorded: Sequence[float] | None = None,
    title: str | None = None,
    ylabel: str = "number of people",
) -> Path:
    """Values over periods with an optional interval band and recorded counts."""
    plt = _figure()
    x = np.arange(len(periods))
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.plot(x, values, marker="o", color="#4c72b0", label="estimate")
    if lower is not None and upper is not None:
        ax.fill_between(x, lower, upper, color="#4c72b0", alpha=0.2, label="interval")
    if recorded is not None:
        ax.plot(x, recorded, marker="s", ls="--", color="#c44e52", label="recorded")
    ax.set_xticks(x, list(periods), rotation=45, ha="right")
    ax.set_ylabel(ylabel)
    ax.set_title(title or "Over time")
    ax.legend(fontsize=8)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path)
    plt.close(fig)
    return path
