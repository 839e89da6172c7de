"""Audit log storage: one row per write, each sealed with a keyed hash (HMAC) of its content and
of the row before it; the sealed head; signed checkpoints; the digests of the rows each write
left behind."""

from __future__ import annotations

import json
from typing import Any

from django.db import models


class CanonicalJSONEncoder(json.JSONEncoder):
    """Writes a JSON column in the chain's canonical form (keys sorted, no spaces, text as is):
    on SQLite the text stored is then the text the entry's seal covers, and `audit verify`
    checks it as read, without decoding and encoding it again."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.update(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        super().__init__(**kwargs)

    def default(self, o: Any) -> Any:
        return str(o)


class AppendOnlyError(Exception):
    """Someone tried to change or remove an audit entry through the ORM."""


class AuditEntry(models.Model):
    """One write to the case record.

    `hash` is an HMAC-SHA256, under the key ring's audit key, of every other column and
    `prev_hash`, so editing, deleting or reordering any entry breaks the chain at that point, and
    re-sealing an edited chain needs the key ring; `expediente audit verify` names every entry
    where it breaks.
    """

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField()
    actor = models.CharField(max_length=150)
    action = models.CharField(max_length=80, db_index=True)
    case_code = models.CharField(max_length=64, blank=True, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    payload = models.JSONField(default=dict, encoder=CanonicalJSONEncoder)
    # Per table, how many rows the write left and a hash over their digests (`audit.rows`).
    rows = models.JSONField(default=dict, blank=True, encoder=CanonicalJSONEncoder)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]  # noqa: RUF012 (Django reads a list)
        verbose_name_plural = "audit entries"
        # A record's history and its authors are read by case, type and id.
        indexes = [  # noqa: RUF012
            models.Index(fields=["object_type", "object_id"], name="audit_entry_object"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id} by {self.actor}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError(f"Audit entry #{self.seq} cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError(f"Audit entry #{self.seq} cannot be deleted")


class AuditHead(models.Model):
    """A single row locked by each writer so that appends are serialised and the chain stays
    linear even when two transactions write at once (PostgreSQL).

    `signature` is the seal of (`seq`, `hash`), an HMAC under the key ring's audit key made at
    every append (`chain.seal_head`): moving the head back to hide a deleted tail needs the key
    ring.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)
    signature = models.CharField(max_length=128, blank=True, default="")


class AuditCheckpoint(models.Model):
    """A signed statement "the log had `seq` entries and its head was `hash`", kept every
    `chain.CHECKPOINT_EVERY` entries and whenever someone asks for one (`audit checkpoint`).

    Those kept in the database show a cut back past them; one exported and kept elsewhere
    (`audit verify --expect FILE`) also shows a cut by someone who can delete these rows.
    """

    seq = models.BigIntegerField(unique=True)
    hash = models.CharField(max_length=64)
    at = models.DateTimeField()
    signature = models.CharField(max_length=128)

    class Meta:
        ordering = ["seq"]  # noqa: RUF012 (Django reads a list)


class RowDigest(models.Model):
    """The digest of one case-record row as an audited write left it (`audit.rows`).

    The entry `seq` holds, per table, a hash over the digests of the rows it wrote, so these rows
    cannot be changed without breaking that entry; `audit verify --records` compares the latest
    digest of every row with the row as it is now.
    """

    seq = models.BigIntegerField(db_index=True)
    table = models.CharField(max_length=64)
    row_id = models.BigIntegerField()
    digest = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["table", "row_id", "seq"], name="audit_rowdigest_row")]  # noqa: RUF012
