"""A new version of a list already imported: the rows that changed update their records.

`expediente import FILE --update` (and the browser's "this is a new version of a list already
imported") reads a victims, acts or testimonies file whose rows carry the row ids
(`source_record_id`) of records the source already has. `TableWriter` hands each batch here
first: a row whose id the source has is compared with its record, and

- a record whose values all equal the row's is left alone (not saved, no audit entry);
- a record with a value that differs is changed, with one audit entry per record
  (`update_person`, `update_act`, `update_testimony`) holding the new and the old value of each
  changed plain field and only the names of the changed protected fields (`protected_changed`),
  as the record services write them (`audit.record.changes`), plus the import batch, the file
  and the row;
- a soft-deleted record is left as it is (restore it first to update it);
- the other rows are new records, inserted as in any import.

Only the fields the file has a column for are compared (a new version that leaves out a column
leaves that field as it is); an empty cell in a column the file has clears the field. An act
row's measured facts and involvement are updated in place when the act has one of that
measure (or one involvement); a value left empty keeps the fact the act has, since facts and
involvements are never removed by an import (change them on the act's page). A testimony whose
narrative changed has its whole-narrative excerpt follow the new length; new `act_record_ids`
are cited by it, acts no longer named keep their citation.

Everything is written inside the import's one transaction, so a problem found later in the
file rolls the updates back with the rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import models

from expediente_web.audit.record import changes, object_id, record_write
from expediente_web.audit.rows import RowSet

#: Counts an update adds to an import's counts (the rest are records created).
UPDATE_COUNTS = frozenset(
    {"persons_updated", "acts_updated", "testimonies_updated", "unchanged", "deleted_left"}
)

_DATE = ("date", "start_date", "end_date")
_DATE_COLUMNS = ("date_text", "date_precision", "date_earliest", "date_latest")

# Stored column (attname) → the file fields any of which gives it.
PERSON_COLUMNS: dict[str, tuple[str, ...]] = {
    "notes": ("notes",),
    "full_name": ("full_name",),
    "given_names": ("given_names",),
    "first_surname": ("first_surname",),
    "second_surname": ("second_surname",),
    "nickname": ("nickname",),
    "id_number": ("id_number",),
    "birth_date": ("birth_date",),
    "phone": ("phone",),
    "address": ("address",),
    "sex": ("sex",),
    "age": ("age",),
    "occupation": ("occupation",),
    "affiliation": ("affiliation",),
    "state_id": ("state",),
}
#: The act a victim row carries (one act per victim): what such a row has columns for.
VICTIM_ACT_COLUMNS: dict[str, tuple[str, ...]] = {
    "act_type": ("act_type",),
    "methods": ("methods",),
    "location_id": ("location_code",),
    "outcome": ("outcome",),
    **dict.fromkeys(_DATE_COLUMNS, _DATE),
}
ACT_COLUMNS: dict[str, tuple[str, ...]] = {
    **VICTIM_ACT_COLUMNS,
    "victim_id": ("victim_record_id",),
    "event_id": ("event_code",),
    "description": ("description",),
    "notes": ("notes",),
}
TESTIMONY_COLUMNS: dict[str, tuple[str, ...]] = {
    "witness_id": ("witness_record_id",),
    "witness_name": ("witness_name",),
    "witness_contact": ("witness_phone",),
    "language": ("language",),
    "interviewer": ("interviewer",),
    "consent_scopes": ("consent_scope",),
    "narrative": ("narrative",),
    "notes": ("notes",),
    **dict.fromkeys(_DATE_COLUMNS, _DATE),
}
_INVOLVEMENT_FIELDS = ("unit_code", "perpetrator_record_id", "involvement")
_NAME_FIELDS = ("full_name", "given_names", "first_surname", "second_surname")


def _name(model: type[models.Model], attname: str) -> str:
    """The field name of an attname (`state_id` → `state`), as audit payloads name fields."""
    for field in model._meta.concrete_fields:
        if field.attname == attname:
            return field.name
    return attname


class RowUpdater:
    """Compares the rows of one file with the records they name and updates those that differ.

    `fields` is filled by the checking pass (`importer.check_table`) with the fields the file
    has columns for (or mapping defaults), before the first batch is written.
    """

    def __init__(self, actor: Any, batch: Any, file_name: str) -> None:
        self.actor = actor
        self.batch = batch
        self.file_name = file_name
        self.fields: set[str] = set()

    # -- dispatch -------------------------------------------------------------------------
    def update(self, writer: Any, rows: Sequence[Any]) -> list[Any]:
        """Update the records of the rows the source has; the rows that are new to it."""
        kind = writer.kind
        stored = {
            "victims": writer.victim_ids,
            "acts": writer.act_ids,
            "testimonies": writer.testimony_ids,
        }[kind]()
        old = [r for r in rows if r.record_id in stored]
        if not old:
            return list(rows)
        getattr(self, f"_update_{kind}")(writer, old, stored)
        return [r for r in rows if r.record_id not in stored]

    def _present(self, columns: dict[str, tuple[str, ...]]) -> list[str]:
        return [col for col, given_by in columns.items() if self.fields.intersection(given_by)]

    def _apply(
        self, obj: models.Model, values: dict[str, Any], columns: dict[str, tuple[str, ...]]
    ) -> tuple[list[str], dict[str, Any]]:
        """Set the compared columns that differ; (their field names, the payload's `before`)."""
        changed = []
        for attname in self._present(columns):
            value = values.get(
                attname, None if attname.endswith(("_id", "_earliest", "_latest")) else ""
            )
            if attname in ("date_earliest", "date_latest") and value == "":
                value = None
            if getattr(obj, attname) != value:
                changed.append(attname)
        names = [_name(type(obj), a) for a in changed]
        before = changes(obj, names)["fields"]
        for attname in changed:
            setattr(
                obj,
                attname,
                values.get(
                    attname, None if attname.endswith(("_id", "_earliest", "_latest")) else ""
                ),
            )
        return names, before

    def _payload(
        self, obj: models.Model, names: list[str], before: dict[str, Any], row: int
    ) -> dict[str, Any]:
        payload = changes(obj, names)
        payload["before"] = before
        payload.update(import_batch=str(self.batch.uid), file=self.file_name, row=row)
        return payload

    # -- victims --------------------------------------------------------------------------
    def _update_victims(self, writer: Any, rows: Sequence[Any], stored: dict[str, int]) -> None:
        from expediente_web.protection.cipher import blind_index
        from expediente_web.records.actions import search_name
        from expediente_web.records.models import Act, Person

        persons = {
            p.pk: p for p in Person._base_manager.filter(pk__in=[stored[r.record_id] for r in rows])
        }
        acts_of = writer.act_ids() if any(r.act_type for r in rows) else {}
        new_acts = []
        for r in rows:
            person = persons[stored[r.record_id]]
            if person.deleted_at is not None:
                writer.counts.add("deleted_left", 1)
                continue
            names, before = self._apply(person, writer.person_values(r), PERSON_COLUMNS)
            if names:
                if "id_number" in names:
                    person.id_number_index = (
                        blind_index("id_number", person.id_number) if person.id_number else ""
                    )
                if set(names) & set(_NAME_FIELDS):
                    name = search_name(person)
                    person.name_index = blind_index("name", name) if name else ""
                person.save()
                record_write(
                    self.actor, "update_person", person, self._payload(person, names, before, r.row)
                )
                writer.counts.add("persons_updated", 1)
            act_changed = False
            if r.act_type and r.record_id in acts_of:
                act = Act._base_manager.get(pk=acts_of[r.record_id])
                act_changed = self._update_act(writer, act, r, person.pk, None, VICTIM_ACT_COLUMNS)
            elif r.act_type:
                from expediente_web.intake.writer import DEFAULT_INVOLVEMENT

                new_acts.append((r, person.pk, None, r.unit_code and DEFAULT_INVOLVEMENT))
            if not names and not act_changed and not (r.act_type and r.record_id not in acts_of):
                writer.counts.add("unchanged", 1)
        if new_acts:
            writer._insert_acts(new_acts)

    # -- acts -----------------------------------------------------------------------------
    def _update_acts(self, writer: Any, rows: Sequence[Any], stored: dict[str, int]) -> None:
        from expediente_web.records.models import Act

        victims = writer.victim_ids()
        acts = {
            a.pk: a for a in Act._base_manager.filter(pk__in=[stored[r.record_id] for r in rows])
        }
        for r in rows:
            act = acts[stored[r.record_id]]
            if not self._update_act(writer, act, r, victims[r.victim_record_id], r, ACT_COLUMNS):
                writer.counts.add("unchanged", 1)

    def _update_act(
        self,
        writer: Any,
        act: Any,
        r: Any,
        victim_id: int,
        act_row: Any,
        columns: dict[str, tuple[str, ...]],
    ) -> bool:
        """Update one act (and its facts and involvement) from a row; whether it changed."""
        from expediente_web.records.actions import _back_to_draft

        if act.deleted_at is not None:
            writer.counts.add("deleted_left", 1)
            return True  # counted; not "unchanged"
        names, before = self._apply(act, writer.act_values(r, victim_id, act_row), columns)
        facts = self._update_facts(writer, act, act_row)
        involvement = self._update_involvement(writer, act, r, act_row)
        if not (names or facts or involvement):
            return False
        act.save()
        payload = self._payload(act, names, before, r.row)
        if facts:
            payload["measured_facts"] = facts
        if involvement:
            payload["involvement"] = involvement
        payload.update(_back_to_draft(act))
        record_write(self.actor, "update_act", act, payload)
        writer.counts.add("acts_updated", 1)
        return True

    def _update_facts(self, writer: Any, act: Any, act_row: Any) -> list[dict[str, Any]]:
        """Measured facts of the act row's measure columns that differ; their diffs."""
        from expediente_web.intake.writer import MEASURES
        from expediente_web.records.models import MeasuredFact

        if act_row is None:
            return []
        diffs = []
        for column, (measure, unit) in MEASURES.items():
            value = getattr(act_row, column)
            if column not in self.fields or value is None:
                continue
            value = float(value)
            stored = list(MeasuredFact.objects.filter(act=act, measure=measure))
            if any(f.value == value for f in stored):
                continue
            if len(stored) == 1:
                fact = stored[0]
                diffs.append({"measure": measure, "before": fact.value, "after": value})
                fact.value = value
                fact.unit = fact.unit or unit
                fact.save(update_fields=["value", "unit"])
            else:
                MeasuredFact.objects.create(act=act, measure=measure, value=value, unit=unit)
                diffs.append({"measure": measure, "before": None, "after": value})
        return diffs

    def _update_involvement(
        self, writer: Any, act: Any, r: Any, act_row: Any
    ) -> dict[str, Any] | None:
        """The involvement the row names, set on the act when it differs; its diff."""
        from expediente_web.records.models import Involvement

        fields = _INVOLVEMENT_FIELDS if act_row is not None else ("unit_code",)
        if not self.fields.intersection(fields):
            return None
        default = "involvement.suspected" if act_row is None else None
        wanted = writer.involvement_of(r, act_row, default)
        if wanted is None:
            return None
        stored = list(Involvement.objects.filter(act=act).select_related("unit", "person"))
        key = (wanted["person_id"], wanted["unit_id"])
        same = [i for i in stored if (i.person_id, i.unit_id) == key]
        if any(i.degree == wanted["degree"] for i in same):
            return None
        target = same[0] if same else (stored[0] if len(stored) == 1 else None)
        before = _involvement_view(target) if target is not None else None
        if target is None:
            target = Involvement.objects.create(act=act, **wanted)
        else:
            target.person_id, target.unit_id = key
            target.degree = wanted["degree"]
            target.save(update_fields=["person", "unit", "degree"])
            target = Involvement.objects.select_related("unit", "person").get(pk=target.pk)
        return {"before": before, "after": _involvement_view(target)}

    # -- testimonies ----------------------------------------------------------------------
    def _update_testimonies(self, writer: Any, rows: Sequence[Any], stored: dict[str, int]) -> None:
        from expediente_web.records.actions import _back_to_draft
        from expediente_web.records.models import Testimony

        victims = writer.victim_ids() if any(r.witness_record_id for r in rows) else {}
        found = {
            t.pk: t
            for t in Testimony._base_manager.filter(pk__in=[stored[r.record_id] for r in rows])
        }
        for r in rows:
            testimony = found[stored[r.record_id]]
            if testimony.deleted_at is not None:
                writer.counts.add("deleted_left", 1)
                continue
            old_length = len(testimony.narrative)
            names, before = self._apply(
                testimony, writer.testimony_values(r, victims), TESTIMONY_COLUMNS
            )
            if "narrative" in names:
                # The narrative may hold identities: its old text stays out of the log, which
                # keeps its length only.
                before["narrative"] = {"length": old_length}
            cited = self._cite(writer, testimony, r, old_length, "narrative" in names)
            if not names and not cited:
                writer.counts.add("unchanged", 1)
                continue
            testimony.save()
            payload = self._payload(testimony, names, before, r.row)
            if "narrative" in names:
                payload["fields"]["narrative"] = {"length": len(testimony.narrative)}
            if cited:
                payload["cites"] = cited
                payload["digests"] = _excerpt_rows(testimony)
            elif "narrative" in names:
                payload["digests"] = _excerpt_rows(testimony)
            payload.update(_back_to_draft(testimony))
            if "consent_scopes" in names:
                from expediente_web.records.consent_records import grant_with_testimony
                from expediente_web.records.models import ConsentOrigin

                grant = grant_with_testimony(self.actor, testimony, testimony.consent_scopes,
                                             origin=ConsentOrigin.IMPORT,
                                             import_batch=self.batch)
                if grant is not None:
                    payload["consent_record"] = str(grant.uid)
            record_write(self.actor, "update_testimony", testimony, payload)
            writer.counts.add("testimonies_updated", 1)

    def _cite(
        self, writer: Any, testimony: Any, r: Any, old_length: int, narrative_changed: bool
    ) -> list[str]:
        """Keep the whole-narrative excerpt whole, and cite it from acts the row newly names;
        the uids of the acts newly cited."""
        from django.contrib.contenttypes.models import ContentType

        from expediente_web.evidence.models import Citation, Excerpt
        from expediente_web.records.models import Act

        whole = (
            Excerpt.objects.filter(
                testimony=testimony, item__isnull=True, start=0, end=old_length, quote=""
            )
            .order_by("id")
            .first()
        )
        if whole is not None and narrative_changed:
            whole.end = len(testimony.narrative)
            whole.save(update_fields=["end"])
        if "act_record_ids" not in self.fields or not r.act_record_ids:
            return []
        acts = writer.act_ids()
        act_type = ContentType.objects.get_for_model(Act)
        wanted = [acts[a] for a in dict.fromkeys(r.act_record_ids)]
        cited = set(
            Citation.objects.filter(
                excerpt__testimony=testimony, target_type=act_type, target_id__in=wanted
            ).values_list("target_id", flat=True)
        )
        missing = [a for a in wanted if a not in cited]
        if not missing:
            return []
        if whole is None:
            whole = Excerpt.objects.create(
                case=testimony.case, testimony=testimony, start=0, end=len(testimony.narrative)
            )
        Citation.objects.bulk_create(
            Citation(excerpt=whole, target_type=act_type, target_id=a) for a in missing
        )
        return [
            str(u)
            for u in Act._base_manager.filter(pk__in=missing)
            .order_by("id")
            .values_list("uid", flat=True)
        ]


def _involvement_view(involvement: Any) -> dict[str, Any]:
    return {
        "unit": object_id(involvement.unit) if involvement.unit_id else None,
        "person": object_id(involvement.person) if involvement.person_id else None,
        "degree": involvement.degree,
    }


def _excerpt_rows(testimony: Any) -> RowSet:
    from expediente_web.evidence.models import Citation, Excerpt

    rows = RowSet()
    rows.add_queryset(Excerpt.objects.filter(testimony=testimony))
    rows.add_queryset(Citation.objects.filter(excerpt__testimony=testimony))
    return rows


def present_fields(columns: Iterable[str | None], defaults: Iterable[str]) -> set[str]:
    """The fields a file gives: its mapped columns and its mapping's defaults."""
    return {c for c in columns if c} | set(defaults)
