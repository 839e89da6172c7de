"""What a file may refer to: the case's codes and each source's row ids, known before writing.

Validation checks every reference of every row against these sets, so a file naming a victim,
place or unit that does not exist is refused with the row and column at fault, before anything
is written. The sets hold ids only (a few bytes per record), loaded with one query each.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

from expediente_web.cases.models import Case, Source


@dataclass
class SourceIds:
    """Row ids of one source: those already stored and those a pending import will add."""

    victims: set[str] = field(default_factory=set)
    acts: set[str] = field(default_factory=set)
    testimonies: set[str] = field(default_factory=set)
    births: dict[str, _dt.date] = field(default_factory=dict)
    """Victim row id → the earliest day its birth date may mean, for the victims with one
    that the files of this import bring."""
    stored_births: dict[str, _dt.date] | None = None
    """The same for the victims stored before; None until an import needs them (birth dates
    are protected: they are decrypted only then)."""

    def of(self, kind: str) -> set[str]:
        """The ids of one table kind."""
        return {"victims": self.victims, "acts": self.acts, "testimonies": self.testimonies}[kind]


@dataclass
class CaseCodes:
    """Case-level codes that rows may name, and the row ids of each source."""

    locations: set[str] = field(default_factory=set)
    units: set[str] = field(default_factory=set)
    events: set[str] = field(default_factory=set)
    perpetrators: set[str] = field(default_factory=set)
    """record_ids of the structure's persons (perpetrators and commanders)."""
    sources: set[str] = field(default_factory=set)
    by_source: dict[str, SourceIds] = field(default_factory=dict)

    case_id: int | None = None

    def source(self, code: str) -> SourceIds:
        """The row ids of a source (an empty set for a source not seen yet)."""
        return self.by_source.setdefault(code, SourceIds())

    def birth(self, code: str, record_id: str) -> _dt.date | None:
        """The earliest day the birth date of a source's victim may mean (a victim of the
        files checked before, or one stored: those are loaded on first use), to refuse an act
        or testimony dated before it."""
        ids = self.source(code)
        if record_id in ids.births:
            return ids.births[record_id]
        if ids.stored_births is None:
            ids.stored_births = _stored_births(self.case_id, code)
        return ids.stored_births.get(record_id)


def _stored_births(case_id: int | None, code: str) -> dict[str, _dt.date]:
    from expediente.dates import DateError, parse_partial_date
    from expediente_web.records.models import Person

    births: dict[str, _dt.date] = {}
    if case_id is None:
        return births
    people = (Person.objects.filter(case_id=case_id, source__code=code)
              .only("id", "source_record_id", "birth_date").iterator(chunk_size=5_000))
    for person in people:
        if person.birth_date:
            try:
                births[person.source_record_id] = parse_partial_date(
                    person.birth_date, date_format="iso").earliest
            except DateError:
                continue  # not a date this import can compare with
    return births


def load_case_codes(case: Case | None) -> CaseCodes:
    """The codes stored for a case (empty for a case not created yet)."""
    from expediente_web.records.models import Act, Event, Location, Person, Testimony, Unit

    codes = CaseCodes()
    if case is None:
        return codes
    codes.case_id = case.pk
    codes.locations = set(Location.objects.filter(case=case).values_list("code", flat=True))
    codes.units = set(Unit.objects.filter(case=case).values_list("code", flat=True))
    codes.events = set(
        Event.objects.filter(case=case).exclude(code="").values_list("code", flat=True)
    )
    codes.perpetrators = set(
        Person.objects.filter(case=case, source__isnull=True)
        .exclude(source_record_id="")
        .values_list("source_record_id", flat=True)
    )
    codes.sources = set(Source.objects.filter(case=case).values_list("code", flat=True))
    for model, kind in ((Person, "victims"), (Act, "acts"), (Testimony, "testimonies")):
        rows = (
            model.objects.filter(case=case, source__isnull=False)
            .values_list("source__code", "source_record_id")
            .iterator(chunk_size=20_000)
        )
        for code, record_id in rows:
            codes.source(code).of(kind).add(record_id)
    return codes
