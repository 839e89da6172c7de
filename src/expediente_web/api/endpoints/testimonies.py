"""Testimonies (created with `do_create_testimony`) and their excerpts (`do_create_excerpt`),
which records cite (`do_cite_excerpt`)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Model
from django.http import HttpRequest
from ninja import Query, Router, Status

from expediente_web.api.access import (
    Reader,
    api_case,
    by_uid,
    excerpt_by_uid,
    item_by_uid,
    source_by_code,
)
from expediente_web.api.auth import read_token, write_token
from expediente_web.api.endpoints.common import answers
from expediente_web.api.paging import PageQuery, page
from expediente_web.api.present import Presenter
from expediente_web.api.schemas import (
    CitationIn,
    CitationOut,
    Code,
    ExcerptIn,
    ExcerptOut,
    TestimonyIn,
    TestimonyOut,
    Text,
    page_of,
)
from expediente_web.evidence.access import access_excerpts
from expediente_web.evidence.actions import do_cite_excerpt, do_create_excerpt
from expediente_web.records.access import access_record_by_uid, access_records
from expediente_web.records.actions import do_create_testimony
from expediente_web.records.models import Act, Event, Location, Person, Testimony, Unit

router = Router(tags=["testimonies"], auth=read_token)


class TestimonyQuery(PageQuery):
    language: Text(8) | None = None  # type: ignore[valid-type]
    source: Code | None = None
    witness: uuid.UUID | None = None


@router.get("/cases/{code}/testimonies", response=answers(page_of(TestimonyOut)))
def list_testimonies(request: HttpRequest, code: str, q: Query[TestimonyQuery]) -> dict[str, Any]:
    """The case's testimonies; `language`, `source` (code) and `witness` (uid) filter."""
    reader = api_case(request, code)
    rows = access_records(reader.user, reader.case, Testimony).select_related("witness", "source")
    if q.language:
        rows = rows.filter(language=q.language)
    if q.source:
        rows = rows.filter(source__code=q.source)
    if q.witness:
        rows = rows.filter(witness__uid=q.witness)
    envelope, items = page(rows.order_by("id"), q)
    show = Presenter(request, reader)
    out = {**envelope, "items": [show.testimony(t) for t in items]}
    show.record()
    return out


@router.get("/cases/{code}/testimonies/{uid}", response=answers(TestimonyOut))
def get_testimony(request: HttpRequest, code: str, uid: str) -> dict[str, Any]:
    reader = api_case(request, code)
    show = Presenter(request, reader)
    out = show.testimony(access_record_by_uid(reader.user, reader.case, Testimony, uid))
    show.record()
    return out


@router.post("/cases/{code}/testimonies", response=answers(TestimonyOut, 201), auth=write_token)
def create_testimony(request: HttpRequest, code: str, payload: TestimonyIn) -> Status[Any]:
    """A statement given by a witness; the witness's name and contact are encrypted at rest."""
    reader = api_case(request, code)
    given = payload.dict()
    given["witness"] = (
        by_uid(reader, Person, given["witness"], "witness") if given["witness"] else None
    )
    given["source"] = source_by_code(reader, given["source"]) if given["source"] else None
    testimony = do_create_testimony(
        reader.user, reader.case, given.pop("narrative"), given.pop("language"), **given
    )
    show = Presenter(request, reader)
    out = show.testimony(testimony)
    show.record()
    return Status(201, out)


class ExcerptQuery(PageQuery):
    testimony: uuid.UUID | None = None
    item: uuid.UUID | None = None


@router.get("/cases/{code}/excerpts", response=answers(page_of(ExcerptOut)))
def list_excerpts(request: HttpRequest, code: str, q: Query[ExcerptQuery]) -> dict[str, Any]:
    """Spans of testimonies and pages of documents; `testimony` and `item` (uids) filter."""
    reader = api_case(request, code)
    rows = access_excerpts(reader.user, reader.case).select_related("testimony", "item")
    if q.testimony:
        rows = rows.filter(testimony__uid=q.testimony)
    if q.item:
        rows = rows.filter(item__uid=q.item)
    envelope, items = page(rows.order_by("id"), q)
    show = Presenter(request, reader)
    return {**envelope, "items": [show.excerpt(e) for e in items]}


@router.get("/cases/{code}/excerpts/{uid}", response=answers(ExcerptOut))
def get_excerpt(request: HttpRequest, code: str, uid: str) -> dict[str, Any]:
    reader = api_case(request, code)
    return Presenter(request, reader).excerpt(excerpt_by_uid(reader, uid))


@router.post("/cases/{code}/excerpts", response=answers(ExcerptOut, 201), auth=write_token)
def create_excerpt(request: HttpRequest, code: str, payload: ExcerptIn) -> Status[Any]:
    """A span of a testimony (`start`–`end`, character offsets) or a page of an evidence item."""
    reader = api_case(request, code)
    testimony = (
        by_uid(reader, Testimony, payload.testimony, "testimony") if payload.testimony else None
    )
    item = item_by_uid(reader, payload.item, "item") if payload.item else None
    excerpt = do_create_excerpt(
        reader.user,
        reader.case,
        testimony=testimony,
        item=item,
        start=payload.start,
        end=payload.end,
        page=payload.page,
    )
    return Status(201, Presenter(request, reader).excerpt(excerpt))


TARGETS: dict[str, type[Model]] = {
    "act": Act,
    "person": Person,
    "event": Event,
    "testimony": Testimony,
    "location": Location,
    "unit": Unit,
}


def target_by_uid(reader: Reader, kind: str, uid: str, field: str = "target") -> Any:
    return by_uid(reader, TARGETS[kind], uid, field)  # type: ignore[type-var]


@router.post(
    "/cases/{code}/excerpts/{uid}/citations", response=answers(CitationOut, 201), auth=write_token
)
def cite_excerpt(request: HttpRequest, code: str, uid: str, payload: CitationIn) -> Status[Any]:
    """Make a record (an act, a person, an event…) cite the excerpt as its support."""
    reader = api_case(request, code)
    excerpt = excerpt_by_uid(reader, uid)
    target = target_by_uid(reader, payload.target_type, payload.target)
    do_cite_excerpt(reader.user, excerpt, target)
    return Status(
        201,
        {
            "excerpt": str(excerpt.uid),
            "target_type": payload.target_type,
            "target": str(target.uid),
        },
    )
