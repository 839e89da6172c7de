"""Clustering linked pairs into persons, respecting cannot-link constraints.

Plain connected components chain errors: A~B and B~C put A and C together even when A and C
have different identity numbers. Here edges are added strongest first and an edge is
refused when it would join two groups holding a cannot-link pair (a reviewer's "reject", or
a candidate pair whose comparison is strong evidence against, such as two different identity
numbers). Reviewer "accept" pairs are joined first, whatever the
model says.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Clustering:
    """One assignment of records to persons.

    Attributes:
        label: how it was made, e.g. ``threshold=0.9`` or ``sample=3``.
        person: person index per record (0..n_persons-1, in first-appearance order).
        n_persons: number of persons.
    """

    label: str
    person: np.ndarray
    n_persons: int


class Conflicts:
    """Cannot-link pairs, stored once and shared by every clustering of a run."""

    def __init__(self, n: int, pairs: list[tuple[int, int]] | np.ndarray) -> None:
        arr = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        lo, hi = arr.min(axis=1), arr.max(axis=1)
        self.n = n
        self.keys = set(np.unique(lo * n + hi).tolist())

    def between(self, a: list[int], b: list[int]) -> bool:
        """Whether any record of ``a`` cannot be linked with any record of ``b``."""
        if not self.keys:
            return False
        n, keys = self.n, self.keys
        return any((x * n + y if x < y else y * n + x) in keys for x in a for y in b)


class _DisjointSets:
    def __init__(self, n: int, conflicts: Conflicts) -> None:
        self.parent = list(range(n))
        self.members: dict[int, list[int]] = {}
        self.conflicts = conflicts

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a: int, b: int, force: bool = False) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        ma = self.members.get(ra) or [ra]
        mb = self.members.get(rb) or [rb]
        if not force and self.conflicts.between(ma, mb):
            return False
        if len(ma) < len(mb):
            ra, rb, ma, mb = rb, ra, mb, ma
        self.parent[rb] = ra
        self.members[ra] = ma + mb
        self.members.pop(rb, None)
        return True


def cluster(
    n: int,
    left: np.ndarray,
    right: np.ndarray,
    weight: np.ndarray,
    keep: np.ndarray,
    must: list[tuple[int, int]] | None = None,
    cannot: Conflicts | None = None,
    label: str = "",
) -> Clustering:
    """Greedy constrained clustering.

    Args:
        n: number of records.
        left, right: candidate pair record indices.
        weight: pair strength used for ordering (match weight or probability).
        keep: boolean mask of the pairs that are links.
        must: pairs joined first (reviewer accepts).
        cannot: pairs never put in one person (reviewer rejects, strong evidence against).
        label: a name for the result.
    """
    sets = _DisjointSets(n, cannot or Conflicts(n, []))
    for a, b in must or []:
        sets.union(int(a), int(b), force=True)
    idx = np.flatnonzero(keep)
    order = idx[np.argsort(-weight[idx], kind="stable")]
    for a, b in zip(left[order].tolist(), right[order].tolist(), strict=True):
        sets.union(a, b)
    roots = np.array([sets.find(i) for i in range(n)], dtype=np.int64)
    _, person = np.unique(roots, return_inverse=True)
    # Renumber in first-appearance order so person ids follow the input order.
    first = np.full(person.max() + 1 if n else 0, n, dtype=np.int64)
    np.minimum.at(first, person, np.arange(n))
    rank = np.empty_like(first)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    person = rank[person]
    return Clustering(label=label, person=person, n_persons=len(first))
