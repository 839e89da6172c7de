"""One entry point per estimator, returning :class:`~expediente.estimation.results.Estimate`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from expediente.estimation.bootstrap import bca_interval
from expediente.estimation.captures import CaptureTable
from expediente.estimation.design import Term
from expediente.estimation.errors import EstimationError
from expediente.estimation.lcmcr import run_lcmcr
from expediente.estimation.loglinear import fit_loglinear, profile_interval
from expediente.estimation.results import Estimate, Interval
from expediente.estimation.selection import model_average, select_by_criterion, stepwise

__all__ = ["SELECTIONS", "estimate_lcmcr", "estimate_loglinear"]

SELECTIONS = ("stepwise", "aic", "bic", "independence", "fixed", "average")


#: A log-linear model over J lists has 2**J cells; past this many lists fitting and stepwise
#: selection take minutes to hours, so the estimator refuses and says what to do instead.
MAX_LOGLINEAR_LISTS = 12


def estimate_loglinear(
    table: CaptureTable,
    *,
    selection: str = "stepwise",
    terms: Sequence[str | Sequence[str] | Term] = (),
    pthresh: float = 0.02,
    level: float = 0.95,
    profile: bool = True,
    n_boot: int = 0,
    seed: int = 1234,
    stratum: str | None = None,
) -> Estimate:
    """Log-linear estimate of N with its intervals.

    Args:
        table: Capture table.
        selection: ``"stepwise"`` (Chan-Silverman-Vincent rule), ``"aic"``, ``"bic"``,
            ``"independence"``, ``"fixed"`` (use ``terms``) or ``"average"`` (AIC weights).
        terms: Interaction terms of a fixed model, e.g. ``["A:B", "B:C"]``.
        pthresh: Threshold of the stepwise rule.
        level: Interval coverage.
        profile: Also compute the profile-likelihood interval.
        n_boot: BCa bootstrap replicates (0 for none); selection is repeated per replicate
            for ``"stepwise"``.
        seed: Seed of the bootstrap.
        stratum: Stratum label carried into the result.
    """
    if selection not in SELECTIONS:
        raise EstimationError(f"unknown selection {selection!r}; choose one of {SELECTIONS}")
    _require_records(table)
    if table.n_lists > MAX_LOGLINEAR_LISTS:
        raise EstimationError(
            f"{table.n_lists} lists are too many for a log-linear model (at most "
            f"{MAX_LOGLINEAR_LISTS}: it has 2^J cells and selection would run for hours); merge "
            "lists of the same kind first (CaptureTable.merge_lists, or --merge NEW=A+B on the "
            "command line), or use the latent-class model (--method lcmcr)"
        )
    params: dict[str, Any] = {
        "selection": selection,
        "pthresh": pthresh,
        "level": level,
        "n_boot": n_boot,
        "seed": seed,
        "terms": [_term_str(t) for t in terms],
    }
    details: dict[str, Any] = {}
    warns: list[str] = []
    if selection == "average":
        params["n_boot"] = 0  # no bootstrap for an averaged model: record what was run
        avg = model_average(table, "aic", level)
        # the averaged dark figure and its log-scale error: what a stratified total adds up
        details["dark_figure"] = avg.estimate - table.n_observed
        details["log_dark_se"] = avg.log_dark_se
        details["models_averaged"] = avg.n_models
        details["top_models"] = [
            {"terms": list(t), "weight": w, "estimate": e} for t, w, e in avg.top_models
        ]
        return Estimate(
            method="loglinear",
            lists=table.lists,
            n_observed=table.n_observed,
            estimate=avg.estimate,
            intervals=(Interval(avg.lower, avg.upper, level, "model-average"),),
            parameters=params,
            details=details,
            stratum=stratum,
            input_sha256=table.sha256(),
        )
    if selection == "stepwise":
        fit, steps = stepwise(table, pthresh)
        details["steps"] = [{"term": s.term, "p_value": s.statistic} for s in steps]
    elif selection in {"aic", "bic"}:
        fit, steps = select_by_criterion(table, selection)
        details["steps"] = [{"term": s.term, selection: s.statistic} for s in steps]
    elif selection == "independence":
        fit = fit_loglinear(table)
    else:
        fit = fit_loglinear(table, terms)
    details.update(
        {
            "terms": list(fit.term_names),
            "empty_overlap_terms": [":".join(table.lists[j] for j in t) for t in fit.empty_terms],
            "dark_figure": fit.dark_figure,
            "log_dark_se": fit.log_dark_se,
            "loglik": fit.loglik,
            "aic": fit.aic,
            "bic": fit.bic,
            "n_params": fit.n_params,
            "coefficients": fit.coefficients,
        }
    )
    lo, hi = fit.wald_interval(level)
    intervals = [Interval(lo, hi, level, "wald-log")]
    if profile:
        p_hat, p_lo, p_hi = profile_interval(table, fit.terms, level)
        intervals.append(Interval(p_lo, p_hi, level, "profile"))
        details["profile_estimate"] = p_hat
    if n_boot > 0:
        method = "stepwise" if selection == "stepwise" else "fixed"
        boot = bca_interval(
            table,
            method=method,
            terms=fit.terms,
            pthresh=pthresh,
            n_boot=n_boot,
            level=level,
            seed=seed,
        )
        intervals.append(Interval(boot.lower, boot.upper, level, "bca"))
        details["bootstrap"] = {
            "n_boot": boot.n_boot,
            "n_failed": boot.n_failed,
            "bias_correction": boot.bias_correction,
            "acceleration": boot.acceleration,
            "selection_repeated": method == "stepwise",
        }
        if boot.n_failed:
            warns.append(f"{boot.n_failed} bootstrap replicates could not be fitted")
        if selection in {"aic", "bic"}:
            warns.append("the BCa interval keeps the selected model fixed (selection not redone)")
    if fit.dark_figure > 5 * table.n_observed:
        warns.append(
            "the estimated unobserved count is more than 5 times the observed count: "
            "the lists may share too few people for a stable estimate"
        )
    return Estimate(
        method="loglinear",
        lists=table.lists,
        n_observed=table.n_observed,
        estimate=fit.estimate,
        intervals=tuple(intervals),
        parameters=params,
        details=details,
        warnings=tuple(warns),
        stratum=stratum,
        input_sha256=table.sha256(),
    )


def _require_records(table: CaptureTable) -> None:
    if table.n_observed == 0:
        raise EstimationError(
            "every count is 0: the table records nobody, so there is nothing to estimate from"
        )


def _term_str(t: Any) -> str:
    if isinstance(t, str):
        return t
    return ":".join(str(x) for x in t)


#: More latent classes than this add nothing but time: with J lists there are at most 2^J - 1
#: observable patterns, and practice uses K between 5 and 15.
MAX_LATENT_CLASSES = 50


def estimate_lcmcr(
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
    level: float = 0.95,
    n_jobs: int | None = None,
    stratum: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> Estimate:
    """LCMCR posterior summary of N (median, mean, interval) with diagnostics.

    The posterior draws are kept in ``details["draws"]`` (pooled, for charts and for
    combining strata).
    """
    import warnings as _warnings

    from expediente.estimation.lcmcr import ChainDisagreementWarning

    _require_records(table)
    if not (table.patterns.sum(axis=1)[table.counts > 0] >= 2).any():
        raise EstimationError(
            "no one is on two lists or more: the lists share nobody, and multiple-systems "
            "estimation learns the size of the unseen population only from the overlaps"
        )
    if not 1 <= k_classes <= MAX_LATENT_CLASSES:
        raise EstimationError(
            f"K = {k_classes} latent classes is out of range: use 1 to {MAX_LATENT_CLASSES} "
            "(the package default is 5; HRDAG uses up to 15)"
        )
    with _warnings.catch_warnings(record=True) as caught:
        _warnings.simplefilter("always", ChainDisagreementWarning)
        post = run_lcmcr(
            table,
            k_classes=k_classes,
            a_alpha=a_alpha,
            b_alpha=b_alpha,
            burnin=burnin,
            samples=samples,
            thinning=thinning,
            chains=chains,
            seed=seed,
            n_jobs=n_jobs,
            progress=progress,
        )
    for w in caught:
        if not issubclass(w.category, ChainDisagreementWarning):
            _warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    message = post.disagreement()
    lo, hi = post.interval(level)
    diag = post.diagnostics()
    if message:
        _warnings.warn(message, ChainDisagreementWarning, stacklevel=2)
    return Estimate(
        method="lcmcr",
        lists=table.lists,
        n_observed=table.n_observed,
        estimate=post.median,
        intervals=(Interval(lo, hi, level, "posterior"),),
        parameters={**post.settings, "seed": seed, "chain_seeds": list(post.seeds), "level": level},
        details={
            "posterior_mean": post.mean,
            "posterior_median": post.median,
            "diagnostics": diag,
            "draws": post.n_draws.reshape(-1).tolist(),
        },
        warnings=(message,) if message else (),
        stratum=stratum,
        input_sha256=table.sha256(),
    )
