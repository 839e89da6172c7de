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


def _renumber(labels: np.ndarray) -> tuple[np.ndarray, int]:
    """Person ids 0..k-1 in first-appearance order."""
    n = len(labels)
    if n == 0:
        return labels.astype(np.int64), 0
    _, person = np.unique(labels, return_inverse=True)
    person = person.reshape(-1)
    first = np.full(person.max() + 1, n, dtype=np.int64)
    np.minimum.at(first, person, np.arange(n))
    rank = np.empty_like(first)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    return rank[person], len(first)


def average_linkage(
    n: int,
    left: np.ndarray,
    right: np.ndarray,
    score: np.ndarray,
    threshold: float,
    must: list[tuple[int, int]] | None = None,
    cannot: Conflicts | None = None,
    label: str = "",
) -> Clustering:
    """Agglomerative clustering by average linkage over pair scores.

    Two groups are joined while the mean score over *all* pairs between them (pairs not
    listed count as 0) is at least ``threshold``, best first. A chain A~B~C with A and C
    unlike is then not one person unless A and C themselves are alike enough to keep the
    mean up, which is what keeps single strong links from gluing namesakes together.
    Reviewer accepts are joined first; cannot-link pairs are never put in one group.

    Args:
        n: number of records.
        left, right, score: pairs and their scores (match probabilities, or 0/1 draws).
        threshold: the least mean score at which two groups are joined.
        must: pairs joined first (reviewer accepts).
        cannot: pairs never put in one person.
        label: a name for the result.
    """
    import heapq

    conflicts = cannot or Conflicts(n, [])
    parent = list(range(n))
    members: dict[int, list[int]] = {}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    keep = score > 0
    edges: dict[int, dict[int, float]] = {}
    for a, b, s in zip(
        left[keep].tolist(), right[keep].tolist(), score[keep].tolist(), strict=True
    ):
        if a == b:
            continue
        ea, eb = edges.setdefault(a, {}), edges.setdefault(b, {})
        ea[b] = ea.get(b, 0.0) + s
        eb[a] = ea[b]
    size = dict.fromkeys(edges, 1)

    def merge(ra: int, rb: int) -> int:
        ea, eb = edges.setdefault(ra, {}), edges.setdefault(rb, {})
        if len(ea) < len(eb):
            ra, rb, ea, eb = rb, ra, eb, ea
        parent[rb] = ra
        members[ra] = (members.get(ra) or [ra]) + (members.pop(rb, []) or [rb])
        size[ra] = size.get(ra, 1) + size.pop(rb, 1)
        ea.pop(rb, None)
        for c, s in eb.items():
            if c == ra:
                continue
            ea[c] = ea.get(c, 0.0) + s
            ec = edges[c]
            ec.pop(rb, None)
            ec[ra] = ea[c]
        edges.pop(rb, None)
        return ra

    for a, b in must or []:
        ra, rb = find(int(a)), find(int(b))
        if ra != rb:
            merge(ra, rb)
    heap: list[tuple[float, int, int, int, int]] = []

    def push(ra: int, rb: int) -> None:
        mean = edges[ra][rb] / (size.get(ra, 1) * size.get(rb, 1))
        if mean >= threshold:
            heapq.heappush(heap, (-mean, ra, rb, size.get(ra, 1), size.get(rb, 1)))

    for a, neighbours in edges.items():
        if find(a) != a:
            continue
        for b in neighbours:
            if a < b and find(b) == b:
                push(a, b)
    refused: set[tuple[int, int]] = set()
    while heap:
        _, ra, rb, sa, sb = heapq.heappop(heap)
        if find(ra) != ra or find(rb) != rb or size.get(ra, 1) != sa or size.get(rb, 1) != sb:
            continue  # stale: one side has grown since this entry was pushed
        if (ra, rb) in refused:
            continue
        if conflicts.between(members.get(ra) or [ra], members.get(rb) or [rb]):
            refused.add((ra, rb))
            continue
        root = merge(ra, rb)
        for c in list(edges.get(root, {})):
            if find(c) == c and c != root:
                push(min(root, c), max(root, c))
    roots = np.array([find(i) for i in range(n)], dtype=np.int64)
    person, count = _renumber(roots)
    return Clustering(label=label, person=person, n_persons=count)


def star(
    n: int,
    left: np.ndarray,
    right: np.ndarray,
    score: np.ndarray,
    threshold: float,
    label: str = "",
) -> Clustering:
    """Star clustering: the record with the most link strength becomes a centre and takes
    its unassigned neighbours at or above ``threshold``; repeated until none is left.
    """
    keep = score >= threshold
    a, b, s = left[keep], right[keep], score[keep]
    strength = np.zeros(n)
    np.add.at(strength, a, s)
    np.add.at(strength, b, s)
    neighbours: dict[int, list[int]] = {}
    for x, y in zip(a.tolist(), b.tolist(), strict=True):
        neighbours.setdefault(x, []).append(y)
        neighbours.setdefault(y, []).append(x)
    centre = np.full(n, -1, dtype=np.int64)
    for i in np.argsort(-strength, kind="stable").tolist():
        if centre[i] >= 0:
            continue
        centre[i] = i
        for j in neighbours.get(i, []):
            if centre[j] < 0:
                centre[j] = i
    person, count = _renumber(centre)
    return Clustering(label=label, person=person, n_persons=count)
