"""The chain-of-command figure of a unit page and a person page: who commanded the unit and the
units above it over time, with the acts attributed to each unit period by period.

The data is read here (through `access_records`), laid out by `expediente.command` and drawn
by `workspace/_command_figure.html`. Two layouts of the same rows are made, a wide one and a
narrow one for phones, so that text keeps its size on both. Every person is named as the page's
identity policy allows (the reveal is recorded by the page's `Identities`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from expediente.command import ActCount, Bar, DatedAct, Lane, Level, Post, Timeline, lay_out
from expediente_web.cases.models import Case
from expediente_web.records.access import access_records
from expediente_web.records.models import Act, Involvement, Person, Position, Unit
from expediente_web.workspace.identities import Identities
from expediente_web.workspace.tree import ancestors

WIDE = 960.0
NARROW = 340.0


@dataclass
class ShownBar:
    bar: Bar
    position: Position
    href: str


@dataclass
class ShownCount:
    count: ActCount
    href: str


@dataclass
class ShownLane:
    lane: Lane
    unit: Unit
    href: str
    bars: list[ShownBar]
    counts: list[ShownCount]


@dataclass
class Drawing:
    """One layout of the figure, with the records and links its marks stand for."""

    timeline: Timeline
    lanes: list[ShownLane]
    ident: str


@dataclass
class CommandFigure:
    """What the figure's template draws: a wide and a narrow drawing of the same rows (None
    when nothing has a date) and the posts that could not be placed on the axis."""

    subject: str
    wide: Drawing | None
    narrow: Drawing | None
    unplaced: list[Position] = field(default_factory=list)
    positions: int = 0
    #: The units drawn (nearest first) and the command positions read for them.
    chain: list[Unit] = field(default_factory=list)
    commanders: list[Position] = field(default_factory=list)


def _post(position: Position, label: str, own: bool = False) -> Post:
    return Post(
        key=str(position.uid),
        level=str(position.unit.uid),
        holder=str(position.person.uid),
        label=label,
        start_earliest=position.start_earliest,
        start_latest=position.start_latest,
        end_earliest=position.end_earliest,
        end_latest=position.end_latest,
        open_start=not position.start_text,
        open_end=not position.end_text,
        own=own,
    )


def _label(identities: Identities, position: Position) -> str:
    identities.label(position.person)
    shown = position.person.shown  # type: ignore[attr-defined]
    return f"{shown} · {position.title}" if position.title else shown


def _acts_of(user: Any, case: Case, units: Sequence[Unit]) -> list[DatedAct]:
    """Every live act attributed to one of the units, once per unit, with its date bounds."""
    uid_of = {u.pk: str(u.uid) for u in units}
    rows = (
        Involvement.objects.filter(unit__in=list(uid_of), act__in=access_records(user, case, Act))
        .values_list("act__uid", "unit_id", "act__date_earliest", "act__date_latest")
        .distinct()
    )
    return [
        DatedAct(str(act), uid_of[unit], earliest, latest) for act, unit, earliest, latest in rows
    ]


def _drawings(
    case: Case,
    units: Sequence[Unit],
    positions: Iterable[tuple[Position, Post]],
    acts: Sequence[DatedAct],
    today: dt.date,
    window: tuple[dt.date, dt.date] | None,
) -> tuple[Drawing | None, Drawing | None]:
    by_key = {post.key: (position, post) for position, post in positions}
    levels = [Level(str(u.uid), str(u)) for u in units]
    unit_of = {str(u.uid): u for u in units}
    acts_url = reverse("workspace:acts", kwargs={"code": case.code})
    out: list[Drawing | None] = []
    for ident, width in (("cmd-wide", WIDE), ("cmd-narrow", NARROW)):
        timeline = lay_out(
            levels,
            [post for _position, post in by_key.values()],
            acts,
            today=today,
            width=width,
            window=window,
        )
        if timeline is None:
            out.append(None)
            continue
        lanes = []
        for lane in timeline.lanes:
            unit = unit_of[lane.level.key]
            bars = [
                ShownBar(
                    bar,
                    by_key[bar.post.key][0],
                    reverse("workspace:person", kwargs={"code": case.code, "uid": bar.post.holder}),
                )
                for bar in lane.bars
            ]
            counts = [
                ShownCount(
                    count,
                    acts_url
                    + "?"
                    + urlencode(
                        {
                            "unit": lane.level.key,
                            "date_from": count.start.isoformat(),
                            "date_to": count.end.isoformat(),
                        }
                    ),
                )
                for count in lane.counts
            ]
            href = reverse("workspace:unit", kwargs={"code": case.code, "uid": lane.level.key})
            lanes.append(ShownLane(lane, unit, href, bars, counts))
        out.append(Drawing(timeline, lanes, ident))
    return out[0], out[1]


def unit_figure(
    user: Any,
    case: Case,
    unit: Unit,
    every: dict[int, Unit],
    identities: Identities,
    today: dt.date,
) -> CommandFigure:
    """The commanders of the unit and of every unit above it over time, and the acts attributed
    to each of them. `every` is the case's units by primary key (the page has read them)."""
    chain = [unit, *reversed(ancestors(unit, every))]
    commanders = list(
        access_records(user, case, Position)
        .filter(unit__in=chain, is_commander=True)
        .select_related("person", "unit")
        .order_by("start_earliest", "id")
    )
    pairs = [(p, _post(p, _label(identities, p))) for p in commanders]
    wide, narrow = _drawings(case, chain, pairs, _acts_of(user, case, chain), today, None)
    return CommandFigure(
        subject=str(unit),
        wide=wide,
        narrow=narrow,
        unplaced=[p for p, post in pairs if not post.placeable],
        positions=len(pairs),
        chain=chain,
        commanders=commanders,
    )


def _possibly(position: Position) -> tuple[dt.date, dt.date] | None:
    """The days a post is possibly held (open ends unbounded); None when its dates are unread."""
    if position.start_text and position.start_earliest is None:
        return None
    if position.end_text and position.end_latest is None:
        return None
    return (position.start_earliest or dt.date.min, position.end_latest or dt.date.max)


def person_figure(
    user: Any,
    case: Case,
    person: Person,
    posts: Sequence[Position],
    identities: Identities,
    today: dt.date,
) -> CommandFigure:
    """The person's own posts and, over the time they held them, the commanders of their units
    and of every unit above those, with the acts attributed to each unit in that time."""
    if not posts:
        return CommandFigure(subject=person.shown, wide=None, narrow=None)  # type: ignore[attr-defined]
    every = {u.pk: u for u in access_records(user, case, Unit)}
    chains: dict[int, list[Unit]] = {}
    units: list[Unit] = []
    for post in posts:
        own_unit = every.get(post.unit_id, post.unit)
        chain = [own_unit, *reversed(ancestors(own_unit, every))]
        chains[post.pk] = chain
        for u in chain:
            if u not in units:
                units.append(u)
    # The lowest units first, each organization last, as on a unit's page.
    units.sort(key=lambda u: -len(ancestors(u, every)))
    held = {post.pk: _possibly(post) for post in posts}
    above: dict[int, list[tuple[dt.date, dt.date]]] = {}  # unit → the person's spans under it
    for post in posts:
        span = held[post.pk]
        for u in chains[post.pk]:
            if span is not None:
                above.setdefault(u.pk, []).append(span)
    pairs: list[tuple[Position, Post]] = []
    for post in posts:
        post.unit = every.get(post.unit_id, post.unit)
        post.person = person
        pairs.append((post, _post(post, _label(identities, post), own=True)))
    for position in (
        access_records(user, case, Position)
        .filter(unit__in=units, is_commander=True)
        .exclude(person=person)
        .select_related("person", "unit")
        .order_by("start_earliest", "id")
    ):
        span = _possibly(position)
        spans = above.get(position.unit_id, [])
        if span is None or any(span[0] <= b and span[1] >= a for a, b in spans):
            pairs.append((position, _post(position, _label(identities, position))))
    starts = [p.start_earliest for p in posts if p.start_earliest]
    ends = [p.end_latest or today for p in posts if p.end_latest or not p.end_text]
    window = None
    if all(p.start_text for p in posts) and starts and ends and min(starts) <= max(ends):
        window = (min(starts), max(ends))
    wide, narrow = _drawings(case, units, pairs, _acts_of(user, case, units), today, window)
    return CommandFigure(
        subject=person.shown,  # type: ignore[attr-defined]
        wide=wide,
        narrow=narrow,
        unplaced=[p for p, post in pairs if not post.placeable],
        positions=len(pairs),
    )
