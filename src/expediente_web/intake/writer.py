"""Writing validated rows of one table file into the record, in batches.

Each kind turns its typed rows (`expediente.tables.records`) into rows of the record models:
a victim row into a Person (and an Act when the list carries one act per victim), an act row
into an Act with its MeasuredFacts and Involvement, a testimony row into a Testimony with an
Excerpt over its narrative that the acts it supports cite, an involvement or a measurement row
into one more Involvement or MeasuredFact of an act of the same source. Every record keeps its
source, its row id in that source and its import batch.

References are resolved through dictionaries loaded once per file (one query each), so a batch
costs a handful of statements whatever its size.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.contrib.contenttypes.models import ContentType

from expediente.dates import DateValue
from expediente.tables.records import (
    ActRow,
    InvolvementRow,
    MeasurementRow,
    SourceRow,
    TestimonyRow,
    VictimRow,
)
from expediente_web.cases.models import Case, Source
from expediente_web.intake.formula_guard import unguard
from expediente_web.intake.inserts import RowInserter, ids_since
from expediente_web.intake.models import ImportBatch
from expediente_web.protection.cipher import blind_index, current_keyring

BATCH_ROWS = 5_000

# Measured facts an act row may carry: column → (measure term id, unit).
MEASURES = {
    "weight_lost_kg": ("measure.weight_lost_kg", "kg"),
    "days_incommunicado": ("measure.days_incommunicado", "day"),
    "cell_depth_m": ("measure.cell_depth_m", "m"),
}
DEFAULT_INVOLVEMENT = "involvement.suspected"


def batched(items: Iterable[Any], size: int = BATCH_ROWS) -> Iterator[list[Any]]:
    """Consecutive lists of at most `size` items."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def date_columns(prefix: str, value: DateValue | None) -> dict[str, Any]:
    """The four stored columns of a partial date or range (`<prefix>_text`, …)."""
    if value is None:
        return {}
    return {
        f"{prefix}_text": str(value),
        f"{prefix}_precision": str(value.precision),
        f"{prefix}_earliest": value.earliest,
        f"{prefix}_latest": value.latest,
    }


def full_name_of(row: Any) -> str:
    """The name used for the name blind index: the full name, else the parts joined."""
    if row.full_name:
        return str(row.full_name)
    parts = (row.given_names, row.first_surname, row.second_surname)
    return " ".join(p for p in parts if p)


@dataclass
class Lookups:
    """Case-level code → id maps, shared by every file of one import."""

    case: Case
    locations: dict[str, int] = field(default_factory=dict)
    units: dict[str, int] = field(default_factory=dict)
    events: dict[str, int] = field(default_factory=dict)
    perpetrators: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls, case: Case) -> Lookups:
        """One query per map."""
        from expediente_web.records.models import Event, Location, Person, Unit

        return cls(
            case,
            dict(Location.objects.filter(case=case).values_list("code", "id")),
            dict(Unit.objects.filter(case=case).values_list("code", "id")),
            dict(Event.objects.filter(case=case).exclude(code="").values_list("code", "id")),
            dict(
                Person.objects.filter(case=case, source__isnull=True)
                .exclude(source_record_id="")
                .values_list("source_record_id", "id")
            ),
        )


@dataclass
class WriteCounts:
    """Records created, per model name."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, n: int) -> None:
        if n:
            self.counts[name] = self.counts.get(name, 0) + n


class TableWriter:
    """Writes the records of one file (one kind, one source, one import batch)."""

    def __init__(
        self,
        kind: str,
        batch: ImportBatch,
        source: Source | None,
        lookups: Lookups,
        uids: dict[str, str] | None = None,
        updater: Any = None,
    ) -> None:
        from expediente_web.evidence.models import Citation, Excerpt
        from expediente_web.records.models import (
            Act,
            Involvement,
            MeasuredFact,
            Person,
            Testimony,
        )

        self.kind = kind
        self.batch = batch
        self.source = source
        self.lookups = lookups
        self.uids = uids or {}
        self.counts = WriteCounts()
        self._common = {
            "case_id": lookups.case.id,
            "source_id": source.id if source else None,
            "import_batch_id": batch.id,
        }
        self._persons = RowInserter(Person)
        self._acts = RowInserter(Act)
        self._facts = RowInserter(MeasuredFact)
        self._involvements = RowInserter(Involvement)
        self._testimonies = RowInserter(Testimony)
        self._excerpts = RowInserter(Excerpt)
        self._citations = RowInserter(Citation)
        self._models = {"Person": Person, "Act": Act, "Testimony": Testimony}
        self._last_id = {"Person": 0, "Act": 0, "Testimony": 0}
        self._act_type_id = ContentType.objects.get_for_model(Act).id
        self._victim_ids: dict[str, int] | None = None
        self._ring = current_keyring()
        self._act_ids: dict[str, int] | None = None
        self._testimony_ids: dict[str, int] | None = None
        self.updater = updater
        """A `updates.RowUpdater` when the file is a new version of a list: rows whose row id
        the source has go to it, the others are inserted."""

    # -- per-source id maps, loaded on first use ---------------------------------------------
    def _source_ids(self, model_name: str) -> dict[str, int]:
        model = self._models[model_name]
        return dict(
            model.objects.filter(case=self.lookups.case, source=self.source).values_list(
                "source_record_id", "id"
            )
        )

    def victim_ids(self) -> dict[str, int]:
        if self._victim_ids is None:
            self._victim_ids = self._source_ids("Person")
        return self._victim_ids

    def act_ids(self) -> dict[str, int]:
        if self._act_ids is None:
            self._act_ids = self._source_ids("Act")
        return self._act_ids

    def testimony_ids(self) -> dict[str, int]:
        if self._testimony_ids is None:
            self._testimony_ids = self._source_ids("Testimony")
        return self._testimony_ids

    def _uid(self, record_id: str) -> dict[str, str]:
        """The record's uid from an export, if any (otherwise the inserter makes a new one)."""
        uid = self.uids.get(record_id)
        return {"uid": uid} if uid else {}

    def _read_back(self, model_name: str) -> dict[str, int]:
        ids = ids_since(self._models[model_name], self.batch.id, self._last_id[model_name])
        if ids:
            self._last_id[model_name] = max(ids.values())
        return ids

    # -- writing -----------------------------------------------------------------------------
    def write(self, rows: Sequence[Any]) -> None:
        """Write one batch of typed rows."""
        if self.updater is not None:
            rows = self.updater.update(self, rows)  # the rows that are new to the source
            if not rows:
                return
        if self.kind == "victims":
            self._write_victims(rows)
        elif self.kind == "acts":
            self._write_acts(rows)
        elif self.kind == "testimonies":
            self._write_testimonies(rows)
        elif self.kind == "involvements":
            self._write_involvements(rows)
        elif self.kind == "measurements":
            self._write_measurements(rows)
        else:
            raise ValueError(f"TableWriter does not write kind {self.kind!r}")

    def person_values(self, r: VictimRow) -> dict[str, Any]:
        """The stored columns of the person of a victim row (not its provenance)."""
        locations = self.lookups.locations
        ring = self._ring
        name = unguard(full_name_of(r)) or ""
        return {
            "notes": unguard(r.notes) or "",
            "full_name": unguard(r.full_name) or "",
            "given_names": unguard(r.given_names) or "",
            "first_surname": unguard(r.first_surname) or "",
            "second_surname": unguard(r.second_surname) or "",
            "nickname": unguard(r.nickname) or "",
            "id_number": unguard(r.id_number) or "",
            "birth_date": str(r.birth_date) if r.birth_date else "",
            "phone": unguard(r.phone) or "",
            "address": unguard(r.address) or "",
            "id_number_index": blind_index("id_number", unguard(r.id_number), ring)
            if r.id_number
            else "",
            "name_index": blind_index("name", name, ring) if name else "",
            "sex": r.sex or "",
            "age": r.age,
            "occupation": unguard(r.occupation) or "",
            "affiliation": unguard(r.affiliation) or "",
            "state_id": locations.get(r.state) if r.state else None,
        }

    def _write_victims(self, rows: Sequence[VictimRow]) -> None:
        persons = [
            {**self._common, **self._uid(r.record_id), "source_record_id": r.record_id,
             **self.person_values(r)}
            for r in rows
        ]
        self.counts.add("persons", self._persons.insert(persons))
        new_ids = self._read_back("Person")
        if self._victim_ids is not None:
            self._victim_ids.update(new_ids)
        with_acts = [r for r in rows if r.act_type]
        if with_acts:
            self._insert_acts(
                [
                    (r, new_ids[r.record_id], None, r.unit_code and DEFAULT_INVOLVEMENT)
                    for r in with_acts
                ]
            )

    def _write_acts(self, rows: Sequence[ActRow]) -> None:
        victims = self.victim_ids()
        self._insert_acts([(r, victims[r.victim_record_id], r, None) for r in rows])

    def _insert_acts(self, items: list[tuple[Any, int, ActRow | None, str | None]]) -> None:
        """Acts from act rows or from victim rows carrying an act: (row, victim id, act row
        or None, default involvement)."""
        acts = [
            {**self._common, **(self._uid(r.record_id) if act_row else {}),
             "source_record_id": r.record_id, **self.act_values(r, victim_id, act_row)}
            for r, victim_id, act_row, _ in items
        ]
        self.counts.add("acts", self._acts.insert(acts))
        new_ids = self._read_back("Act")
        if self._act_ids is not None:
            self._act_ids.update(new_ids)
        facts = []
        involvements = []
        for r, _, act_row, default_degree in items:
            act_id = new_ids[r.record_id]
            facts.extend({"act_id": act_id, **fact} for fact in self.facts_of(act_row))
            involvement = self.involvement_of(r, act_row, default_degree)
            if involvement is not None:
                involvements.append({"act_id": act_id, **involvement})
        self.counts.add("measured_facts", self._facts.insert(facts))
        self.counts.add("involvements", self._involvements.insert(involvements))

    def act_values(self, r: Any, victim_id: int, act_row: ActRow | None) -> dict[str, Any]:
        """The stored columns of the act of an act row, or of a victim row carrying one."""
        lookups = self.lookups
        return {
            "event_id": lookups.events.get(act_row.event_code)
            if act_row and act_row.event_code
            else None,
            "victim_id": victim_id,
            "act_type": r.act_type,
            "methods": list(r.methods),
            "location_id": lookups.locations.get(r.location_code)
            if r.location_code
            else None,
            "outcome": r.outcome or "",
            "description": (unguard(act_row.description) or "") if act_row else "",
            "notes": (unguard(act_row.notes) or "") if act_row else "",
            **date_columns("date", r.date),
        }

    @staticmethod
    def facts_of(act_row: ActRow | None) -> list[dict[str, Any]]:
        """The measured facts an act row carries in its measure columns."""
        if act_row is None:
            return []
        return [
            {"measure": measure, "value": float(value), "unit": unit}
            for column, (measure, unit) in MEASURES.items()
            if (value := getattr(act_row, column)) is not None
        ]

    def involvement_of(self, r: Any, act_row: ActRow | None,
                       default_degree: str | None) -> dict[str, Any] | None:
        """The one involvement an act row (or a victim row's act) names, or None."""
        lookups = self.lookups
        if act_row is not None:
            person_id = (
                lookups.perpetrators.get(act_row.perpetrator_record_id)
                if act_row.perpetrator_record_id
                else None
            )
            unit_id = lookups.units.get(act_row.unit_code) if act_row.unit_code else None
            degree = act_row.involvement or DEFAULT_INVOLVEMENT
        else:
            person_id = None
            unit_id = lookups.units.get(r.unit_code) if r.unit_code else None
            degree = default_degree or DEFAULT_INVOLVEMENT
        if person_id or unit_id:
            return {"person_id": person_id, "unit_id": unit_id, "degree": degree, "notes": ""}
        return None

    def _write_involvements(self, rows: Sequence[InvolvementRow]) -> None:
        acts = self.act_ids()
        units = self.lookups.units
        perpetrators = self.lookups.perpetrators
        self.counts.add("involvements", self._involvements.insert([
            {
                "act_id": acts[r.act_record_id],
                "person_id": perpetrators.get(r.perpetrator_record_id)
                if r.perpetrator_record_id else None,
                "unit_id": units.get(r.unit_code) if r.unit_code else None,
                "degree": r.involvement or DEFAULT_INVOLVEMENT,
                "notes": unguard(r.notes) or "",
            }
            for r in rows
        ]))

    def _write_measurements(self, rows: Sequence[MeasurementRow]) -> None:
        acts = self.act_ids()
        self.counts.add("measured_facts", self._facts.insert([
            {"act_id": acts[r.act_record_id], "measure": r.measure, "value": float(r.value),
             "unit": r.unit or ""}
            for r in rows
        ]))

    @staticmethod
    def testimony_values(r: TestimonyRow, victims: dict[str, int]) -> dict[str, Any]:
        """The stored columns of the testimony of a testimony row (not its provenance)."""
        return {
            "witness_id": victims[r.witness_record_id] if r.witness_record_id else None,
            "witness_name": unguard(r.witness_name) or "",
            "witness_contact": unguard(r.witness_phone) or "",
            "language": r.language,
            "interviewer": unguard(r.interviewer) or "",
            "consent_scopes": list(r.consent_scope),
            "narrative": unguard(r.narrative),
            "notes": unguard(r.notes) or "",
            **date_columns("date", r.date),
        }

    def _write_testimonies(self, rows: Sequence[TestimonyRow]) -> None:
        from expediente_web.evidence.models import Excerpt

        victims = self.victim_ids() if any(r.witness_record_id for r in rows) else {}
        testimonies = [
            {**self._common, **self._uid(r.record_id), "source_record_id": r.record_id,
             **self.testimony_values(r, victims)}
            for r in rows
        ]
        self.counts.add("testimonies", self._testimonies.insert(testimonies))
        new_ids = self._read_back("Testimony")
        # Consent a row carries is a grant in the testimony's consent history, taken by the
        # import (its batch names the file and who imported it).
        from expediente_web.records.consent_records import grants_for_import

        grants_for_import(
            ((self.lookups.case.id, new_ids[r.record_id], list(r.consent_scope),
              unguard(r.interviewer) or "") for r in rows if r.consent_scope),
            self.batch)
        linked = [r for r in rows if r.act_record_ids]
        if not linked:
            return
        # The acts a testimony supports cite one excerpt spanning its whole narrative.
        excerpts = [
            {
                "case_id": self.lookups.case.id,
                "testimony_id": new_ids[r.record_id],
                "item_id": None,
                "start": 0,
                "end": len(r.narrative),
                "page": None,
                "quote": "",
            }
            for r in linked
        ]
        self.counts.add("excerpts", self._excerpts.insert(excerpts))
        excerpt_of = dict(
            Excerpt.objects.filter(testimony_id__in=[e["testimony_id"] for e in excerpts])
            .values_list("testimony_id", "id")
        )
        acts = self.act_ids()
        citations = [
            {
                "excerpt_id": excerpt_of[new_ids[r.record_id]],
                "target_type_id": self._act_type_id,
                "target_id": acts[act_record_id],
            }
            for r in linked
            for act_record_id in dict.fromkeys(r.act_record_ids)
        ]
        self.counts.add("citations", self._citations.insert(citations))


def write_sources(rows: Iterable[SourceRow], case: Case) -> int:
    """Create the case's sources (kind `sources`); few rows, so plain ORM creates."""
    created = 0
    for r in rows:
        Source.objects.create(
            case=case,
            code=r.record_id,
            name=unguard(r.name) or "",
            kind=r.kind,
            reliability=r.reliability or "reliability.unknown",
            description=unguard(r.description) or "",
        )
        created += 1
    return created
