"""Chains of command, read from positions: who commanded a unit, and who was above a person,
on a given day.

Positions have imprecise periods (a post "from 2016" "until mid-2018"), so every question here
has two answers: positions that *certainly* cover the day (the earliest possible end is after
it and the latest possible start before it) and positions that *possibly* cover it (some
reading of the imprecise dates does). Callers choose; the default is "possibly", which is what
an analyst looking for leads wants — a finding must then be checked against the certain set.
An open end (no end date) means the post was still held.

What is above a unit on a day: its parent in the `Unit.parent` tree, and every unit it was
subordinate to or under the operational control of that day (`UnitRelation`, dated like the
posts, read possibly or certainly the same way). A unit's commanders are the command posts held
in it and the de facto posts whose holders exercised effective control over it (`controls`):
art. 28(a)'s "person effectively acting as a military commander".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from expediente_web.records.models import (
    COMMAND_RELATIONS,
    Person,
    Position,
    Unit,
    UnitRelation,
)

DE_FACTO = "post.de_facto"


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
    """Command positions held in this unit on that day, and de facto posts in effective
    control of it."""
    in_command = Q(unit=unit, is_commander=True) | Q(basis=DE_FACTO, controls=unit)
    return list(positions_on(on, certainly=certainly).filter(in_command).order_by("id"))


def relations_on(on: dt.date, *, certainly: bool = False) -> QuerySet[UnitRelation]:
    """Live relations of subordination or operational control that (possibly or certainly)
    hold on the day."""
    return (
        UnitRelation.objects.live()
        .filter(_covering(on, certainly), kind__in=COMMAND_RELATIONS)
        .select_related("other")
    )


@dataclass(frozen=True)
class CommandLevel:
    """One level of a chain of command: a unit and the command positions held in it; `via`
    says how it is above the level before it (`parent`, or the kind of a `UnitRelation`;
    `self` for the unit asked about)."""

    unit: Unit
    commanders: tuple[Position, ...]
    via: str = "parent"


def units_above(unit: Unit, on: dt.date, *, certainly: bool = False) -> list[tuple[Unit, str]]:
    """The units directly above `unit` on the day, each with how: its parent, then the units
    it was subordinate to or under the operational control of."""
    above: list[tuple[Unit, str]] = []
    if unit.parent_id is not None and unit.parent.deleted_at is None:
        above.append((unit.parent, "parent"))
    for relation in relations_on(on, certainly=certainly).filter(unit=unit).order_by("id"):
        if relation.other.deleted_at is None:
            above.append((relation.other, relation.kind))
    return above


def chain_of_command(unit: Unit, on: dt.date, *, certainly: bool = False,
                     units: dict[int, Unit] | None = None) -> list[CommandLevel]:
    """The unit and every unit above it on that day, each with its commanders, nearest first
    (breadth first: a unit both in the tree and under another's control has both above it).

    Three queries whatever the depth: the case's live units (none when the caller passes them
    as `units`, by id), its relations and its command posts that (possibly or certainly) cover
    the day; the walk is made from them."""
    if units is None:
        units = {u.pk: u for u in Unit.objects.live().filter(case_id=unit.case_id)}
    else:
        units = dict(units)
    units[unit.pk] = units.get(unit.pk, unit)
    above: dict[int, list[tuple[int, str]]] = {}
    for u in units.values():
        if u.parent_id in units:
            above.setdefault(u.pk, []).append((u.parent_id, "parent"))
    for relation in relations_on(on, certainly=certainly).filter(case_id=unit.case_id).order_by(
        "id"
    ):
        if relation.other_id in units:
            above.setdefault(relation.unit_id, []).append((relation.other_id, relation.kind))
    in_command = Q(is_commander=True, unit__isnull=False) | Q(basis=DE_FACTO,
                                                              controls__isnull=False)
    commanders: dict[int, list[Position]] = {}
    posts = positions_on(on, certainly=certainly).filter(in_command, case_id=unit.case_id)
    for position in posts.order_by("id"):
        if position.is_commander and position.unit_id is not None:
            commanders.setdefault(position.unit_id, []).append(position)
        if position.basis == DE_FACTO and position.controls_id is not None and (
            position.controls_id != position.unit_id or not position.is_commander
        ):
            commanders.setdefault(position.controls_id, []).append(position)
    chain: list[CommandLevel] = []
    seen: set[int] = {unit.pk}
    queue: list[tuple[int, str]] = [(unit.pk, "self")]
    while queue:  # each unit once: a cycle must not hang the walk
        current, via = queue.pop(0)
        chain.append(CommandLevel(units[current], tuple(commanders.get(current, ())), via))
        for up, how in above.get(current, ()):
            if up not in seen:
                seen.add(up)
                queue.append((up, how))
    return chain


def superiors_of(person: Person, on: dt.date, *, certainly: bool = False) -> list[Position]:
    """Command positions above the person's posts on that day, nearest first.

    For each post the person held in a unit, the commanders of the same unit (unless the person
    is one of them) and then of every unit above it that day, de facto controllers included. A
    person with no post in a unit that day has no superiors here.
    """
    superiors: list[Position] = []
    found: set[int] = set()
    for post in positions_on(on, certainly=certainly).filter(person=person, unit__isnull=False):
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
