"""Batched Poisson log-linear fits by iteratively reweighted least squares (IRLS).

Many small GLMs (one per bootstrap replicate or candidate model) share one design matrix and
differ only in counts, active columns and included cells, so they are solved together with
stacked ``(B, P, P)`` linear systems instead of one Python call per model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln

__all__ = ["BatchFit", "fit_poisson"]


@dataclass(frozen=True, eq=False)
class BatchFit:
    """Result of :func:`fit_poisson` for B models.

    Attributes:
        beta: ``(B, P)`` coefficients (0 for inactive columns).
        mu: ``(B, C)`` fitted means (0 for excluded cells).
        cov_intercept: ``(B,)`` variance of the intercept estimate.
        loglik: ``(B,)`` Poisson log-likelihood over included cells.
        converged: ``(B,)`` bool.
        n_params: ``(B,)`` number of active columns.
    """

    beta: np.ndarray
    mu: np.ndarray
    cov_intercept: np.ndarray
    loglik: np.ndarray
    converged: np.ndarray
    n_params: np.ndarray


def fit_poisson(
    x: np.ndarray,
    y: np.ndarray,
    col_mask: np.ndarray | None = None,
    cell_mask: np.ndarray | None = None,
    *,
    offset: np.ndarray | None = None,
    max_iter: int = 100,
    tol: float = 1e-10,
) -> BatchFit:
    """Fit B Poisson GLMs with log link sharing the design ``x``.

    Args:
        x: ``(C, P)`` design matrix.
        y: ``(B, C)`` or ``(C,)`` counts (may be non-integer, e.g. a profiled cell).
        col_mask: ``(B, P)`` bool, which columns each model uses (default all).
        cell_mask: ``(B, C)`` bool, which cells each model includes (default all).
        offset: ``(B, C)`` fixed offsets added to the linear predictor.
        max_iter: Iteration limit.
        tol: Convergence tolerance on the relative change in deviance.
    """
    y = np.atleast_2d(np.asarray(y, dtype=float))
    b, c = y.shape
    p = x.shape[1]
    col_mask = np.ones((b, p), dtype=bool) if col_mask is None else np.atleast_2d(col_mask)
    cell_mask = np.ones((b, c), dtype=bool) if cell_mask is None else np.atleast_2d(cell_mask)
    off = np.zeros((b, c)) if offset is None else np.atleast_2d(offset)
    cm = cell_mask.astype(float)
    xb = x[None, :, :] * col_mask[:, None, :]  # (B, C, P) columns switched off per model
    inactive = np.where(col_mask, 0.0, 1.0)
    # Start from the data (shifted away from zero) as the usual GLM initialisation does.
    mu = np.where(cell_mask, y + 0.5, 1.0)
    eta = np.log(mu)
    dev_old = np.full(b, np.inf)
    converged = np.zeros(b, dtype=bool)
    beta = np.zeros((b, p))
    for _ in range(max_iter):
        w = mu * cm
        z = eta - off + (y - mu) / mu
        xtw = np.transpose(xb, (0, 2, 1)) * w[:, None, :]
        xtwx = xtw @ xb
        xtwx[:, np.arange(p), np.arange(p)] += inactive
        xtwz = np.einsum("bpc,bc->bp", xtw, z)
        beta = np.linalg.solve(xtwx, xtwz[..., None])[..., 0]
        eta = np.einsum("bcp,bp->bc", xb, beta) + off
        eta = np.minimum(eta, 700.0)
        mu = np.exp(eta)
        with np.errstate(divide="ignore", invalid="ignore"):
            term = np.where(y > 0, y * np.log(y / mu), 0.0) - (y - mu)
        dev = 2.0 * (term * cm).sum(axis=1)
        converged = np.abs(dev - dev_old) <= tol * (np.abs(dev) + 0.1)
        dev_old = dev
        if converged.all():
            break
    w = mu * cm
    xtwx = (np.transpose(xb, (0, 2, 1)) * w[:, None, :]) @ xb
    xtwx[:, np.arange(p), np.arange(p)] += inactive
    cov_intercept = np.linalg.inv(xtwx)[:, 0, 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        ll_cells = np.where(y > 0, y * np.log(mu), 0.0) - mu - gammaln(y + 1.0)
    loglik = (ll_cells * cm).sum(axis=1)
    return BatchFit(
        beta=beta,
        mu=mu * cm,
        cov_intercept=cov_intercept,
        loglik=loglik,
        converged=converged,
        n_params=col_mask.sum(axis=1),
    )
