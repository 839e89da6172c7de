"""Sources, locations, units and events: read only (they are written by imports and pages)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from expediente_web.api.access import api_case
from expediente_web.api.auth import read_token
from expediente_web.api.endpoints.common import answers
from expediente_web.api.paging import PageQuery, page
from expediente_web.api.present import Presenter
from expediente_web.api.schemas import (
    Code,
    EventOut,
    LocationOut,
    SourceOut,
    Term,
    UnitOut,
    page_of,
)
from expediente_web.records.access import access_record_by_uid, access_records
from expediente_web.records.models import Event, Location, Unit
from expediente_web.workspace.access import access_source_by_code, access_sources

router = Router(tags=["structure"], auth=read_token)


def _source(source: Any) -> dict[str, Any]:
    return {
        "code": source.code,
        "name": source.name,
        "kind": source.kind,
        "reliability": source.reliability,
        "description": source.description,
        "created_at": source.created_at,
    }


class SourceQuery(PageQuery):
    kind: Term | None = None


@router.get("/cases/{code}/sources", response=answers(page_of(SourceOut)))
def list_sources(request: HttpRequest, code: str, q: Query[SourceQuery]) -> dict[str, Any]:
    """The case's sources, by code; `kind` filters."""
    reader = api_case(request, code)
    rows = access_sources(reader.user, reader.case)
    if q.kind:
        rows = rows.filter(kind=q.kind)
    envelope, items = page(rows, q)
    return {**envelope, "items": [_source(s) for s in items]}


@router.get("/cases/{code}/sources/{source}", response=answers(SourceOut))
def get_source(request: HttpRequest, code: str, source: str) -> dict[str, Any]:
    reader = api_case(request, code)
    return _source(access_source_by_code(reader.user, reader.case, source))


class LocationQuery(PageQuery):
    kind: Term | None = None
    parent: Code | None = None


@router.get("/cases/{code}/locations", response=answers(page_of(LocationOut)))
def list_locations(request: HttpRequest, code: str, q: Query[LocationQuery]) -> dict[str, Any]:
    """The case's places; `kind` and `parent` (a location's code) filter."""
    reader = api_case(request, code)
    rows = access_records(reader.user, reader.case, Location).select_related("parent")
    if q.kind:
        rows = rows.filter(kind=q.kind)
    if q.parent:
        rows = rows.filter(parent__code=q.parent)
    envelope, items = page(rows.order_by("code"), q)
    show = Presenter(request, reader)
    return {**envelope, "items": [show.location(r) for r in items]}


@router.get("/cases/{code}/locations/{uid}", response=answers(LocationOut))
def get_location(request: HttpRequest, code: str, uid: str) -> dict[str, Any]:
    reader = api_case(request, code)
    return Presenter(request, reader).location(
        access_record_by_uid(reader.user, reader.case, Location, uid)
    )


class UnitQuery(PageQuery):
    unit_type: Term | None = None
    parent: Code | None = None


@router.get("/cases/{code}/units", response=answers(page_of(UnitOut)))
def list_units(request: HttpRequest, code: str, q: Query[UnitQuery]) -> dict[str, Any]:
    """The case's organizations and units; `unit_type` and `parent` (a unit's code) filter."""
    reader = api_case(request, code)
    rows = access_records(reader.user, reader.case, Unit).select_related("parent")
    if q.unit_type:
        rows = rows.filter(unit_type=q.unit_type)
    if q.parent:
        rows = rows.filter(parent__code=q.parent)
    envelope, items = page(rows.order_by("code"), q)
    show = Presenter(request, reader)
    return {**envelope, "items": [show.unit(r) for r in items]}


@router.get("/cases/{code}/units/{uid}", response=answers(UnitOut))
def get_unit(request: HttpRequest, code: str, uid: str) -> dict[str, Any]:
    reader = api_case(request, code)
    return Presenter(request, reader).unit(
        access_record_by_uid(reader.user, reader.case, Unit, uid)
    )


class EventQuery(PageQuery):
    location: Code | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@router.get("/cases/{code}/events", response=answers(page_of(EventOut)))
def list_events(request: HttpRequest, code: str, q: Query[EventQuery]) -> dict[str, Any]:
    """The case's events; `location` (code) and a period overlapping `date_from`–`date_to`."""
    reader = api_case(request, code)
    rows = access_records(reader.user, reader.case, Event).select_related("location", "source")
    if q.location:
        rows = rows.filter(location__code=q.location)
    if q.date_from:
        rows = rows.filter(date_latest__gte=q.date_from)
    if q.date_to:
        rows = rows.filter(date_earliest__lte=q.date_to)
    envelope, items = page(rows.order_by("id"), q)
    show = Presenter(request, reader)
    return {**envelope, "items": [show.event(r) for r in items]}


@router.get("/cases/{code}/events/{uid}", response=answers(EventOut))
def get_event(request: HttpRequest, code: str, uid: str) -> dict[str, Any]:
    reader = api_case(request, code)
    return Presenter(request, reader).event(
        access_record_by_uid(reader.user, reader.case, Event, uid)
    )
