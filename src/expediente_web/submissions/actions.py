"""Writes of the public submission form: checked, transactional, audited.

- `do_set_public_form`: an owner opens or closes a case's form, and sets its address and title.
- `do_receive_submission`: what the public sends — stored encrypted, with its attachments in the
  encrypted evidence store, and a receipt code returned once.
- `do_add_to_submission`: the sender adds text or files with the receipt code; a code that
  matches nothing is counted by the rate limits and audited, and the sender is told only that
  it was not recognised.
- `do_accept_submission`: a documenter makes it a testimony of the case, cited to the case's
  source of kind `source.public_submission` (made the first time), its files evidence items.
- `do_reject_submission`: with a reason, which stays with the submission.

The public's writes are audited under the actor name `PUBLIC_ACTOR`; no audit entry holds what a
sender wrote, nor their address.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, BinaryIO

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from expediente_web.audit.record import changes, object_id, record_write
from expediente_web.cases.access import MANAGE_ROLES, require_role
from expediente_web.cases.models import Case, Source
from expediente_web.cases.validation import InvalidInput, check_length, check_required, check_terms
from expediente_web.evidence import media
from expediente_web.evidence import store as evidence_store
from expediente_web.evidence.models import EvidenceItem
from expediente_web.records.models import Testimony
from expediente_web.submissions import guard, receipts
from expediente_web.submissions.access import TRIAGE_ROLES
from expediente_web.submissions.models import (
    PublicForm,
    PublicSubmission,
    SubmissionAddition,
    SubmissionAttachment,
    SubmissionStatus,
)

#: Who the public's writes are audited as.
PUBLIC_ACTOR = "(public form)"
#: The code of the source every accepted submission of a case cites.
SOURCE_CODE = "public-form"
LANGUAGES = ("es", "en")
MAX_NARRATIVE = 50_000
MAX_NAME = 200
MAX_CONTACT = 300
MAX_FILENAME = 300
MAX_REASON = 2_000
#: What an attachment may be, read from its content: images, PDFs, recordings, plain text.
ACCEPTED_TYPES = frozenset(
    media.IMAGE_TYPES | media.AUDIO_TYPES | media.VIDEO_TYPES | {"application/pdf", "text/plain"}
)
_KIND_OF_PREVIEW = {"image": "evidence.photo", "audio": "evidence.audio", "video": "evidence.video"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


class ReceiptNotRecognised(Exception):
    """A receipt code that opens no submission of this form (whether or not it exists)."""


@dataclass(frozen=True)
class Incoming:
    """A file sent through the form, its type already read from its content (`media.describe`)."""

    stream: BinaryIO
    filename: str
    size: int
    media_type: str
    pages: int | None = None
    duration_seconds: Decimal | None = None


# -- the form's setting ----------------------------------------------------------------------


def do_set_public_form(
    actor: Any, case: Case, *, enabled: bool, slug: str, public_title: str
) -> PublicForm:
    """Open or close the case's public form, at `/submit/<slug>/`, under `public_title` (the
    only thing the public sees of the case)."""
    slug = (slug or "").strip().lower()
    public_title = (public_title or "").strip()
    check_required("slug", slug)
    if not _SLUG.match(slug):
        raise InvalidInput(
            "slug",
            _("use lowercase letters, digits and hyphens (at most 64), such as %(example)s")
            % {"example": "testimonios-2017"},
        )
    check_required("public_title", public_title)
    check_length("public_title", public_title, 200)
    with transaction.atomic():
        require_role(actor, case, MANAGE_ROLES, gettext_noop("manage the public form"))
        if PublicForm.objects.filter(slug=slug).exclude(case=case).exists():
            raise InvalidInput(
                "slug", _("another form already has the address %(slug)s") % {"slug": slug}
            )
        form = PublicForm.objects.select_for_update().filter(case=case).first()
        if form is None:
            form = PublicForm(case=case)
        form.enabled, form.slug, form.public_title = bool(enabled), slug, public_title
        form.save()
        record_write(
            actor,
            "set_public_form",
            form,
            changes(form, ["enabled", "slug", "public_title"]),
            case_code=case.code,
        )
    return form


# -- what the public sends -------------------------------------------------------------------


def _clean_text(field: str, value: str, limit: int, *, required: bool = False) -> str:
    value = (value or "").replace("\x00", "").strip()
    if required:
        check_required(field, value)
    check_length(field, value, limit)
    return value


def check_attachments(files: Sequence[Incoming], *, field: str = "attachments") -> None:
    """How many, how large and of what type the files may be; `InvalidInput` naming `field`
    and the file otherwise."""
    most = settings.EXPEDIENTE_SUBMISSION_MAX_ATTACHMENTS
    if len(files) > most:
        raise InvalidInput(
            field, _("at most %(count)s files can be sent at once") % {"count": most}
        )
    limit = settings.EXPEDIENTE_SUBMISSION_MAX_ATTACHMENT_BYTES
    for incoming in files:
        if incoming.size > limit:
            raise InvalidInput(
                field,
                _("%(file)s is %(size)s; the largest file accepted is %(limit)s")
                % {
                    "file": incoming.filename,
                    "size": filesizeformat(incoming.size),
                    "limit": filesizeformat(limit),
                },
            )
        if media.canonical(incoming.media_type) not in ACCEPTED_TYPES:
            raise InvalidInput(
                field,
                _(
                    "%(file)s is not a file this form accepts (images, PDF "
                    "documents, audio or video recordings, plain text)"
                )
                % {"file": incoming.filename},
            )


def _store_files(files: Sequence[Incoming]) -> list[tuple[Incoming, evidence_store.Stored]]:
    """Encrypt the files into the evidence store (before the transaction: a file left there by
    a write that then fails names no row and is harmless, as for evidence)."""
    stored = []
    limit = settings.EXPEDIENTE_SUBMISSION_MAX_ATTACHMENT_BYTES
    for incoming in files:
        incoming.stream.seek(0)
        try:
            stored.append((incoming, evidence_store.store(incoming.stream, max_bytes=limit)))
        except evidence_store.TooLarge:
            raise InvalidInput(
                "attachments",
                _("%(file)s is larger than the largest file accepted, %(limit)s")
                % {"file": incoming.filename, "limit": filesizeformat(limit)},
            ) from None
    return stored


def _attach(
    submission: PublicSubmission,
    stored: list[tuple[Incoming, Any]],
    addition: SubmissionAddition | None = None,
) -> list[dict[str, Any]]:
    listed = []
    for incoming, done in stored:
        SubmissionAttachment.objects.create(
            submission=submission,
            addition=addition,
            filename=_CONTROL.sub("", incoming.filename or "")[:MAX_FILENAME] or "file",
            sha256=done.sha256,
            size=done.size,
            media_type=media.canonical(incoming.media_type),
            pages=incoming.pages,
            duration_seconds=incoming.duration_seconds,
        )
        listed.append(
            {
                "sha256": done.sha256,
                "size": done.size,
                "media_type": media.canonical(incoming.media_type),
            }
        )
    return listed


def do_receive_submission(
    form: PublicForm,
    *,
    address: str,
    narrative: str,
    language: str,
    sender_name: str = "",
    sender_contact: str = "",
    may_contact: bool = False,
    files: Sequence[Incoming] = (),
) -> tuple[PublicSubmission, str]:
    """Store what someone sent through an open form; returns the submission and its receipt
    code, which is shown once and never stored.

    `address` is the sender's address as `guard.address_hash` keeps it. Raises `InvalidInput`
    naming the field, or `guard.Refused` past a rate limit; either way nothing is stored.
    """
    narrative = _clean_text("narrative", narrative, MAX_NARRATIVE, required=True)
    sender_name = _clean_text("sender_name", sender_name, MAX_NAME)
    sender_contact = _clean_text("sender_contact", sender_contact, MAX_CONTACT)
    if language not in LANGUAGES:
        raise InvalidInput("language", _("choose Spanish or English"))
    check_attachments(files)
    guard.check_rates(form.case, address)  # before the files are encrypted, and again below
    stored = _store_files(files)
    code = receipts.new_code()
    receipt_hash, key_id = receipts.digest(code)
    with transaction.atomic():
        form = PublicForm.objects.select_for_update().select_related("case").get(pk=form.pk)
        if not form.enabled:
            raise guard.Refused("closed")
        guard.check_rates(form.case, address)
        submission = PublicSubmission.objects.create(
            case=form.case,
            language=language,
            narrative=narrative,
            sender_name=sender_name,
            sender_contact=sender_contact,
            may_contact=bool(may_contact and sender_contact),
            receipt_hash=receipt_hash,
            receipt_key_id=key_id,
        )
        attachments = _attach(submission, stored)
        guard.count_attempt(form.case, address, "submission")
        names = ["status", "language", "may_contact", "narrative"]
        names += [n for n in ("sender_name", "sender_contact") if getattr(submission, n)]
        payload = changes(submission, names)
        payload["attachments"] = attachments
        record_write(PUBLIC_ACTOR, "receive_submission", submission, payload)
    return submission, code


def do_add_to_submission(
    form: PublicForm, code: str, *, address: str, text: str = "", files: Sequence[Incoming] = ()
) -> PublicSubmission:
    """Add text or files to the submission whose receipt code is `code`.

    A code that opens no submission of this form raises `ReceiptNotRecognised` after the attempt
    is counted and audited, and says nothing of whether such a submission exists elsewhere.
    """
    text = _clean_text("text", text, MAX_NARRATIVE)
    check_attachments(files)
    if not text and not files:
        raise InvalidInput("text", _("write something to add, or choose a file"))
    guard.check_rates(form.case, address)
    hashes = receipts.candidates(code)
    submission = (
        PublicSubmission.objects.filter(case=form.case, receipt_hash__in=hashes).first()
        if hashes
        else None
    )
    if submission is None:
        with transaction.atomic():
            guard.check_rates(form.case, address)
            guard.count_attempt(form.case, address, "bad_receipt")
            record_write(
                PUBLIC_ACTOR,
                "refuse_receipt_code",
                form,
                {"slug": form.slug},
                case_code=form.case.code,
            )
        raise ReceiptNotRecognised
    stored = _store_files(files)
    with transaction.atomic():
        form = PublicForm.objects.select_for_update().select_related("case").get(pk=form.pk)
        if not form.enabled:
            raise guard.Refused("closed")
        guard.check_rates(form.case, address)
        addition = SubmissionAddition.objects.create(submission=submission, text=text)
        attachments = _attach(submission, stored, addition)
        guard.count_attempt(form.case, address, "addition")
        payload = {
            "addition": str(addition.uid),
            "text_length": len(text),
            "attachments": attachments,
        }
        if text:
            payload["protected_changed"] = ["text"]
        record_write(PUBLIC_ACTOR, "add_to_submission", submission, payload)
    return submission


# -- triage ----------------------------------------------------------------------------------


def _undecided(actor: Any, submission: PublicSubmission, doing: str) -> PublicSubmission:
    require_role(actor, submission.case, TRIAGE_ROLES, doing)
    locked = (
        PublicSubmission.objects.select_for_update().select_related("case").get(pk=submission.pk)
    )
    if locked.status != SubmissionStatus.NEW:
        raise InvalidInput(
            "status",
            _("this submission was already %(status)s") % {"status": status_label(locked.status)},
        )
    return locked


def status_label(status: str) -> str:
    return {"new": _("new"), "accepted": _("accepted"), "rejected": _("rejected")}.get(
        status, status
    )


def _public_source(actor: Any, case: Case) -> Source:
    from expediente_web.cases.actions import do_create_source

    source = Source.objects.filter(case=case, code=SOURCE_CODE).first()
    if source is None:
        return do_create_source(
            actor,
            case,
            SOURCE_CODE,
            _("Public submission form"),
            "source.public_submission",
            description=_(
                "What the public sent through the case's submission form, accepted "
                "by the case team."
            ),
        )
    if source.deleted_at is not None:
        raise InvalidInput(
            "source",
            _("the source %(code)s of this case was deleted; restore it first")
            % {"code": SOURCE_CODE},
        )
    return source


def _narrative(submission: PublicSubmission) -> str:
    parts = [submission.narrative]
    for addition in submission.additions.all():
        if addition.text:
            parts.append(f"— {addition.created_at:%Y-%m-%d %H:%M} UTC —\n{addition.text}")
    return "\n\n".join(parts)


def _evidence_of(
    actor: Any, case: Case, attachment: SubmissionAttachment, source: Source
) -> EvidenceItem:
    from expediente_web.evidence.actions import do_store_evidence

    existing = EvidenceItem.objects.filter(case=case, sha256=attachment.sha256).first()
    if existing is not None:
        return existing
    with evidence_store.open_evidence(attachment.sha256) as stream:
        return do_store_evidence(
            actor,
            case,
            stream,
            attachment.filename,
            kind=_KIND_OF_PREVIEW.get(media.preview_of(attachment.media_type), "evidence.document"),
            media_type=attachment.media_type,
            source=source,
            received_from=_("public submission form"),
            pages=attachment.pages,
            duration_seconds=attachment.duration_seconds,
        )


def do_accept_submission(
    actor: Any, submission: PublicSubmission, *, consent_scopes: Iterable[str] = (), notes: str = ""
) -> Testimony:
    """Make the submission a testimony of its case: its narrative and additions, the sender's
    name and contact as the witness's (encrypted there too), cited to the case's public-form
    source; its files become evidence items of that source."""
    from expediente_web.records.actions import do_create_testimony

    scopes = check_terms("consent_scopes", "consent_scopes", consent_scopes)
    with transaction.atomic():
        locked = _undecided(actor, submission, gettext_noop("accept public submissions"))
        case = locked.case
        source = _public_source(actor, case)
        testimony = do_create_testimony(
            actor,
            case,
            _narrative(locked),
            locked.language,
            witness_name=locked.sender_name,
            witness_contact=locked.sender_contact,
            consent_scopes=scopes,
            source=source,
            source_record_id=str(locked.uid),
            notes=notes,
        )
        items = []
        for attachment in locked.attachments.all():
            attachment.evidence_item = _evidence_of(actor, case, attachment, source)
            attachment.save(update_fields=["evidence_item"])
            items.append(str(attachment.evidence_item.uid))
        locked.status = SubmissionStatus.ACCEPTED
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.testimony = testimony
        locked.save(update_fields=["status", "decided_at", "decided_by", "testimony"])
        payload = changes(locked, ["status", "testimony"])
        payload["source"] = object_id(source)
        payload["evidence_items"] = items
        record_write(actor, "accept_submission", locked, payload)
    submission.refresh_from_db()
    return testimony


def do_reject_submission(actor: Any, submission: PublicSubmission, reason: str) -> None:
    """Set the submission aside, saying why; it stays, encrypted, and never reaches the
    record."""
    reason = (reason or "").strip()
    check_required("reason", reason)
    check_length("reason", reason, MAX_REASON)
    with transaction.atomic():
        locked = _undecided(actor, submission, gettext_noop("reject public submissions"))
        locked.status = SubmissionStatus.REJECTED
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.reject_reason = reason
        locked.save(update_fields=["status", "decided_at", "decided_by", "reject_reason"])
        record_write(
            actor, "reject_submission", locked, changes(locked, ["status", "reject_reason"])
        )
    submission.refresh_from_db()
