"""The columns of each table kind: their value type, vocabulary and whether required."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, dataclass, fields
from enum import StrEnum
from typing import Any

from expediente.tables.records import (
    ActRow,
    InvolvementRow,
    MeasurementRow,
    Record,
    SourceRow,
    TestimonyRow,
    VictimRow,
)

__all__ = ["KINDS", "FieldSpec", "FieldType", "KindSpec", "kind_spec", "record_builder"]


class FieldType(StrEnum):
    """How a cell is read."""

    TEXT = "text"
    LONG_TEXT = "long_text"  # narratives, descriptions, notes: a higher size limit
    TERM = "term"  # one vocabulary term id
    TERMS = "terms"  # ';'-separated term ids
    TERM_OR_TEXT = "term_or_text"  # a term id when one matches, else free text
    DATE = "date"  # partial date or range
    PARTIAL_DATE = "partial_date"  # partial date, no range
    INTEGER = "integer"
    DECIMAL = "decimal"
    LANGUAGE = "language"  # an ISO 639-1 code such as es, en
    IDS = "ids"  # ';'-separated record ids


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One column of a kind."""

    name: str
    type: FieldType = FieldType.TEXT
    vocabulary: str | None = None
    required: bool = False
    is_reference: bool = False
    """Holds ids of other rows or case-level codes (listed in the validation report)."""


@dataclass(frozen=True, slots=True)
class KindSpec:
    """A table kind: its fields, in canonical column order, and its row type."""

    name: str
    fields: tuple[FieldSpec, ...]
    record_type: type
    extra_columns: tuple[str, ...] = ("synthetic",)
    """Columns accepted and ignored (the demo case's ``synthetic`` note)."""

    @property
    def field_names(self) -> tuple[str, ...]:
        """Column names in canonical order."""
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> FieldSpec:
        """The spec of one field (KeyError if unknown)."""
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)


_T = FieldType
F = FieldSpec

_ACT_COLUMNS = (
    F("act_type", _T.TERM, "act_types"),
    F("date", _T.DATE),
    F("start_date", _T.PARTIAL_DATE),
    F("end_date", _T.PARTIAL_DATE),
    F("location_code", is_reference=True),
    F("outcome", _T.TERM, "outcomes"),
    F("methods", _T.TERMS, "methods"),
    F("unit_code", is_reference=True),
)

VICTIMS = KindSpec(
    "victims",
    (
        F("record_id", required=True),
        F("full_name"),
        F("given_names"),
        F("first_surname"),
        F("second_surname"),
        F("nickname"),
        F("id_number"),
        F("birth_date", _T.PARTIAL_DATE),
        F("age", _T.INTEGER),
        F("sex", _T.TERM, "sex"),
        F("occupation"),
        F("affiliation", _T.TERM_OR_TEXT, "affiliation"),
        F("phone"),
        F("address"),
        F("state", is_reference=True),
        F("notes", _T.LONG_TEXT),
        *_ACT_COLUMNS,
    ),
    VictimRow,
)

ACTS = KindSpec(
    "acts",
    (
        F("record_id", required=True),
        F("victim_record_id", required=True, is_reference=True),
        F("event_code", is_reference=True),
        F("act_type", _T.TERM, "act_types", required=True),
        F("methods", _T.TERMS, "methods"),
        F("date", _T.DATE, required=True),
        F("start_date", _T.PARTIAL_DATE),
        F("end_date", _T.PARTIAL_DATE),
        F("location_code", is_reference=True),
        F("outcome", _T.TERM, "outcomes"),
        F("unit_code", is_reference=True),
        F("perpetrator_record_id", is_reference=True),
        F("involvement", _T.TERM, "involvement"),
        F("weight_lost_kg", _T.DECIMAL),
        F("days_incommunicado", _T.INTEGER),
        F("cell_depth_m", _T.DECIMAL),
        F("description", _T.LONG_TEXT),
        F("notes", _T.LONG_TEXT),
    ),
    ActRow,
)

TESTIMONIES = KindSpec(
    "testimonies",
    (
        F("record_id", required=True),
        F("witness_record_id", is_reference=True),
        F("witness_name"),
        F("witness_phone"),
        F("date", _T.DATE, required=True),
        F("language", _T.LANGUAGE, required=True),
        F("interviewer"),
        F("consent_scope", _T.TERMS, "consent_scopes"),
        F("narrative", _T.LONG_TEXT, required=True),
        F("act_record_ids", _T.IDS, is_reference=True),
        F("notes", _T.LONG_TEXT),
    ),
    TestimonyRow,
)

SOURCES = KindSpec(
    "sources",
    (
        F("record_id", required=True),
        F("name", required=True),
        F("kind", _T.TERM, "source_kinds", required=True),
        F("reliability", _T.TERM, "reliability"),
        F("description", _T.LONG_TEXT),
    ),
    SourceRow,
)

# An act's perpetrators beyond the one that the act row's own columns can hold.
INVOLVEMENTS = KindSpec(
    "involvements",
    (
        F("act_record_id", required=True, is_reference=True),
        F("unit_code", is_reference=True),
        F("perpetrator_record_id", is_reference=True),
        F("involvement", _T.TERM, "involvement"),
        F("notes", _T.LONG_TEXT),
    ),
    InvolvementRow,
)

# An act's measured facts beyond the three columns of the act row.
MEASUREMENTS = KindSpec(
    "measurements",
    (
        F("act_record_id", required=True, is_reference=True),
        F("measure", _T.TERM, "measures", required=True),
        F("value", _T.DECIMAL, required=True),
        F("unit"),
    ),
    MeasurementRow,
)

KINDS: dict[str, KindSpec] = {
    k.name: k for k in (VICTIMS, ACTS, TESTIMONIES, SOURCES, INVOLVEMENTS, MEASUREMENTS)
}


def kind_spec(kind: str) -> KindSpec:
    """The spec of a kind by name.

    Raises:
        ValueError: not one of victims, acts, testimonies, sources, involvements,
            measurements.
    """
    try:
        return KINDS[kind]
    except KeyError:
        raise ValueError(
            f"unknown table kind {kind!r}; expected one of {', '.join(KINDS)}"
        ) from None


def record_builder(spec: KindSpec) -> Callable[[int, dict[str, Any]], Record]:
    """A fast constructor for the kind's frozen record type.

    It writes the defaults and the row's values straight into the new instance's
    ``__dict__``: the result is the same frozen dataclass instance that ``__init__`` would
    make (equal, immutable), at a fifth of the cost. The validator guarantees that every
    field without a default is present.
    """
    record_type = spec.record_type
    required = {f.name for f in spec.fields if f.required}
    defaults: dict[str, Any] = {}
    for item in fields(record_type):
        if item.default is not MISSING:
            defaults[item.name] = item.default
        elif item.name != "row" and item.name not in required:
            raise AssertionError(f"{record_type.__name__}.{item.name} needs a default")
    new = object.__new__

    def build(number: int, values: dict[str, Any]) -> Record:
        record: Record = new(record_type)
        attributes = record.__dict__
        attributes.update(defaults)
        attributes.update(values)
        attributes["row"] = number
        return record

    return build
