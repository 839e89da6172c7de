"""Accuracy of a clustering against a ground truth: pairwise, B-cubed, persons counted."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np


def _codes(values: np.ndarray) -> np.ndarray:
    return np.unique(np.asarray(values).astype(str), return_inverse=True)[1]


def _pairs_within(groups: np.ndarray) -> int:
    sizes = np.bincount(groups)
    return int((sizes * (sizes - 1) // 2).sum())


def true_pair_count(truth: np.ndarray) -> int:
    """Number of record pairs that belong to the same true person."""
    return _pairs_within(_codes(truth))


@dataclass
class LinkageMetrics:
    """Pairwise and B-cubed precision/recall/F1 and persons counted versus true."""

    pair_precision: float
    pair_recall: float
    pair_f1: float
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    persons_counted: int
    persons_true: int

    @property
    def persons_error(self) -> float:
        """Relative error of the count of persons ((counted - true) / true)."""
        return (self.persons_counted - self.persons_true) / self.persons_true

    def as_dict(self) -> dict[str, float]:
        """Plain dictionary including the relative count error."""
        return {**asdict(self), "persons_error": self.persons_error}


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def evaluate(predicted: np.ndarray, truth: np.ndarray) -> LinkageMetrics:
    """Compare predicted person ids with true person ids (one entry per record)."""
    pred, true = _codes(predicted), _codes(truth)
    n = len(pred)
    joint = _codes(np.char.add(np.char.add(pred.astype(str), "|"), true.astype(str)))
    tp = _pairs_within(joint)
    pp, tpairs = _pairs_within(pred), _pairs_within(true)
    precision = tp / pp if pp else 1.0
    recall = tp / tpairs if tpairs else 1.0
    joint_size = np.bincount(joint)[joint]
    b_precision = float((joint_size / np.bincount(pred)[pred]).mean()) if n else 1.0
    b_recall = float((joint_size / np.bincount(true)[true]).mean()) if n else 1.0
    return LinkageMetrics(
        pair_precision=precision,
        pair_recall=recall,
        pair_f1=_f1(precision, recall),
        bcubed_precision=b_precision,
        bcubed_recall=b_recall,
        bcubed_f1=_f1(b_precision, b_recall),
        persons_counted=int(pred.max() + 1) if n else 0,
        persons_true=int(true.max() + 1) if n else 0,
    )
