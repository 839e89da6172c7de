"""An estimate that carries linkage uncertainty: a mixture over plausible clusterings.

Linkage gives not one resolution of records into persons but several plausible ones (the
clusterings a linkage run samples from its match probabilities, see
``docs/methodology/linkage.md``). Each gives its own capture histories and its own
estimate. Conditioning on one of them hides what linkage does not know; here the total is
estimated on every clustering and the sampling distributions are mixed with equal weight,
so the interval widens by the spread between clusterings.

How much of the uncertainty is linkage and how much sampling follows from the law of total
variance on the log scale (intervals of N are close to log-symmetric):
``Var(log N) = E[Var(log N | clustering)] + Var(E[log N | clustering])`` — the first term is
sampling, the second linkage.

Each clustering's sampling distribution is its posterior draws where the estimator gives
them (LCMCR), else a log-normal matched to its headline interval (log-linear).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from statistics import NormalDist
from typing import Any

import numpy as np

from expediente.estimation.captures import CaptureTable
from expediente.estimation.errors import EstimationError
from expediente.estimation.results import Estimate, Interval

__all__ = ["estimate_over_clusterings", "plausible_clusterings"]

#: Draws taken from each clustering's sampling distribution when it has no draws of its own.
DRAWS_PER_CLUSTERING = 4000


def plausible_clusterings(labels: list[str]) -> list[str]:
    """The clusterings to integrate over: the sampled ones, or all when none was sampled.

    A linkage run's ``sample=k`` clusterings are draws from the match probabilities; its
    ``threshold=t`` ones are sensitivity checks at stricter or looser decisions, not draws,
    and would overweight the extremes.
    """
    sampled = [label for label in labels if str(label).startswith("sample=")]
    return sampled or list(labels)


def _log_draws(est: Estimate, rng: np.random.Generator, count: int) -> np.ndarray:
    draws = est.details.get("draws") if isinstance(est.details, Mapping) else None
    if draws is not None and len(draws) > 0:
        values = np.asarray(draws, dtype=np.float64)
        values = values[np.isfinite(values) & (values > 0)]
        if len(values):
            return np.log(rng.choice(values, size=count, replace=True))
    interval = est.interval
    z = NormalDist().inv_cdf(0.5 + interval.level / 2)
    lower, upper = max(interval.lower, 1.0), max(interval.upper, 1.0)
    if not (np.isfinite(lower) and np.isfinite(upper)) or upper <= lower:
        return np.full(count, np.log(max(est.estimate, 1.0)))
    sd = (np.log(upper) - np.log(lower)) / (2 * z)
    centre = (np.log(upper) + np.log(lower)) / 2
    return rng.normal(centre, sd, size=count)


def estimate_over_clusterings(
    tables: Mapping[str, CaptureTable],
    estimator: Callable[..., Estimate],
    *,
    main: str | None = None,
    level: float = 0.95,
    seed: int = 12345,
    progress: Callable[[int], None] | None = None,
    **options: Any,
) -> Estimate:
    """Estimate the total on every clustering and mix their sampling distributions.

    Args:
        tables: one capture table per clustering (label -> table), e.g. from
            ``split_strata(capture_histories, "clustering")``.
        estimator: ``estimate_loglinear`` or ``estimate_lcmcr``.
        main: the label of the linkage run's main clustering, whose own estimate is also
            reported (the interval that ignores linkage uncertainty); default the first.
        level: interval coverage.
        seed: seed of the mixture draws (the estimator's own seed is in ``options``).
        progress: called with 1 after each clustering.
        **options: passed to the estimator.

    Returns:
        An Estimate whose headline interval is the mixture's (method ``linkage-mixture``),
        followed by the main clustering's own interval; ``details["linkage"]`` holds the
        per-clustering estimates and the variance decomposition.

    Raises:
        EstimationError: no clustering was given.
    """
    if not tables:
        raise EstimationError("no clusterings to estimate over")
    labels = list(tables)
    head_label = main if main is not None and main in tables else labels[0]
    rng = np.random.default_rng(seed)
    estimates: dict[str, Estimate] = {}
    for label in labels:
        estimates[label] = estimator(tables[label], level=level, stratum=label, **options)
        if progress is not None:
            progress(1)
    pooled = plausible_clusterings(labels)
    logs = [_log_draws(estimates[label], rng, DRAWS_PER_CLUSTERING) for label in pooled]
    within = float(np.mean([x.var() for x in logs]))
    between = float(np.var([x.mean() for x in logs]))
    mixture = np.exp(np.concatenate(logs))
    tail = (1 - level) / 2
    lower, upper = np.quantile(mixture, [tail, 1 - tail])
    total = within + between
    head = estimates[head_label]
    details = {
        "linkage": {
            "clusterings": pooled,
            "main_clustering": head_label,
            "per_clustering": {
                label: {
                    "n_observed": e.n_observed,
                    "estimate": e.estimate,
                    "lower": e.interval.lower,
                    "upper": e.interval.upper,
                }
                for label, e in estimates.items()
            },
            "variance_log_n": {"sampling": within, "linkage": between, "total": total},
            "share_linkage": between / total if total > 0 else 0.0,
            "share_sampling": within / total if total > 0 else 1.0,
            "width_without_linkage": head.interval.upper - head.interval.lower,
            "width_with_linkage": float(upper - lower),
        },
        "main_clustering_details": dict(head.details) if head.details else {},
    }
    details["main_clustering_details"].pop("draws", None)
    warnings = tuple(dict.fromkeys(w for e in estimates.values() for w in e.warnings))
    return Estimate(
        method=head.method,
        lists=head.lists,
        n_observed=head.n_observed,
        estimate=float(np.median(mixture)),
        intervals=(
            Interval(float(lower), float(upper), level, "linkage-mixture"),
            *head.intervals,
        ),
        parameters={
            **dict(head.parameters),
            "over_clusterings": len(pooled),
            "mixture_seed": seed,
        },
        details=details,
        warnings=warnings,
        stratum=None,
        input_sha256=head.input_sha256,
    )
