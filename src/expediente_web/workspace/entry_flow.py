"""Recording an act from an excerpt: the services of the record, called in one transaction.

The guided entry writes a new place, a new victim, new perpetrator persons, the act with its
measured facts and perpetrators, and the act's citation of the excerpt. Each write is the
service's own (checked and audited there); this module calls them inside one
`transaction.atomic()`, so that a refusal by any of them leaves nothing written, and says at
which field of the form the refusal belongs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import transaction

from expediente.linkage.folding import fold
from expediente_web.cases.models import Case
from expediente_web.cases.validation import InvalidInput
from expediente_web.evidence.actions import do_cite_excerpt
from expediente_web.evidence.models import Excerpt
from expediente_web.records.actions import do_create_act, do_create_location, do_create_person
from expediente_web.records.models import Act, Location, Person, Unit

T = TypeVar("T")


@dataclass
class NewPerson:
    """A person the entry records, with the form field each service field came from."""

    values: dict[str, Any]
    fields: dict[str, str]


@dataclass
class Perpetrator:
    row: int
    person: Person | None = None
    unit: Unit | None = None
    new_person: NewPerson | None = None
    degree: str = ""


@dataclass
class ActEntry:
    """Everything the act form gave, its references resolved to records of the case."""

    act_type: str
    methods: list[str]
    date: str
    outcome: str
    description: str
    location: Location | None
    new_place: dict[str, Any] | None
    victim: Person | None
    new_victim: NewPerson | None
    measurements: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    perpetrators: list[Perpetrator] = field(default_factory=list)


def _at(fields: Callable[[str], str], call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`call(*args, **kwargs)`, its refusal moved to the form field `fields(its field)`."""
    try:
        return call(*args, **kwargs)
    except InvalidInput as exc:
        raise InvalidInput(fields(exc.field), exc.reason) from None


def place_code(case: Case, name: str) -> str:
    """A code for a place added in the flow: its folded name, numbered if taken."""
    base = "L-" + (re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")[:48] or "place")
    taken = set(
        Location.objects.filter(case=case, code__startswith=base).values_list("code", flat=True)
    )
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}-{n}"
    return code


def _item_field(prefix: str, names: list[str]) -> Callable[[str], str]:
    """Maps `measurements[2].value` (or `involvements[2]…`) to the form field of item 2."""

    def where(name: str) -> str:
        m = re.match(rf"{prefix}\[(\d+)\]", name)
        if m and 0 < int(m[1]) <= len(names):
            return names[int(m[1]) - 1]
        return name

    return where


def enter_act(actor: Any, case: Case, excerpt: Excerpt, entry: ActEntry) -> Act:
    """Write the act of `entry`, citing `excerpt`; all of it or, on a refusal (an
    `InvalidInput` naming the form's field), nothing."""
    source = excerpt.testimony.source if excerpt.testimony else None
    with transaction.atomic():
        location = entry.location
        if entry.new_place:
            name = entry.new_place["name"]
            location = _at(
                lambda f: "new_place_" + {"code": "name"}.get(f, f),
                do_create_location,
                actor,
                case,
                place_code(case, name),
                name,
                entry.new_place["kind"],
                parent=entry.location,
                source=source,
            )
        victim = entry.victim
        if entry.new_victim is not None:
            victim = _create_person(actor, case, entry.new_victim, source)
        assert victim is not None  # noqa: S101 (type narrowing for mypy; the invariant is set just above)
        involvements, rows = [], []
        for p in entry.perpetrators:
            person = p.person
            if p.new_person is not None:
                person = _create_person(actor, case, p.new_person, source)
            involvements.append(
                {"person": person, "unit": p.unit, "degree": p.degree or "involvement.suspected"}
            )
            rows.append(f"p{p.row}_degree")
        act_fields = _item_field("measurements", [f for f, _ in entry.measurements])
        people_fields = _item_field("involvements", rows)
        act = _at(
            lambda f: people_fields(act_fields(f)),
            do_create_act,
            actor,
            case,
            victim,
            entry.act_type,
            date=entry.date,
            methods=entry.methods,
            location=location,
            outcome=entry.outcome,
            description=entry.description,
            measurements=[m for _, m in entry.measurements],
            involvements=involvements,
            source=source,
        )
        _at(lambda f: "__all__", do_cite_excerpt, actor, excerpt, act)
    return act


def _create_person(actor: Any, case: Case, new: NewPerson, source: Any) -> Person:
    return _at(
        lambda f: new.fields.get(f, f),
        do_create_person,
        actor,
        case,
        source=source,
        **new.values,
    )
