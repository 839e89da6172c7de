"""Storage for the element matrix: what is assessed, the evidence cited, the ratings.

- `Selection`: a crime of art. 7(1) chosen for the case's matrix, or (with `suspect`) a mode of
  liability chosen for one suspect. Dropping one is a soft delete with a reason.
- `ElementCitation`: one item cited for one element (for a mode's element, of one suspect):
  an act, an excerpt, a document, a pattern indicator or an estimate, supporting or
  contradicting it, with the analyst's grading of the item's credibility (the `credibility`
  vocabulary), apart from the reliability of its source. Withdrawing it is a soft delete with
  a reason (decision 0502).
- `ElementRating`: the element's rung on the ladder, the written reasoning and the analyst. One
  row per element (and suspect), changed in place: its history is the audit log's entries.

Free text that can name people (a rating's reasoning, a citation's note, the reasons given for
withdrawing) is encrypted at rest like the person fields, bound to its row by the `uid`.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from expediente_web.analyses.models import EstimateRun
from expediente_web.cases.models import Case, NoHardDelete, SoftDeleteQuerySet
from expediente_web.evidence.models import EvidenceItem, Excerpt
from expediente_web.protection.fields import ProtectedTextField
from expediente_web.records.models import Act, Person

KINDS = ("act", "excerpt", "document", "pattern", "estimate")
STANCES = ("supports", "contradicts")


class Selection(NoHardDelete, models.Model):
    """A crime chosen for the case's matrix (no suspect), or a mode of liability for a suspect."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    term = models.CharField(max_length=64)
    suspect = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    selected_by = models.ForeignKey(
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
                fields=["case", "term"],
                name="one_live_crime_selection",
                condition=models.Q(deleted_at__isnull=True, suspect__isnull=True),
            ),
            models.UniqueConstraint(
                fields=["case", "suspect", "term"],
                name="one_live_mode_selection",
                condition=models.Q(deleted_at__isnull=True, suspect__isnull=False),
            ),
        )

    def __str__(self) -> str:
        return self.term


class ElementCitation(NoHardDelete, models.Model):
    """One item of evidence cited for one element, supporting or contradicting it."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    element = models.CharField(max_length=64)
    suspect = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=[(k, k) for k in KINDS])
    act = models.ForeignKey(Act, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    excerpt = models.ForeignKey(
        Excerpt, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(
        EvidenceItem, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    estimate = models.ForeignKey(
        EstimateRun, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    indicator = models.CharField(
        max_length=64, blank=True, help_text="a pattern indicator's key in the patterns report"
    )
    stance = models.CharField(max_length=16, choices=[(s, s) for s in STANCES])
    credibility = models.CharField(
        max_length=64, blank=True, help_text="a credibility term: how credible the item is"
    )
    note = ProtectedTextField(blank=True)
    cited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_reason = ProtectedTextField(blank=True)

    objects = SoftDeleteQuerySet.as_manager()

    class Meta:
        ordering = ("id",)
        indexes = (models.Index(fields=["case", "element"], name="citation_case_element"),)

    def __str__(self) -> str:
        return f"{self.kind} {self.stance} {self.element}"

    @property
    def ref(self) -> str:
        """The cited item's identifier: a uid, or the indicator's key."""
        target = {
            "act": self.act,
            "excerpt": self.excerpt,
            "document": self.item,
            "estimate": self.estimate,
        }.get(self.kind)
        return str(target.uid) if target is not None else self.indicator


class ElementRating(NoHardDelete, models.Model):
    """An element's rung on the ladder, with the analyst's written reasoning.

    `restricted` (the default) keeps the reasoning from partners; an analyst clears it for a
    reasoning written to be shared outside the team.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    element = models.CharField(max_length=64)
    suspect = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=64)
    reasoning = ProtectedTextField()
    restricted = models.BooleanField(default=True)
    analyst = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    analyst_name = models.CharField(max_length=150)
    rated_at = models.DateTimeField()

    class Meta:
        ordering = ("id",)
        constraints = (
            models.UniqueConstraint(
                fields=["case", "element"],
                name="one_case_rating",
                condition=models.Q(suspect__isnull=True),
            ),
            models.UniqueConstraint(
                fields=["case", "suspect", "element"],
                name="one_suspect_rating",
                condition=models.Q(suspect__isnull=False),
            ),
        )
