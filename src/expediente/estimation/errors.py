"""Errors raised by the estimation layer.

Every error a user can cause (a malformed table, a model that cannot be fitted) is an
``EstimationError`` whose message names the row, column, list or model term at fault, so the
command line can print it without a traceback.
"""

from __future__ import annotations

__all__ = [
    "CaptureTableError",
    "EstimationError",
    "ModelNotEstimableError",
    "StratumRefusedError",
]


class EstimationError(ValueError):
    """Base class for errors a user of the estimation layer can cause."""


class CaptureTableError(EstimationError):
    """The capture-history table is malformed (non-binary cell, all-zero row, ...)."""


class ModelNotEstimableError(EstimationError):
    """The maximum-likelihood estimate does not exist or the model is not identifiable."""


class StratumRefusedError(EstimationError):
    """A stratum has too few lists or too few cases to be estimated on its own."""
