"""Does the maximum-likelihood estimate exist, and is the model identifiable?

Sparse capture tables (many zero cells) make some log-linear models unusable:

* **Existence** (Fienberg & Rinaldo 2012): the Poisson MLE is finite iff the observed
  sufficient statistics ``t = X' y`` can be reproduced by a table that is *strictly positive*
  on every included cell. We solve ``max s`` subject to ``X' m = t``, ``m_c >= s``,
  ``m >= 0`` by linear programming (HiGHS); the MLE exists iff the optimum ``s`` is positive.
* **Identifiability**: the design restricted to the included cells must have full column
  rank, otherwise some parameter (possibly the dark figure) is not determined by the data.

Both depend only on the model and on which cells are zero, so results are cached by that key;
bootstrap replicates of one table share few zero patterns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog

__all__ = ["EstimabilityCache", "is_identifiable", "mle_exists"]


def mle_exists(x: np.ndarray, y: np.ndarray) -> bool:
    """Whether the Poisson log-linear MLE for design ``x`` (included cells only) is finite."""
    y = np.asarray(y, dtype=float)
    if np.all(y > 0):
        return True  # the data themselves are a strictly positive solution
    c, p = x.shape
    t = x.T @ y
    scale = max(float(y.sum()), 1.0)
    # Variables m_1..m_C, s. Maximise s  <=>  minimise -s.
    cost = np.zeros(c + 1)
    cost[-1] = -1.0
    a_eq = np.concatenate([x.T, np.zeros((p, 1))], axis=1)
    a_ub = np.concatenate([-np.eye(c), np.ones((c, 1))], axis=1)  # s - m_c <= 0
    res = linprog(
        cost,
        A_ub=a_ub,
        b_ub=np.zeros(c),
        A_eq=a_eq,
        b_eq=t,
        bounds=[(0, None)] * (c + 1),
        method="highs",
    )
    if res.status != 0:
        return False
    return bool(-res.fun > 1e-9 * scale)


def is_identifiable(x: np.ndarray) -> bool:
    """Whether the design (included cells, active columns) has full column rank."""
    return bool(np.linalg.matrix_rank(x) == x.shape[1])


@dataclass
class EstimabilityCache:
    """Memoised existence and identifiability checks keyed by zero pattern and model."""

    _cache: dict[tuple[bytes, bytes, bytes], tuple[bool, bool]] = field(default_factory=dict)

    def check(
        self, x: np.ndarray, y: np.ndarray, col_mask: np.ndarray, cell_mask: np.ndarray
    ) -> tuple[bool, bool]:
        """``(exists, identifiable)`` for one model (1-D masks over columns and cells)."""
        key = (
            np.packbits(y[cell_mask] > 0).tobytes(),
            np.packbits(col_mask).tobytes(),
            np.packbits(cell_mask).tobytes(),
        )
        hit = self._cache.get(key)
        if hit is None:
            xs = x[cell_mask][:, col_mask]
            ident = is_identifiable(xs)
            exists = mle_exists(xs, y[cell_mask])
            hit = (exists, ident)
            self._cache[key] = hit
        return hit
