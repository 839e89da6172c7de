"""Storage for the documentation record.

Conventions shared by every record here:
- `uid` is a stable identifier that survives export and re-import;
- `source` and `source_record_id` say which source the record came from and its row id there;
- dates are partial: `<name>_text` holds the canonical form (`2017`, `2017-05`, `2017-05-14`,
  `2017-05/2017-07`) with its precision, `<name>_earliest` / `<name>_latest` its bounds for
  sorting and filtering;
- records are never deleted: `deleted_at` and `deleted_reason` mark a soft delete.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from expediente_web.cases.models import Case, NoHardDelete, SoftDeleteQuerySet, Source
from expediente_web.protection.fields import ProtectedTextField


class RecordQuerySet(SoftDeleteQuerySet):
    """`live()` hides soft-deleted records; `delete()` refuses."""


class CaseRecord(NoHardDelete, models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT)
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.PROTECT)
    source_record_id = models.CharField(max_length=128, blank=True)
    import_batch = models.ForeignKey(
        "intake.ImportBatch", null=True, blank=True, on_delete=models.PROTECT
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_reason = models.TextField(blank=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        abstract = True


class Location(CaseRecord):
    """A place in a tree: country › state › municipality › site; detention sites are sites of
    kind `location.detention_site`."""

    code = models.CharField(max_length=128)
    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=64)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["case", "code"], name="location_code_per_case"),
        )

    def __str__(self) -> str:
        return self.name


class Unit(CaseRecord):
    """An organization (a root of the tree: an intelligence service, a police force, an armed
    group) or one of its units."""

    code = models.CharField(max_length=128)
    name = models.CharField(max_length=300)
    acronym = models.CharField(max_length=40, blank=True)
    unit_type = models.CharField(max_length=64, blank=True)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["case", "code"], name="unit_code_per_case"),
        )

    def __str__(self) -> str:
        return self.acronym or self.name


class Person(CaseRecord):
    """An individual as a source records them.

    Identifying fields are encrypted at rest and looked up through blind indexes; descriptive
    fields are not. The same human may be recorded by several sources: person linkage resolves
    those records into one person. Roles come from links: victim of an act, witness of a
    testimony, perpetrator in an involvement, holder of a position.
    """

    # Protected (encrypted at rest).
    full_name = ProtectedTextField(blank=True)
    given_names = ProtectedTextField(blank=True)
    first_surname = ProtectedTextField(blank=True)
    second_surname = ProtectedTextField(blank=True)
    nickname = ProtectedTextField(blank=True)
    id_number = ProtectedTextField(blank=True)
    birth_date = ProtectedTextField(blank=True)
    phone = ProtectedTextField(blank=True)
    address = ProtectedTextField(blank=True)
    # Blind indexes for exact lookup (HMAC of the normalised value).
    id_number_index = models.CharField(max_length=32, blank=True, db_index=True)
    name_index = models.CharField(max_length=32, blank=True, db_index=True)
    # Descriptive (not protected).
    sex = models.CharField(max_length=32, blank=True)
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    age_band = models.CharField(max_length=16, blank=True)
    occupation = models.CharField(max_length=200, blank=True)
    affiliation = models.CharField(max_length=200, blank=True)
    state = models.ForeignKey(Location, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")

    class Meta:
        indexes = (models.Index(fields=["case", "source", "source_record_id"]),)

    def __str__(self) -> str:
        return f"person {self.uid}"

    def display_name(self) -> str:
        parts = [self.given_names, self.first_surname, self.second_surname]
        return self.full_name or " ".join(p for p in parts if p) or self.nickname


class Position(CaseRecord):
    """A person holding a post in a unit over a period; superior–subordinate relations follow
    from positions in parent and child units at the same time, and from dated relations
    between units (`UnitRelation`).

    `basis` (the `post_basis` vocabulary) says whether the post was held by appointment (de
    jure), in fact (de facto) or as acting or deputy. A de facto post may sit outside any unit
    ("adviser at the presidency"): its `unit` is then empty and `held_at` says where; if its
    holder exercised effective control over a unit, `controls` names it, and the post counts
    among that unit's commanders (Rome Statute art. 28(a): a person effectively acting as a
    military commander).
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="positions")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="positions")
    basis = models.CharField(max_length=64, default="post.de_jure")
    held_at = models.CharField(max_length=300, blank=True)
    controls = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="controlled_by")
    title = models.CharField(max_length=200, blank=True)
    rank = models.CharField(max_length=100, blank=True)
    is_commander = models.BooleanField(default=False)
    start_text = models.CharField(max_length=40, blank=True)
    start_precision = models.CharField(max_length=16, blank=True)
    start_earliest = models.DateField(null=True, blank=True)
    start_latest = models.DateField(null=True, blank=True)
    end_text = models.CharField(max_length=40, blank=True)
    end_precision = models.CharField(max_length=16, blank=True)
    end_earliest = models.DateField(null=True, blank=True)
    end_latest = models.DateField(null=True, blank=True)


class Event(CaseRecord):
    """Something that happened at a place over a (possibly imprecise) period."""

    code = models.CharField(max_length=128, blank=True)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.PROTECT)
    date_text = models.CharField(max_length=40, blank=True)
    date_precision = models.CharField(max_length=16, blank=True)
    date_earliest = models.DateField(null=True, blank=True)
    date_latest = models.DateField(null=True, blank=True)


class Act(CaseRecord):
    """One act within an event against one victim."""

    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="acts")
    victim = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="acts")
    act_type = models.CharField(max_length=64, db_index=True)
    methods = models.JSONField(default=list, blank=True)
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="acts")
    outcome = models.CharField(max_length=64, blank=True)
    description = models.TextField(blank=True)
    date_text = models.CharField(max_length=40, blank=True)
    date_precision = models.CharField(max_length=16, blank=True)
    date_earliest = models.DateField(null=True, blank=True)
    date_latest = models.DateField(null=True, blank=True)

    class Meta:
        # The act list pages through a case's live acts by date, read in this index's order
        # (not sorted), and counts them from the index alone.
        indexes = (
            models.Index(fields=["case", "date_earliest", "id"], name="act_live_case_date",
                         condition=models.Q(deleted_at__isnull=True)),
        )

    def __str__(self) -> str:
        return f"{self.act_type} {self.date_text}"


class MeasuredFact(models.Model):
    """A quantity established about an act, with its unit: weight lost in detention, days held
    incommunicado, depth of a cell below ground."""

    act = models.ForeignKey(Act, on_delete=models.PROTECT, related_name="measurements")
    measure = models.CharField(max_length=64)
    value = models.FloatField()
    unit = models.CharField(max_length=16)


class Involvement(models.Model):
    """A perpetrator — a person, a unit, or both — in an act, and how."""

    act = models.ForeignKey(Act, on_delete=models.PROTECT, related_name="involvements")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="involvements")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="involvements")
    degree = models.CharField(max_length=64, default="involvement.suspected")
    notes = models.TextField(blank=True)

    class Meta:
        constraints = (
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | models.Q(unit__isnull=False),
                name="involvement_names_a_perpetrator",
            ),
        )


class Hearing(CaseRecord):
    """A hearing in the OAS style: a panel hears witnesses in public, on a date, at a venue,
    and the session is recorded. The testimonies given at it appear there (`Testimony.hearing`);
    excerpts of its recording cite a time range of it.

    The panel are public officials and the venue a public place: plain text (one member per
    line of `panel`, "name — role").
    """

    title = models.CharField(max_length=300)
    venue = models.CharField(max_length=300, blank=True)
    panel = models.TextField(blank=True)
    recording = models.ForeignKey("evidence.EvidenceItem", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="hearings")
    date_text = models.CharField(max_length=40, blank=True)
    date_precision = models.CharField(max_length=16, blank=True)
    date_earliest = models.DateField(null=True, blank=True)
    date_latest = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return self.title

    def panel_members(self) -> list[str]:
        return [line.strip() for line in self.panel.splitlines() if line.strip()]


class Testimony(CaseRecord):
    """A statement given by a witness to a source on a date (at a hearing, for one given
    there)."""

    witness = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="testimonies")
    witness_name = ProtectedTextField(blank=True)
    witness_contact = ProtectedTextField(blank=True)
    language = models.CharField(max_length=8)
    interviewer = models.CharField(max_length=200, blank=True)
    consent_scopes = models.JSONField(default=list, blank=True)
    narrative = models.TextField()
    date_text = models.CharField(max_length=40, blank=True)
    date_precision = models.CharField(max_length=16, blank=True)
    date_earliest = models.DateField(null=True, blank=True)
    date_latest = models.DateField(null=True, blank=True)
    hearing = models.ForeignKey(Hearing, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="testimonies")


class Comment(NoHardDelete, models.Model):
    """Threaded discussion on any record among the case team."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="replies")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_reason = models.TextField(blank=True)

    objects = RecordQuerySet.as_manager()

    class Meta:
        indexes = (models.Index(fields=["target_type", "target_id"]),)
        ordering = ["created_at"]  # noqa: RUF012 (Django reads a list)


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", "draft"
    SUBMITTED = "submitted", "submitted"
    VERIFIED = "verified", "verified"


class Review(models.Model):
    """Where an act or a testimony stands in peer review: draft › submitted › verified.

    A table of its own rather than columns of the act and testimony tables, so that adding it
    left the digests the audit log keeps of every existing act and testimony row unchanged. A
    record without a row here is a draft. Written only by the review services
    (`actions.do_submit_for_review`, `do_verify`, `do_return_to_draft`) and by a change to the
    record, which returns it to draft.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    act = models.OneToOneField(Act, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="review")
    testimony = models.OneToOneField(Testimony, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="review")
    status = models.CharField(max_length=16, choices=ReviewStatus.choices,
                              default=ReviewStatus.DRAFT, db_index=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    verified_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = (
            models.CheckConstraint(
                condition=(models.Q(act__isnull=False, testimony__isnull=True)
                           | models.Q(act__isnull=True, testimony__isnull=False)),
                name="review_of_one_act_or_testimony",
            ),
        )


class ConsentKind(models.TextChoices):
    GRANT = "grant", "grant"
    WITHDRAWAL = "withdrawal", "withdrawal"


class ConsentOrigin(models.TextChoices):
    #: Recorded on the testimony's consent form, with who took it and how.
    FORM = "form", "form"
    #: Given with the testimony when it was entered or changed (its scopes only).
    TESTIMONY = "testimony", "testimony"
    #: Carried by an imported list (`import_batch` names it).
    IMPORT = "import", "import"
    #: The scopes a testimony held before consent records were kept (a data migration).
    BEFORE_RECORDS = "before_records", "before_records"


class ConsentRecord(models.Model):
    """One grant of consent by a testimony's witness, or one withdrawal of part of it.

    A grant lists the scopes given (the `consent_scopes` vocabulary), when, who took it (a user
    and/or the interviewer's name), the version of the information sheet the witness was given
    and the interpreter, if any. A withdrawal lists the scopes withdrawn, when, who received it
    and the witness's reason (encrypted at rest: it may say why the witness is afraid).

    The testimony's `consent_scopes` are derived from its records — the latest grant minus the
    withdrawals after it (`records.consent_records.effective_scopes`) — and kept in that field
    by the services that write records, so every reader that enforces consent reads one field.
    Records are never changed or deleted: a correction is a new grant.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    testimony = models.ForeignKey(Testimony, on_delete=models.PROTECT,
                                  related_name="consent_records")
    kind = models.CharField(max_length=16, choices=ConsentKind.choices)
    origin = models.CharField(max_length=16, choices=ConsentOrigin.choices,
                              default=ConsentOrigin.FORM)
    scopes = models.JSONField(default=list)
    on = models.DateField(null=True, blank=True)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    taken_by_name = models.CharField(max_length=200, blank=True)
    information_sheet = models.CharField(max_length=100, blank=True)
    interpreter = models.CharField(max_length=200, blank=True)
    reason = ProtectedTextField(blank=True)
    import_batch = models.ForeignKey("intake.ImportBatch", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (
            models.CheckConstraint(condition=models.Q(kind__in=["grant", "withdrawal"]),
                                   name="consent_record_kind"),
        )

    def __str__(self) -> str:
        return f"{self.kind} {self.on or ''} {self.testimony_id}"


class UnitRelationKind(models.TextChoices):
    #: `unit` was subordinate to `other` (re-subordination, a joint command).
    SUBORDINATE_TO = "subordinate_to", "subordinate to"
    #: `unit` was under the operational control of `other` (a task force, a deployment).
    OPERATIONAL_CONTROL = "operational_control", "under the operational control of"
    #: `unit` acted with `other` (an armed group acting alongside a police force).
    ACTS_WITH = "acts_with", "acts with"
    #: `unit` was renamed `other` (the same body under a new name).
    RENAMED_TO = "renamed_to", "renamed to"


#: The kinds by which the other unit's commanders are superiors of the unit's members.
COMMAND_RELATIONS = (UnitRelationKind.SUBORDINATE_TO, UnitRelationKind.OPERATIONAL_CONTROL)


class UnitRelation(CaseRecord):
    """A relation between two units of a case over a (possibly imprecise) period, beside the
    static `Unit.parent` tree: `unit` *kind* `other` from `start` until `end` (an open end: it
    still holds)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="relations_from")
    other = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="relations_to")
    kind = models.CharField(max_length=32, choices=UnitRelationKind.choices)
    start_text = models.CharField(max_length=40, blank=True)
    start_precision = models.CharField(max_length=16, blank=True)
    start_earliest = models.DateField(null=True, blank=True)
    start_latest = models.DateField(null=True, blank=True)
    end_text = models.CharField(max_length=40, blank=True)
    end_precision = models.CharField(max_length=16, blank=True)
    end_earliest = models.DateField(null=True, blank=True)
    end_latest = models.DateField(null=True, blank=True)

    class Meta:
        constraints = (
            models.CheckConstraint(condition=~models.Q(unit=models.F("other")),
                                   name="unit_relation_between_two_units"),
        )
