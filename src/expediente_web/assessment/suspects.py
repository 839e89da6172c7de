"""What the records say of a suspect: their posts over time and the acts linked to them.

An act is linked to a suspect when
- the suspect is recorded as its perpetrator (an involvement naming them: committed directly,
  ordered, present…), or
- a unit under a post the suspect held took part in it (the post's unit or any unit below it)
  on a date the post possibly covers (imprecise dates are read widely: a lead for the analyst,
  to be checked against the certain dates before it supports a finding).

Undated acts cannot be placed under a post; they are linked only through an involvement.
Everything is read through `access_records`, in a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from expediente_web.cases.models import Case
from expediente_web.records.access import access_records
from expediente_web.records.models import Act, Involvement, Person, Position, Unit
from expediente_web.workspace.tree import descendants


@dataclass
class LinkedAct:
    act: Act
    degree: str | None
    """The involvement's degree when the suspect is named in it; None when only their post."""
    through: Position | None
    """The post under which a unit took part in it, if any."""
    unit: Unit | None


@dataclass
class SuspectRecord:
    positions: list[Position]
    linked: list[LinkedAct]
    undated_under_posts: int


def post_span(position: Position) -> tuple[dt.date, dt.date]:
    """The widest days a post may have covered (open ends: as far as dates go)."""
    start = position.start_earliest if position.start_text else None
    end = position.end_latest if position.end_text else None
    return (start or dt.date.min, end or dt.date.max)


def _overlaps(act: Act, span: tuple[dt.date, dt.date]) -> bool:
    if act.date_earliest is None:
        return False
    latest = act.date_latest or act.date_earliest
    return act.date_earliest <= span[1] and span[0] <= latest


def suspect_record(user: Any, case: Case, suspect: Person) -> SuspectRecord:
    positions = list(
        access_records(user, case, Position)
        .filter(person=suspect)
        .select_related("unit", "controls")
        .order_by("start_earliest", "end_earliest", "id")
    )
    pairs = list(access_records(user, case, Unit).values_list("id", "parent_id"))
    linked: dict[int, LinkedAct] = {}
    direct = (
        Involvement.objects.filter(act__in=access_records(user, case, Act), person=suspect)
        .select_related("act__location", "unit")
        .order_by("act__date_earliest", "act_id")
    )
    for inv in direct:
        if inv.act_id not in linked:
            linked[inv.act_id] = LinkedAct(inv.act, inv.degree, None, inv.unit)
    under: dict[int, list[Position]] = {}
    for position in positions:
        for unit_id in descendants(position.unit_id, pairs) | {position.unit_id}:
            under.setdefault(unit_id, []).append(position)
    undated: set[int] = set()
    if under:
        by_units = (
            Involvement.objects.filter(
                act__in=access_records(user, case, Act), unit_id__in=list(under)
            )
            .select_related("act__location", "unit")
            .order_by("act__date_earliest", "act_id")
        )
        for inv in by_units:
            for position in under[inv.unit_id]:
                if inv.act.date_earliest is None:
                    undated.add(inv.act_id)
                    continue
                if not _overlaps(inv.act, post_span(position)):
                    continue
                found = linked.get(inv.act_id)
                if found is None:
                    linked[inv.act_id] = LinkedAct(inv.act, None, position, inv.unit)
                elif found.through is None:
                    found.through = position
                break
    acts = sorted(linked.values(), key=lambda la: (la.act.date_earliest or dt.date.max, la.act.pk))
    return SuspectRecord(positions, acts, len(undated - set(linked)))
