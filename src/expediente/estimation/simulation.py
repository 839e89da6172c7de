"""Synthetic populations with known size, for parameter-recovery checks.

People fall into latent classes with different capture probabilities per list
(heterogeneity); a positive ``dependence`` makes list 2 likelier to record people list 1
recorded (positive list dependence, which biases independence models downwards).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from expediente.estimation.captures import CaptureTable

__all__ = ["simulate_captures"]


def simulate_captures(
    n_total: int,
    capture_probs: Sequence[Sequence[float]],
    class_weights: Sequence[float] | None = None,
    *,
    dependence: float = 0.0,
    seed: int = 0,
    lists: Sequence[str] | None = None,
) -> CaptureTable:
    """Simulate the observed capture table of a population of ``n_total`` people.

    Args:
        n_total: True population size.
        capture_probs: ``(classes, J)`` probability that each list records a person of each
            latent class.
        class_weights: Class proportions (default equal).
        dependence: Added to list 2's probability for people list 1 recorded (clipped to 1).
        seed: Seed of the generator.
        lists: List names (default ``L1 .. LJ``).
    """
    rng = np.random.default_rng(seed)
    probs = np.asarray(capture_probs, dtype=float)
    k, j = probs.shape
    weights = np.full(k, 1.0 / k) if class_weights is None else np.asarray(class_weights)
    classes = rng.choice(k, size=n_total, p=weights / weights.sum())
    p = probs[classes]
    caught = rng.random((n_total, j)) < p
    if dependence and j >= 2:
        p2 = np.clip(p[:, 1] + dependence * caught[:, 0], 0.0, 1.0)
        caught[:, 1] = rng.random(n_total) < p2
    seen = caught.any(axis=1)
    names = tuple(lists) if lists is not None else tuple(f"L{i + 1}" for i in range(j))
    return CaptureTable(names, caught[seen].astype(np.int8), np.ones(int(seen.sum()), np.int64))
