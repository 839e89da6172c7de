"""Acts and persons named as the forms and the command line name them: by their source and row
(`SRC-A a-1`) or their identifier, one per line or separated by commas."""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.utils.translation import gettext as _

from expediente_web.cases.models import Case
from expediente_web.cases.validation import InvalidInput
from expediente_web.records.access import access_records
from expediente_web.records.models import Act, Person

REF_LIMIT = 5000


def split_refs(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[\n,;]+", text or "") if part.strip()]


def _one(rows: Any, ref: str) -> Any:
    try:
        uuid.UUID(ref)
    except ValueError:
        pass
    else:
        return rows.filter(uid=ref).first()
    source, _sep, row = ref.replace("/", " ").partition(" ")
    if not row.strip():
        return None
    return rows.filter(source__code=source.strip(), source_record_id=row.strip()).first()


def resolve(user: Any, case: Case, model: type[Act] | type[Person], field: str, text: str) -> list:
    """The live records of the case that `text` names; `InvalidInput(field)` naming the first
    reference that names none."""
    refs = split_refs(text)
    if len(refs) > REF_LIMIT:
        raise InvalidInput(field, _("at most %(limit)s at a time") % {"limit": REF_LIMIT})
    rows = access_records(user, case, model).select_related("source")
    found = []
    for ref in refs:
        record = _one(rows, ref)
        if record is None:
            raise InvalidInput(
                field,
                _("nothing in this case is %(ref)s (give its source and row, or its id)")
                % {"ref": ref[:80]},
            )
        found.append(record)
    return found
