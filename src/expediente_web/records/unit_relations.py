"""Dated relations between units (subordinate to, under the operational control of, acts with,
renamed to): a write, checked, transactional and audited (one entry)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from expediente_web.audit.record import changes, record_write
from expediente_web.cases.access import WRITE_ROLES, require_role
from expediente_web.cases.models import Case, Source
from expediente_web.cases.validation import InvalidInput, check_length, period_fields
from expediente_web.records.actions import same_case
from expediente_web.records.models import Unit, UnitRelation, UnitRelationKind


def do_create_unit_relation(
    actor: Any,
    case: Case,
    unit: Unit,
    kind: str,
    other: Unit,
    *,
    start: str = "",
    end: str = "",
    source: Source | None = None,
    source_record_id: str = "",
    notes: str = "",
) -> UnitRelation:
    """`unit` *kind* `other` from `start` until `end` (imprecise dates as documenters write
    them; no end: it still holds). Both units are of the case, and they are two."""
    if kind not in UnitRelationKind.values:
        raise InvalidInput(
            "kind",
            _("%(kind)s is not a relation between units; expected one of %(known)s")
            % {"kind": repr(kind), "known": ", ".join(UnitRelationKind.values)},
        )
    if unit is None:
        raise InvalidInput("unit", _("a relation needs its unit"))
    if other is None:
        raise InvalidInput("other", _("a relation needs the other unit"))
    same_case("unit", unit, case)
    same_case("other", other, case)
    if unit.pk == other.pk:
        raise InvalidInput("other", _("%(unit)s cannot be related to itself") % {"unit": unit.code})
    start_fields = period_fields("start", (start or "").strip(), prefix="start")
    end_fields = period_fields("end", (end or "").strip(), prefix="end")
    if start and end and end_fields["end_latest"] < start_fields["start_earliest"]:
        raise InvalidInput(
            "end", _("%(end)s is before the start %(start)s") % {"end": end, "start": start}
        )
    same_case("source", source, case)
    check_length("source_record_id", source_record_id, 128)
    with transaction.atomic():
        require_role(actor, case, WRITE_ROLES, gettext_noop("relate units"))
        relation = UnitRelation.objects.create(
            case=case,
            unit=unit,
            other=other,
            kind=kind,
            source=source,
            source_record_id=source_record_id,
            notes=notes or "",
            **start_fields,
            **end_fields,
        )
        record_write(
            actor,
            "create_unit_relation",
            relation,
            changes(
                relation,
                [
                    "unit",
                    "kind",
                    "other",
                    "start_text",
                    "start_precision",
                    "end_text",
                    "end_precision",
                    "source",
                    "source_record_id",
                ],
            ),
        )
    return relation
