"""A record's history, read from the audit log: who changed what, when, old value → new value.

Every audited service writes one entry naming the record (`object_type`, `object_id`) with the
plain fields it set; updates also carry each changed field's value before (`before`). Older
entries without `before` get it from the entries before them, walked oldest first. Protected
fields are only ever named in the log (`protected_changed`), so the history can say that one
changed and never what it held — whoever reads it.

One query reads every entry of the record (a record has a handful: its creation and each change
to it); the history page pages them and the record page shows the latest few.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404

from expediente_web.audit.models import AuditEntry
from expediente_web.audit.record import object_id
from expediente_web.cases.access import role_in
from expediente_web.cases.models import Case

# Of a partial date, the history shows its text; precision and bounds follow from it.
_DATE_PARTS = ("_precision", "_earliest", "_latest")


@dataclass
class FieldChange:
    name: str
    before: Any = None
    after: Any = None
    protected: bool = False
    known_before: bool = False
    length: bool = False  # before and after are lengths in characters (long free text)


@dataclass
class HistoryEntry:
    seq: int
    at: dt.datetime
    actor: str
    action: str
    changes: list[FieldChange] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)


def _field_name(name: str) -> str | None:
    if name.endswith(_DATE_PARTS):
        return None
    if name.endswith("_text"):
        return name[: -len("_text")]
    return name


def entries_of(case: Case, record: Any) -> list[HistoryEntry]:
    """Every audit entry about `record`, oldest first, each with its field changes."""
    rows = (
        AuditEntry.objects.filter(
            case_code=case.code,
            object_type=record._meta.model_name,
            object_id=object_id(record),
        )
        .order_by("seq")
        .values_list("seq", "at", "actor", "action", "payload")
    )
    known: dict[str, Any] = {}
    history = []
    for seq, at, actor, action, payload in rows:
        payload = payload or {}
        entry = HistoryEntry(seq, at, actor, action)
        fields = payload.get("fields") or {}
        before = payload.get("before")
        creating = action.startswith("create_")
        for raw, value in fields.items():
            name = _field_name(raw)
            if name is None:
                continue
            if creating:
                if value not in (None, "", []):
                    entry.changes.append(FieldChange(name, after=value))
            elif before is not None and raw in before:
                entry.changes.append(
                    FieldChange(name, before=before[raw], after=value, known_before=True)
                )
            else:
                entry.changes.append(
                    FieldChange(name, before=known.get(raw), after=value, known_before=raw in known)
                )
            known[raw] = value
        for name in payload.get("protected_changed") or ():
            entry.changes.append(FieldChange(name, protected=True))
        for name, sizes in (payload.get("lengths_changed") or {}).items():
            entry.changes.append(
                FieldChange(
                    name,
                    before=sizes.get("before"),
                    after=sizes.get("after"),
                    known_before=True,
                    length=True,
                )
            )
        entry.details = {
            k: v
            for k, v in payload.items()
            if k
            in (
                "reason",
                "deleted_reason",
                "review",
                "degree",
                "measure",
                "value",
                "unit",
                "person",
                "narrative_length",
                "scopes",
            )
        }
        if action.startswith("add_") and "unit" in payload:
            entry.details["unit"] = payload["unit"]
        history.append(entry)
    return history


def access_history(user: Any, case: Case, record: Any) -> list[HistoryEntry]:
    """The history of one record of the case (live or deleted); 404 for a user without a role
    in the case or a record of another case."""
    if role_in(user, case) is None or record.case_id != case.pk:
        raise Http404(f"No case {case.code!r}")
    return entries_of(case, record)
