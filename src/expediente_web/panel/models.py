"""Storage of the panel review: frozen versions, reviewers' assignments, their findings.

- `FrozenVersion`: the element matrix of a case as it stood when an owner or analyst froze it,
  numbered per case. The snapshot (JSON, encrypted at rest: it holds the analysts' reasoning)
  and its `content_digest` are written once; the row refuses any later save or delete.
- `Assignment`: one reviewer of one version. It moves forward only: replaced (before the
  reviewer submitted), submitted (once), signed off (once, after submitting). Every other change
  is refused on save, and no assignment is deleted.
- `Finding`: one reviewer's rung and written reasoning (encrypted at rest) on one element of the
  version. A draft changes until its reviewer submits; from then on it refuses every save.

The services (`actions`) check all of this before they write; the models refuse it again so
that no other code path (a shell, a later service) changes what a reviewer saw or found. A row
changed in the database by hand is named by `expediente audit verify --records`: the three
tables are among the audited ones (`audit.rows.TRACKED`).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models

from expediente_web.cases.models import Case
from expediente_web.protection.fields import ProtectedTextField


class ImmutableRowError(RuntimeError):
    """A write to a frozen version, a submitted finding or a settled assignment."""


class FrozenVersion(models.Model):
    """A case's element matrix, frozen for the panel's review."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField()
    reviewers_required = models.PositiveSmallIntegerField(default=3)
    snapshot = ProtectedTextField(help_text="the frozen matrix as canonical JSON")
    digest = models.CharField(max_length=64, help_text="content_digest of the snapshot")
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    frozen_by_name = models.CharField(max_length=150)
    frozen_at = models.DateTimeField()

    class Meta:
        ordering = ("case", "number")
        constraints = (
            models.UniqueConstraint(fields=["case", "number"], name="one_version_number"),
        )

    def __str__(self) -> str:
        return f"{self.case_id} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableRowError(
                f"version {self.number} of the case is frozen: it cannot be changed"
            )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableRowError(f"version {self.number} of the case is frozen: it stays stored")


class Assignment(models.Model):
    """One reviewer of one frozen version, and how far they are."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    version = models.ForeignKey(FrozenVersion, on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewer_name = models.CharField(max_length=150)
    assigned_by_name = models.CharField(max_length=150)
    assigned_at = models.DateTimeField()
    replaced_at = models.DateTimeField(null=True, blank=True)
    replaced_by_name = models.CharField(max_length=150, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("version", "id")
        constraints = (
            models.UniqueConstraint(
                fields=["version", "reviewer"],
                name="one_live_assignment",
                condition=models.Q(replaced_at__isnull=True),
            ),
        )

    def __str__(self) -> str:
        return f"{self.reviewer_name} on {self.version_id}"

    @property
    def active(self) -> bool:
        return self.replaced_at is None

    _STEPS = (
        # (fields that may change, condition on the stored row)
        ({"replaced_at", "replaced_by_name"}, lambda s: s.submitted_at is None),
        ({"submitted_at"}, lambda s: s.submitted_at is None),
        ({"signed_off_at"}, lambda s: s.submitted_at is not None and s.signed_off_at is None),
    )

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            stored = type(self).objects.get(pk=self.pk)
            names = [f.attname for f in self._meta.concrete_fields]
            changed = {n for n in names if getattr(stored, n) != getattr(self, n)}
            settled = stored.replaced_at is not None
            if changed and (
                settled or not any(changed <= allowed and ok(stored) for allowed, ok in self._STEPS)
            ):
                raise ImmutableRowError(
                    f"the assignment of {stored.reviewer_name} cannot change that way "
                    f"({', '.join(sorted(changed))}): replaced only before submitting, "
                    "submitted once, signed off once"
                )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableRowError("an assignment stays stored; replace it instead")


class Finding(models.Model):
    """A reviewer's rung and reasoning on one element of the version."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="+")
    element = models.CharField(max_length=64)
    rung = models.CharField(max_length=64, blank=True)
    reasoning = ProtectedTextField(blank=True)
    saved_at = models.DateTimeField()

    class Meta:
        ordering = ("assignment", "id")
        constraints = (
            models.UniqueConstraint(fields=["assignment", "element"], name="one_finding"),
        )

    def __str__(self) -> str:
        return f"{self.element}: {self.rung}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        submitted = Assignment.objects.filter(
            pk=self.assignment_id, submitted_at__isnull=False
        ).exists()
        if submitted:
            raise ImmutableRowError(
                f"the findings on {self.element} were submitted: they cannot change"
            )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableRowError("a finding stays stored")
