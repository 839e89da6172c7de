"""Person records: read (identities only for the roles that see them), created and changed
through `do_create_person` / `do_update_person`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from expediente_web.api.access import Reader, api_case, by_code, source_by_code
from expediente_web.api.auth import read_token, write_token
from expediente_web.api.endpoints.common import answers
from expediente_web.api.paging import PageQuery, page
from expediente_web.api.present import Presenter
from expediente_web.api.schemas import Code, PersonIn, PersonOut, PersonPatch, Term, Text, page_of
from expediente_web.records.access import (
    access_record_by_uid,
    access_records,
    find_persons_by_id_number,
    find_persons_by_name,
)
from expediente_web.records.actions import do_create_person, do_update_person
from expediente_web.records.models import Location, Person

router = Router(tags=["persons"], auth=read_token)


class PersonQuery(PageQuery):
    source: Code | None = None
    sex: Term | None = None
    state: Code | None = None
    id_number: Text(64) | None = None  # type: ignore[valid-type]
    full_name: Text(300) | None = None  # type: ignore[valid-type]


def _rows(reader: Reader) -> Any:
    return access_records(reader.user, reader.case, Person).select_related("source", "state")


@router.get("/cases/{code}/persons", response=answers(page_of(PersonOut)))
def list_persons(request: HttpRequest, code: str, q: Query[PersonQuery]) -> dict[str, Any]:
    """Person records as each source recorded them. `id_number` and `full_name` (exact, through
    the blind indexes) are for the roles that see identities (others: 403)."""
    reader = api_case(request, code)
    rows = _rows(reader)
    if q.id_number:
        rows = rows & find_persons_by_id_number(reader.user, reader.case, q.id_number)
    if q.full_name:
        rows = rows & find_persons_by_name(reader.user, reader.case, q.full_name)
    if q.source:
        rows = rows.filter(source__code=q.source)
    if q.sex:
        rows = rows.filter(sex=q.sex)
    if q.state:
        rows = rows.filter(state__code=q.state)
    envelope, items = page(rows.order_by("id"), q)
    show = Presenter(request, reader)
    out = {**envelope, "items": [show.person(p) for p in items]}
    show.record()
    return out


@router.get("/cases/{code}/persons/{uid}", response=answers(PersonOut))
def get_person(request: HttpRequest, code: str, uid: str) -> dict[str, Any]:
    reader = api_case(request, code)
    show = Presenter(request, reader)
    out = show.person(access_record_by_uid(reader.user, reader.case, Person, uid))
    show.record()
    return out


def _values(reader: Reader, given: dict[str, Any]) -> dict[str, Any]:
    if "state" in given:
        given["state"] = (
            by_code(reader, Location, given["state"], "state") if given["state"] else None
        )
    if "source" in given:
        given["source"] = source_by_code(reader, given["source"]) if given["source"] else None
    return given


@router.post("/cases/{code}/persons", response=answers(PersonOut, 201), auth=write_token)
def create_person(request: HttpRequest, code: str, payload: PersonIn) -> Status[Any]:
    """A person record (`do_create_person`); identifying fields are encrypted at rest."""
    reader = api_case(request, code)
    person = do_create_person(
        reader.user, reader.case, **_values(reader, payload.dict(exclude_unset=True))
    )
    show = Presenter(request, reader)
    out = show.person(person)
    show.record()
    return Status(201, out)


@router.patch("/cases/{code}/persons/{uid}", response=answers(PersonOut), auth=write_token)
def update_person(
    request: HttpRequest, code: str, uid: str, payload: PersonPatch
) -> dict[str, Any]:
    """Change the fields given (`do_update_person`); the others stay as they are."""
    reader = api_case(request, code)
    person = access_record_by_uid(reader.user, reader.case, Person, uid)
    person = do_update_person(
        reader.user, person, **_values(reader, payload.dict(exclude_unset=True))
    )
    show = Presenter(request, reader)
    out = show.person(person)
    show.record()
    return out
