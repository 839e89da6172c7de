"""The notice a suspect had: the interventions that reached them or a unit they held a post in.

Art. 28 asks whether a superior "knew or, owing to the circumstances at the time, should have
known" (28(a)) or "consciously disregarded information" (28(b)). The record's part of the answer
is the interventions (habeas corpus, complaints, IACHR measures, UN communications, press) that
notified the suspect in person, or a unit of one of their posts (the post's unit, or the unit a
de facto post controls) while they may have held it. "Before" means what it means for the
examination app's `access_notice_for`: the intervention's latest possible date is earlier, so an
undated one, or one whose imprecise date may fall on the day or after it, does not count.

For each act linked to the suspect, the first such intervention certainly before the act's
earliest possible date: notice the suspect may have had of earlier conduct when this act
happened. A lead for the analyst, like the linked acts themselves, not a finding.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from expediente_web.assessment.suspects import SuspectRecord, post_span
from expediente_web.cases.models import Case
from expediente_web.examination.access import access_interventions
from expediente_web.examination.models import Intervention
from expediente_web.records.models import Person, Unit


@dataclass(frozen=True)
class Notified:
    intervention: Intervention
    unit: Unit | None
    """The unit notified, or None when the suspect was notified in person."""


@dataclass
class Notice:
    interventions: list[Notified]
    """Every intervention that notified the suspect or a unit of their posts, oldest first."""
    before_act: dict[int, Notified] = field(default_factory=dict)
    """Act pk → the first of them certainly before the act's earliest possible date."""


def _units(record: SuspectRecord) -> dict[int, tuple[Unit, list[tuple[dt.date, dt.date]]]]:
    """Unit pk → the unit and the spans of the suspect's posts in (or controlling) it."""
    units: dict[int, tuple[Unit, list[tuple[dt.date, dt.date]]]] = {}
    for position in record.positions:
        for unit in (position.unit, getattr(position, "controls", None)):
            if unit is not None:
                units.setdefault(unit.pk, (unit, []))[1].append(post_span(position))
    return units


def _while_held(intervention: Intervention, spans: list[tuple[dt.date, dt.date]]) -> bool:
    latest = intervention.date_latest
    earliest = intervention.date_earliest or latest
    return any(earliest <= end and latest >= start for start, end in spans)


def suspect_notice(user: Any, case: Case, suspect: Person, record: SuspectRecord) -> Notice:
    """The interventions that put the suspect on notice, and the first before each linked act."""
    units = _units(record)
    rows = (
        access_interventions(user, case)
        .filter(Q(notified_person=suspect) | Q(notified_unit_id__in=list(units)))
        .filter(date_latest__isnull=False)
        .prefetch_related(None)
    )
    found = []
    for intervention in rows:
        if intervention.notified_person_id == suspect.pk:
            found.append(Notified(intervention, None))
            continue
        held = units.get(intervention.notified_unit_id or 0)
        if held is not None and _while_held(intervention, held[1]):
            found.append(Notified(intervention, held[0]))
    found.sort(key=lambda n: (n.intervention.date_latest, n.intervention.pk))
    notice = Notice(found)
    for linked in record.linked:
        day = linked.act.date_earliest
        if day is None:
            continue
        earlier = next((n for n in found if n.intervention.date_latest < day), None)
        if earlier is not None:
            notice.before_act[linked.act.pk] = earlier
    return notice
