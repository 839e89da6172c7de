"""Multiple-systems estimation: how many people the lists together missed.

Typical use on a table of capture histories (one 0/1 column per list)::

    from expediente.estimation import capture_table, estimate_loglinear, estimate_lcmcr
    table = capture_table("histories.csv")
    result = estimate_loglinear(table, selection="stepwise", n_boot=1000)
    result.estimate, result.interval

See ``docs/methodology/estimation.md`` for each estimator's assumptions and failure modes.
"""

from __future__ import annotations

from expediente.estimation.bootstrap import BootstrapInterval, bca_interval
from expediente.estimation.captures import CaptureTable, capture_table, read_frame
from expediente.estimation.errors import (
    CaptureTableError,
    EstimationError,
    ModelNotEstimableError,
    StratumRefusedError,
)
from expediente.estimation.estimators import SELECTIONS, estimate_lcmcr, estimate_loglinear
from expediente.estimation.lcmcr import ChainDisagreementWarning, LcmcrPosterior, run_lcmcr
from expediente.estimation.loglinear import LoglinearFit, fit_loglinear, profile_interval
from expediente.estimation.results import (
    Estimate,
    EstimationReport,
    Interval,
    write_csv,
    write_json,
)
from expediente.estimation.selection import model_average, select_by_criterion, stepwise
from expediente.estimation.simulation import simulate_captures
from expediente.estimation.strata import combine_strata, estimate_by_stratum, split_strata

__all__ = [
    "SELECTIONS",
    "BootstrapInterval",
    "CaptureTable",
    "CaptureTableError",
    "ChainDisagreementWarning",
    "Estimate",
    "EstimationError",
    "EstimationReport",
    "Interval",
    "LcmcrPosterior",
    "LoglinearFit",
    "ModelNotEstimableError",
    "StratumRefusedError",
    "bca_interval",
    "capture_table",
    "combine_strata",
    "estimate_by_stratum",
    "estimate_lcmcr",
    "estimate_loglinear",
    "fit_loglinear",
    "model_average",
    "profile_interval",
    "read_frame",
    "run_lcmcr",
    "select_by_criterion",
    "simulate_captures",
    "split_strata",
    "stepwise",
    "write_csv",
    "write_json",
]
