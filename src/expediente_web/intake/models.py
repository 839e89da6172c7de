"""Storage for import batches: which file, from which source, by whom, with what result."""

from __future__ import annotations

import uuid

from django.db import models

from expediente_web.cases.models import Case, Source


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
