"""Records as the API gives them, by the reader's role: identities or pseudonyms.

For a role that sees protected fields, persons carry their identity and the response's audit
entry (`view_identities`, as for a page) lists whose identity it revealed. For the other roles,
persons carry their pseudonym only, testimonies no witness name or contact, and free text (a
narrative, a quote, a description, a comment, notes) has the names of the people it bears on
replaced by pseudonyms, as the search pages and pseudonymised exports do.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from expediente_web.api.access import Reader
from expediente_web.audit.record import object_id
from expediente_web.evidence.models import Excerpt
from expediente_web.records.consent import shield_excerpt, shield_testimony
from expediente_web.records.models import Act, Comment, Event, Location, Person, Testimony, Unit
from expediente_web.search.access import redact_text
from expediente_web.workspace.actions import do_record_identity_view
from expediente_web.workspace.identities import PERSON_FIELDS, person_pseudonym


def _code(obj: Any) -> str | None:
    return obj.code if obj is not None else None


def _uid(obj: Any) -> str | None:
    return str(obj.uid) if obj is not None else None


def _dates(record: Any) -> dict[str, Any]:
    return {
        "date": record.date_text,
        "date_precision": record.date_precision,
        "date_earliest": record.date_earliest,
        "date_latest": record.date_latest,
    }


class Presenter:
    """Turns records into response dicts for one request, and records what it revealed."""

    def __init__(self, request: HttpRequest, reader: Reader) -> None:
        self.request = request
        self.reader = reader
        self._revealed: set[str] = set()
        self._fields: set[str] = set()

    # -- people -------------------------------------------------------------------------------

    def ref(self, person: Person | None) -> dict[str, str] | None:
        if person is None:
            return None
        if not self.reader.identities:
            return {"uid": str(person.uid), "label": person_pseudonym(person)}
        name = person.display_name()
        if name:
            self._revealed.add(str(person.uid))
            self._fields.add("name")
        return {"uid": str(person.uid), "label": name or person_pseudonym(person)}

    def _redact(self, kind: str, record: Any, text: str) -> str:
        if self.reader.identities or not text:
            return text
        return redact_text(kind, record, text)

    def _redact_person(self, person: Person, text: str) -> str:
        if self.reader.identities or not text:
            return text
        from expediente_web.intake.narrative_names import NameReplacer

        replacer = NameReplacer()
        replacer.add_person(person, person_pseudonym(person))
        return replacer.replace(text)

    def person(self, person: Person) -> dict[str, Any]:
        identity = None
        if self.reader.identities:
            identity = {f: getattr(person, f) or "" for f in PERSON_FIELDS}
            shown = [f for f in PERSON_FIELDS if identity[f]]
            if shown:
                self._revealed.add(str(person.uid))
                self._fields.update(shown)
        return {
            "uid": str(person.uid),
            "pseudonym": person_pseudonym(person),
            "label": self.ref(person)["label"],  # type: ignore[index]
            "identity": identity,
            "sex": person.sex,
            "age": person.age,
            "age_band": person.age_band,
            "occupation": person.occupation,
            "affiliation": person.affiliation,
            "state": _code(person.state),
            "source": _code(person.source),
            "source_record_id": person.source_record_id,
            "notes": self._redact_person(person, person.notes),
            "created_at": person.created_at,
            "updated_at": person.updated_at,
        }

    # -- records ------------------------------------------------------------------------------

    def act(self, act: Act) -> dict[str, Any]:
        return {
            "uid": str(act.uid),
            "act_type": act.act_type,
            "methods": list(act.methods or []),
            "victim": self.ref(act.victim),
            "event": _uid(act.event),
            "location": _code(act.location),
            "outcome": act.outcome,
            "description": self._redact("act", act, act.description),
            **_dates(act),
            "involvements": [
                {
                    "id": i.pk,
                    "person": self.ref(i.person),
                    "unit": _code(i.unit),
                    "degree": i.degree,
                    "notes": self._redact("act", act, i.notes),
                }
                for i in act.involvements.all()
            ],
            "measurements": [
                {"id": m.pk, "measure": m.measure, "value": m.value, "unit": m.unit}
                for m in act.measurements.all()
            ],
            "source": _code(act.source),
            "source_record_id": act.source_record_id,
            "notes": self._redact("act", act, act.notes),
            "created_at": act.created_at,
            "updated_at": act.updated_at,
        }

    def testimony(self, testimony: Testimony) -> dict[str, Any]:
        shield_testimony(self.reader.role, testimony)
        witness_name = witness_contact = None
        if self.reader.identities:
            witness_name, witness_contact = testimony.witness_name, testimony.witness_contact
            if witness_name or witness_contact:
                self._revealed.add(f"testimony:{testimony.uid}")
                self._fields.update(("witness_name", "witness_contact"))
        return {
            "uid": str(testimony.uid),
            "language": testimony.language,
            "witness": self.ref(testimony.witness),
            "witness_name": witness_name,
            "witness_contact": witness_contact,
            "interviewer": testimony.interviewer,
            "consent_scopes": list(testimony.consent_scopes or []),
            "narrative": self._redact("testimony", testimony, testimony.narrative),
            **_dates(testimony),
            "source": _code(testimony.source),
            "source_record_id": testimony.source_record_id,
            "notes": self._redact("testimony", testimony, testimony.notes),
            "withheld": testimony.consent_withheld or None,  # type: ignore[attr-defined]
            "created_at": testimony.created_at,
        }

    def excerpt(self, excerpt: Excerpt) -> dict[str, Any]:
        shield_excerpt(self.reader.role, excerpt)
        return {
            "uid": str(excerpt.uid),
            "testimony": _uid(excerpt.testimony),
            "item": _uid(excerpt.item),
            "start": excerpt.start,
            "end": excerpt.end,
            "page": excerpt.page,
            "quote": self._redact("excerpt", excerpt, excerpt.quote),
            "withheld": excerpt.consent_withheld or None,  # type: ignore[attr-defined]
            "created_at": excerpt.created_at,
        }

    def event(self, event: Event) -> dict[str, Any]:
        return {
            "uid": str(event.uid),
            "code": event.code,
            "title": event.title,
            "description": self._redact("event", event, event.description),
            "location": _code(event.location),
            **_dates(event),
            "source": _code(event.source),
            "source_record_id": event.source_record_id,
            "notes": self._redact("event", event, event.notes),
        }

    def location(self, location: Location) -> dict[str, Any]:
        return {
            "uid": str(location.uid),
            "code": location.code,
            "name": location.name,
            "kind": location.kind,
            "parent": _code(location.parent),
            "latitude": location.latitude,
            "longitude": location.longitude,
            "notes": location.notes,
        }

    def unit(self, unit: Unit) -> dict[str, Any]:
        return {
            "uid": str(unit.uid),
            "code": unit.code,
            "name": unit.name,
            "acronym": unit.acronym,
            "unit_type": unit.unit_type,
            "parent": _code(unit.parent),
            "notes": unit.notes,
        }

    def comment(self, comment: Comment) -> dict[str, Any]:
        target = comment.target
        return {
            "id": comment.pk,
            "author": comment.author.username,
            "target_type": comment.target_type.model,
            "target": object_id(target) if target is not None else str(comment.target_id),
            "parent": comment.parent_id,
            "body": self._redact("comment", comment, comment.body),
            "created_at": comment.created_at,
        }

    # -- the audit entry ----------------------------------------------------------------------

    def record(self) -> None:
        """Write who saw whose identity through this request (nothing when none was shown)."""
        do_record_identity_view(
            self.reader.user,
            self.reader.case,
            self._revealed,
            page=("API " + self.request.get_full_path())[:500],
            fields=self._fields,
        )
