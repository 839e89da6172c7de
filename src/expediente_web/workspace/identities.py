"""Who a page may name: identities for the roles that see protected fields, pseudonyms for the
others, and the audit entry of every identity a page revealed.

A view makes one `Identities` per request, asks it for the label of every person it shows and,
before rendering, calls `record()`: that writes one audit entry listing the persons revealed.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from expediente_web.cases.access import can_view_protected
from expediente_web.cases.models import Case
from expediente_web.protection.cipher import pseudonym
from expediente_web.records.models import Person, Testimony
from expediente_web.workspace.actions import do_record_identity_view

PERSON_FIELDS = (
    "full_name",
    "given_names",
    "first_surname",
    "second_surname",
    "nickname",
    "id_number",
    "birth_date",
    "phone",
    "address",
)


def person_pseudonym(person: Person) -> str:
    """The stable pseudonym of a person record (the same one the linkage pages show)."""
    return pseudonym("R", str(person.uid))


class Identities:
    """The identity policy of one page view."""

    def __init__(self, request: HttpRequest, case: Case) -> None:
        self.request = request
        self.case = case
        self.visible = can_view_protected(request.user, case)
        self._revealed: set[str] = set()
        self._fields: set[str] = set()

    def name(self, person: Person | None) -> str:
        """The person's name (and the reveal is recorded) or their pseudonym."""
        if person is None:
            return "—"
        if not self.visible:
            return person_pseudonym(person)
        self._revealed.add(str(person.uid))
        self._fields.add("name")
        return person.display_name() or person_pseudonym(person)

    def label(self, person: Person | None) -> Person | None:
        """Set `person.shown` to what the page may call them; returns the person."""
        if person is not None:
            person.shown = self.name(person)  # type: ignore[attr-defined]
            person.pseudonym = person_pseudonym(person)  # type: ignore[attr-defined]
        return person

    def person_fields(self, person: Person) -> list[tuple[str, str]]:
        """The protected fields of a person record as (label, value), for roles that see them."""
        if not self.visible:
            return []
        labels = {
            "full_name": _("Full name"),
            "given_names": _("Given names"),
            "first_surname": _("First surname"),
            "second_surname": _("Second surname"),
            "nickname": _("Nickname"),
            "id_number": _("ID number"),
            "birth_date": _("Birth date"),
            "phone": _("Phone"),
            "address": _("Address"),
        }
        shown = [(labels[f], getattr(person, f)) for f in PERSON_FIELDS if getattr(person, f)]
        if shown:
            self._revealed.add(str(person.uid))
            self._fields.update(f for f in PERSON_FIELDS if getattr(person, f))
        return shown

    def witness(self, testimony: Testimony) -> list[tuple[str, str]]:
        """A testimony's protected witness name and contact, for roles that see them."""
        if not self.visible:
            return []
        shown = [
            (label, value)
            for label, value in (
                (_("Witness name"), testimony.witness_name),
                (_("Witness contact"), testimony.witness_contact),
            )
            if value
        ]
        if shown:
            self._revealed.add(f"testimony:{testimony.uid}")
            self._fields.update(("witness_name", "witness_contact"))
        return shown

    def consent_reason(self, record: Any) -> str:
        """A consent withdrawal's reason (the witness's words, protected) for roles that see
        protected fields, the view recorded; "" for the others."""
        if not self.visible or not record.reason:
            return ""
        self._revealed.add(f"consent:{record.uid}")
        self._fields.add("consent_reason")
        return str(record.reason)

    def record(self) -> Any:
        """Write the audit entry of what this page view revealed (nothing when nothing was)."""
        return do_record_identity_view(
            self.request.user,
            self.case,
            self._revealed,
            page=self.request.resolver_match.view_name if self.request.resolver_match else "",
            path=self.request.get_full_path(),
            fields=self._fields,
        )
