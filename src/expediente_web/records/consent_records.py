"""A testimony's consent history: grants and withdrawals, and the scopes they leave in force.

Every reader that enforces consent (the record pages, search, the API, exports, reports,
partners) reads `Testimony.consent_scopes`. That field is derived here from the testimony's
`ConsentRecord`s — the latest grant minus the withdrawals after it — and written by the same
service that writes a record, in the same transaction, so a withdrawal is honoured by every
reader from the moment it is recorded.

Records take effect in the order they are recorded (a correction is a new grant); each carries
the day the witness gave or withdrew consent where it is known. A grant needs at least one
scope; a withdrawal names only scopes in force. The witness's reason for withdrawing is
encrypted at rest and never written into the audit log (its length is).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from expediente_web.audit.record import record_write
from expediente_web.cases.access import WRITE_ROLES, require_role
from expediente_web.cases.validation import InvalidInput, check_length, check_terms
from expediente_web.records.models import (
    ConsentKind,
    ConsentOrigin,
    ConsentRecord,
    Testimony,
)


def in_order(records: Iterable[ConsentRecord]) -> list[ConsentRecord]:
    """The records in the order they were recorded, which is the order they take effect in: a
    consent form entered late (dated the day of the interview) still replaces what was recorded
    before it."""
    return sorted(records, key=lambda record: record.pk or 0)


def effective_scopes(records: Iterable[ConsentRecord]) -> list[str]:
    """The scopes in force after these records: the latest grant minus later withdrawals."""
    current: list[str] = []
    for record in in_order(records):
        if record.kind == ConsentKind.GRANT:
            current = list(record.scopes)
        else:
            current = [s for s in current if s not in record.scopes]
    return current


def _day(field: str, value: Any) -> dt.date:
    """A day (a `date` or `YYYY-MM-DD`), not in the future."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise InvalidInput(
                field, _("%(value)s is not a day (YYYY-MM-DD)") % {"value": repr(value)}
            ) from None
    if not isinstance(value, dt.date):
        raise InvalidInput(field, _("a day is needed"))
    if value > timezone.localdate():
        raise InvalidInput(field, _("%(day)s is in the future") % {"day": value.isoformat()})
    return value


def _text(field: str, value: str | None, limit: int) -> str:
    return check_length(field, (value or "").strip(), limit)


def _taker(actor: Any, taken_by: Any, taken_by_name: str) -> tuple[Any, str]:
    name = _text("taken_by_name", taken_by_name, 200)
    return (taken_by if taken_by is not None else actor), name


def _locked(testimony: Testimony) -> Testimony:
    locked = Testimony.objects.select_for_update().get(pk=testimony.pk)
    if locked.deleted_at is not None:
        raise InvalidInput("testimony", _("%(record)s was deleted") % {"record": locked.uid})
    return locked


def _keep(testimony: Testimony) -> tuple[list[str], list[str]]:
    """Derive the testimony's scopes from its records and store them; (before, after)."""
    before = list(testimony.consent_scopes or [])
    after = effective_scopes(ConsentRecord.objects.filter(testimony=testimony))
    if after != before:
        testimony.consent_scopes = after
        testimony.save(update_fields=["consent_scopes", "updated_at"])
    return before, after


def _payload(record: ConsentRecord, before: list[str], after: list[str]) -> dict[str, Any]:
    return {
        "consent_record": str(record.uid),
        "kind": record.kind,
        "origin": record.origin,
        "scopes": list(record.scopes),
        "on": record.on.isoformat() if record.on else None,
        "taken_by": getattr(record.taken_by, "username", None),
        "taken_by_name": record.taken_by_name,
        "information_sheet": record.information_sheet,
        "interpreter": record.interpreter,
        "consent_scopes": {"before": before, "after": after},
    }


def do_record_consent(
    actor: Any,
    testimony: Testimony,
    scopes: Iterable[str],
    *,
    on: Any,
    taken_by: Any = None,
    taken_by_name: str = "",
    information_sheet: str = "",
    interpreter: str = "",
) -> ConsentRecord:
    """The witness gave consent for `scopes` on day `on`: a grant, which replaces the scopes in
    force. `taken_by` (a user; the actor by default) and/or `taken_by_name` (an interviewer who
    has no account) took it; `information_sheet` is the version of the sheet the witness was
    given; `interpreter` who interpreted, if anyone did."""
    clean = check_terms("scopes", "consent_scopes", scopes)
    if not clean:
        raise InvalidInput("scopes", _("a grant of consent names at least one use"))
    day = _day("on", on)
    taker, name = _taker(actor, taken_by, taken_by_name)
    sheet = _text("information_sheet", information_sheet, 100)
    interp = _text("interpreter", interpreter, 200)
    with transaction.atomic():
        require_role(actor, testimony.case, WRITE_ROLES, gettext_noop("record consent"))
        locked = _locked(testimony)
        record = ConsentRecord.objects.create(
            case=locked.case,
            testimony=locked,
            kind=ConsentKind.GRANT,
            origin=ConsentOrigin.FORM,
            scopes=clean,
            on=day,
            taken_by=taker,
            taken_by_name=name,
            information_sheet=sheet,
            interpreter=interp,
            recorded_by=actor,
        )
        before, after = _keep(locked)
        record_write(actor, "record_consent", locked, _payload(record, before, after))
    testimony.consent_scopes = after
    return record


def do_withdraw_consent(
    actor: Any,
    testimony: Testimony,
    scopes: Iterable[str],
    *,
    on: Any,
    reason: str = "",
    taken_by: Any = None,
    taken_by_name: str = "",
) -> ConsentRecord:
    """The witness withdrew consent for `scopes` on day `on`: each must be in force then. Every
    reader stops releasing the testimony for those uses at once. `reason` (the witness's words,
    if they gave any) is encrypted; `taken_by` / `taken_by_name` received the withdrawal."""
    clean = check_terms("scopes", "consent_scopes", scopes)
    if not clean:
        raise InvalidInput("scopes", _("name at least one use the witness withdraws"))
    day = _day("on", on)
    taker, name = _taker(actor, taken_by, taken_by_name)
    why = _text("reason", reason, 5000)
    with transaction.atomic():
        require_role(actor, testimony.case, WRITE_ROLES, gettext_noop("withdraw consent"))
        locked = _locked(testimony)
        in_force = list(locked.consent_scopes or [])
        never = [s for s in clean if s not in in_force]
        if never:
            raise InvalidInput(
                "scopes",
                _("%(scopes)s: consent for this is not in force, so it cannot be withdrawn")
                % {"scopes": ", ".join(never)},
            )
        record = ConsentRecord(
            case=locked.case,
            testimony=locked,
            kind=ConsentKind.WITHDRAWAL,
            origin=ConsentOrigin.FORM,
            scopes=clean,
            on=day,
            taken_by=taker,
            taken_by_name=name,
            recorded_by=actor,
        )
        record.reason = why
        record.save()
        before, after = _keep(locked)
        payload = _payload(record, before, after)
        payload["reason_length"] = len(why)
        record_write(actor, "withdraw_consent", locked, payload)
    testimony.consent_scopes = after
    return record


def grant_with_testimony(
    actor: Any,
    testimony: Testimony,
    scopes: Sequence[str],
    *,
    origin: str = ConsentOrigin.TESTIMONY,
    import_batch: Any = None,
) -> ConsentRecord | None:
    """The grant that scopes given with a testimony (entered, changed, imported) make, inside
    the caller's transaction and audit entry; None when they are the scopes already in force.
    Undated: the day the witness gave it is not known (its row says when it was recorded)."""
    if list(scopes) == effective_scopes(ConsentRecord.objects.filter(testimony=testimony)):
        return None
    return ConsentRecord.objects.create(
        case_id=testimony.case_id,
        testimony=testimony,
        kind=ConsentKind.GRANT,
        origin=origin,
        scopes=list(scopes),
        on=None,
        taken_by=None,
        taken_by_name=testimony.interviewer or "",
        import_batch=import_batch,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )


def grants_for_import(rows: Iterable[tuple[int, int, Sequence[str], str]], batch: Any) -> int:
    """Bulk grants for newly imported testimonies `(case_id, testimony_id, scopes, interviewer)`
    that carry consent, taken by the import `batch`; how many were made."""
    made = [
        ConsentRecord(
            case_id=case_id,
            testimony_id=testimony_id,
            kind=ConsentKind.GRANT,
            origin=ConsentOrigin.IMPORT,
            scopes=list(scopes),
            on=None,
            taken_by_name=interviewer or "",
            import_batch=batch,
        )
        for case_id, testimony_id, scopes, interviewer in rows
        if scopes
    ]
    ConsentRecord.objects.bulk_create(made, batch_size=1000)
    return len(made)
