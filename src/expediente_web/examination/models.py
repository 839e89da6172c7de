"""Storage for the case's context and its preliminary examination.

- `Attack`: a course of conduct against a civilian population (the contextual element of
  art. 7): description, period, places, the population targeted and on what grounds, and the
  indicators of a policy. `AttackAct` links an act to it (the nexus); unlinking is a soft
  delete with a reason.
- `Intervention`: a habeas corpus, a complaint, a request to the IACHR, a UN communication, a
  press denunciation: when, by whom, whom it notified (a unit, a person of the case and/or an
  authority in words), what acts and victims it was about, and the response.
- `NationalProceeding`: a domestic investigation or prosecution: court, number, accused,
  charges, the acts it covers, status and the indicators of whether it is genuine.
- `JurisdictionBasis`: one per case, changed in place: the date the Statute entered into force
  for the State and the bases of jurisdiction.
- `SectionAssessment`: an analyst's written assessment of one section of the examination, one
  per case and section, changed in place (its history is the audit log's).

Every free text that can name people is encrypted at rest (`ProtectedTextField`), bound to its
row by the `uid`. Attacks, interventions and proceedings are never deleted: `deleted_at` and
`deleted_reason` mark a soft delete (decision 0502).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from expediente_web.cases.models import Case, NoHardDelete, SoftDeleteQuerySet
from expediente_web.protection.fields import ProtectedTextField
from expediente_web.records.models import Act, Location, Person, Unit

SECTIONS = ("jurisdiction", "gravity", "impact", "admissibility", "interests_of_justice")
"""The sections of the examination an analyst writes an assessment for (`impact` is the
fourth factor of gravity, which no count measures)."""


class Soft(NoHardDelete, models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_reason = ProtectedTextField(blank=True)

    objects = SoftDeleteQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ("id",)


class Attack(Soft):
    """A course of conduct involving the multiple commission of acts against a civilian
    population (art. 7(2)(a))."""

    title = models.CharField(max_length=200)
    description = ProtectedTextField(blank=True)
    period_text = models.CharField(max_length=40, blank=True)
    period_precision = models.CharField(max_length=16, blank=True)
    period_earliest = models.DateField(null=True, blank=True)
    period_latest = models.DateField(null=True, blank=True)
    places = models.ManyToManyField(Location, blank=True, related_name="+")
    population = ProtectedTextField(blank=True)
    population_groups = models.JSONField(
        default=list, blank=True, help_text="affiliation terms: the grounds the population shares"
    )
    policy_indicators = ProtectedTextField(
        blank=True, help_text="one indicator of a State or organizational policy per line"
    )

    def __str__(self) -> str:
        return self.title

    @property
    def indicators(self) -> list[str]:
        return [line for line in (self.policy_indicators or "").splitlines() if line.strip()]


class AttackAct(NoHardDelete, models.Model):
    """An act linked to an attack: the analyst holds it to form part of it (the nexus)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    attack = models.ForeignKey(Attack, on_delete=models.PROTECT, related_name="links")
    act = models.ForeignKey(Act, on_delete=models.PROTECT, related_name="+")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_reason = ProtectedTextField(blank=True)

    objects = SoftDeleteQuerySet.as_manager()

    class Meta:
        ordering = ("id",)
        constraints = (
            models.UniqueConstraint(
                fields=["attack", "act"],
                name="one_live_link_per_attack_act",
                condition=models.Q(deleted_at__isnull=True),
            ),
        )


class Intervention(Soft):
    """A petition, complaint or appeal on behalf of victims, whom it notified, and the answer."""

    kind = models.CharField(max_length=64)
    date_text = models.CharField(max_length=40, blank=True)
    date_precision = models.CharField(max_length=16, blank=True)
    date_earliest = models.DateField(null=True, blank=True)
    date_latest = models.DateField(null=True, blank=True)
    filed_by = ProtectedTextField(blank=True)
    notified_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notified_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    notified_authority = ProtectedTextField(blank=True)
    acts = models.ManyToManyField(Act, blank=True, related_name="+")
    victims = models.ManyToManyField(Person, blank=True, related_name="+")
    summary = ProtectedTextField(blank=True)
    response = models.CharField(max_length=64, blank=True)
    response_date_text = models.CharField(max_length=40, blank=True)
    response_date_precision = models.CharField(max_length=16, blank=True)
    response_date_earliest = models.DateField(null=True, blank=True)
    response_date_latest = models.DateField(null=True, blank=True)
    response_detail = ProtectedTextField(blank=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.date_text}"


class NationalProceeding(Soft):
    """A domestic investigation or prosecution, for complementarity (art. 17)."""

    court = models.CharField(max_length=300)
    case_number = models.CharField(max_length=120, blank=True)
    accused = models.ManyToManyField(Person, blank=True, related_name="+")
    accused_text = ProtectedTextField(blank=True)
    charges = ProtectedTextField(blank=True)
    acts = models.ManyToManyField(Act, blank=True, related_name="+")
    status = models.CharField(max_length=64)
    opened_text = models.CharField(max_length=40, blank=True)
    opened_precision = models.CharField(max_length=16, blank=True)
    opened_earliest = models.DateField(null=True, blank=True)
    opened_latest = models.DateField(null=True, blank=True)
    status_date_text = models.CharField(max_length=40, blank=True)
    status_date_precision = models.CharField(max_length=16, blank=True)
    status_date_earliest = models.DateField(null=True, blank=True)
    status_date_latest = models.DateField(null=True, blank=True)
    indicators = models.JSONField(
        default=list, blank=True, help_text="complementarity_indicators terms that apply"
    )
    notes = ProtectedTextField(blank=True)

    def __str__(self) -> str:
        return f"{self.court} {self.case_number}".strip()


class JurisdictionBasis(NoHardDelete, models.Model):
    """The case's jurisdiction basis: when the Statute entered into force for the State, and
    under which article the Court may exercise jurisdiction. Changed in place."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="+")
    entry_into_force = models.DateField()
    bases = models.JSONField(default=list)
    notes = ProtectedTextField(blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    set_by_name = models.CharField(max_length=150)
    set_at = models.DateTimeField()


class SectionAssessment(NoHardDelete, models.Model):
    """An analyst's written assessment of one section of the examination."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    section = models.CharField(max_length=32, choices=[(s, s) for s in SECTIONS])
    text = ProtectedTextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author_name = models.CharField(max_length=150)
    written_at = models.DateTimeField()

    class Meta:
        ordering = ("id",)
        constraints = (
            models.UniqueConstraint(fields=["case", "section"], name="one_assessment_per_section"),
        )
