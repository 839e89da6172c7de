"""Storage for evidence: content-addressed items, custody events, excerpts and citations."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from expediente_web.cases.models import Case, NoHardDelete, SoftDeleteQuerySet, Source
from expediente_web.records.models import Testimony


class EvidenceItem(NoHardDelete, models.Model):
    """A file (document, photo, audio, video, dataset) stored once under its SHA-256 and never
    overwritten. A derivative (a redacted copy, a transcript) is a new item naming its parent."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="evidence_items")
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.PROTECT)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.BigIntegerField()
    filename = models.CharField(max_length=300)
    media_type = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=64, default="evidence.document")
    title = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="derivatives")
    transformation = models.CharField(max_length=200, blank=True)
    # Read from the content when it is stored, where the format says (null: not known).
    pages = models.PositiveIntegerField(null=True, blank=True)
    duration_seconds = models.DecimalField(max_digits=12, decimal_places=3, null=True,
                                           blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_reason = models.TextField(blank=True)

    objects = SoftDeleteQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.filename} ({self.sha256[:12]})"


class CustodyEvent(models.Model):
    """One step in an item's chain of custody: collected, received, copied, verified…"""

    item = models.ForeignKey(EvidenceItem, on_delete=models.PROTECT, related_name="custody")
    action = models.CharField(max_length=64)
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT)
    actor_name = models.CharField(max_length=200, blank=True)
    from_party = models.CharField(max_length=200, blank=True)
    to_party = models.CharField(max_length=200, blank=True)
    place = models.CharField(max_length=200, blank=True)
    hash_observed = models.CharField(max_length=64, blank=True)
    purpose = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]  # noqa: RUF012 (Django reads a list)


class Excerpt(models.Model):
    """A span of a testimony (character offsets), a page of a document or a time range of a
    recording (seconds) that a record cites."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="excerpts")
    testimony = models.ForeignKey(Testimony, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="excerpts")
    item = models.ForeignKey(EvidenceItem, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="excerpts")
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    page = models.PositiveIntegerField(null=True, blank=True)
    start_seconds = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    end_seconds = models.DecimalField(max_digits=12, decimal_places=3, null=True, blank=True)
    quote = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (
            models.CheckConstraint(
                condition=models.Q(testimony__isnull=False) | models.Q(item__isnull=False),
                name="excerpt_has_a_document",
            ),
        )


class Citation(models.Model):
    """A record (an act, a person, an event…) citing an excerpt as its support."""

    excerpt = models.ForeignKey(Excerpt, on_delete=models.PROTECT, related_name="citations")
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = (models.Index(fields=["target_type", "target_id"]),)
        constraints = (
            models.UniqueConstraint(fields=["excerpt", "target_type", "target_id"],
                                    name="cite_once"),
        )
