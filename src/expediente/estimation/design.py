"""Log-linear design over the observable cells of a ``2**J`` capture table.

A model is the intercept, one main effect per list and a set of interaction *terms*
(tuples of list indices, usually pairs). The design matrix has one row per observable
cell (patterns ``1 .. 2**J - 1``) and one column per parameter. The intercept is the log of
the expected count of the unobserved cell, so the dark figure is ``exp(intercept)``.

A term whose lists never overlap in the data has an MLE of minus infinity. Following Chan,
Silverman & Vincent (2021) such a term is represented by removing every cell that contains
the term's lists (their expected count is zero) and dropping its column; it still costs one
parameter in AIC.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np

from expediente.estimation.captures import all_patterns

__all__ = ["Design", "Term", "all_pairs", "term_name"]

Term = tuple[int, ...]


def all_pairs(n_lists: int) -> list[Term]:
    """All two-way terms ``(j, k)``, ``j < k``, in lexicographic order."""
    return list(combinations(range(n_lists), 2))


def term_name(term: Term, lists: tuple[str, ...]) -> str:
    """Readable name of a term, e.g. ``"LA:NG"``."""
    return ":".join(lists[j] for j in term)


@dataclass(frozen=True, eq=False)
class Design:
    """Design columns over observable cells for a universe of candidate terms.

    Attributes:
        n_lists: Number of lists J.
        terms: Candidate interaction terms (the universe a model picks from).
        patterns: ``(C, J)`` observable patterns, ``C = 2**J - 1``, cell-index order.
        x: ``(C, 1 + J + K)`` full design: intercept, main effects, every candidate term.
        term_cells: ``(C, K)`` bool, cell contains all lists of term k.
    """

    n_lists: int
    terms: tuple[Term, ...]
    patterns: np.ndarray
    x: np.ndarray
    term_cells: np.ndarray

    @classmethod
    def build(cls, n_lists: int, terms: list[Term] | None = None) -> Design:
        """Design for J lists; the universe defaults to all two-way terms."""
        terms = [tuple(sorted(t)) for t in (all_pairs(n_lists) if terms is None else terms)]
        for t in terms:
            if len(t) < 2 or len(set(t)) != len(t) or max(t) >= n_lists or min(t) < 0:
                raise ValueError(f"invalid interaction term {t} for {n_lists} lists")
            if len(t) == n_lists:
                raise ValueError(
                    "the highest-order interaction cannot be fitted: assuming it is zero is "
                    "what identifies the unobserved count"
                )
        patterns = all_patterns(n_lists)
        if terms:
            term_cells = np.stack([patterns[:, list(t)].all(axis=1) for t in terms], axis=1)
        else:
            term_cells = np.zeros((patterns.shape[0], 0), dtype=bool)
        x = np.concatenate(
            [np.ones((patterns.shape[0], 1)), patterns.astype(float), term_cells.astype(float)],
            axis=1,
        )
        return cls(n_lists, tuple(terms), patterns, x, term_cells)

    @property
    def n_params(self) -> int:
        """Number of columns of the full design."""
        return self.x.shape[1]

    def masks(
        self, y: np.ndarray, included: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Column and cell masks of models given by ``included`` terms.

        Args:
            y: ``(B, C)`` observed cell counts.
            included: ``(B, K)`` bool, term k is in model b.

        Returns:
            ``(col_mask (B, P), cell_mask (B, C), empty (B, K))`` where ``empty`` marks
            included terms whose overlap is empty (fitted as minus infinity).
        """
        y = np.atleast_2d(y)
        included = np.atleast_2d(included)
        overlap = y @ self.term_cells.astype(y.dtype)
        empty = included & (overlap == 0)
        active_terms = included & ~empty
        b = y.shape[0]
        col_mask = np.concatenate(
            [np.ones((b, 1 + self.n_lists), dtype=bool), active_terms], axis=1
        )
        cell_mask = ~((empty.astype(np.int64) @ self.term_cells.T.astype(np.int64)) > 0)
        return col_mask, cell_mask, empty
