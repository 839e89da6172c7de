"""What a service writes to the audit chain about a record it changed.

The payload holds the changed fields with their new values, except protected fields, which are
listed by name only: the audit log must never hold an identifying value in clear. The entry also
holds the digest of the row as the write left it (and of the rows written with it,
`rows.CHILDREN`), so that `audit verify --records` can name a row changed later outside the
services.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from expediente_web.audit.chain import append
from expediente_web.audit.models import AuditEntry
from expediente_web.audit.rows import RowSet, rows_of
from expediente_web.protection.fields import ProtectedTextField

OPERATOR = "operator"
"""Actor name of whoever runs a command at the console without `--user` (they hold the data
directory and the key file, so they can do anything the command offers)."""


def actor_name(actor: Any) -> str:
    """The user's name, or `operator` for console commands run without a user."""
    if actor is None:
        return OPERATOR
    return str(getattr(actor, "username", actor))


def object_id(obj: models.Model) -> str:
    """The identifier that survives export and re-import where there is one."""
    for attr in ("uid", "code"):
        value = getattr(obj, attr, None)
        if value:
            return str(value)
    return str(obj.pk)


def changes(obj: models.Model, names: Iterable[str]) -> dict[str, Any]:
    """The payload for fields `names` of `obj`: values of plain fields, names of protected ones.

    A foreign key is recorded by the stable id of what it points to.
    """
    values: dict[str, Any] = {}
    protected: list[str] = []
    for name in names:
        field = obj._meta.get_field(name)
        if isinstance(field, ProtectedTextField):
            protected.append(name)
        elif isinstance(field, models.ForeignKey):
            target = getattr(obj, name)
            values[name] = object_id(target) if target is not None else None
        else:
            values[name] = getattr(obj, field.attname)
    payload: dict[str, Any] = {"fields": values}
    if protected:
        payload["protected_changed"] = sorted(protected)
    return payload


def record_write(
    actor: Any,
    action: str,
    obj: models.Model,
    payload: dict[str, Any] | None = None,
    *,
    case_code: str | None = None,
) -> AuditEntry:
    """Append the audit entry of one service call on `obj` (inside its transaction).

    The entry also records the digests of `obj`'s row and its children's (see `rows.rows_of`),
    with any `RowSet` the caller put under the payload's "digests".
    """
    if case_code is None:
        case = getattr(obj, "case", None)
        case_code = case.code if case is not None else ""
    payload = dict(payload or {})
    rows = rows_of(obj)
    if isinstance(payload.get("digests"), RowSet):
        rows.merge(payload.pop("digests"))
    return append(
        actor_name(actor),
        action,
        case_code=case_code,
        object_type=obj._meta.model_name or "",
        object_id=object_id(obj),
        payload=payload,
        rows=rows,
    )
