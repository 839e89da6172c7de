"""Writes to evidence: storing files, custody events, excerpts and citations; checked,
transactional, audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any, BinaryIO

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from expediente_web.audit.record import actor_name, changes, object_id, record_write
from expediente_web.cases.access import WRITE_ROLES, require_role
from expediente_web.cases.models import Case, Source
from expediente_web.cases.validation import (
    InvalidInput,
    check_length,
    check_required,
    check_term,
)
from expediente_web.evidence import store as evidence_store
from expediente_web.evidence.access import CONTENT_ROLES
from expediente_web.evidence.models import Citation, CustodyEvent, EvidenceItem, Excerpt
from expediente_web.records.actions import same_case
from expediente_web.records.models import Testimony


def do_store_evidence(actor: Any, case: Case, stream: BinaryIO, filename: str, *,
                      kind: str = "evidence.document", media_type: str = "", title: str = "",
                      description: str = "", source: Source | None = None,
                      parent: EvidenceItem | None = None, transformation: str = "",
                      received_from: str = "", place: str = "", pages: int | None = None,
                      duration_seconds: Decimal | None = None) -> EvidenceItem:
    """Store a file under its SHA-256 and record its receipt (`custody.received`).

    `pages` (of a PDF) and `duration_seconds` (of a recording), read from the content by
    `evidence.media.describe`, bound the excerpts that may later cite it.

    The file is written once and never overwritten; content already stored is not written
    again. An item whose content is already in the case is refused, naming the existing item.
    A file left in the store by a write that then failed is harmless: it is content-addressed
    and `expediente check` only looks at files that items name.
    """
    check_required("filename", filename)
    check_length("filename", filename, 300)
    check_term("kind", "evidence_kinds", kind, required=True)
    same_case("source", source, case)
    if parent is not None and parent.case_id != case.pk:
        raise InvalidInput("parent", _("%(record)s belongs to another case")
                           % {"record": parent.uid})
    if parent is not None and not transformation:
        raise InvalidInput("transformation", _("a derivative must say how it was made"))
    if pages is not None and pages < 1:
        raise InvalidInput("pages", _("%(pages)s is not a page count") % {"pages": pages})
    if duration_seconds is not None:
        duration_seconds = _seconds("duration_seconds", duration_seconds)
    require_role(actor, case, WRITE_ROLES, gettext_noop("store evidence"))
    try:
        stored = evidence_store.store(stream)
    except evidence_store.TooLarge as exc:
        raise InvalidInput("file", f"{filename}: {exc}") from None
    with transaction.atomic():
        existing = EvidenceItem.objects.filter(case=case, sha256=stored.sha256).first()
        if existing is not None:
            raise InvalidInput("file", _("%(file)s is already item %(item)s (%(existing)s) of "
                                         "case %(case)s")
                               % {"file": filename, "item": existing.uid,
                                  "existing": existing.filename, "case": case.code})
        item = EvidenceItem.objects.create(
            case=case, source=source, sha256=stored.sha256, size=stored.size, filename=filename,
            media_type=media_type, kind=kind, title=title, description=description,
            parent=parent, transformation=transformation, pages=pages,
            duration_seconds=duration_seconds)
        CustodyEvent.objects.create(
            item=item, action="custody.received", at=timezone.now(), actor=actor,
            actor_name=actor_name(actor), from_party=received_from, place=place,
            hash_observed=stored.sha256)
        record_write(actor, "store_evidence", item, changes(
            item, ["sha256", "size", "filename", "media_type", "kind", "source", "parent",
                   "transformation", "pages", "duration_seconds"]))
    return item


def do_record_evidence_access(actor: Any, item: EvidenceItem, purpose: str) -> CustodyEvent:
    """Record that `actor` opened the file of `item` (`custody.accessed`): `purpose` says how
    ("view", "download", "view page 3"). Called by every view that serves the file's bytes,
    before it serves them; refused for a role that does not open evidence files."""
    check_required("purpose", purpose)
    check_length("purpose", purpose, 200)
    with transaction.atomic():
        require_role(actor, item.case, CONTENT_ROLES, gettext_noop("open evidence files"))
        event = CustodyEvent.objects.create(
            item=item, action="custody.accessed", at=timezone.now(), actor=actor,
            actor_name=actor_name(actor), purpose=purpose)
        record_write(actor, "record_evidence_access", item, {
            "purpose": purpose, "custody_event": event.pk}, case_code=item.case.code)
    return event


def _seconds(field: str, value: Any) -> Decimal:
    """A time in a recording, in seconds (to the millisecond), not negative."""
    try:
        seconds = Decimal(str(value)).quantize(Decimal("0.001"))
    except (InvalidOperation, ValueError):
        raise InvalidInput(field, _("%(value)s is not a number of seconds")
                           % {"value": repr(value)}) from None
    if not seconds.is_finite() or seconds < 0:
        raise InvalidInput(field, _("%(value)s is not a time in a recording") % {"value": value})
    return seconds


def do_record_custody_event(actor: Any, item: EvidenceItem, action: str, *,
                            at: dt.datetime | None = None, from_party: str = "",
                            to_party: str = "", place: str = "", hash_observed: str = "",
                            purpose: str = "") -> CustodyEvent:
    """One more step in an item's chain of custody (collected, copied, verified, transferred…).

    A hash observed at this step that differs from the item's is refused: custody of a changed
    file is a new item.
    """
    check_term("action", "custody_actions", action, required=True)
    if hash_observed and hash_observed.lower() != item.sha256:
        raise InvalidInput("hash_observed",
                           _("%(hash)s is not the SHA-256 of item %(item)s")
                           % {"hash": hash_observed, "item": item.uid})
    when = at or timezone.now()
    if timezone.is_naive(when):
        raise InvalidInput("at", _("a time zone is needed"))
    if when > timezone.now() + dt.timedelta(minutes=5):
        raise InvalidInput("at", _("%(moment)s is in the future") % {"moment": when.isoformat()})
    with transaction.atomic():
        require_role(actor, item.case, WRITE_ROLES, gettext_noop("record custody"))
        event = CustodyEvent.objects.create(
            item=item, action=action, at=when, actor=actor, actor_name=actor_name(actor),
            from_party=from_party, to_party=to_party, place=place,
            hash_observed=hash_observed.lower(), purpose=purpose)
        record_write(actor, "record_custody_event", item, {
            "action": action, "at": when, "from_party": from_party, "to_party": to_party,
            "place": place, "hash_observed": hash_observed.lower(), "custody_event": event.pk},
            case_code=item.case.code)
    return event


def do_create_excerpt(actor: Any, case: Case, *, testimony: Testimony | None = None,
                      item: EvidenceItem | None = None, start: int | None = None,
                      end: int | None = None, page: int | None = None,
                      start_seconds: Any = None, end_seconds: Any = None,
                      quote: str = "") -> Excerpt:
    """A span of a testimony's narrative (`start` ≤ `end`, character offsets), a page of a
    document or a time range of a recording (`start_seconds` < `end_seconds`) that records may
    cite. The quote of a testimony span is kept with it; an item's excerpt may carry what the
    documenter read or heard there as its `quote`.

    A page beyond the document's page count, or a time range beyond the recording's length,
    is refused where the item knows them (`pages`, `duration_seconds`).
    """
    if (testimony is None) == (item is None):
        raise InvalidInput("testimony", _("an excerpt is of one testimony or one evidence item"))
    same_case("testimony", testimony, case)
    if item is not None:
        same_case("item", item, case)
    quote = (quote or "").strip()
    if testimony is not None:
        if start is None or end is None:
            raise InvalidInput("start", _("a testimony excerpt needs start and end offsets"))
        length = len(testimony.narrative)
        if not 0 <= start < end <= length:
            raise InvalidInput("end" if start >= 0 and start < length else "start",
                               _("span %(start)s–%(end)s is not within the narrative "
                                 "(0–%(length)s characters)")
                               % {"start": start, "end": end, "length": length})
        quote = testimony.narrative[start:end]
    elif (start is not None or end is not None) and (
        start is None or end is None or not 0 <= start < end
    ):
        raise InvalidInput("start", _("span %(start)s–%(end)s is not a span")
                           % {"start": start, "end": end})
    if page is not None and page < 1:
        raise InvalidInput("page", _("%(page)s is not a page number") % {"page": page})
    if item is not None and page is not None and item.pages is not None and page > item.pages:
        raise InvalidInput("page", _("page %(page)s is beyond the document's %(pages)s pages")
                           % {"page": page, "pages": item.pages})
    if (start_seconds is None) != (end_seconds is None):
        raise InvalidInput("start_seconds" if start_seconds is None else "end_seconds",
                           _("a time range needs its start and its end"))
    if start_seconds is not None:
        if item is None:
            raise InvalidInput("start_seconds", _("a time range is of a recording"))
        start_seconds = _seconds("start_seconds", start_seconds)
        end_seconds = _seconds("end_seconds", end_seconds)
        if end_seconds <= start_seconds:
            raise InvalidInput("end_seconds", _("%(end)s s is not after %(start)s s")
                               % {"end": end_seconds, "start": start_seconds})
        if item.duration_seconds is not None and end_seconds > item.duration_seconds:
            raise InvalidInput("end_seconds", _("%(end)s s is beyond the recording's "
                                                "%(duration)s s")
                               % {"end": end_seconds, "duration": item.duration_seconds})
    if testimony is None:
        check_length("quote", quote, 5000)
    with transaction.atomic():
        require_role(actor, case, WRITE_ROLES, gettext_noop("create excerpts"))
        excerpt = Excerpt.objects.create(case=case, testimony=testimony, item=item, start=start,
                                         end=end, page=page, start_seconds=start_seconds,
                                         end_seconds=end_seconds, quote=quote)
        # The quote is not copied into the log: testimony text may identify people.
        record_write(actor, "create_excerpt", excerpt, changes(
            excerpt, ["testimony", "item", "start", "end", "page", "start_seconds",
                      "end_seconds"]))
    return excerpt


def do_cite_excerpt(actor: Any, excerpt: Excerpt, target: models.Model) -> Citation:
    """Make `target` (an act, a person, an event…) cite `excerpt` as its support."""
    case = excerpt.case
    if getattr(target, "case_id", None) != case.pk:
        raise InvalidInput("target", _("%(record)s is not a record of case %(case)s")
                           % {"record": object_id(target), "case": case.code})
    target_type = ContentType.objects.get_for_model(target)
    with transaction.atomic():
        require_role(actor, case, WRITE_ROLES, gettext_noop("cite excerpts"))
        if Citation.objects.filter(excerpt=excerpt, target_type=target_type,
                                   target_id=target.pk).exists():
            raise InvalidInput("excerpt", _("%(kind)s %(record)s already cites excerpt "
                                            "%(excerpt)s")
                               % {"kind": target_type.model, "record": object_id(target),
                                  "excerpt": excerpt.uid})
        citation = Citation.objects.create(excerpt=excerpt, target_type=target_type,
                                           target_id=target.pk)
        record_write(actor, "cite_excerpt", excerpt, {
            "target_type": target_type.model, "target": object_id(target)},
            case_code=case.code)
    return citation
