"""Reviewer labels and the review queue (active labelling).

Pairs that share a comparison pattern share (up to name-frequency adjustments) one match
probability, so one label informs every pair of its pattern. The queue therefore orders
uncertain pairs by pattern: the pattern holding the most uncertainty (pairs in the review
band times their entropy) first, one pair per pattern in turn, closest to 0.5 first.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from expediente.linkage.model import pattern_keys

DECISIONS = ("accept", "reject", "unsure")


@dataclass(frozen=True)
class PairLabel:
    """A reviewer's decision on a pair of records (order of the two records is free)."""

    source_a: str
    record_a: str
    source_b: str
    record_b: str
    decision: str

    def __post_init__(self) -> None:
        if self.decision not in DECISIONS:
            raise ValueError(
                f"decision {self.decision!r} for {self.record_a}/{self.record_b} is not one of "
                f"{', '.join(DECISIONS)}"
            )


def _entropy(p: np.ndarray) -> np.ndarray:
    q = np.clip(p, 1e-12, 1 - 1e-12)
    return -(q * np.log2(q) + (1 - q) * np.log2(1 - q))


def queue_order(gamma: np.ndarray, probability: np.ndarray, in_band: np.ndarray) -> np.ndarray:
    """Indices of the in-band pairs in the order a reviewer should see them."""
    idx = np.flatnonzero(in_band)
    if len(idx) == 0:
        return idx
    _, pattern = np.unique(pattern_keys(gamma[idx]), return_inverse=True)
    pattern = pattern.reshape(-1)
    info = _entropy(probability[idx])
    value = np.bincount(pattern, weights=info)
    # Within a pattern: closest to 0.5 first; rank of a pair inside its pattern = its round.
    within = np.lexsort((np.abs(probability[idx] - 0.5), pattern))
    rank = np.empty(len(idx), dtype=np.int64)
    starts = np.r_[0, np.flatnonzero(np.diff(pattern[within])) + 1]
    sizes = np.diff(np.r_[starts, len(idx)])
    rank[within] = np.arange(len(idx)) - np.repeat(starts, sizes)
    order = np.lexsort((-value[pattern], rank))
    return idx[order]
