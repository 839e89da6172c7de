"""Permission-checked reads of the case's context and examination, and who may change them.

- Every member of the case reads the examination: the attacks and their acts, the
  interventions, the national proceedings, the jurisdiction basis and the counts of the
  preliminary-examination view; persons are named by pseudonym for roles that do not see
  protected fields, as on every page.
- Owners and analysts write them (`WRITE_ROLES`): qualifying the context is the analysts' work,
  as for the element matrix.
- The free texts (descriptions, the population, policy indicators, who filed, the authority
  notified, summaries, responses, charges, notes, the written assessments) are the team's:
  partners never read them (`can_read_text`); they see that a text exists.
- The operator at the console (`user` None) reads everything, as with every case command.
- A user without a role in the case gets a 404; an expired member is refused by
  `access_case_by_code` as everywhere.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from expediente_web.cases.access import role_in
from expediente_web.cases.models import Case
from expediente_web.examination.models import (
    Attack,
    AttackAct,
    Intervention,
    JurisdictionBasis,
    NationalProceeding,
    SectionAssessment,
)
from expediente_web.records.models import Person, Unit

WRITE_ROLES = frozenset({"role.owner", "role.analyst"})
TEXT_ROLES = frozenset(
    {"role.owner", "role.analyst", "role.documenter", "role.reviewer", "role.viewer"}
)


def _require_member(user: Any, case: Case) -> str:
    if user is None:  # the operator at the console, who holds the data directory
        return "operator"
    role = role_in(user, case)
    if role is None:
        raise Http404(f"No case {case.code!r}")
    return role


def can_write(role: str | None) -> bool:
    return role in WRITE_ROLES


def can_read_text(role: str | None) -> bool:
    """Whether this role reads the examination's free texts (every member but a partner)."""
    return role in TEXT_ROLES or role == "operator"


def _by_uid(model: Any, case: Case, uid: str, what: str) -> Any:
    try:
        uuid.UUID(str(uid))
    except ValueError:  # a malformed uid typed into the address
        raise Http404(f"No {what} {uid} in case {case.code}") from None
    found = model.objects.live().filter(case=case, uid=uid).first()
    if found is None:
        raise Http404(f"No {what} {uid} in case {case.code}")
    return found


def access_attacks(user: Any, case: Case) -> QuerySet[Attack]:
    """The case's live attacks, in the order they were recorded."""
    _require_member(user, case)
    return Attack.objects.live().filter(case=case).prefetch_related("places")


def access_attack_by_uid(user: Any, case: Case, uid: str) -> Attack:
    _require_member(user, case)
    return _by_uid(Attack, case, uid, "attack")


def access_attack_links(user: Any, case: Case, attack: Attack | None = None) -> QuerySet[AttackAct]:
    """The live links of acts to the case's attacks (of one attack when given), live acts only."""
    _require_member(user, case)
    rows = AttackAct.objects.live().filter(case=case, act__deleted_at__isnull=True)
    if attack is not None:
        rows = rows.filter(attack=attack)
    return rows


def access_link_by_uid(user: Any, case: Case, uid: str) -> AttackAct:
    _require_member(user, case)
    return _by_uid(AttackAct, case, uid, "link")


def access_interventions(user: Any, case: Case) -> QuerySet[Intervention]:
    """The case's live interventions, by date (undated last)."""
    _require_member(user, case)
    return (
        Intervention.objects.live()
        .filter(case=case)
        .select_related("notified_unit", "notified_person")
        .order_by("date_earliest", "id")
    )


def access_intervention_by_uid(user: Any, case: Case, uid: str) -> Intervention:
    _require_member(user, case)
    return _by_uid(Intervention, case, uid, "intervention")


def access_notice_for(
    user: Any, case: Case, target: Person | Unit, before: dt.date
) -> list[Intervention]:
    """The interventions that put `target` (a person or a unit of the case) on notice before
    `before`: the live interventions that notified them and that certainly happened before that
    day — their latest possible date is earlier. An intervention on or after the day, one whose
    imprecise date may fall on or after it, and an undated one do not count.

    This is the record's answer to "knew or, owing to the circumstances, should have known"
    (art. 28(a)) and "consciously disregarded information" (art. 28(b)): what reached them,
    and when. Oldest first.
    """
    _require_member(user, case)
    if target.case_id != case.pk:
        raise Http404(f"{target} is not of case {case.code}")
    field = "notified_person" if isinstance(target, Person) else "notified_unit"
    rows = (
        access_interventions(user, case)
        .filter(**{field: target})
        .filter(date_latest__isnull=False, date_latest__lt=before)
        .prefetch_related("acts", "victims")
    )
    return list(rows)


def access_proceedings(user: Any, case: Case) -> QuerySet[NationalProceeding]:
    """The case's live national proceedings."""
    _require_member(user, case)
    return NationalProceeding.objects.live().filter(case=case).prefetch_related("accused")


def access_proceeding_by_uid(user: Any, case: Case, uid: str) -> NationalProceeding:
    _require_member(user, case)
    return _by_uid(NationalProceeding, case, uid, "proceeding")


def access_jurisdiction(user: Any, case: Case) -> JurisdictionBasis | None:
    """The case's jurisdiction basis, or None when it is not set."""
    _require_member(user, case)
    return JurisdictionBasis.objects.filter(case=case).first()


def access_section_assessments(user: Any, case: Case) -> dict[str, SectionAssessment]:
    """The written assessments of the case's examination, by section."""
    _require_member(user, case)
    return {a.section: a for a in SectionAssessment.objects.filter(case=case)}
