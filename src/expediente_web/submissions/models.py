"""Storage for the public submission form: which case takes submissions, what the public sent,
and the bookkeeping of the rate limits. Rules live in `actions.py` and `access.py`.

Everything a sender writes — the narrative, their name, their contact, the names of their files
and what they add later — is a `ProtectedTextField`, encrypted at rest and bound to its row.
Attachments are files in the encrypted evidence store, named here by their SHA-256; they become
evidence items only when the submission is accepted. The receipt code is never stored: only its
HMAC under the key ring's index key, so the database alone cannot be used to add to a submission.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from expediente_web.protection.fields import ProtectedTextField


class PublicForm(models.Model):
    """A case's public submission form: off until an owner opens it (`do_set_public_form`).

    The form's page shows `public_title` and nothing else about the case; its address is
    `/submit/<slug>/`.
    """

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="public_form")
    enabled = models.BooleanField(default=False)
    slug = models.SlugField(max_length=64, unique=True)
    public_title = models.CharField(max_length=200)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.slug} ({'open' if self.enabled else 'closed'})"


class SubmissionStatus(models.TextChoices):
    NEW = "new", "new"
    ACCEPTED = "accepted", "accepted"
    REJECTED = "rejected", "rejected"


class PublicSubmission(models.Model):
    """What someone, named or anonymous, sent through a case's public form; held for triage,
    never published."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=16, choices=SubmissionStatus.choices, default=SubmissionStatus.NEW
    )
    language = models.CharField(max_length=8)
    narrative = ProtectedTextField()
    sender_name = ProtectedTextField(blank=True)
    sender_contact = ProtectedTextField(blank=True)
    may_contact = models.BooleanField(default=False)
    # HMAC-SHA256 of the receipt code under the index key `receipt_key_id` of the key ring.
    receipt_hash = models.CharField(max_length=64, unique=True)
    receipt_key_id = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reject_reason = models.TextField(blank=True)
    testimony = models.OneToOneField(
        "records.Testimony",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="public_submission",
    )

    class Meta:
        ordering = ["-created_at", "-id"]  # noqa: RUF012 (Django reads a list)
        indexes = (models.Index(fields=["case", "status"]),)

    def __str__(self) -> str:
        return f"submission {self.uid} ({self.status})"


class SubmissionAddition(models.Model):
    """Text the sender added later, with the receipt code."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    submission = models.ForeignKey(
        PublicSubmission, on_delete=models.PROTECT, related_name="additions"
    )
    text = ProtectedTextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]  # noqa: RUF012 (Django reads a list)


class SubmissionAttachment(models.Model):
    """A file sent with a submission or an addition: encrypted in the evidence store under its
    SHA-256, its type read from its content. Accepting the submission makes it an evidence item
    (`evidence_item`)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    submission = models.ForeignKey(
        PublicSubmission, on_delete=models.PROTECT, related_name="attachments"
    )
    addition = models.ForeignKey(
        SubmissionAddition,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    filename = ProtectedTextField()
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    media_type = models.CharField(max_length=100)
    pages = models.PositiveIntegerField(null=True, blank=True)
    duration_seconds = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    evidence_item = models.ForeignKey(
        "evidence.EvidenceItem", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]  # noqa: RUF012 (Django reads a list)


class SubmissionAttempt(models.Model):
    """One use of a public form, counted by the rate limits: a submission, an addition, or a
    receipt code that matched nothing. The sender's address is kept only as an HMAC under the
    key ring's index key, and rows older than a day are dropped by the next write."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    address_hash = models.CharField(max_length=64, db_index=True)
    outcome = models.CharField(max_length=16)
    at = models.DateTimeField(db_index=True)
