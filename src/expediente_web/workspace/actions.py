"""The one write the record pages make: the audit entry of the identities a page revealed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from expediente_web.audit.chain import append
from expediente_web.audit.models import AuditEntry
from expediente_web.audit.record import actor_name
from expediente_web.cases.models import Case


def do_record_identity_view(
    actor: Any,
    case: Case,
    persons: Iterable[str],
    *,
    page: str,
    path: str = "",
    fields: Iterable[str] = (),
) -> AuditEntry | None:
    """Write who saw whose identity, where: one entry per page view listing the uids of the
    persons whose protected fields the page showed (and which fields), none when it showed none.

    `page` is the page's URL name (`workspace:act`), the entry's object id; `path` the address
    with its query, kept in the payload (an address can be longer than an object id).
    """
    revealed = sorted(set(persons))
    if not revealed:
        return None
    with transaction.atomic():
        return append(
            actor_name(actor),
            "view_identities",
            case_code=case.code,
            object_type="page",
            object_id=page[:64],
            payload={"persons": revealed, "fields": sorted(set(fields)), "path": path[:1000]},
        )
