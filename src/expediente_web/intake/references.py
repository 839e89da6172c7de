"""What a file may refer to: the case's codes and each source's row ids, known before writing.

Validation checks every reference of every row against these sets, so a file naming a victim,
place or unit that does not exist is refused with the row and column at fault, before anything
is written. The sets hold ids only (a few bytes per record), loaded with one query each.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from expediente_web.cases.models import Case, Source


@dataclass
class SourceIds:
    """Row ids of one source: those already stored and those a pending import will add."""

    victims: set[str] = field(default_factory=set)
    acts: set[str] = field(default_factory=set)
    testimonies: set[str] = field(default_factory=set)

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

    def source(self, code: str) -> SourceIds:
        """The row ids of a source (an empty set for a source not seen yet)."""
        return self.by_source.setdefault(code, SourceIds())


def load_case_codes(case: Case | None) -> CaseCodes:
    """The codes stored for a case (empty for a case not created yet)."""
    from expediente_web.records.models import Act, Event, Location, Person, Testimony, Unit

    codes = CaseCodes()
    if case is None:
        return codes
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
