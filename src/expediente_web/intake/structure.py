"""The case structure (`structure.json`): locations, units, perpetrators, positions, events.

Small enough to hold in memory; checked as a whole (every problem named by list and position)
before anything is written, and written with a few bulk statements.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from expediente.dates import DateError, parse_date, parse_partial_date
from expediente.tables.json_depth import TooDeep
from expediente.tables.json_depth import loads as bounded_loads
from expediente.tables.problems import Problem, ProblemCode
from expediente.tables.row_rules import born_after
from expediente_web.cases.models import Case
from expediente_web.intake.references import CaseCodes
from expediente_web.intake.writer import date_columns
from expediente_web.protection.cipher import blind_index

CASE_FIELDS = ("code", "title", "country", "period", "description")
PERSON_PROTECTED = (
    "full_name", "given_names", "first_surname", "second_surname", "nickname", "id_number",
    "birth_date", "phone", "address",
)
PERSON_PLAIN = ("sex", "occupation", "affiliation", "notes")
SECTIONS = ("locations", "organizations", "persons", "positions", "events")


def read_structure(path: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The parsed file, or the problem that prevents reading it."""
    try:
        data = bounded_loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        return None, [Problem(None, None, ProblemCode.BAD_ENCODING, f"not UTF-8: {exc}")]
    except TooDeep as exc:
        return None, [Problem(None, None, ProblemCode.MALFORMED_FILE, str(exc))]
    except (OSError, json.JSONDecodeError) as exc:
        return None, [Problem(None, None, ProblemCode.MALFORMED_FILE, f"not JSON: {exc}")]
    if not isinstance(data, dict):
        return None, [Problem(None, None, ProblemCode.MALFORMED_FILE, "not a JSON object")]
    return data, []


def _items(data: Mapping[str, Any], section: str, problems: list[Problem]) -> list[dict]:
    items = data.get(section) or []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        problems.append(Problem(None, section, ProblemCode.MALFORMED_FILE,
                                f"{section} must be a list of objects"))
        return []
    return items


def check_structure(data: Mapping[str, Any], codes: CaseCodes) -> list[Problem]:
    """Every problem of a structure against the case's codes; adds its codes to `codes`.

    A problem's row is the 1-based position in its list and its column `section.field`.
    """
    problems: list[Problem] = []

    def need(section: str, n: int, item: dict, key: str) -> str | None:
        value = item.get(key)
        if value in (None, ""):
            problems.append(
                Problem(n, f"{section}.{key}", ProblemCode.MISSING_REQUIRED, f"{key} is required")
            )
            return None
        return str(value)

    def date_ok(section: str, n: int, item: dict, key: str, partial: bool) -> Any:
        """The parsed date, or None (empty, or a problem added)."""
        value = item.get(key)
        if value in (None, ""):
            return None
        try:
            return (parse_partial_date if partial else parse_date)(str(value), date_format="iso")
        except DateError as exc:
            problems.append(Problem(n, f"{section}.{key}", exc.code, str(exc)))
            return None

    def tree(section: str, known: set[str]) -> None:
        items = _items(data, section, problems)
        new: set[str] = set()
        for n, item in enumerate(items, 1):
            code = need(section, n, item, "code")
            need(section, n, item, "name")
            if code is None:
                continue
            if code in known or code in new:
                problems.append(
                    Problem(n, f"{section}.code", ProblemCode.DUPLICATE_ROW_ID,
                            f"code {code!r} already exists in the case or the file")
                )
            new.add(code)
        for n, item in enumerate(items, 1):
            parent = item.get("parent_code")
            if parent and parent not in known and parent not in new:
                problems.append(
                    Problem(n, f"{section}.parent_code", ProblemCode.UNKNOWN_REFERENCE,
                            f"parent {parent!r} is not a code of {section}")
                )
        known.update(new)

    tree("locations", codes.locations)
    tree("organizations", codes.units)
    new_people: set[str] = set()
    births: dict[str, Any] = {}
    for n, item in enumerate(_items(data, "persons", problems), 1):
        rid = need("persons", n, item, "record_id")
        if rid is not None:
            if rid in codes.perpetrators or rid in new_people:
                problems.append(
                    Problem(n, "persons.record_id", ProblemCode.DUPLICATE_ROW_ID,
                            f"record_id {rid!r} already exists in the case or the file")
                )
            new_people.add(rid)
        birth = date_ok("persons", n, item, "birth_date", partial=True)
        if rid is not None and birth is not None:
            births[rid] = birth
    codes.perpetrators.update(new_people)
    for n, item in enumerate(_items(data, "positions", problems), 1):
        person = need("positions", n, item, "person_record_id")
        unit = need("positions", n, item, "unit_code")
        if person is not None and person not in codes.perpetrators:
            problems.append(Problem(n, "positions.person_record_id", ProblemCode.UNKNOWN_REFERENCE,
                                    f"no person {person!r} in persons"))
        if unit is not None and unit not in codes.units:
            problems.append(Problem(n, "positions.unit_code", ProblemCode.UNKNOWN_REFERENCE,
                                    f"no unit {unit!r} in organizations"))
        start = date_ok("positions", n, item, "start_date", partial=True)
        end = date_ok("positions", n, item, "end_date", partial=True)
        if start is not None and end is not None and end.latest < start.earliest:
            problems.append(Problem(n, "positions.end_date", ProblemCode.IMPOSSIBLE_DATE,
                                    f"the position ends ({end}) before it starts ({start})"))
        held = start or end
        birth = births.get(person) if person is not None else None
        if held is not None and birth is not None and born_after(birth, held):
            problems.append(Problem(
                n, "positions.start_date" if start is not None else "positions.end_date",
                ProblemCode.IMPOSSIBLE_DATE,
                f"the position is held ({held}) before its holder {person!r} was born ({birth})"))
    new_events: set[str] = set()
    for n, item in enumerate(_items(data, "events", problems), 1):
        code = need("events", n, item, "code")
        need("events", n, item, "title")
        if code is not None:
            if code in codes.events or code in new_events:
                problems.append(Problem(n, "events.code", ProblemCode.DUPLICATE_ROW_ID,
                                        f"event {code!r} already exists in the case or the file"))
            new_events.add(code)
        location = item.get("location_code")
        if location and location not in codes.locations:
            problems.append(Problem(n, "events.location_code", ProblemCode.UNKNOWN_REFERENCE,
                                    f"no location {location!r} in the case"))
        date_ok("events", n, item, "date", partial=False)
    codes.events.update(new_events)
    return problems


def _float(value: Any) -> float | None:
    return None if value in (None, "") else float(value)


def write_structure(data: Mapping[str, Any], case: Case, batch_id: int | None) -> dict[str, int]:
    """Create the structure's records in `case`; returns counts per section."""
    from expediente_web.records.models import Event, Location, Person, Position, Unit

    common = {"case": case, "import_batch_id": batch_id}
    counts: dict[str, int] = {}

    def uid(item: Mapping[str, Any]) -> dict[str, Any]:
        # An export carries each record's uid so that it keeps its identity.
        extra = {"notes": str(item.get("notes") or "")}
        if item.get("uid"):
            extra["uid"] = item["uid"]
        return extra

    def tree(model: Any, section: str, build: Callable[[dict], dict]) -> dict[str, Any]:
        items = data.get(section) or []
        by_code = {**{o.code: o for o in model.objects.filter(case=case)}}
        objs = [model(code=i["code"], name=i["name"], **build(i), **uid(i), **common)
                for i in items]
        model.objects.bulk_create(objs, batch_size=1000)
        by_code.update({o.code: o for o in model.objects.filter(case=case)})
        changed = []
        for i in items:
            if i.get("parent_code"):
                obj = by_code[i["code"]]
                obj.parent = by_code[i["parent_code"]]
                changed.append(obj)
        model.objects.bulk_update(changed, ["parent"], batch_size=1000)
        counts[section] = len(objs)
        return by_code

    locations = tree(
        Location, "locations",
        lambda i: {"kind": i.get("kind") or "location.site",
                   "latitude": _float(i.get("lat")), "longitude": _float(i.get("lon"))},
    )
    units = tree(
        Unit, "organizations",
        lambda i: {"acronym": i.get("acronym") or "", "unit_type": i.get("unit_type") or ""},
    )
    persons = []
    for i in data.get("persons") or []:
        values = {k: str(i.get(k) or "") for k in (*PERSON_PROTECTED, *PERSON_PLAIN)}
        name = values["full_name"] or " ".join(
            values[k] for k in ("given_names", "first_surname", "second_surname") if values[k]
        )
        persons.append(
            Person(
                source_record_id=str(i["record_id"]),
                id_number_index=blind_index("id_number", values["id_number"])
                if values["id_number"] else "",
                name_index=blind_index("name", name) if name else "",
                **values,
                **({"uid": i["uid"]} if i.get("uid") else {}),
                **common,
            )
        )
    Person.objects.bulk_create(persons, batch_size=1000)
    counts["persons"] = len(persons)
    person_ids = dict(
        Person.objects.filter(case=case, source__isnull=True).values_list("source_record_id", "id")
    )
    positions = []
    for i in data.get("positions") or []:
        start = parse_partial_date(str(i["start_date"]), date_format="iso") if i.get(
            "start_date") else None
        end = parse_partial_date(str(i["end_date"]), date_format="iso") if i.get(
            "end_date") else None
        positions.append(
            Position(
                person_id=person_ids[str(i["person_record_id"])],
                unit=units[i["unit_code"]],
                title=i.get("title") or "",
                rank=i.get("rank") or "",
                is_commander=bool(i.get("is_commander", False)),
                **date_columns("start", start),
                **date_columns("end", end),
                **uid(i),
                **common,
            )
        )
    Position.objects.bulk_create(positions, batch_size=1000)
    counts["positions"] = len(positions)
    events = []
    for i in data.get("events") or []:
        date = parse_date(str(i["date"]), date_format="iso") if i.get("date") else None
        events.append(
            Event(
                code=i["code"],
                title=i["title"],
                description=i.get("description") or "",
                location=locations.get(i["location_code"]) if i.get("location_code") else None,
                **date_columns("date", date),
                **uid(i),
                **common,
            )
        )
    Event.objects.bulk_create(events, batch_size=1000)
    counts["events"] = len(events)
    return counts


def export_structure(case: Case, person_fields: Callable[[Any], dict[str, str]]) -> dict:
    """The case's structure as `structure.json` holds it.

    `person_fields(person)` gives the identifying fields to write (real or pseudonymised).
    """
    from expediente_web.records.models import Event, Location, Person, Position, Unit

    def parent_code(obj: Any) -> str | None:
        return obj.parent.code if obj.parent_id else None

    locations = [
        {"uid": str(o.uid), "code": o.code, "name": o.name, "kind": o.kind,
         "parent_code": parent_code(o), "lat": o.latitude, "lon": o.longitude, "notes": o.notes}
        for o in Location.objects.filter(case=case).select_related("parent").order_by("id")
    ]
    organizations = [
        {"uid": str(o.uid), "code": o.code, "name": o.name, "acronym": o.acronym,
         "unit_type": o.unit_type, "parent_code": parent_code(o), "notes": o.notes}
        for o in Unit.objects.filter(case=case).select_related("parent").order_by("id")
    ]
    persons = []
    for p in Person.objects.filter(case=case, source__isnull=True).order_by("id"):
        entry: dict[str, Any] = {"uid": str(p.uid), "record_id": p.source_record_id}
        entry.update({k: v for k, v in person_fields(p).items() if v})
        entry.update({k: getattr(p, k) for k in PERSON_PLAIN if getattr(p, k)})
        persons.append(entry)
    positions = [
        {"uid": str(o.uid), "person_record_id": o.person.source_record_id,
         "unit_code": o.unit.code if o.unit else "",
         "title": o.title, "rank": o.rank, "is_commander": o.is_commander,
         "start_date": o.start_text or None, "end_date": o.end_text or None, "notes": o.notes}
        for o in Position.objects.filter(case=case).select_related("person", "unit")
        .order_by("id")
    ]
    events = [
        {"uid": str(o.uid), "code": o.code, "title": o.title, "date": o.date_text or None,
         "location_code": o.location.code if o.location_id else None,
         "description": o.description, "notes": o.notes}
        for o in Event.objects.filter(case=case).select_related("location").order_by("id")
    ]
    return {
        "case": {k: getattr(case, k) for k in CASE_FIELDS},
        "locations": locations,
        "organizations": organizations,
        "persons": persons,
        "positions": positions,
        "events": events,
    }
