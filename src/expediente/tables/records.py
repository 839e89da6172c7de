"""Clean, typed rows of the four table kinds, as validation produces them.

Every row keeps ``row`` (its place in the file) and ``record_id`` (its id in the source),
so an imported record can always be traced back to the line it came from. Vocabulary
fields hold term ids; dates are :class:`~expediente.dates.PartialDate` or
:class:`~expediente.dates.DateRange`; multi-valued fields are tuples.

The classes have no ``__slots__`` on purpose: validation fills a record's ``__dict__`` in
one step, several times faster than the generated ``__init__`` of a frozen dataclass, which
matters at 100,000 rows (see ``kinds.record_builder``).
"""

from __future__ import annotations

from dataclasses import dataclass

from expediente.dates import DateValue, PartialDate

__all__ = [
    "ActRow",
    "InvolvementRow",
    "MeasurementRow",
    "Record",
    "SourceRow",
    "TestimonyRow",
    "VictimRow",
]


@dataclass(frozen=True)
class VictimRow:
    """One person as one source lists them (kind ``victims``).

    The act fields are filled when a victim list carries one act per victim.
    Identifying fields (names, id_number, birth_date, phone, address) are protected:
    the storage layer encrypts them.
    """

    row: int
    record_id: str
    full_name: str | None = None
    given_names: str | None = None
    first_surname: str | None = None
    second_surname: str | None = None
    nickname: str | None = None
    id_number: str | None = None
    birth_date: PartialDate | None = None
    age: int | None = None
    sex: str | None = None
    occupation: str | None = None
    affiliation: str | None = None
    """An ``affiliation.*`` id when the cell matches one, else the source's own text."""
    phone: str | None = None
    address: str | None = None
    state: str | None = None
    notes: str | None = None
    act_type: str | None = None
    date: DateValue | None = None
    """From the ``date`` column, or ``start_date``/``end_date`` combined."""
    location_code: str | None = None
    outcome: str | None = None
    methods: tuple[str, ...] = ()
    unit_code: str | None = None


@dataclass(frozen=True)
class ActRow:
    """One act against one victim (kind ``acts``)."""

    row: int
    record_id: str
    victim_record_id: str
    act_type: str
    date: DateValue
    event_code: str | None = None
    methods: tuple[str, ...] = ()
    location_code: str | None = None
    outcome: str | None = None
    unit_code: str | None = None
    perpetrator_record_id: str | None = None
    involvement: str | None = None
    weight_lost_kg: float | None = None
    days_incommunicado: int | None = None
    cell_depth_m: float | None = None
    description: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class TestimonyRow:
    """One statement (kind ``testimonies``); the witness's contact is protected."""

    __test__ = False  # not a pytest test class, despite the name

    row: int
    record_id: str
    date: DateValue
    language: str
    narrative: str
    witness_record_id: str | None = None
    witness_name: str | None = None
    witness_phone: str | None = None
    interviewer: str | None = None
    consent_scope: tuple[str, ...] = ()
    act_record_ids: tuple[str, ...] = ()
    notes: str | None = None


@dataclass(frozen=True)
class SourceRow:
    """One of the case's sources (kind ``sources``)."""

    row: int
    record_id: str
    name: str
    kind: str
    reliability: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class InvolvementRow:
    """One perpetrator of an act of the same source, and how (kind ``involvements``).

    An act may have any number of these: the unit that carried it out, the commander who
    ordered it, a person who took part directly. At least one of ``unit_code`` and
    ``perpetrator_record_id`` is given.
    """

    row: int
    act_record_id: str
    unit_code: str | None = None
    perpetrator_record_id: str | None = None
    involvement: str | None = None
    notes: str | None = None

    @property
    def record_id(self) -> None:
        """Involvement rows have no row id of their own; they are named by their act."""
        return None


@dataclass(frozen=True)
class MeasurementRow:
    """One measured fact of an act of the same source (kind ``measurements``)."""

    row: int
    act_record_id: str
    measure: str
    value: float
    unit: str | None = None
    """The measure's unit (``kg``, ``day``, ``m``); empty means the vocabulary's unit."""

    @property
    def record_id(self) -> None:
        """Measurement rows have no row id of their own; they are named by their act."""
        return None


Record = VictimRow | ActRow | TestimonyRow | SourceRow | InvolvementRow | MeasurementRow
