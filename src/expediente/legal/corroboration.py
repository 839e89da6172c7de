"""Corroboration: the acts that several sources report, matched into one fact.

Each source reports acts on its own terms: one list says a person was detained in May
2017, an interview gives the day, a press story says "2017". Counting each report as an
act inflates the record; counting the sources behind each fact, and how many of them are
independent (:mod:`expediente.legal.sources`), says how well the fact is corroborated.

Two reports are of the same fact when they concern the same victim (as record linkage
resolved it), act types that ``compatible`` accepts, and date ranges that overlap (an
undated report spans all time). A vague report (a whole year, or no date) that overlaps
two reports which do not overlap each other could be either of them: it is not used to
join them, and unless all its overlapping reports end up in one fact it stands alone,
marked ``ambiguous`` for an analyst to settle.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from expediente.legal.sources import Source, independent_count
from expediente.vocabularies import VocabularySet

__all__ = ["Fact", "ReportedAct", "corroborate", "same_family"]

_MIN, _MAX = dt.date.min, dt.date.max


@dataclass(frozen=True, slots=True)
class ReportedAct:
    """One act as one source reports it.

    Attributes:
        id: the act record's identifier.
        source: the id of the source that reports it.
        victim: the person it was done to, as linkage resolved the victim's records.
        act_type: its ``act_types`` term.
        earliest, latest: the first and last day it may have happened (None: unknown).
    """

    id: str
    source: str
    victim: str
    act_type: str
    earliest: dt.date | None = None
    latest: dt.date | None = None

    def __post_init__(self) -> None:
        lo, hi = self.span
        if lo > hi:
            raise ValueError(f"act {self.id!r}: its latest date is before its earliest")

    @property
    def span(self) -> tuple[dt.date, dt.date]:
        return (self.earliest or _MIN, self.latest or self.earliest or _MAX)


@dataclass(frozen=True, slots=True)
class Fact:
    """Reports matched into one fact."""

    acts: tuple[ReportedAct, ...]
    sources: frozenset[str]
    independent_sources: int
    ambiguous: bool = False
    """A vague report that could belong to more than one fact, left on its own."""

    @property
    def victim(self) -> str:
        return self.acts[0].victim

    @property
    def act_types(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(a.act_type for a in self.acts))

    @property
    def earliest(self) -> dt.date | None:
        """The latest of the reports' earliest days: the narrowest window they agree on."""
        days = [a.earliest for a in self.acts if a.earliest is not None]
        return max(days) if days else None

    @property
    def latest(self) -> dt.date | None:
        days = [a.latest or a.earliest for a in self.acts if (a.latest or a.earliest)]
        return min(d for d in days if d is not None) if days else None


def _overlap(a: ReportedAct, b: ReportedAct, slack: dt.timedelta) -> bool:
    (a0, a1), (b0, b1) = a.span, b.span
    try:
        a1 = a1 + slack if a1 != _MAX else a1
        b1 = b1 + slack if b1 != _MAX else b1
    except OverflowError:
        pass
    return a0 <= b1 and b0 <= a1


def same_family(vocab: VocabularySet) -> Callable[[str, str], bool]:
    """Act types are compatible when they share their broadest term.

    ``act.detention.arrest`` and ``act.detention.arbitrary`` are one family: two sources
    that qualify the same detention differently still report one detention.
    """

    def root(term_id: str) -> str:
        seen = set()
        term = vocab.get(term_id)
        while term is not None and term.parent is not None and term.id not in seen:
            seen.add(term.id)
            term = vocab.get(term.parent)
        return term.id if term is not None else term_id

    return lambda a, b: a == b or root(a) == root(b)


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _equal(a: str, b: str) -> bool:
    return a == b


def corroborate(
    acts: Iterable[ReportedAct],
    sources: Mapping[str, Source] | None = None,
    *,
    compatible: Callable[[str, str], bool] = _equal,
    slack_days: int = 0,
) -> list[Fact]:
    """Match reported acts into facts, each with its count of independent sources.

    Args:
        acts: the reports, from any number of sources.
        sources: the case's sources, for independence (``derived_from``, ``origin``).
        compatible: whether two act types can be the same fact (default: equal types;
            :func:`same_family` accepts any two of one family).
        slack_days: how many days apart two reports may be and still match.

    Returns:
        Facts ordered by victim and date; a fact reported once has one source.
    """
    known = dict(sources or {})
    slack = dt.timedelta(days=slack_days)
    by_victim: dict[str, list[ReportedAct]] = {}
    ids: set[str] = set()
    for act in acts:
        if act.id in ids:
            raise ValueError(f"act {act.id!r} appears twice")
        ids.add(act.id)
        by_victim.setdefault(act.victim, []).append(act)
    facts: list[Fact] = []
    for victim in sorted(by_victim):
        group = sorted(by_victim[victim], key=lambda a: (a.span, a.id))
        n = len(group)
        near = [
            {
                j
                for j in range(n)
                if j != i
                and compatible(group[i].act_type, group[j].act_type)
                and _overlap(group[i], group[j], slack)
            }
            for i in range(n)
        ]
        vague = {
            i
            for i in range(n)
            if any(
                not _overlap(group[j], group[k], slack)
                or not compatible(group[j].act_type, group[k].act_type)
                for j in near[i]
                for k in near[i]
                if j < k
            )
        }
        sets = _UnionFind(n)
        find, union = sets.find, sets.union
        for i in range(n):
            if i in vague:
                continue
            for j in near[i]:
                if j not in vague:
                    union(i, j)
        ambiguous: set[int] = set()
        for i in sorted(vague):
            clusters = {find(j) for j in near[i] if j not in vague}
            if len(clusters) == 1:
                union(i, clusters.pop())
            elif clusters:
                ambiguous.add(i)
        members: dict[int, list[int]] = {}
        for i in range(n):
            members.setdefault(find(i), []).append(i)
        for root in sorted(members):
            chosen = tuple(group[i] for i in members[root])
            source_ids = frozenset(a.source for a in chosen)
            facts.append(
                Fact(
                    acts=chosen,
                    sources=source_ids,
                    independent_sources=independent_count(source_ids, known),
                    ambiguous=any(i in ambiguous for i in members[root]),
                )
            )
    return facts
