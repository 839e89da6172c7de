"""Storage for cases, memberships and sources. Domain rules live in `actions.py` and `access.py`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

ROLES = (
    "role.owner",
    "role.analyst",
    "role.documenter",
    "role.reviewer",
    "role.viewer",
    "role.partner",
)
"""Roles in a case, most trusted first; `cases/access.py` says what each may do."""


class HardDeleteError(Exception):
    """Someone tried to delete a case record outright; records are only ever soft-deleted."""


class SoftDeleteQuerySet(models.QuerySet):
    """Rows of a record that is never deleted, only marked with `deleted_at` and a reason."""

    def live(self) -> SoftDeleteQuerySet:
        return self.filter(deleted_at__isnull=True)

    def delete(self) -> Any:
        raise HardDeleteError(
            f"{self.model._meta.verbose_name_plural} are never deleted: use do_delete_record"
        )

    delete.queryset_only = True  # type: ignore[attr-defined]


class NoHardDelete:
    """Mixin for models whose rows are soft-deleted only (`do_delete_record`)."""

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise HardDeleteError(
            f"{type(self).__name__} {getattr(self, 'pk', '')} cannot be deleted: "
            "use do_delete_record with a reason"
        )


class Case(models.Model):
    """A situation under investigation."""

    code = models.SlugField(max_length=64, unique=True)
    title = models.CharField(max_length=300)
    country = models.CharField(max_length=100, blank=True)
    period = models.CharField(max_length=40, blank=True, help_text="partial date or range")
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.code


class Membership(models.Model):
    """A user's role in one case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    role = models.CharField(max_length=32, choices=[(r, r) for r in ROLES])
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(
        null=True, blank=True,
        help_text="access ends at this moment (required for partners); empty: no end",
    )

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["case", "user"], name="one_role_per_case"),
        )

    def __str__(self) -> str:
        return f"{self.user} as {self.role} in {self.case}"


class Source(NoHardDelete, models.Model):
    """Where information came from: an NGO list, a hearing, an interview, press, an official
    record. Every record cites its source; multiple-systems estimation needs to know which source
    listed whom."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="sources")
    code = models.CharField(max_length=64)
    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=64)
    reliability = models.CharField(max_length=64, default="reliability.unknown")
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_reason = models.TextField(blank=True)
    # Lineage, for counting independent sources: the codes of the case's sources this one
    # copies, retells or was compiled from, and a shared upstream outside the case's sources
    # ("witness:W-0042", "list:a 2017 press compilation"). Two sources whose lineages meet
    # confirm each other only once.
    derived_from = models.JSONField(default=list, blank=True)
    origin = models.CharField(max_length=200, blank=True)

    objects = SoftDeleteQuerySet.as_manager()

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["case", "code"], name="source_code_per_case"),
        )
        ordering = ["code"]  # noqa: RUF012 (Django reads a list)

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"
