"""Chains of command, read from positions: who commanded a unit, and who was above a person,
on a given day.

Positions have imprecise periods (a post "from 2016" "until mid-2018"), so every question here
has two answers: positions that *certainly* cover the day (the earliest possible end is after
it and the latest possible start before it) and positions that *possibly* cover it (some
reading of the imprecise dates does). Callers choose; the default is "possibly", which is what
an analyst looking for leads wants — a finding must then be checked against the certain set.
An open end (no end date) means the post was still held.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from expediente_web.records.models import Person, Position, Unit


def _covering(on: dt.date, certainly: bool) -> Q:
    if certainly:
        starts = Q(start_latest__lte=on) | Q(start_latest__isnull=True, start_text="")
        ends = Q(end_earliest__gte=on) | Q(end_text="")
    else:
        starts = Q(start_earliest__lte=on) | Q(start_text="")
        ends = Q(end_latest__gte=on) | Q(end_text="")
    return starts & ends


def positions_on(on: dt.date, *, certainly: bool = False) -> QuerySet[Position]:
    """Live positions that (possibly or certainly) cover the day."""
    return Position.objects.live().filter(_covering(on, certainly)).select_related("person", "unit")


def commanders_of(unit: Unit, on: dt.date, *, certainly: bool = False) -> list[Position]:
    """Command positions held in this unit on that day."""
    return list(positions_on(on, certainly=certainly).filter(unit=unit, is_commander=True))


@dataclass(frozen=True)
class CommandLevel:
    """One level of a chain of command: a unit and the command positions held in it."""

    unit: Unit
    commanders: tuple[Position, ...]


def chain_of_command(unit: Unit, on: dt.date, *, certainly: bool = False) -> list[CommandLevel]:
    """The unit and every unit above it, each with its commanders on that day, nearest first."""
    chain: list[CommandLevel] = []
    seen: set[int] = set()
    current: Unit | None = unit
    while current is not None and current.pk not in seen:  # a cycle must not hang the walk
        seen.add(current.pk)
        chain.append(CommandLevel(current, tuple(commanders_of(current, on, certainly=certainly))))
        current = current.parent
    return chain


def superiors_of(person: Person, on: dt.date, *, certainly: bool = False) -> list[Position]:
    """Command positions above the person's posts on that day, nearest first.

    For each post the person held, the commanders of the same unit (unless the person is one of
    them) and then of every unit above it. A person with no post that day has no superiors here.
    """
    superiors: list[Position] = []
    found: set[int] = set()
    for post in positions_on(on, certainly=certainly).filter(person=person):
        for level in chain_of_command(post.unit, on, certainly=certainly):
            for position in level.commanders:
                commands_own_unit = level.unit == post.unit and post.is_commander
                if position.person_id == person.pk or commands_own_unit:
                    continue
                if position.pk not in found:
                    found.add(position.pk)
                    superiors.append(position)
    return superiors


def covers(position: Position, on: dt.date, *, certainly: bool = False) -> bool:
    """Whether a position already read (possibly or certainly) covers the day: the same test
    as `positions_on`, for a page that has the positions in hand."""
    if certainly:
        starts = (position.start_latest is not None and position.start_latest <= on) or (
            position.start_latest is None and position.start_text == ""
        )
        ends = (
            position.end_earliest is not None and position.end_earliest >= on
        ) or position.end_text == ""
    else:
        starts = (
            position.start_earliest is not None and position.start_earliest <= on
        ) or position.start_text == ""
        ends = (
            position.end_latest is not None and position.end_latest >= on
        ) or position.end_text == ""
    return starts and ends


def chain_of_command_among(
    chain: list[Unit], commanders: list[Position], on: dt.date, *, certainly: bool = False
) -> list[CommandLevel]:
    """`chain_of_command` from what a page has read: the units of the chain (nearest first) and
    the live command positions held in them, without a query per level."""
    return [
        CommandLevel(
            unit,
            tuple(
                p
                for p in commanders
                if p.unit_id == unit.pk and p.is_commander and covers(p, on, certainly=certainly)
            ),
        )
        for unit in chain
    ]
