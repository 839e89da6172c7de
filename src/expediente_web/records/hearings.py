"""Hearings: writes, checked, transactional and audited (one entry each).

A hearing names its date, venue, panel and (optionally) the recording of the session, an
evidence item of the same case. A testimony given at it appears there (`do_add_appearance`);
excerpts of the recording cite a time range of it (`evidence.actions.do_create_excerpt`, which
checks the range against the recording's length where it is known).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from expediente_web.audit.record import changes, object_id, record_write
from expediente_web.cases.access import WRITE_ROLES, require_role
from expediente_web.cases.models import Case, Source
from expediente_web.cases.validation import (
    InvalidInput,
    check_length,
    check_required,
    period_fields,
)
from expediente_web.records.actions import same_case
from expediente_web.records.models import Hearing, Testimony


def _recording(case: Case, item: Any) -> Any:
    from expediente_web.evidence.media import preview_of

    same_case("recording", item, case)
    if item is not None and preview_of(item.media_type) not in ("audio", "video"):
        raise InvalidInput(
            "recording", _("%(file)s is not an audio or video recording") % {"file": item.filename}
        )
    return item


def _panel(text: str) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    for n, line in enumerate(lines, start=1):
        check_length(f"panel[{n}]", line, 300)
    if len(lines) > 50:
        raise InvalidInput(
            "panel", _("a panel of %(n)s members: at most 50, one a line") % {"n": len(lines)}
        )
    return "\n".join(lines)


def do_create_hearing(
    actor: Any,
    case: Case,
    title: str,
    *,
    date: str = "",
    venue: str = "",
    panel: str = "",
    recording: Any = None,
    source: Source | None = None,
    source_record_id: str = "",
    notes: str = "",
) -> Hearing:
    """A hearing of the case: `panel` is one member a line ("name — role"); `recording` an
    audio or video evidence item of the case."""
    check_length("title", check_required("title", (title or "").strip()), 300)
    check_length("venue", (venue or "").strip(), 300)
    dates = period_fields("date", (date or "").strip())
    members = _panel(panel)
    _recording(case, recording)
    same_case("source", source, case)
    check_length("source_record_id", source_record_id, 128)
    with transaction.atomic():
        require_role(actor, case, WRITE_ROLES, gettext_noop("create hearings"))
        hearing = Hearing.objects.create(
            case=case,
            title=title.strip(),
            venue=(venue or "").strip(),
            panel=members,
            recording=recording,
            source=source,
            source_record_id=source_record_id,
            notes=notes or "",
            **dates,
        )
        record_write(
            actor,
            "create_hearing",
            hearing,
            changes(
                hearing,
                [
                    "title",
                    "venue",
                    "panel",
                    "recording",
                    "date_text",
                    "date_precision",
                    "source",
                    "source_record_id",
                ],
            ),
        )
    return hearing


def do_add_appearance(actor: Any, hearing: Hearing, testimony: Testimony) -> Testimony:
    """The testimony was given at the hearing (a witness's appearance before its panel)."""
    case = hearing.case
    same_case("hearing", hearing, case)
    same_case("testimony", testimony, case)
    with transaction.atomic():
        require_role(actor, case, WRITE_ROLES, gettext_noop("change hearings"))
        locked = Testimony.objects.select_for_update().get(pk=testimony.pk)
        if locked.hearing_id == hearing.pk:
            raise InvalidInput(
                "testimony",
                _("%(record)s already appears at this hearing") % {"record": locked.uid},
            )
        if locked.hearing_id is not None:
            raise InvalidInput(
                "testimony",
                _("%(record)s was given at another hearing, %(hearing)s")
                % {"record": locked.uid, "hearing": locked.hearing.title},
            )
        locked.hearing = hearing
        locked.save(update_fields=["hearing", "updated_at"])
        # The entry is the testimony's: its row is what changed.
        record_write(
            actor,
            "add_appearance",
            locked,
            {"testimony": object_id(locked), "hearing": object_id(hearing)},
        )
    testimony.hearing = hearing
    return locked
