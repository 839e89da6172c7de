"""Storage for import batches: which file, from which source, by whom, with what result."""

from __future__ import annotations

import uuid

from django.db import models

from expediente_web.cases.models import Case, Source
from expediente_web.protection.fields import ProtectedTextField


class ImportBatch(models.Model):
    """One all-or-nothing import of one file. Every record it created points back here."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="imports")
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.PROTECT)
    kind = models.CharField(max_length=32)
    filename = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(default=0)
    mapping = models.JSONField(default=dict, blank=True)
    actor = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)


class ImportedAuthor(models.Model):
    """Who wrote an imported comment, as the case directory names them.

    Kept as text, never as an account of this database: a directory could otherwise make any
    local user the author of what it brings. The comment's `author` is the login-less
    `(imported)` account (see `intake.extras.IMPORTED_ACCOUNT`); this name is shown instead,
    as "imported: NAME", and exported again as the comment's author."""

    comment = models.OneToOneField("records.Comment", on_delete=models.PROTECT,
                                   related_name="imported_author")
    name = models.CharField(max_length=200)

    def __str__(self) -> str:
        return f"imported: {self.name}"


class ImportUpload(models.Model):
    """A table file uploaded in the browser to be checked and imported into a case.

    The file itself is kept only encrypted, in the evidence store (named by the SHA-256 of its
    content), until it is imported or discarded; then it is removed from the store unless an
    evidence item or another pending upload has the same content. What the check found
    (`report`) and the vocabulary values the documenter mapped (`values`) are JSON, encrypted
    like the protected fields of a record, since a report quotes the file's cells.
    """

    CHECKING = "checking"
    CHECKED = "checked"
    IMPORTING = "importing"
    IMPORTED = "imported"
    FAILED = "failed"
    DISCARDED = "discarded"
    STATUSES = (CHECKING, CHECKED, IMPORTING, IMPORTED, FAILED, DISCARDED)
    DONE = frozenset({IMPORTED, DISCARDED})

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="uploads")
    actor = models.CharField(max_length=150)
    filename = models.CharField(max_length=300)
    suffix = models.CharField(max_length=16)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    kind = models.CharField(max_length=32, blank=True)
    """What the file holds; blank until the check detects it when it was not chosen."""
    kind_chosen = models.BooleanField(default=False)
    source_code = models.CharField(max_length=128, blank=True)
    update = models.BooleanField(default=False)
    """A new version of a list already imported from the source (`import --update`)."""
    status = models.CharField(max_length=16, choices=[(s, s) for s in STATUSES],
                              default=CHECKING)
    report = ProtectedTextField(blank=True)
    values = ProtectedTextField(blank=True)
    check_job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    import_job = models.ForeignKey("jobs.Job", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    counts = models.JSONField(default=dict, blank=True)
    """What the import wrote: counts per kind of record, never values."""
    file_removed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]  # noqa: RUF012 (Django reads a list)

    def __str__(self) -> str:
        return f"upload {self.uid} ({self.status})"
