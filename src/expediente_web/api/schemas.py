"""What the API takes and gives, as pydantic schemas (they make the OpenAPI document).

Every string a request gives is bounded (the column it goes into, or a generous bound for text)
and may not hold a NUL character, which no database column stores; every number is bounded to
what the database holds. A value outside these bounds is refused with 422 naming the field,
before any service runs; the services then check meaning (vocabulary terms, dates, references)
and refuse with 422 naming the field too.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import AfterValidator, Field, StringConstraints, create_model

INT_MAX = 2_147_483_647  # the largest integer every supported database column holds


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("may not contain a NUL character")
    return value


def Text(max_length: int) -> Any:
    return Annotated[str, StringConstraints(max_length=max_length), AfterValidator(_no_nul)]


Code = Text(128)
Uid = Text(64)
Term = Text(64)
DateText = Text(100)
Offset = Annotated[int, Field(ge=0, le=INT_MAX)]

# -- errors -----------------------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    field: str
    message: str
    errors: list[dict[str, Any]] = Field(
        default_factory=list, description="every problem found, when the request had several"
    )


# -- references -------------------------------------------------------------------------------


class PersonRef(Schema):
    uid: str
    label: str = Field(description="the name for roles that see identities, else the pseudonym")


# -- the case and the token -------------------------------------------------------------------


class CaseOut(Schema):
    code: str
    title: str
    country: str
    period: str
    description: str
    role: str = Field(description="the token holder's role in the case")
    scope: Literal["read", "write"]
    identities: bool = Field(description="whether the holder's role sees protected fields")


class TokenOut(Schema):
    prefix: str
    scope: Literal["read", "write"]
    case: str
    user: str
    name: str
    created_at: dt.datetime
    expires_at: dt.datetime | None


# -- records ----------------------------------------------------------------------------------


class SourceOut(Schema):
    code: str
    name: str
    kind: str
    reliability: str
    description: str
    created_at: dt.datetime


class LocationOut(Schema):
    uid: str
    code: str
    name: str
    kind: str
    parent: str | None
    latitude: float | None
    longitude: float | None
    notes: str


class UnitOut(Schema):
    uid: str
    code: str
    name: str
    acronym: str
    unit_type: str
    parent: str | None
    notes: str


class Dated(Schema):
    date: str = Field(description="the partial date as recorded: 2017, 2017-05, a range…")
    date_precision: str
    date_earliest: dt.date | None
    date_latest: dt.date | None


class EventOut(Dated):
    uid: str
    code: str
    title: str
    description: str
    location: str | None
    source: str | None
    source_record_id: str
    notes: str


class PersonIdentity(Schema):
    full_name: str
    given_names: str
    first_surname: str
    second_surname: str
    nickname: str
    id_number: str
    birth_date: str
    phone: str
    address: str


class PersonOut(Schema):
    uid: str
    pseudonym: str
    label: str
    identity: PersonIdentity | None = Field(
        description="the protected fields; null for roles that do not see identities"
    )
    sex: str
    age: int | None
    age_band: str
    occupation: str
    affiliation: str
    state: str | None
    source: str | None
    source_record_id: str
    notes: str
    created_at: dt.datetime
    updated_at: dt.datetime


class InvolvementOut(Schema):
    id: int
    person: PersonRef | None
    unit: str | None
    degree: str
    notes: str


class MeasurementOut(Schema):
    id: int
    measure: str
    value: float
    unit: str


class ActOut(Dated):
    uid: str
    act_type: str
    methods: list[str]
    victim: PersonRef
    event: str | None
    location: str | None
    outcome: str
    description: str
    involvements: list[InvolvementOut]
    measurements: list[MeasurementOut]
    source: str | None
    source_record_id: str
    notes: str
    created_at: dt.datetime
    updated_at: dt.datetime


class TestimonyOut(Dated):
    uid: str
    language: str
    witness: PersonRef | None
    witness_name: str | None = Field(description="null for roles that do not see identities")
    witness_contact: str | None = Field(description="null for roles that do not see identities")
    interviewer: str
    consent_scopes: list[str]
    narrative: str
    source: str | None
    source_record_id: str
    notes: str
    withheld: str | None = Field(
        None, description="why the narrative and notes are empty: the witness's consent does "
        "not cover the reader (a partner organisation); null when they are shown")
    created_at: dt.datetime


class ExcerptOut(Schema):
    uid: str
    testimony: str | None
    item: str | None
    start: int | None
    end: int | None
    page: int | None
    quote: str
    withheld: str | None = Field(
        None, description="why the quote is empty: its witness's consent does not cover the "
        "reader (a partner organisation); null when it is shown")
    created_at: dt.datetime


class CitationOut(Schema):
    excerpt: str
    target_type: str
    target: str


class CommentOut(Schema):
    id: int
    author: str
    target_type: str
    target: str
    parent: int | None
    body: str
    created_at: dt.datetime


def page_of(item: type[Schema]) -> type[Schema]:
    """`{count, limit, offset, items}` of one kind of record."""
    name = item.__name__.removesuffix("Out") + "Page"
    return create_model(  # type: ignore[call-overload, no-any-return]
        name,
        __base__=Schema,
        count=(int, ...),
        limit=(int, ...),
        offset=(int, ...),
        items=(list[item], ...),
    )


# -- what requests give -----------------------------------------------------------------------


class PersonPatch(Schema):
    full_name: Text(1000) = ""  # type: ignore[valid-type]
    given_names: Text(1000) = ""  # type: ignore[valid-type]
    first_surname: Text(1000) = ""  # type: ignore[valid-type]
    second_surname: Text(1000) = ""  # type: ignore[valid-type]
    nickname: Text(1000) = ""  # type: ignore[valid-type]
    id_number: Text(1000) = ""  # type: ignore[valid-type]
    birth_date: Text(1000) = ""  # type: ignore[valid-type]
    phone: Text(1000) = ""  # type: ignore[valid-type]
    address: Text(1000) = ""  # type: ignore[valid-type]
    sex: Term = ""
    age: Annotated[int, Field(ge=0, le=130)] | None = None
    age_band: Text(16) = ""  # type: ignore[valid-type]
    occupation: Text(200) = ""  # type: ignore[valid-type]
    affiliation: Text(200) = ""  # type: ignore[valid-type]
    state: Code | None = Field(None, description="code of a location of kind location.state")
    source: Code | None = Field(None, description="code of a source of the case")
    source_record_id: Code = ""
    notes: Text(20_000) = ""  # type: ignore[valid-type]


class PersonIn(PersonPatch):
    pass


class InvolvementIn(Schema):
    person: Uid | None = Field(None, description="uid of the perpetrator person")
    unit: Code | None = Field(None, description="code of the perpetrator unit")
    degree: Term = "involvement.suspected"
    notes: Text(20_000) = ""  # type: ignore[valid-type]


class MeasurementIn(Schema):
    measure: Term
    value: Annotated[float, Field(allow_inf_nan=False, ge=0, le=1e12)]
    unit: Text(16) = ""  # type: ignore[valid-type]


class ActPatch(Schema):
    act_type: Term = ""
    methods: Annotated[list[Term], Field(max_length=50)] = Field(default_factory=list)
    date: DateText = ""
    location: Code | None = Field(None, description="code of a location of the case")
    event: Uid | None = Field(None, description="uid of an event of the case")
    outcome: Term = ""
    description: Text(20_000) = ""  # type: ignore[valid-type]
    notes: Text(20_000) = ""  # type: ignore[valid-type]


class ActIn(ActPatch):
    victim: Uid = Field(description="uid of the victim's person record")
    act_type: Term
    measurements: Annotated[list[MeasurementIn], Field(max_length=50)] = Field(default_factory=list)
    involvements: Annotated[list[InvolvementIn], Field(max_length=50)] = Field(default_factory=list)
    source: Code | None = None
    source_record_id: Code = ""


class TestimonyIn(Schema):
    narrative: Text(500_000)  # type: ignore[valid-type]
    language: Text(8)  # type: ignore[valid-type]
    date: DateText = ""
    witness: Uid | None = Field(None, description="uid of the witness's person record")
    witness_name: Text(1000) = ""  # type: ignore[valid-type]
    witness_contact: Text(1000) = ""  # type: ignore[valid-type]
    interviewer: Text(200) = ""  # type: ignore[valid-type]
    consent_scopes: Annotated[list[Term], Field(max_length=20)] = Field(default_factory=list)
    source: Code | None = None
    source_record_id: Code = ""
    notes: Text(20_000) = ""  # type: ignore[valid-type]


class ExcerptIn(Schema):
    testimony: Uid | None = Field(None, description="uid of the testimony (a span of it)")
    item: Uid | None = Field(None, description="uid of the evidence item (a page of it)")
    start: Offset | None = None
    end: Offset | None = None
    page: Annotated[int, Field(ge=1, le=INT_MAX)] | None = None


TargetType = Literal["act", "person", "event", "testimony", "location", "unit", "source", "excerpt"]


class CitationIn(Schema):
    target_type: Literal["act", "person", "event", "testimony", "location", "unit"]
    target: Uid


class CommentIn(Schema):
    target_type: TargetType
    target: Code = Field(description="uid of the record (code for a source)")
    body: Text(20_000)  # type: ignore[valid-type]
    parent: Annotated[int, Field(ge=1, le=2**62)] | None = None
