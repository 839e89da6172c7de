"""Writes to the documentation record: checked, transactional, audited.

Each `do_<verb>_<noun>(actor, …)` checks the actor's role in the case, validates what it is
given (vocabulary terms, dates, same-case references) raising `InvalidInput` naming the field,
writes inside `transaction.atomic()` and appends exactly one audit entry in the same
transaction, so a failed write leaves neither the record nor its entry behind.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from expediente.dates import DateError, parse_partial_date
from expediente_web.audit.record import changes, object_id, record_write
from expediente_web.cases.access import (
    COMMENT_ROLES,
    WRITE_ROLES,
    NotPermitted,
    require_role,
)
from expediente_web.cases.models import Case, Source
from expediente_web.cases.validation import (
    InvalidInput,
    check_length,
    check_required,
    check_term,
    check_terms,
    date_message,
    period_fields,
    vocabularies,
)
from expediente_web.protection.cipher import blind_index
from expediente_web.records.models import (
    Act,
    Comment,
    Event,
    Involvement,
    Location,
    MeasuredFact,
    Person,
    Position,
    Review,
    ReviewStatus,
    Testimony,
    Unit,
)

_LANGUAGE = re.compile(r"^[a-z]{2,3}$")

#: How a message names one record of a kind, translated where the message is made.
_A_RECORD = {
    "person": gettext_noop("a person"),
    "location": gettext_noop("a location"),
    "unit": gettext_noop("a unit"),
    "position": gettext_noop("a position"),
    "event": gettext_noop("an event"),
    "act": gettext_noop("an act"),
    "testimony": gettext_noop("a testimony"),
    "comment": gettext_noop("a comment"),
    "source": gettext_noop("a source"),
    "evidenceitem": gettext_noop("an evidence item"),
}


def a_record(model: Any) -> str:
    """"a person", "an act"… for a model or one of its rows, in the active language (the
    model's name for a kind not listed)."""
    name = model._meta.model_name or ""
    return _(_A_RECORD[name]) if name in _A_RECORD else name


# -- shared checks --------------------------------------------------------------------------

def same_case(field: str, obj: Any, case: Case) -> Any:
    """`obj` (or None) if it belongs to `case`, live; otherwise `InvalidInput` naming `field`."""
    if obj is None:
        return None
    if obj.case_id != case.pk:
        raise InvalidInput(field, _("%(record)s belongs to another case")
                           % {"record": object_id(obj)})
    if getattr(obj, "deleted_at", None) is not None:
        raise InvalidInput(field, _("%(record)s was deleted") % {"record": object_id(obj)})
    return obj


def _provenance(case: Case, source: Source | None, source_record_id: str) -> dict[str, Any]:
    same_case("source", source, case)
    check_length("source_record_id", source_record_id, 128)
    return {"source": source, "source_record_id": source_record_id}


def _code_free(model: type[models.Model], case: Case, code: str, exclude: Any = None) -> None:
    clash = model.objects.filter(case=case, code=code)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    if code and clash.exists():
        raise InvalidInput("code", _("case %(case)s already has %(kind)s with code %(code)s")
                           % {"case": case.code, "kind": a_record(model), "code": repr(code)})


def _before(obj: models.Model, names: Iterable[str]) -> dict[str, Any]:
    """The plain values of fields `names` of `obj` as the audit payload writes them (protected
    fields are left out: the log never holds their values, old or new)."""
    return changes(obj, names)["fields"]


def _change_payload(
    obj: models.Model, changed: list[str], before: dict[str, Any]
) -> dict[str, Any]:
    payload = changes(obj, changed)
    payload["before"] = before
    return payload


_LOGGED_BY_LENGTH = frozenset({"narrative"})


def _apply_changes(actor: Any, model: type[models.Model], record: Any, clean: dict[str, Any], *,
                   action: str, doing: str, check: Any = None, after: Any = None) -> Any:
    """Lock the record, refuse a deleted one, set the values that differ and write one entry
    with the new and the old value of each changed plain field. `check(locked, clean)` runs
    on the locked row before anything is set; `after(saved, changed)` once it is saved, its
    answer added to the entry."""
    with transaction.atomic():
        require_role(actor, record.case, WRITE_ROLES, doing)
        record = model.objects.select_for_update().get(pk=record.pk)
        if record.deleted_at is not None:
            raise InvalidInput(model._meta.model_name or "record",
                               _("%(record)s was deleted") % {"record": record.uid})
        if check is not None:
            check(record, clean)
        changed = [name for name, value in clean.items() if getattr(record, name) != value]
        # Long free text (a narrative) is logged by its length, as on creation, not in words.
        lengths = {name: {"before": len(getattr(record, name) or ""),
                          "after": len(clean[name] or "")}
                   for name in changed if name in _LOGGED_BY_LENGTH}
        logged = [name for name in changed if name not in _LOGGED_BY_LENGTH]
        before = _before(record, logged)
        for name in changed:
            setattr(record, name, clean[name])
        record.save()
        payload = _change_payload(record, logged, before)
        if lengths:
            payload["lengths_changed"] = lengths
        if changed:
            payload.update(_back_to_draft(record))
        if after is not None:
            payload.update(after(record, changed))
        record_write(actor, action, record, payload)
    return record


# -- persons --------------------------------------------------------------------------------

PROTECTED_PERSON_FIELDS = ("full_name", "given_names", "first_surname", "second_surname",
                           "nickname", "id_number", "birth_date", "phone", "address")
PLAIN_PERSON_FIELDS = ("sex", "age", "age_band", "occupation", "affiliation", "state", "notes",
                       "source", "source_record_id")


def search_name(person: Person) -> str:
    """The full name used for the name blind index: `full_name`, else the name parts joined."""
    parts = [person.given_names, person.first_surname, person.second_surname]
    return person.full_name or " ".join(p for p in parts if p)


def _person_values(case: Case, values: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(PROTECTED_PERSON_FIELDS) - set(PLAIN_PERSON_FIELDS)
    if unknown:
        raise InvalidInput(sorted(unknown)[0], _("is not a field of a person"))
    clean = dict(values)
    for name in PROTECTED_PERSON_FIELDS:
        if name in clean:
            clean[name] = check_length(name, (clean[name] or "").strip(), 1000)
    if clean.get("birth_date"):
        try:
            clean["birth_date"] = str(parse_partial_date(clean["birth_date"]))
        except DateError as exc:
            raise InvalidInput("birth_date", date_message(exc)) from None
    if "sex" in clean:
        check_term("sex", "sex", clean["sex"] or "")
    affiliation = clean.get("affiliation") or ""
    if affiliation.startswith("affiliation."):
        check_term("affiliation", "affiliation", affiliation)
    age = clean.get("age")
    if age is not None and not (isinstance(age, int) and 0 <= age <= 130):
        raise InvalidInput("age", _("%(age)s is not an age in years (0–130)")
                           % {"age": repr(age)})
    state = same_case("state", clean.get("state"), case)
    if state is not None and state.kind != "location.state":
        raise InvalidInput("state", _("%(place)s is a %(kind)s, not a state")
                           % {"place": state.code, "kind": state.kind})
    if "source" in clean or "source_record_id" in clean:
        clean.update(_provenance(case, clean.get("source"), clean.get("source_record_id") or ""))
    return clean


def _set_indexes(person: Person) -> None:
    person.id_number_index = blind_index("id_number", person.id_number) if person.id_number else ""
    name = search_name(person)
    person.name_index = blind_index("name", name) if name else ""


def do_create_person(actor: Any, case: Case, **values: Any) -> Person:
    """A person as a source records them; identifying fields are encrypted and blind-indexed.

    Keyword arguments are the fields of `Person` (protected: full_name, given_names,
    first_surname, second_surname, nickname, id_number, birth_date, phone, address; plain: sex,
    age, age_band, occupation, affiliation, state, notes, source, source_record_id).
    """
    clean = _person_values(case, values)
    with transaction.atomic():
        require_role(actor, case, WRITE_ROLES, gettext_noop("create persons"))
        person = Person(case=case, **clean)
        _set_indexes(person)
        person.save()
        record_write(actor, "create_person", person, changes(person, sorted(clean)))
    return person


def do_update_person(actor: Any, person: Person, **values: Any) -> Person:
    """Change the given fields of a person; blind indexes follow the new values."""
    case = person.case
    clean = _person_values(case, values)
    with transaction.atomic():
        require_role(actor, case, WRITE_ROLES, gettext_noop("change persons"))
        person = Person.objects.select_for_update().get(pk=person.pk)
        if person.deleted_at is not None:
            raise InvalidInput("person", _("%(record)s was deleted") % {"record": person.uid})
        changed = [name for name, value in clean.items() if getattr(person, name) != value]
        before = _before(person, changed)
        for name in changed:
            setattr(person, name, clean[name])
        _set_indexes(person)
        person.save()
        record_write(actor, "update_person", person, _change_payload(person, changed, before))
    return person


# -- structure: locations, units, positions, events -----------------------------------------

def do_create_location(actor: Any, case: Case, code: str, name: str, kind: str, *,
                       parent: Location | None = None, latitude: float | None = None,
                       longitude: float | None = None, source: Source | None = None,
                       source_record_id: str = "", notes: str = "") -> Location:
    """A place in the case's location tree (country › state › municipality › site)."""
    check_required("code", code)
    check_length("code", code, 128)
    check_required("name", name)
    check_term("kind", "location_kinds", kind, required=True)
    same_case("parent", parent, case)
    if latitude is not None and not -90 <= latitude <= 90:
        raise InvalidInput("latitude", _("%(value)s is not between -90 and 90")
                           % {"value": latitude})
    if longitude is not None and not -180 <= longitude <= 180:
        raise InvalidInput("longitude", _("%(value)s is not between -180 and 180")
                           % {"value": longitude})
    if (latitude is None) != (longitude is None):
        raise InvalidInput("latitude" if latitude is None else "longitude",
                           _("coordinates need both latitude and longitude"))
    with transaction.atomic():
        require_role(actor, case, WRITE_ROLES, gettext_noop("create locations"))
        _code_free(Location, case, code)
        location = Location.objects.create(
            case=case, code=code, name=name, kind=kind, parent=parent, latitude=latitude,
            longitude=longitude, notes=notes, **_provenance(case, source, source_record_id))
        record_write(actor, "create_location", location, changes(
            location, ["code", "name", "kind", "parent", "latitude", "longitude", "source"]))
    return location


def do_create_unit(actor: Any, case: Case, code: str, name: str, *, acronym: str = "",
                   unit_type: str = "", parent: Unit | None = None, source: Source | None = None,
                   source_record_id: str = "", notes: str = "") -> Unit:
    """An organization (no parent) or one of its units."""
    check_required("code", code)
    check_length("code", code, 128)
    check_required("name", name)
    check_term("unit_type", "unit_types", unit_type)
    same_case("parent", parent, case)
    with transaction.atomic():
        require_role(actor, case, WRITE_ROLES, gettext_noop("create units"))
        _code_free(Unit, case, code)
        unit = Unit.objects.create(case=case, code=code, name=name, acronym=acronym,
                                   unit_type=unit_type, parent=parent, notes=notes,
                                   **_provenance(case, source, source_record_id))
        record_write(actor, "create_unit", unit,
                     changes(unit, ["code", "name", "acronym", "unit_type", "parent", "source"]))
    return unit


DE_FACTO = "post.de_facto"


def do_create_position(actor: Any, case: Case, person: Person, unit: Unit | None, *,
                       title: str = "", rank: str = "", is_commander: bool = False,
                       start: str = "", end: str = "", basis: str = "post.de_jure",
                       held_at: str = "", controls: Unit | None = None,
                       source: Source | None = None, source_record_id: str = "",
                       notes: str = "") -> Position:
    """A person holding a post in a unit over a (possibly imprecise) period.

    `basis` is a term of `post_basis` (de jure, de facto, acting). A de facto post may have no
    `unit`, and then says in `held_at` where it was held ("adviser at the presidency");
    `controls` names the unit over which a de facto post exercised effective control (it then
    counts among that unit's commanders in `records.command`).
    """
    same_case("person", person, case)
    same_case("unit", unit, case)
    check_term("basis", "post_basis", basis, required=True)
    held_at = check_length("held_at", (held_at or "").strip(), 300)
    if unit is None and basis != DE_FACTO:
        raise InvalidInput("unit", _("a post that is not de facto is held in a unit"))
    if unit is None and not held_at:
        raise InvalidInput("held_at", _("a de facto post outside any unit says where it was "
                                        "held (e.g. adviser at the presidency)"))
    if controls is not None and basis != DE_FACTO:
        raise InvalidInput("controls", _("effective control over a unit is recorded on a de "
                                         "facto post"))
    same_case("controls", controls, case)
    start_fields = period_fields("start", start, prefix="start")
    end_fields = period_fields("end", end, prefix="end")
    if start and end and end_fields["end_latest"] < start_fields["start_earliest"]:
        raise InvalidInput("end", _("%(end)s is before the start %(start)s")
                           % {"end": end, "start": start})
    with transaction.atomic():
        require_role(actor, case, WRITE_ROLES, gettext_noop("create positions"))
        position = Position.objects.create(
            case=case, person=person, unit=unit, title=title, rank=rank,
            is_commander=is_commander, basis=basis, held_at=held_at, controls=controls,
            notes=notes, **start_fields, **end_fields,
            **_provenance(case, source, source_record_id))
        names = ["person", "unit", "title", "rank", "is_commander", "start_text",
                 "start_precision", "end_text", "end_precision", "source"]
        # Written only when they say something, as the entries of posts before them did not.
        names += [n for n, default in (("basis", "post.de_jure"), ("held_at", ""),
                                       ("controls", None))
                  if getattr(position, n) != default]
        record_write(actor, "create_position", position, changes(position, names))
    return position


def do_create_event(actor: Any, case: Case, title: str, *, code: str = "", date: str = "",
                    location: Location | None = None, description: str = "",
                    source: Source | None = None, source_record_id: str = "",
                    notes: str = "") -> Event:
    """Something that happened at a place over a (possibly imprecise) period."""
    check_required("title", title)
    check_length("code", code, 128)
    same_case("location", location, case)
    dates = period_fields("date", date)
    with transaction.atomic():
        require_role(actor, case, WRITE_ROLES, gettext_noop("create events"))
        _code_free(Event, case, code)
        event = Event.objects.create(case=case, code=code, title=title, location=location,
                                     description=description, notes=notes, **dates,
                                     **_provenance(case, source, source_record_id))
        record_write(actor, "create_event", event, changes(
            event, ["code", "title", "location", "date_text", "date_precision", "source"]))
    return event


def _tree_node_values(model: type[models.Model], node: Any, values: Mapping[str, Any],
                      allowed: set[str], noun: str, inside: str) -> dict[str, Any]:
    """The checks a place and a unit share when changed: only known fields, a free code, a
    name, a parent in the same case that is not the node itself or below it (`inside` says
    how: "%(parent)s lies within %(node)s", marked for translation), notes never null; `noun`
    ("a location", marked too) names the node's kind."""
    unknown = set(values) - allowed
    if unknown:
        raise InvalidInput(sorted(unknown)[0], _("is not a field of %(kind)s that can be changed")
                           % {"kind": _(noun)})
    clean = dict(values)
    if "code" in clean:
        check_required("code", clean["code"])
        check_length("code", clean["code"], 128)
        _code_free(model, node.case, clean["code"], exclude=node)
    if "name" in clean:
        check_required("name", clean["name"])
        check_length("name", clean["name"], 300)
    if "parent" in clean:
        parent = same_case("parent", clean["parent"], node.case)
        walk = parent
        while walk is not None:
            if walk.pk == node.pk:
                raise InvalidInput("parent", _(inside) % {"parent": parent.code,
                                                          "node": node.code})
            walk = walk.parent
    if "notes" in clean:
        clean["notes"] = clean["notes"] or ""
    return clean


def _location_values(case: Case, location: Location, values: Mapping[str, Any]) -> dict[str, Any]:
    clean = _tree_node_values(
        Location, location, values,
        {"code", "name", "kind", "parent", "latitude", "longitude", "notes"},
        gettext_noop("a location"), gettext_noop("%(parent)s lies within %(node)s"))
    if "kind" in clean:
        check_term("kind", "location_kinds", clean["kind"], required=True)
    latitude = clean.get("latitude", location.latitude)
    longitude = clean.get("longitude", location.longitude)
    if latitude is not None and not -90 <= latitude <= 90:
        raise InvalidInput("latitude", _("%(value)s is not between -90 and 90")
                           % {"value": latitude})
    if longitude is not None and not -180 <= longitude <= 180:
        raise InvalidInput("longitude", _("%(value)s is not between -180 and 180")
                           % {"value": longitude})
    if (latitude is None) != (longitude is None):
        raise InvalidInput("latitude" if latitude is None else "longitude",
                           _("coordinates need both latitude and longitude"))
    return clean


def do_update_location(actor: Any, location: Location, **values: Any) -> Location:
    """Change the given fields of a place (`code`, `name`, `kind`, `parent`, `latitude`,
    `longitude`, `notes`), checked as on creation; a place cannot be put inside itself."""
    clean = _location_values(location.case, location, values)
    return _apply_changes(actor, Location, location, clean, action="update_location",
                          doing=gettext_noop("change locations"))


def do_update_unit(actor: Any, unit: Unit, **values: Any) -> Unit:
    """Change the given fields of a unit (`code`, `name`, `acronym`, `unit_type`, `parent`,
    `notes`), checked as on creation; a unit cannot be put under itself."""
    clean = _tree_node_values(Unit, unit, values,
                              {"code", "name", "acronym", "unit_type", "parent", "notes"},
                              gettext_noop("a unit"),
                              gettext_noop("%(parent)s is part of %(node)s"))
    if "acronym" in clean:
        clean["acronym"] = check_length("acronym", clean["acronym"] or "", 40)
    if "unit_type" in clean:
        clean["unit_type"] = check_term("unit_type", "unit_types", clean["unit_type"] or "")
    return _apply_changes(actor, Unit, unit, clean, action="update_unit",
                          doing=gettext_noop("change units"))


def do_update_event(actor: Any, event: Event, **values: Any) -> Event:
    """Change the given fields of an event (`code`, `title`, `date`, `location`, `description`,
    `notes`), checked as on creation."""
    case = event.case
    unknown = set(values) - {"code", "title", "date", "location", "description", "notes"}
    if unknown:
        raise InvalidInput(sorted(unknown)[0], _("is not a field of %(kind)s that can be changed")
                           % {"kind": _("an event")})
    clean: dict[str, Any] = {}
    if "code" in values:
        clean["code"] = check_length("code", values["code"] or "", 128)
        _code_free(Event, case, clean["code"], exclude=event)
    if "title" in values:
        clean["title"] = check_length("title", check_required("title", values["title"]), 300)
    if "location" in values:
        clean["location"] = same_case("location", values["location"], case)
    for name in ("description", "notes"):
        if name in values:
            clean[name] = values[name] or ""
    if "date" in values:
        clean.update(period_fields("date", values["date"] or ""))
    return _apply_changes(actor, Event, event, clean, action="update_event",
                          doing=gettext_noop("change events"))


# -- acts -----------------------------------------------------------------------------------

def _measurements(items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    vocab = vocabularies()
    clean = []
    for n, item in enumerate(items, start=1):
        field = f"measurements[{n}]"
        measure = item.get("measure", "")
        check_term(f"{field}.measure", "measures", measure, required=True)
        expected_unit = vocab.term(measure).unit or ""
        unit = item.get("unit") or expected_unit
        if unit != expected_unit:
            raise InvalidInput(f"{field}.unit",
                               _("%(measure)s is measured in %(expected)s, not %(unit)s")
                               % {"measure": measure, "expected": repr(expected_unit),
                                  "unit": repr(unit)})
        value = item.get("value")
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
            raise InvalidInput(f"{field}.value", _("%(value)s is not a number")
                               % {"value": repr(value)})
        if value < 0:
            raise InvalidInput(f"{field}.value", _("%(value)s is negative") % {"value": value})
        clean.append({"measure": measure, "value": float(value), "unit": unit})
    return clean


def _involvements(case: Case, items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    clean = []
    for n, item in enumerate(items, start=1):
        field = f"involvements[{n}]"
        person = same_case(f"{field}.person", item.get("person"), case)
        unit = same_case(f"{field}.unit", item.get("unit"), case)
        if person is None and unit is None:
            raise InvalidInput(field, _("names neither a perpetrator person nor a unit"))
        degree = item.get("degree") or "involvement.suspected"
        check_term(f"{field}.degree", "involvement", degree, required=True)
        clean.append({"person": person, "unit": unit, "degree": degree,
                      "notes": item.get("notes", "")})
    return clean


def do_create_act(actor: Any, case: Case, victim: Person, act_type: str, *, date: str = "",
                  methods: Iterable[str] = (), location: Location | None = None,
                  event: Event | None = None, outcome: str = "", description: str = "",
                  measurements: Iterable[Mapping[str, Any]] = (),
                  involvements: Iterable[Mapping[str, Any]] = (), source: Source | None = None,
                  source_record_id: str = "", notes: str = "") -> Act:
    """One act against one victim, with its methods, measured facts and perpetrators.

    `measurements` are `{"measure": "measure.weight_lost_kg", "value": 12.5}` (the unit is the
    measure's, from the vocabulary); `involvements` are `{"person": Person | None, "unit": Unit |
    None, "degree": "involvement.ordered"}`.
    """
    same_case("victim", victim, case)
    check_term("act_type", "act_types", act_type, required=True)
    clean_methods = check_terms("methods", "methods", methods)
    check_term("outcome", "outcomes", outcome)
    same_case("location", location, case)
    same_case("event", event, case)
    dates = period_fields("date", date)
    facts = _measurements(measurements)
    perpetrators = _involvements(case, involvements)
    with transaction.atomic():
        require_role(actor, case, WRITE_ROLES, gettext_noop("create acts"))
        act = Act.objects.create(
            case=case, victim=victim, act_type=act_type, methods=clean_methods,
            location=location, event=event, outcome=outcome, description=description,
            notes=notes, **dates, **_provenance(case, source, source_record_id))
        MeasuredFact.objects.bulk_create(MeasuredFact(act=act, **f) for f in facts)
        Involvement.objects.bulk_create(Involvement(act=act, **i) for i in perpetrators)
        payload = changes(act, ["victim", "act_type", "methods", "location", "event", "outcome",
                                "date_text", "date_precision", "source", "source_record_id"])
        payload["measurements"] = facts
        payload["involvements"] = [
            {"person": object_id(i["person"]) if i["person"] else None,
             "unit": object_id(i["unit"]) if i["unit"] else None, "degree": i["degree"]}
            for i in perpetrators
        ]
        record_write(actor, "create_act", act, payload)
    return act


_ACT_FIELDS = ("act_type", "methods", "date", "location", "event", "outcome", "description",
               "notes")


def do_update_act(actor: Any, act: Act, **values: Any) -> Act:
    """Change the given fields of an act (`act_type`, `methods`, `date`, `location`, `event`,
    `outcome`, `description`, `notes`), checked as on creation."""
    case = act.case
    unknown = set(values) - set(_ACT_FIELDS)
    if unknown:
        raise InvalidInput(sorted(unknown)[0], _("is not a field of %(kind)s that can be changed")
                           % {"kind": _("an act")})
    clean: dict[str, Any] = {}
    if "act_type" in values:
        clean["act_type"] = check_term("act_type", "act_types", values["act_type"],
                                       required=True)
    if "methods" in values:
        clean["methods"] = check_terms("methods", "methods", values["methods"])
    if "outcome" in values:
        clean["outcome"] = check_term("outcome", "outcomes", values["outcome"])
    for name in ("location", "event"):
        if name in values:
            clean[name] = same_case(name, values[name], case)
    for name in ("description", "notes"):
        if name in values:
            clean[name] = values[name] or ""
    if "date" in values:
        clean.update(period_fields("date", values["date"] or ""))
    return _apply_changes(actor, Act, act, clean, action="update_act",
                          doing=gettext_noop("change acts"))


def do_add_involvement(actor: Any, act: Act, *, person: Person | None = None,
                       unit: Unit | None = None, degree: str = "involvement.suspected",
                       notes: str = "") -> Involvement:
    """One more perpetrator (a person, a unit or both) of an act, and how they took part."""
    (clean,) = _involvements(act.case, [{"person": person, "unit": unit, "degree": degree,
                                          "notes": notes}])
    with transaction.atomic():
        require_role(actor, act.case, WRITE_ROLES, gettext_noop("change acts"))
        involvement = Involvement.objects.create(act=act, **clean)
        payload = {"person": object_id(person) if person else None,
                   "unit": object_id(unit) if unit else None, "degree": clean["degree"]}
        payload.update(_back_to_draft(act))
        record_write(actor, "add_involvement", act, payload)
    return involvement


def do_add_measured_fact(actor: Any, act: Act, measure: str, value: float,
                         unit: str = "") -> MeasuredFact:
    """A quantity established about an act, in the unit its measure's vocabulary term gives."""
    (clean,) = _measurements([{"measure": measure, "value": value, "unit": unit}])
    with transaction.atomic():
        require_role(actor, act.case, WRITE_ROLES, gettext_noop("change acts"))
        fact = MeasuredFact.objects.create(act=act, **clean)
        payload = dict(clean)
        payload.update(_back_to_draft(act))
        record_write(actor, "add_measured_fact", act, payload)
    return fact


# -- testimonies ----------------------------------------------------------------------------

def do_create_testimony(actor: Any, case: Case, narrative: str, language: str, *, date: str = "",
                        witness: Person | None = None, witness_name: str = "",
                        witness_contact: str = "", interviewer: str = "",
                        consent_scopes: Iterable[str] = (), source: Source | None = None,
                        source_record_id: str = "", notes: str = "") -> Testimony:
    """A statement given by a witness; the witness's name and contact are encrypted at rest."""
    check_required("narrative", narrative)
    if not _LANGUAGE.match(language or ""):
        raise InvalidInput("language", _("%(language)s is not a language code such as es or en")
                           % {"language": repr(language)})
    same_case("witness", witness, case)
    scopes = check_terms("consent_scopes", "consent_scopes", consent_scopes)
    dates = period_fields("date", date)
    with transaction.atomic():
        require_role(actor, case, WRITE_ROLES, gettext_noop("create testimonies"))
        testimony = Testimony.objects.create(
            case=case, narrative=narrative, language=language, witness=witness,
            witness_name=witness_name, witness_contact=witness_contact, interviewer=interviewer,
            consent_scopes=scopes, notes=notes, **dates,
            **_provenance(case, source, source_record_id))
        names = ["language", "witness", "interviewer", "consent_scopes", "date_text",
                 "date_precision", "source", "source_record_id"]
        names += [n for n in ("witness_name", "witness_contact") if getattr(testimony, n)]
        payload = changes(testimony, names)
        payload["narrative_length"] = len(narrative)
        payload.update(_consent_granted(actor, testimony, scopes))
        record_write(actor, "create_testimony", testimony, payload)
    return testimony


_TESTIMONY_FIELDS = ("narrative", "language", "date", "witness", "witness_name",
                     "witness_contact", "interviewer", "consent_scopes", "notes")


def _excerpts_still_read(testimony: Testimony, clean: dict[str, Any]) -> None:
    """A new narrative must keep every excerpt of it where it was: each quote still at its
    offsets (an excerpt is cited by what it says; moving the words under it would make it cite
    something else)."""
    if "narrative" not in clean or clean["narrative"] == testimony.narrative:
        return
    from expediente_web.evidence.models import Excerpt

    narrative = clean["narrative"]
    for start, end, quote in (
        Excerpt.objects.filter(testimony=testimony, start__isnull=False)
        .order_by("start").values_list("start", "end", "quote")
    ):
        if narrative[start:end] != quote:
            short = quote if len(quote) <= 60 else quote[:57] + "..."
            raise InvalidInput("narrative", _("the excerpt %(quote)s (characters %(start)s-%(end)s)"
                                              " would no longer read as quoted; keep its words "
                                              "where they are")
                               % {"quote": repr(short), "start": start, "end": end})


def do_update_testimony(actor: Any, testimony: Testimony, **values: Any) -> Testimony:
    """Change the given fields of a testimony (`narrative`, `language`, `date`, `witness`,
    `witness_name`, `witness_contact`, `interviewer`, `consent_scopes`, `notes`), checked as on
    creation; a new narrative must leave every excerpt of it reading as quoted."""
    case = testimony.case
    unknown = set(values) - set(_TESTIMONY_FIELDS)
    if unknown:
        raise InvalidInput(sorted(unknown)[0], _("is not a field of %(kind)s that can be changed")
                           % {"kind": _("a testimony")})
    clean: dict[str, Any] = {}
    if "narrative" in values:
        clean["narrative"] = check_required("narrative", values["narrative"])
    if "language" in values:
        if not _LANGUAGE.match(values["language"] or ""):
            raise InvalidInput("language",
                               _("%(language)s is not a language code such as es or en")
                               % {"language": repr(values["language"])})
        clean["language"] = values["language"]
    if "witness" in values:
        clean["witness"] = same_case("witness", values["witness"], case)
    for name in ("witness_name", "witness_contact"):
        if name in values:
            clean[name] = check_length(name, (values[name] or "").strip(), 1000)
    if "interviewer" in values:
        clean["interviewer"] = check_length("interviewer", values["interviewer"] or "", 200)
    if "consent_scopes" in values:
        clean["consent_scopes"] = check_terms("consent_scopes", "consent_scopes",
                                              values["consent_scopes"])
    if "notes" in values:
        clean["notes"] = values["notes"] or ""
    if "date" in values:
        clean.update(period_fields("date", values["date"] or ""))
    return _apply_changes(
        actor, Testimony, testimony, clean, action="update_testimony",
        doing=gettext_noop("change testimonies"), check=_excerpts_still_read,
        after=lambda saved, changed: (_consent_granted(actor, saved, saved.consent_scopes)
                                      if "consent_scopes" in changed else {}))


def _consent_granted(actor: Any, testimony: Testimony, scopes: list[str]) -> dict[str, Any]:
    """Scopes given with a testimony are a grant in its consent history (the payload part
    naming it; empty when nothing was granted)."""
    from expediente_web.records.consent_records import grant_with_testimony

    record = grant_with_testimony(actor, testimony, scopes)
    return {"consent_record": str(record.uid)} if record is not None else {}


# -- review: draft › submitted › verified ----------------------------------------------------

REVIEWED = (Act, Testimony)
SUBMIT_ROLES = WRITE_ROLES
"""Who submits a record for review: those who write the record."""
VERIFY_ROLES = frozenset({"role.owner", "role.analyst", "role.reviewer"})
"""Who verifies a submitted record: a second person, never one who wrote or submitted it."""
RETURN_ROLES = WRITE_ROLES | {"role.reviewer"}
"""Who returns a submitted or verified record to draft, with a reason."""

_AUTHORING = ("create_", "update_", "add_involvement", "add_measured_fact")


def _review_of(record: Any, *, lock: bool = False) -> Review | None:
    found = Review.objects.select_for_update() if lock else Review.objects.all()
    key = "act" if isinstance(record, Act) else "testimony"
    return found.filter(**{key: record}).first()


def _back_to_draft(record: Any) -> dict[str, Any]:
    """A change to a submitted or verified act or testimony returns it to draft: what a second
    person verified is exactly what they read. The payload part saying so (empty otherwise)."""
    if not isinstance(record, REVIEWED):
        return {}
    review = _review_of(record, lock=True)
    if review is None or review.status == ReviewStatus.DRAFT:
        return {}
    was = review.status
    review.status = ReviewStatus.DRAFT
    review.save(update_fields=["status", "updated_at"])
    return {"review": {"from": was, "to": ReviewStatus.DRAFT}}


def record_authors(record: Any) -> set[str]:
    """The user names of everyone who wrote the record: created it, changed it or added to it
    (read from the audit log), or imported the file it came from."""
    from expediente_web.audit.models import AuditEntry

    names = set()
    for actor, action in AuditEntry.objects.filter(
        case_code=record.case.code, object_type=record._meta.model_name,
        object_id=object_id(record),
    ).values_list("actor", "action"):
        if action.startswith(_AUTHORING):
            names.add(actor)
    if record.import_batch_id:
        names.add(record.import_batch.actor)
    return names


def _reviewed(record: Any) -> None:
    if not isinstance(record, REVIEWED):
        raise InvalidInput("record", _("%(kind)s has no review status")
                           % {"kind": a_record(record)})


def _move(actor: Any, record: Any, action: str, *, roles: frozenset[str], doing: str,
          allowed_from: tuple[str, ...], to: str, payload: dict[str, Any] | None = None,
          extra: Any = None) -> Review:
    _reviewed(record)
    model = type(record)
    with transaction.atomic():
        require_role(actor, record.case, roles, doing)
        record = model.objects.select_for_update().get(pk=record.pk)
        if record.deleted_at is not None:
            raise InvalidInput("record", _("%(record)s was deleted")
                               % {"record": object_id(record)})
        review = _review_of(record, lock=True)
        if review is None:
            key = "act" if isinstance(record, Act) else "testimony"
            review = Review(case=record.case, **{key: record})
        was = review.status
        if was not in allowed_from:
            raise InvalidInput("status", _("%(record)s is %(status)s; only a record that is "
                                           "%(allowed)s can be %(to)s")
                               % {"record": object_id(record), "status": _(was),
                                  "allowed": _either(allowed_from), "to": _(to)})
        if extra is not None:
            extra(record, review)
        review.status = to
        now = timezone.now()
        if to == ReviewStatus.SUBMITTED:
            review.submitted_by, review.submitted_at = actor, now
            review.verified_by, review.verified_at = None, None
        elif to == ReviewStatus.VERIFIED:
            review.verified_by, review.verified_at = actor, now
        review.save()
        record_write(actor, action, record,
                     {"review": {"from": was, "to": to}, **(payload or {})})
    return review


def _either(statuses: tuple[str, ...]) -> str:
    """"draft", or "submitted or verified", in the active language."""
    names = [_(status) for status in statuses]
    if len(names) == 1:
        return names[0]
    return _("%(one)s or %(other)s") % {"one": ", ".join(names[:-1]), "other": names[-1]}


def do_submit_for_review(actor: Any, record: Act | Testimony) -> Review:
    """A draft act or testimony is submitted for a second person to verify."""
    return _move(actor, record, "submit_for_review", roles=SUBMIT_ROLES,
                 doing=_("submit %(kind)s for review") % {"kind": a_record(record)},
                 allowed_from=(ReviewStatus.DRAFT,), to=ReviewStatus.SUBMITTED)


def do_verify(actor: Any, record: Act | Testimony) -> Review:
    """A submitted act or testimony is verified by a second person: not anyone who wrote it
    (created, changed or imported it) and not whoever submitted it."""

    def second_person(locked: Any, review: Review) -> None:
        name = getattr(actor, "username", None)
        if actor is None or review.submitted_by_id == actor.pk:
            raise NotPermitted(_("%(user)s submitted %(record)s; a second person verifies it")
                               % {"user": name or _("the operator"),
                                  "record": object_id(locked)})
        if name in record_authors(locked):
            raise NotPermitted(_("%(user)s wrote or changed %(record)s; a second person "
                                 "verifies it") % {"user": name, "record": object_id(locked)})

    return _move(actor, record, "verify", roles=VERIFY_ROLES,
                 doing=_("verify %(kind)s") % {"kind": a_record(record)},
                 allowed_from=(ReviewStatus.SUBMITTED,), to=ReviewStatus.VERIFIED,
                 extra=second_person)


def do_return_to_draft(actor: Any, record: Act | Testimony, reason: str) -> Review:
    """A submitted or verified act or testimony goes back to draft, with the reason why."""
    check_required("reason", reason)
    check_length("reason", reason, 2000)
    return _move(actor, record, "return_to_draft", roles=RETURN_ROLES,
                 doing=_("return %(kind)s to draft") % {"kind": a_record(record)},
                 allowed_from=(ReviewStatus.SUBMITTED, ReviewStatus.VERIFIED),
                 to=ReviewStatus.DRAFT, payload={"reason": reason})


# -- comments and soft deletion --------------------------------------------------------------

def do_add_comment(actor: Any, target: models.Model, body: str, *,
                   parent: Comment | None = None) -> Comment:
    """A comment on any record of a case, or a reply to another comment on the same record."""
    case = getattr(target, "case", None)
    if not isinstance(case, Case):
        raise InvalidInput("target", _("%(kind)s is not a record of a case")
                           % {"kind": target._meta.model_name})
    check_required("body", body)
    check_length("body", body, 20_000)
    target_type = ContentType.objects.get_for_model(target)
    if parent is not None and (parent.target_type_id, parent.target_id) != (
        target_type.pk, target.pk
    ):
        raise InvalidInput("parent", _("a reply must be on the same record as its parent "
                                       "comment"))
    if parent is not None and parent.deleted_at is not None:
        raise InvalidInput("parent", _("the comment replied to was deleted"))
    with transaction.atomic():
        require_role(actor, case, COMMENT_ROLES, gettext_noop("comment"))
        comment = Comment.objects.create(case=case, author=actor, target_type=target_type,
                                         target_id=target.pk, parent=parent, body=body)
        record_write(actor, "add_comment", comment, {
            "target_type": target_type.model, "target": object_id(target),
            "parent": parent.pk if parent else None, "body_length": len(body)})
    return comment


def do_delete_record(actor: Any, record: models.Model, reason: str) -> models.Model:
    """Soft-delete any record with a reason: the row stays (for the audit trail and for what
    cites it) and disappears from `live()`. A comment's author may delete their own comment."""
    check_required("reason", reason)
    if not hasattr(record, "deleted_at"):
        raise InvalidInput("record", _("%(kind)s cannot be deleted") % {"kind": a_record(record)})
    case = record.case
    given = record
    with transaction.atomic():
        if not (isinstance(record, Comment) and actor is not None
                and record.author_id == getattr(actor, "pk", None)):
            require_role(actor, case, WRITE_ROLES,
                         _("delete %(kind)s") % {"kind": a_record(record)})
        model = type(record)
        record = model.objects.select_for_update().get(pk=record.pk)
        if record.deleted_at is not None:
            raise InvalidInput("record", _("%(record)s was already deleted")
                               % {"record": object_id(record)})
        record.deleted_at = timezone.now()
        record.deleted_reason = reason
        record.save(update_fields=["deleted_at", "deleted_reason"])
        record_write(actor, "delete_record", record, {"model": record._meta.model_name,
                                                      "reason": reason})
    # The caller's instance says so too, so that it cannot be used as if still live.
    given.deleted_at, given.deleted_reason = record.deleted_at, reason
    return record


def do_restore_record(actor: Any, record: models.Model, reason: str = "") -> models.Model:
    """Undo a soft delete: the record is live again, in lists and counts. The entry keeps the
    reason it had been deleted for, and the reason for restoring it when one is given."""
    if not hasattr(record, "deleted_at") or isinstance(record, Comment):
        raise InvalidInput("record", _("%(kind)s cannot be restored here")
                           % {"kind": a_record(record)})
    check_length("reason", reason or "", 2000)
    model = type(record)
    with transaction.atomic():
        require_role(actor, record.case, WRITE_ROLES,
                     _("restore %(kind)s") % {"kind": a_record(record)})
        record = model.objects.select_for_update().get(pk=record.pk)
        if record.deleted_at is None:
            raise InvalidInput("record", _("%(record)s is not deleted")
                               % {"record": object_id(record)})
        deleted_reason = record.deleted_reason
        record.deleted_at = None
        record.deleted_reason = ""
        record.save(update_fields=["deleted_at", "deleted_reason"])
        record_write(actor, "restore_record", record, {
            "model": record._meta.model_name, "deleted_reason": deleted_reason,
            "reason": reason or ""})
    return record
