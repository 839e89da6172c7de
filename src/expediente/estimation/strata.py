"""Stratified estimation: one estimate per stratum, then a combined total.

Capture probabilities and list dependence often differ by period, region, act type or
perpetrator group; estimating each stratum separately and adding them up is less biased than
one pooled estimate. A stratum is refused (reported, not estimated) when fewer than
``min_lists`` lists recorded anyone in it or fewer than ``min_cases`` people were recorded.

Combining: log-linear totals add the dark figures and treat strata as independent, with a
Wald interval on the log of the summed dark figure (variances by the delta method). LCMCR
totals add posterior draws stratum by stratum (independent posteriors), so the interval comes
from the summed draws.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from scipy.stats import norm

from expediente.estimation.captures import (
    IDENTIFIER_COLUMNS,
    CaptureTable,
    _columns_of,
    capture_table,
    read_frame,
)
from expediente.estimation.errors import CaptureTableError, EstimationError
from expediente.estimation.results import Estimate, EstimationReport, Interval

__all__ = ["combine_strata", "estimate_by_stratum", "split_strata"]


def split_strata(
    source: Any,
    strata: str,
    *,
    lists: Sequence[str] | None = None,
    count: str | None = "count",
    exclude: Sequence[str] = (),
) -> dict[str, CaptureTable]:
    """One capture table per value of the ``strata`` column (lists empty in a stratum dropped).

    Raises:
        CaptureTableError: if the column is missing or a row has no stratum label.
    """
    if isinstance(source, str) or hasattr(source, "__fspath__"):
        source = read_frame(source)
    columns = _columns_of(source)
    if strata not in columns:
        raise CaptureTableError(f"strata column {strata!r} not in table; columns: {list(columns)}")
    labels = columns[strata]
    blank = [i + 1 for i, v in enumerate(labels) if v is None or str(v).strip() == ""]
    if blank:
        raise CaptureTableError(
            f"rows {blank[:10]} have no value in strata column {strata!r}; incomplete stratum "
            "labels need to be completed (or imputed) before stratified estimation"
        )
    excl = [*exclude, strata, *IDENTIFIER_COLUMNS]
    if lists is None:
        lists = [c for c in columns if c != count and c not in excl]
    # Check the whole table first, so that an error names the row of the file, not the row
    # within one stratum.
    capture_table(columns, lists=lists, count=count, exclude=excl)
    out: dict[str, CaptureTable] = {}
    for label in sorted({str(v) for v in labels}):
        mask = np.asarray([str(v) == label for v in labels])
        sub = {k: v[mask] for k, v in columns.items()}
        table = capture_table(sub, lists=lists, count=count, exclude=excl)
        totals = table.list_totals()
        empty = [name for name, t in totals.items() if t == 0]
        if empty and len(empty) <= table.n_lists - 2:
            table = table.drop_lists(empty)
        out[label] = table
    return out


def _refusal(table: CaptureTable, min_lists: int, min_cases: int) -> str | None:
    with_records = [n for n, t in table.list_totals().items() if t > 0]
    if len(with_records) < min_lists:
        return (
            f"only {len(with_records)} list(s) recorded anyone ({with_records}); at least "
            f"{min_lists} are needed"
        )
    if table.n_observed < min_cases:
        return f"only {table.n_observed} people recorded; at least {min_cases} are needed"
    return None


def estimate_by_stratum(
    tables: dict[str, CaptureTable],
    estimator: Callable[..., Estimate],
    *,
    min_lists: int = 3,
    min_cases: int = 10,
    level: float = 0.95,
    strata_column: str | None = None,
    progress: Callable[[int], None] | None = None,
    **kwargs: Any,
) -> EstimationReport:
    """Estimate each stratum with ``estimator`` and combine the estimable ones.

    Args:
        tables: Stratum label to capture table (see :func:`split_strata`).
        estimator: :func:`~expediente.estimation.estimators.estimate_loglinear` or
            :func:`~expediente.estimation.estimators.estimate_lcmcr`.
        min_lists: Fewest lists with at least one record for a stratum to be estimated.
        min_cases: Fewest recorded people for a stratum to be estimated.
        level: Interval coverage.
        strata_column: Name of the strata column, for the report.
        progress: Called with 1 after each stratum.
        **kwargs: Passed to the estimator.
    """
    estimates: list[Estimate] = []
    refused: dict[str, str] = {}
    for label, table in tables.items():
        reason = _refusal(table, min_lists, min_cases)
        if reason:
            refused[label] = reason
        else:
            try:
                estimates.append(estimator(table, stratum=label, level=level, **kwargs))
            except EstimationError as exc:
                refused[label] = str(exc)
        if progress is not None:
            progress(1)
    total = combine_strata(estimates, level, refused, tables) if estimates else None
    return EstimationReport(tuple(estimates), total, strata_column, refused)


def combine_strata(
    estimates: Sequence[Estimate],
    level: float = 0.95,
    refused: dict[str, str] | None = None,
    tables: dict[str, CaptureTable] | None = None,
) -> Estimate:
    """Combined total of independent stratum estimates (same method)."""
    methods = {e.method for e in estimates}
    if len(methods) != 1:
        raise EstimationError(f"cannot combine strata estimated by different methods {methods}")
    method = methods.pop()
    n_obs = sum(e.n_observed for e in estimates)
    warns: list[str] = []
    if refused:
        missed = sum(tables[k].n_observed for k in refused) if tables else 0
        warns.append(
            f"the total covers estimated strata only; {len(refused)} stratum/strata refused "
            f"({', '.join(sorted(refused))}) with {missed} recorded people not included"
        )
    if method == "lcmcr":
        draws = [np.asarray(e.details["draws"]) for e in estimates]
        size = min(d.size for d in draws)
        total_draws = np.sum([d[:size] for d in draws], axis=0)
        lo, hi = np.quantile(total_draws, [(1 - level) / 2, (1 + level) / 2])
        point = float(np.median(total_draws))
        interval = Interval(float(lo), float(hi), level, "combined-posterior")
        details: dict[str, Any] = {"draws": total_draws.tolist()}
    else:
        dark = np.array([e.dark_figure for e in estimates])
        var = np.array([(e.dark_figure * e.details["log_dark_se"]) ** 2 for e in estimates])
        d = float(dark.sum())
        se_log = math.sqrt(var.sum()) / d if d > 0 else 0.0
        z = norm.ppf(0.5 + level / 2.0)
        point = n_obs + d
        interval = Interval(
            n_obs + d * math.exp(-z * se_log),
            n_obs + d * math.exp(z * se_log),
            level,
            "combined-wald-log",
        )
        details = {"dark_figure": d, "log_dark_se": se_log}
    for e in estimates:
        warns.extend(f"stratum {e.stratum}: {w}" for w in e.warnings)
    return Estimate(
        method=method,
        lists=tuple(sorted({x for e in estimates for x in e.lists})),
        n_observed=n_obs,
        estimate=point,
        intervals=(interval,),
        parameters=dict(estimates[0].parameters),
        details={**details, "strata": [e.stratum for e in estimates]},
        warnings=tuple(warns),
        stratum="TOTAL",
        input_sha256=estimates[0].input_sha256 if len(estimates) == 1 else "",
    )
