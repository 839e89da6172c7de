"""Permission-checked reads of the dashboard: the counts of a case's live acts, each one
aggregate query (GROUP BY) whatever the number of acts, and the case's latest audited writes.

Every count is the number of acts the act list shows for the filter its bar links to:
- **type**: the act's type (`?act_type=`);
- **year**: the year of the act's earliest possible date (`?year=`); acts with no date are
  counted apart;
- **state**: the act's own place walked up the place tree to the place of kind
  `location.state` above it (`?location=<state>`, which takes every place below it); acts with
  no place, or with a place not under a state, are counted apart;
- **unit**: acts in which the unit is named in an involvement (`?unit=`); an act naming two
  units counts under both, so these counts add up to more than the acts;
- **review**: draft (no review row, or one in draft), submitted, verified (`?review=`).

Counting 100,000 acts takes a few hundred milliseconds, so the page keeps what it drew from
them in the cache until the case's next audited write (`views._figures`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count

from expediente_web.audit.models import AuditEntry
from expediente_web.cases.models import Case
from expediente_web.records.access import access_records
from expediente_web.records.models import Act, Involvement, Location, Unit

STATE_KIND = "location.state"

#: Audit actions that read rather than write, or that concern one user's own things: not
#: activity of the case.
NOT_ACTIVITY = (
    "view_identities",
    "record_evidence_access",
    "save_search",
    "delete_saved_search",
    "read_all_notifications",
)

#: How many units the chart by unit shows (those with the most acts).
TOP_UNITS = 12


@dataclass
class Bar:
    """One bar: what it counts, how many, and the act list's filter that shows those acts."""

    key: str
    label: str
    count: int
    query: dict[str, str] = field(default_factory=dict)
    title: str = ""  # a longer label than the chart shows, for hover and screen readers


@dataclass
class Counts:
    total: int
    by_type: list[Bar]
    by_year: list[Bar]
    undated: int
    by_state: list[Bar]
    no_state: int
    by_unit: list[Bar]
    units_total: int  # units named in at least one act
    by_review: list[Bar]


def access_activity(user: Any, case: Case, limit: int = 12) -> list[AuditEntry]:
    """The case's latest audited writes, newest first (page views and personal actions left
    out); 404 for a user without a role in the case."""
    access_records(user, case, Act)  # the membership check
    return list(
        AuditEntry.objects.filter(case_code=case.code)
        .exclude(action__in=NOT_ACTIVITY)
        .order_by("-seq")
        .only("seq", "at", "actor", "action", "object_type", "object_id", "payload", "hash")[:limit]
    )


def access_counts(user: Any, case: Case) -> Counts:
    """The case's act counts; 404 for a user without a role in the case."""
    return _counts(user, case, access_records(user, case, Act))


def _counts(user: Any, case: Case, acts: Any) -> Counts:
    # One pass over the case's acts for their type, place and review status together (a few
    # thousand groups), summed here three ways; one over the date index for the years.
    groups = list(
        acts.values_list("act_type", "location_id", "review__status")
        .annotate(n=Count("id"))
        .order_by()
    )
    types: dict[str, int] = {}
    places: dict[int | None, int] = {}
    statuses: dict[str | None, int] = {}
    for act_type, place, status, n in groups:
        types[act_type] = types.get(act_type, 0) + n
        places[place] = places.get(place, 0) + n
        statuses[status] = statuses.get(status, 0) + n
    by_type = [
        Bar(t, t, n, {"act_type": t}) for t, n in sorted(types.items(), key=lambda x: (-x[1], x[0]))
    ]

    years: dict[int, int] = {}
    undated = 0
    for day, n in acts.values_list("date_earliest").annotate(n=Count("id")).order_by():
        if day is None:
            undated += n
        else:
            years[day.year] = years.get(day.year, 0) + n
    by_year = [Bar(str(y), str(y), years[y], {"year": str(y)}) for y in sorted(years)]

    by_state, no_state = _by_state(access_records(user, case, Location), places)

    involved = Involvement.objects.filter(
        act__in=acts, unit__isnull=False, unit__deleted_at__isnull=True
    )
    unit_counts = list(
        involved.values_list("unit_id").annotate(n=Count("act_id", distinct=True)).order_by("-n")
    )
    shown = unit_counts[:TOP_UNITS]
    units = {
        u.pk: u
        for u in access_records(user, case, Unit)
        .filter(pk__in=[pk for pk, _ in shown])
        .only("uid", "name", "acronym")
    }
    by_unit = []
    for pk, n in shown:
        unit = units.get(pk)
        if unit is None:
            continue
        label = f"{unit.acronym} · {unit.name}" if unit.acronym else unit.name
        by_unit.append(Bar(str(unit.uid), label, n, {"unit": str(unit.uid)}))

    draft = statuses.pop(None, 0) + statuses.pop("draft", 0)
    by_review = [
        Bar("draft", "draft", draft, {"review": "draft"}),
        Bar("submitted", "submitted", statuses.get("submitted", 0), {"review": "submitted"}),
        Bar("verified", "verified", statuses.get("verified", 0), {"review": "verified"}),
    ]
    return Counts(
        total=sum(b.count for b in by_type),
        by_type=by_type,
        by_year=by_year,
        undated=undated,
        by_state=by_state,
        no_state=no_state,
        by_unit=by_unit,
        units_total=len(unit_counts),
        by_review=by_review,
    )


def _by_state(locations: Any, per_place: dict[int | None, int]) -> tuple[list[Bar], int]:
    """Acts by the state above their place, from the acts per place: the place tree (one
    query) walked up from each place."""
    per_place = dict(per_place)
    no_place = per_place.pop(None, 0)
    places = {
        pk: (parent, kind, uid, name)
        for pk, parent, kind, uid, name in locations.values_list(
            "id", "parent_id", "kind", "uid", "name"
        )
    }
    totals: dict[int, int] = {}
    outside = no_place
    for place, n in per_place.items():
        state = _state_of(place, places)
        if state is None:
            outside += n
        else:
            totals[state] = totals.get(state, 0) + n
    bars = [
        Bar(str(places[s][2]), places[s][3], n, {"location": str(places[s][2])})
        for s, n in totals.items()
    ]
    bars.sort(key=lambda b: (-b.count, b.label.lower()))
    return bars, outside


def _state_of(place: int, places: dict[int, tuple[Any, ...]]) -> int | None:
    """The place itself if it is a state, else the nearest state above it (a cycle in the
    tree cannot hang the walk); None when there is none, or the place is deleted."""
    seen: set[int] = set()
    current: int | None = place
    while current is not None and current not in seen and current in places:
        seen.add(current)
        parent, kind, _uid, _name = places[current]
        if kind == STATE_KIND:
            return current
        current = parent
    return None
