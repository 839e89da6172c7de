"""Permission-checked reads of the record, including exact lookups on protected fields.

A protected field cannot be searched in the database (it is encrypted); an exact lookup of an ID
number or a full name goes through its blind index instead: the HMAC of the normalised value,
computed with the key ring's index key, compared with the stored index.
"""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_noop

from expediente_web.cases.access import PROTECTED_ROLES, require_role, role_in
from expediente_web.cases.models import Case
from expediente_web.protection.cipher import blind_index
from expediente_web.records.models import (
    Act,
    ConsentRecord,
    Event,
    Hearing,
    Location,
    Person,
    Position,
    Testimony,
    Unit,
    UnitRelation,
)


def access_person_by_uid(user: Any, case: Case, uid: str) -> Person:
    """A live person of the case; 404 for a user without a role in it or an unknown uid."""
    if role_in(user, case) is None:
        raise Http404(f"No case {case.code!r}")
    person = Person.objects.live().filter(case=case, uid=uid).first()
    if person is None:
        raise Http404(f"No person {uid} in case {case.code}")
    return person


def find_persons_by_id_number(user: Any, case: Case, id_number: str) -> QuerySet[Person]:
    """Live persons of the case recorded with this ID number (`V-12.345.678` finds `12345678`).

    Only roles that may see protected fields may look one up: the answer reveals whether
    someone with that number is in the case.
    """
    require_role(user, case, PROTECTED_ROLES, gettext_noop("look persons up by ID number"))
    if not id_number.strip():
        return Person.objects.none()
    return Person.objects.live().filter(
        case=case, id_number_index=blind_index("id_number", id_number)
    )


def find_persons_by_name(user: Any, case: Case, full_name: str) -> QuerySet[Person]:
    """Live persons of the case with exactly this full name, ignoring case, accents and spacing
    (`José  PÉREZ` finds `Jose Perez`)."""
    require_role(user, case, PROTECTED_ROLES, gettext_noop("look persons up by name"))
    if not full_name.strip():
        return Person.objects.none()
    return Person.objects.live().filter(case=case, name_index=blind_index("name", full_name))


# -- reads for the record pages ---------------------------------------------------------------

RecordModel = TypeVar("RecordModel", Location, Unit, Person, Position, Event, Act, Testimony,
                      Hearing)


def _require_member(user: Any, case: Case) -> str:
    role = role_in(user, case)
    if role is None:
        raise Http404(f"No case {case.code!r}")
    return role


def access_records(user: Any, case: Case, model: type[RecordModel]) -> QuerySet[RecordModel]:
    """The live records of one kind in the case; 404 for a user without a role in it."""
    _require_member(user, case)
    return model.objects.live().filter(case=case)


def access_record_by_uid(user: Any, case: Case, model: type[RecordModel],
                         uid: str) -> RecordModel:
    """One live record of the case by its uid; 404 for a user without a role in it, a malformed
    uid (typed into the address) or a record that is not there."""
    found = access_records(user, case, model)
    try:
        uuid.UUID(str(uid))
    except ValueError:
        raise Http404(f"No {model._meta.verbose_name} {uid} in case {case.code}") from None
    record = found.filter(uid=uid).first()
    if record is None:
        raise Http404(f"No {model._meta.verbose_name} {uid} in case {case.code}")
    return record


def access_deleted_record(user: Any, case: Case, model: type[RecordModel],
                          uid: str) -> RecordModel | None:
    """A soft-deleted record of the case by its uid (its page says it was deleted, why, by whom
    and when, and offers to restore it), None if there is none; 404 for a non-member."""
    _require_member(user, case)
    try:
        uuid.UUID(str(uid))
    except ValueError:
        return None
    return model.objects.filter(case=case, uid=uid, deleted_at__isnull=False).first()


def access_consent_records(user: Any, case: Case, testimony: Testimony) -> list[ConsentRecord]:
    """A testimony's consent history, oldest first; 404 for a user without a role in the case
    or a testimony of another case. Reading a withdrawal's reason is the caller's to record
    (`workspace.identities.Identities.consent_reason`)."""
    from expediente_web.records.consent_records import in_order

    _require_member(user, case)
    if testimony.case_id != case.pk:
        raise Http404(f"No testimony {testimony.uid} in case {case.code}")
    return in_order(
        ConsentRecord.objects.filter(case=case, testimony=testimony)
        .select_related("taken_by", "recorded_by", "import_batch")
    )


def access_unit_relations(user: Any, case: Case, unit: Unit) -> list[UnitRelation]:
    """The live relations of a unit of the case with other units, either way round, by date;
    404 for a user without a role in the case."""
    from django.db.models import Q

    _require_member(user, case)
    return list(
        UnitRelation.objects.live()
        .filter(Q(unit=unit) | Q(other=unit), case=case)
        .select_related("unit", "other")
        .order_by("start_earliest", "id")
    )
