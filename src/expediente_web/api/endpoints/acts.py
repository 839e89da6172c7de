"""Acts with their perpetrators (involvements) and measured facts: read, created with
`do_create_act`, changed with `do_update_act`, `do_add_involvement`, `do_add_measured_fact`."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from expediente_web.api.access import Reader, api_case, by_code, by_uid, source_by_code
from expediente_web.api.auth import read_token, write_token
from expediente_web.api.endpoints.common import answers
from expediente_web.api.paging import PageQuery, page
from expediente_web.api.present import Presenter
from expediente_web.api.schemas import (
    ActIn,
    ActOut,
    ActPatch,
    Code,
    InvolvementIn,
    InvolvementOut,
    MeasurementIn,
    MeasurementOut,
    Term,
    page_of,
)
from expediente_web.records.access import access_record_by_uid, access_records
from expediente_web.records.actions import (
    do_add_involvement,
    do_add_measured_fact,
    do_create_act,
    do_update_act,
)
from expediente_web.records.models import Act, Event, Location, Person, Unit

router = Router(tags=["acts"], auth=read_token)


class ActQuery(PageQuery):
    act_type: Term | None = None
    method: Term | None = None
    outcome: Term | None = None
    location: Code | None = None
    event: uuid.UUID | None = None
    victim: uuid.UUID | None = None
    source: Code | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def _rows(reader: Reader) -> Any:
    return (
        access_records(reader.user, reader.case, Act)
        .select_related("victim", "event", "location", "source")
        .prefetch_related("involvements__person", "involvements__unit", "measurements")
    )


@router.get("/cases/{code}/acts", response=answers(page_of(ActOut)))
def list_acts(request: HttpRequest, code: str, q: Query[ActQuery]) -> dict[str, Any]:
    """The case's acts; filters: `act_type`, `method`, `outcome`, `location` (code), `event` and
    `victim` (uids), `source` (code), and a period overlapping `date_from`–`date_to`."""
    reader = api_case(request, code)
    rows = _rows(reader)
    if q.act_type:
        rows = rows.filter(act_type=q.act_type)
    if q.method:
        rows = rows.filter(methods__icontains=json.dumps(q.method))
    if q.outcome:
        rows = rows.filter(outcome=q.outcome)
    if q.location:
        rows = rows.filter(location__code=q.location)
    if q.event:
        rows = rows.filter(event__uid=q.event)
    if q.victim:
        rows = rows.filter(victim__uid=q.victim)
    if q.source:
        rows = rows.filter(source__code=q.source)
    if q.date_from:
        rows = rows.filter(date_latest__gte=q.date_from)
    if q.date_to:
        rows = rows.filter(date_earliest__lte=q.date_to)
    envelope, items = page(rows.order_by("id"), q)
    show = Presenter(request, reader)
    out = {**envelope, "items": [show.act(a) for a in items]}
    show.record()
    return out


def _act(request: HttpRequest, reader: Reader, uid: str) -> dict[str, Any]:
    act = _rows(reader).filter(pk=access_record_by_uid(reader.user, reader.case, Act, uid).pk)
    show = Presenter(request, reader)
    out = show.act(act.get())
    show.record()
    return out


@router.get("/cases/{code}/acts/{uid}", response=answers(ActOut))
def get_act(request: HttpRequest, code: str, uid: str) -> dict[str, Any]:
    reader = api_case(request, code)
    return _act(request, reader, uid)


def _refs(reader: Reader, given: dict[str, Any]) -> dict[str, Any]:
    if "location" in given:
        given["location"] = (
            by_code(reader, Location, given["location"], "location") if given["location"] else None
        )
    if "event" in given:
        given["event"] = by_uid(reader, Event, given["event"], "event") if given["event"] else None
    if given.get("source"):
        given["source"] = source_by_code(reader, given["source"])
    elif "source" in given:
        given["source"] = None
    return given


def _involvement(reader: Reader, field: str, item: dict[str, Any]) -> dict[str, Any]:
    """`field` names where the involvement was given: `involvements[2].` or nothing."""
    return {
        "person": by_uid(reader, Person, item["person"], f"{field}person")
        if item.get("person")
        else None,
        "unit": by_code(reader, Unit, item["unit"], f"{field}unit") if item.get("unit") else None,
        "degree": item.get("degree") or "involvement.suspected",
        "notes": item.get("notes") or "",
    }


@router.post("/cases/{code}/acts", response=answers(ActOut, 201), auth=write_token)
def create_act(request: HttpRequest, code: str, payload: ActIn) -> Status[Any]:
    """One act against one victim, with its methods, measured facts and perpetrators."""
    reader = api_case(request, code)
    given = _refs(reader, payload.dict())
    victim = by_uid(reader, Person, given.pop("victim"), "victim")
    given["involvements"] = [
        _involvement(reader, f"involvements[{n}].", i)
        for n, i in enumerate(given["involvements"], start=1)
    ]
    act = do_create_act(reader.user, reader.case, victim, given.pop("act_type"), **given)
    return Status(201, _act(request, reader, str(act.uid)))


@router.patch("/cases/{code}/acts/{uid}", response=answers(ActOut), auth=write_token)
def update_act(request: HttpRequest, code: str, uid: str, payload: ActPatch) -> dict[str, Any]:
    """Change the fields given (`do_update_act`), checked as on creation."""
    reader = api_case(request, code)
    act = access_record_by_uid(reader.user, reader.case, Act, uid)
    do_update_act(reader.user, act, **_refs(reader, payload.dict(exclude_unset=True)))
    return _act(request, reader, uid)


@router.post(
    "/cases/{code}/acts/{uid}/involvements", response=answers(InvolvementOut, 201), auth=write_token
)
def add_involvement(
    request: HttpRequest, code: str, uid: str, payload: InvolvementIn
) -> Status[Any]:
    """One more perpetrator of the act (a person, a unit or both), and how they took part."""
    reader = api_case(request, code)
    act = access_record_by_uid(reader.user, reader.case, Act, uid)
    values = _involvement(reader, "", payload.dict())
    involvement = do_add_involvement(reader.user, act, **values)
    show = Presenter(request, reader)
    out = {
        "id": involvement.pk,
        "person": show.ref(involvement.person),
        "unit": involvement.unit.code if involvement.unit else None,
        "degree": involvement.degree,
        "notes": involvement.notes,
    }
    show.record()
    return Status(201, out)


@router.post(
    "/cases/{code}/acts/{uid}/measurements", response=answers(MeasurementOut, 201), auth=write_token
)
def add_measurement(
    request: HttpRequest, code: str, uid: str, payload: MeasurementIn
) -> Status[Any]:
    """A quantity established about the act, in its measure's unit (from the vocabulary)."""
    reader = api_case(request, code)
    act = access_record_by_uid(reader.user, reader.case, Act, uid)
    fact = do_add_measured_fact(reader.user, act, payload.measure, payload.value, payload.unit)
    return Status(
        201, {"id": fact.pk, "measure": fact.measure, "value": fact.value, "unit": fact.unit}
    )
