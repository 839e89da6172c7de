"""Audit log storage: one row per write, each holding the hash of the row before it."""

from __future__ import annotations

from typing import Any

from django.db import models


class AppendOnlyError(Exception):
    """Someone tried to change or remove an audit entry through the ORM."""


class AuditEntry(models.Model):
    """One write to the case record.

    `hash` covers every other column and `prev_hash`, so editing, deleting or reordering any
    entry breaks the chain at that point; `expediente audit verify` names the first entry where
    it breaks.
    """

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField()
    actor = models.CharField(max_length=150)
    action = models.CharField(max_length=80)
    case_code = models.CharField(max_length=64, blank=True, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    payload = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]  # noqa: RUF012 (Django reads a list)
        verbose_name_plural = "audit entries"

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
    linear even when two transactions write at once (PostgreSQL)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)
