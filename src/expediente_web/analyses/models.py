"""Storage for linkage runs, their review queue, reviewers' decisions and estimation runs.

Reviewers' decisions belong to the case, not to a run: they name the two person records by uid
and are re-applied on every later run, so a decision is never lost when linkage is re-run.
"""

from __future__ import annotations

import uuid

from django.db import models

from expediente_web.cases.models import Case
from expediente_web.protection.fields import ProtectedTextField
from expediente_web.records.models import Person

DECISIONS = (("accept", "accept"), ("reject", "reject"), ("unsure", "unsure"))


class LinkRun(models.Model):
    """One resolution of a case's person records into persons."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="link_runs")
    actor = models.CharField(max_length=150)
    config = models.JSONField(default=dict)
    threshold = models.FloatField()
    records = models.PositiveIntegerField(default=0)
    persons = models.PositiveIntegerField(default=0)
    labels_applied = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-id")


class RecordLink(models.Model):
    """A person record's resolved person in one run, with the probability of its best link."""

    run = models.ForeignKey(LinkRun, on_delete=models.CASCADE, related_name="links")
    record = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    cluster = models.CharField(max_length=64, db_index=True)
    probability = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["run", "record"], name="one_link_per_record"),
        )
        # The records of a resolved person in a run (a person's and an act's pages).
        indexes = (models.Index(fields=["run", "cluster"], name="recordlink_run_cluster"),)


class ReviewPair(models.Model):
    """An uncertain pair offered to reviewers, in the order that helps most."""

    run = models.ForeignKey(LinkRun, on_delete=models.CASCADE, related_name="review_pairs")
    record_a = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    record_b = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    probability = models.FloatField()
    rank = models.PositiveIntegerField()
    explanation = models.JSONField(default=dict)

    class Meta:
        ordering = ("rank",)


class PairDecision(models.Model):
    """A reviewer's decision that two person records are, or are not, the same person.

    The note is free text in which reviewers write what convinced them ("same cédula", a phone
    number, a name): it is encrypted at rest like the person fields it repeats, and bound to
    its decision by the `uid` (a note copied onto another decision does not decrypt there).
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="pair_decisions")
    record_a = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    record_b = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=8, choices=DECISIONS)
    note = ProtectedTextField(blank=True)
    actor = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = (models.Index(fields=["case", "record_a", "record_b"]),)


class EstimateRun(models.Model):
    """A multiple-systems estimate made on a linkage run's capture histories."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="estimate_runs")
    link_run = models.ForeignKey(LinkRun, null=True, on_delete=models.PROTECT)
    actor = models.CharField(max_length=150)
    method = models.CharField(max_length=32)
    parameters = models.JSONField(default=dict)
    result = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-id")
