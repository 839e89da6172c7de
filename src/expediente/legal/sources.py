"""Sources and their independence.

Two reports confirm each other only if they were obtained independently. A press story
that retells an NGO's list, two lists that both copied a third, two statements taken from
the same witness: each pair is *one* line of information, however many records it left.

A :class:`Source` names what it draws on (``derived_from``: ids of other sources, which
need not be in the case) and, optionally, an ``origin`` label for a shared upstream that
is not itself a source of the case (``"witness:W-0042"``, ``"list:Foro Penal 2017"``).
Two sources are *dependent* when their ancestries (themselves, everything they draw on,
transitively, and their origins) meet; :func:`independent_groups` partitions a set of
sources into groups of mutually dependent ones, and the number of groups is the number of
independent sources.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = ["Source", "independent_count", "independent_groups"]


@dataclass(frozen=True, slots=True)
class Source:
    """A source of information: a list, an interview, a report, a hearing.

    Attributes:
        id: the source's code in the case.
        kind: its ``source_kinds`` term, for display (``source.press``).
        derived_from: ids of the sources it copies, retells or was compiled from.
        origin: a shared upstream outside the case's sources, if known.
    """

    id: str
    kind: str = ""
    derived_from: tuple[str, ...] = ()
    origin: str | None = None


def _ancestry(source_id: str, sources: Mapping[str, Source]) -> frozenset[str]:
    seen: set[str] = set()
    stack = [source_id]
    while stack:
        current = stack.pop()
        if current in seen:
            continue  # a cycle in derived_from: each source once
        seen.add(current)
        source = sources.get(current)
        if source is None:
            continue  # a source outside the case: known only by its id
        if source.origin:
            seen.add("\x00origin:" + source.origin)
        stack.extend(source.derived_from)
    return frozenset(seen)


def independent_groups(
    source_ids: Iterable[str], sources: Mapping[str, Source]
) -> list[frozenset[str]]:
    """Partition ``source_ids`` into groups of sources that are not independent.

    Dependence is transitive for counting: if A copies B and C copies B, A, B and C are one
    group. Groups come out sorted by their smallest id.
    """
    ids = sorted(set(source_ids))
    ancestry = {sid: _ancestry(sid, sources) for sid in ids}
    parent = {sid: sid for sid in ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    owner: dict[str, str] = {}  # ancestor → the first source id whose ancestry holds it
    for sid in ids:
        for ancestor in ancestry[sid]:
            first = owner.setdefault(ancestor, sid)
            if first != sid:
                a, b = find(first), find(sid)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    groups: dict[str, set[str]] = {}
    for sid in ids:
        groups.setdefault(find(sid), set()).add(sid)
    return sorted((frozenset(g) for g in groups.values()), key=min)


def independent_count(source_ids: Iterable[str], sources: Mapping[str, Source]) -> int:
    """How many independent sources ``source_ids`` amount to."""
    return len(independent_groups(source_ids, sources))
