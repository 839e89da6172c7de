"""Trees of units and locations, built from (id, parent id) pairs in one query."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any


def natural(text: str) -> list[Any]:
    """A sort key that puts "Sitio 2" before "Sitio 10"."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text.lower())]


def descendants(root: int, pairs: Iterable[tuple[int, int | None]]) -> set[int]:
    """The node and every node below it (a cycle in the data cannot hang the walk)."""
    children: dict[int | None, list[int]] = {}
    for node, parent in pairs:
        children.setdefault(parent, []).append(node)
    found = {root}
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def flatten(nodes: Sequence[Any], key: Any = None) -> list[tuple[Any, int]]:
    """Every node with its depth, parents before their children, siblings by `key`; nodes whose
    parent is not among them (or that sit on a cycle) are shown as roots."""
    by_id = {n.pk: n for n in nodes}
    children: dict[int | None, list[Any]] = {}
    for n in nodes:
        parent = n.parent_id if n.parent_id in by_id else None
        children.setdefault(parent, []).append(n)
    order = key or (lambda n: natural(str(n)))
    out: list[tuple[Any, int]] = []
    seen: set[int] = set()

    def walk(parent: int | None, depth: int) -> None:
        for n in sorted(children.get(parent, []), key=order):
            if n.pk in seen:
                continue
            seen.add(n.pk)
            out.append((n, depth))
            walk(n.pk, depth + 1)

    walk(None, 0)
    for n in sorted(nodes, key=order):  # nodes on a cycle: never reached from a root
        if n.pk not in seen:
            seen.add(n.pk)
            out.append((n, 0))
            walk(n.pk, 1)
    return out


def ancestors(node: Any, by_id: dict[int, Any]) -> list[Any]:
    """The node's parents, the root first."""
    chain: list[Any] = []
    seen = {node.pk}
    current = by_id.get(node.parent_id)
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        chain.append(current)
        current = by_id.get(current.parent_id)
    return list(reversed(chain))
