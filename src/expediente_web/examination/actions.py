"""Writes to the case's context and examination: checked, transactional, audited.

Each `do_<verb>_<noun>(actor, …)` checks the actor's role (`access.WRITE_ROLES`: owners and
analysts), validates what it is given — dates as the project reads them, vocabulary terms,
records of the same case and live — raising `InvalidInput` naming the field before anything is
written, writes inside `transaction.atomic()` and appends exactly one audit entry there. The
audit log holds the plain fields and the names, never the values, of the encrypted ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from expediente.dates import DateError, parse_date
from expediente_web.audit.record import actor_name, changes, object_id, record_write
from expediente_web.cases.access import require_role
from expediente_web.cases.models import Case
from expediente_web.cases.validation import (
    InvalidInput,
    check_length,
    check_term,
    check_terms,
    date_message,
    period_fields,
)
from expediente_web.examination.access import WRITE_ROLES
from expediente_web.examination.models import (
    SECTIONS,
    Attack,
    AttackAct,
    Intervention,
    JurisdictionBasis,
    NationalProceeding,
    SectionAssessment,
)
from expediente_web.records.actions import same_case
from expediente_web.records.models import Act, Location, Person, Unit

TITLE_LIMIT = 200
TEXT_LIMIT = 20_000
SHORT_LIMIT = 2000
LINK_LIMIT = 5000
"""The most acts one call links to an attack."""

DOING = gettext_noop("change the case's examination")


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _text(field: str, value: str | None, limit: int = TEXT_LIMIT) -> str:
    value = (value or "").strip()
    check_length(field, value, limit)
    return value


def _records(field: str, rows: Iterable[Any] | None, case: Case) -> list[Any]:
    """Each record checked to be of `case` and live; duplicates dropped, order kept."""
    found: list[Any] = []
    for row in rows or ():
        same_case(field, row, case)
        if row not in found:
            found.append(row)
    return found


def _terms_of(field: str, vocabulary: str, values: Iterable[str] | None) -> list[str]:
    return check_terms(field, vocabulary, [v for v in values or () if v])


# -- attacks and the nexus ------------------------------------------------------------------

ATTACK_FIELDS = [
    "title", "description", "period_text", "period_earliest", "period_latest", "population",
    "population_groups", "policy_indicators",
]  # fmt: skip


def do_create_attack(
    actor: Any,
    case: Case,
    title: str,
    *,
    description: str = "",
    period: str = "",
    places: Iterable[Location] | None = None,
    population: str = "",
    population_groups: Iterable[str] | None = None,
    policy_indicators: Iterable[str] | None = None,
) -> Attack:
    """Record an attack: a course of conduct against a civilian population.

    `period` is a partial date or range as documenters write it; `places` are locations of the
    case; `population_groups` are `affiliation` terms (the grounds the targeted population
    shares); `policy_indicators` are texts, one indicator each.
    """
    title = _text("title", title, TITLE_LIMIT)
    if not title:
        raise InvalidInput("title", _("is required"))
    values = {
        "description": _text("description", description),
        "population": _text("population", population),
        **period_fields("period", (period or "").strip(), prefix="period"),
    }
    groups = _terms_of("population_groups", "affiliation", population_groups)
    indicators = [i.strip() for i in policy_indicators or () if i and i.strip()]
    values["policy_indicators"] = _text("policy_indicators", "\n".join(indicators))
    places = _records("places", places, case)
    with transaction.atomic():
        require_role(actor, case, WRITE_ROLES, DOING)
        attack = Attack.objects.create(
            case=case, title=title, population_groups=groups, created_by=_user(actor), **values
        )
        attack.places.set(places)
        payload = changes(attack, ATTACK_FIELDS)
        payload["fields"]["places"] = [object_id(p) for p in places]
        record_write(actor, "create_attack", attack, payload)
    return attack


def _soft_delete(actor: Any, row: Any, reason: str, action: str, already: str) -> Any:
    reason = _text("reason", reason, SHORT_LIMIT)
    if not reason:
        raise InvalidInput("reason", _("is required"))
    with transaction.atomic():
        require_role(actor, row.case, WRITE_ROLES, DOING)
        row = type(row).objects.select_for_update().get(pk=row.pk)
        if row.deleted_at is not None:
            raise InvalidInput("reason", already)
        row.deleted_at = timezone.now()
        row.deleted_reason = reason
        row.save(update_fields=["deleted_at", "deleted_reason"])
        record_write(actor, action, row, changes(row, ["deleted_at", "deleted_reason"]))
    return row


def do_delete_attack(actor: Any, attack: Attack, reason: str) -> Attack:
    """Delete an attack with a reason (the row and its links stay, out of every count)."""
    return _soft_delete(actor, attack, reason, "delete_attack", _("the attack was already deleted"))


def do_link_acts(actor: Any, attack: Attack, acts: Iterable[Act]) -> list[AttackAct]:
    """Link acts to an attack (the nexus). Acts already linked are left as they are; every act
    must be of the attack's case and live. One audit entry lists the acts linked."""
    case = attack.case
    if attack.deleted_at is not None:
        raise InvalidInput("attack", _("the attack was deleted"))
    acts = _records("acts", acts, case)
    if not acts:
        raise InvalidInput("acts", _("choose at least one act"))
    if len(acts) > LINK_LIMIT:
        raise InvalidInput(
            "acts",
            _("at most %(limit)s acts at a time (%(given)s given)")
            % {"limit": LINK_LIMIT, "given": len(acts)},
        )
    with transaction.atomic():
        require_role(actor, case, WRITE_ROLES, DOING)
        linked = set(
            AttackAct.objects.live().filter(attack=attack).values_list("act_id", flat=True)
        )
        made = [
            AttackAct(case=case, attack=attack, act=act, linked_by=_user(actor))
            for act in acts
            if act.pk not in linked
        ]
        AttackAct.objects.bulk_create(made)
        record_write(
            actor,
            "link_acts",
            attack,
            {
                "fields": {"acts": [str(a.act.uid) for a in made]},
                "already_linked": len(acts) - len(made),
            },
        )
    return made


def do_unlink_act(actor: Any, link: AttackAct, reason: str) -> AttackAct:
    """Take an act out of an attack, with a reason (the link stays, marked)."""
    return _soft_delete(actor, link, reason, "unlink_act", _("the act was already unlinked"))


# -- interventions --------------------------------------------------------------------------

INTERVENTION_FIELDS = [
    "kind", "date_text", "date_earliest", "date_latest", "filed_by", "notified_unit",
    "notified_person", "notified_authority", "summary", "response", "response_date_text",
    "response_detail",
]  # fmt: skip


def do_record_intervention(
    actor: Any,
    case: Case,
    kind: str,
    *,
    date: str = "",
    filed_by: str = "",
    notified_unit: Unit | None = None,
    notified_person: Person | None = None,
    notified_authority: str = "",
    acts: Iterable[Act] | None = None,
    victims: Iterable[Person] | None = None,
    summary: str = "",
    response: str = "",
    response_date: str = "",
    response_detail: str = "",
) -> Intervention:
    """Record an intervention: its kind (`intervention` term), date, who filed it, whom it
    notified (a unit and/or a person of the case, and/or an authority in words), the acts and
    victims it was about, and the response (`intervention_response` term, date, text)."""
    kind = check_term("kind", "intervention", kind, required=True)
    response = check_term("response", "intervention_response", response)
    values: dict[str, Any] = {
        **period_fields("date", (date or "").strip()),
        **period_fields("response_date", (response_date or "").strip(), prefix="response_date"),
        "filed_by": _text("filed_by", filed_by, SHORT_LIMIT),
        "notified_authority": _text("notified_authority", notified_authority, SHORT_LIMIT),
        "summary": _text("summary", summary),
        "response_detail": _text("response_detail", response_detail),
    }
    if values["response_date_text"] and not response:
        raise InvalidInput("response", _("say what the response was"))
    if (
        values["response_date_latest"]
        and values["date_earliest"]
        and values["response_date_latest"] < values["date_earliest"]
    ):
        raise InvalidInput("response_date", _("the response is dated before the intervention"))
    same_case("notified_unit", notified_unit, case)
    same_case("notified_person", notified_person, case)
    acts = _records("acts", acts, case)
    victims = _records("victims", victims, case)
    with transaction.atomic():
        require_role(actor, case, WRITE_ROLES, DOING)
        found = Intervention.objects.create(
            case=case,
            kind=kind,
            response=response,
            notified_unit=notified_unit,
            notified_person=notified_person,
            created_by=_user(actor),
            **values,
        )
        found.acts.set(acts)
        found.victims.set(victims)
        payload = changes(found, INTERVENTION_FIELDS)
        payload["fields"]["acts"] = [object_id(a) for a in acts]
        payload["fields"]["victims"] = [object_id(v) for v in victims]
        record_write(actor, "record_intervention", found, payload)
    return found


def do_record_response(
    actor: Any,
    found: Intervention,
    response: str,
    *,
    date: str = "",
    detail: str = "",
) -> Intervention:
    """Record (or correct) the response an intervention got: its kind (`intervention_response`
    term), date and words. The entry holds the response it replaced."""
    response = check_term("response", "intervention_response", response, required=True)
    values: dict[str, Any] = {
        **period_fields("response_date", (date or "").strip(), prefix="response_date"),
        "response_detail": _text("response_detail", detail),
    }
    if (
        values["response_date_latest"]
        and found.date_earliest
        and values["response_date_latest"] < found.date_earliest
    ):
        raise InvalidInput("response_date", _("the response is dated before the intervention"))
    with transaction.atomic():
        require_role(actor, found.case, WRITE_ROLES, DOING)
        row = Intervention.objects.select_for_update().get(pk=found.pk)
        if row.deleted_at is not None:
            raise InvalidInput("response", _("the intervention was deleted"))
        before = {"response": row.response, "response_date_text": row.response_date_text}
        row.response = response
        for name, value in values.items():
            setattr(row, name, value)
        row.save(update_fields=["response", *values])
        payload = changes(row, ["response", "response_date_text", "response_detail"])
        payload["before"] = before
        record_write(actor, "record_response", row, payload)
    return row


def do_delete_intervention(actor: Any, found: Intervention, reason: str) -> Intervention:
    return _soft_delete(
        actor, found, reason, "delete_intervention", _("the intervention was already deleted")
    )


# -- national proceedings -------------------------------------------------------------------

PROCEEDING_FIELDS = [
    "court", "case_number", "accused_text", "charges", "status", "opened_text",
    "opened_earliest", "opened_latest", "status_date_text", "indicators", "notes",
]  # fmt: skip
GENUINENESS = "complementarity_indicators"
COMPUTED_INDICATORS = frozenset({"complementarity.no_proceeding"})
"""An indicator the view computes (no proceeding at all), not one a proceeding carries."""


def do_record_proceeding(
    actor: Any,
    case: Case,
    court: str,
    status: str,
    *,
    case_number: str = "",
    accused: Iterable[Person] | None = None,
    accused_text: str = "",
    charges: str = "",
    acts: Iterable[Act] | None = None,
    opened: str = "",
    status_date: str = "",
    indicators: Iterable[str] | None = None,
    notes: str = "",
) -> NationalProceeding:
    """Record a national proceeding: court, number, accused (persons of the case and/or in
    words), charges, the acts it covers, its status (`proceeding_status` term) and dates, and
    the indicators of whether it is genuine (`complementarity_indicators` terms)."""
    court = _text("court", court, 300)
    if not court:
        raise InvalidInput("court", _("is required"))
    status = check_term("status", "proceeding_status", status, required=True)
    flags = _terms_of("indicators", GENUINENESS, indicators)
    for flag in flags:
        if flag in COMPUTED_INDICATORS:
            raise InvalidInput(
                "indicators",
                _("%(value)s is said of the case, not of a proceeding") % {"value": repr(flag)},
            )
    values: dict[str, Any] = {
        "case_number": _text("case_number", case_number, 120),
        "accused_text": _text("accused_text", accused_text, SHORT_LIMIT),
        "charges": _text("charges", charges),
        "notes": _text("notes", notes),
        **period_fields("opened", (opened or "").strip(), prefix="opened"),
        **period_fields("status_date", (status_date or "").strip(), prefix="status_date"),
    }
    accused = _records("accused", accused, case)
    acts = _records("acts", acts, case)
    with transaction.atomic():
        require_role(actor, case, WRITE_ROLES, DOING)
        found = NationalProceeding.objects.create(
            case=case, court=court, status=status, indicators=flags, created_by=_user(actor),
            **values,
        )  # fmt: skip
        found.accused.set(accused)
        found.acts.set(acts)
        payload = changes(found, PROCEEDING_FIELDS)
        payload["fields"]["accused"] = [object_id(p) for p in accused]
        payload["fields"]["acts"] = [object_id(a) for a in acts]
        record_write(actor, "record_proceeding", found, payload)
    return found


def do_delete_proceeding(actor: Any, found: NationalProceeding, reason: str) -> NationalProceeding:
    return _soft_delete(
        actor, found, reason, "delete_proceeding", _("the proceeding was already deleted")
    )


# -- jurisdiction and the written assessments -----------------------------------------------


def _day(field: str, text: str) -> dt.date:
    """A date given to the day (`2002-07-01`, `1 de julio de 2002`)."""
    text = (text or "").strip()
    if not text:
        raise InvalidInput(field, _("is required"))
    try:
        value = parse_date(text, today=dt.date.today())
    except DateError as exc:
        raise InvalidInput(field, date_message(exc)) from None
    if value.earliest != value.latest:
        raise InvalidInput(
            field,
            _("give the day (for example 2002-07-01), not %(value)s") % {"value": str(value)},
        )
    return value.earliest


def do_set_jurisdiction(
    actor: Any,
    case: Case,
    entry_into_force: str | dt.date,
    bases: Iterable[str],
    *,
    notes: str = "",
) -> JurisdictionBasis:
    """Set the case's jurisdiction basis: the day the Statute entered into force for the State
    (a `date`, or text giving the day) and the bases (`jurisdiction_basis` terms, at least one).
    The entry holds the values it replaced, so the audit log is its history."""
    if isinstance(entry_into_force, dt.date):
        day = entry_into_force
    else:
        day = _day("entry_into_force", entry_into_force)
    chosen = _terms_of("bases", "jurisdiction_basis", bases)
    if not chosen:
        raise InvalidInput("bases", _("choose at least one basis of jurisdiction"))
    notes = _text("notes", notes)
    with transaction.atomic():
        require_role(actor, case, WRITE_ROLES, DOING)
        found = JurisdictionBasis.objects.select_for_update().filter(case=case).first()
        before = (
            None
            if found is None
            else {"entry_into_force": found.entry_into_force.isoformat(), "bases": found.bases}
        )
        row = found or JurisdictionBasis(case=case)
        row.entry_into_force = day
        row.bases = chosen
        row.notes = notes
        row.set_by = _user(actor)
        row.set_by_name = actor_name(actor)
        row.set_at = timezone.now()
        row.save()
        payload = changes(row, ["entry_into_force", "bases", "notes", "set_by_name"])
        payload["before"] = before
        record_write(actor, "set_jurisdiction", row, payload)
    return row


def do_write_assessment(actor: Any, case: Case, section: str, text: str) -> SectionAssessment:
    """Write (or rewrite) the analyst's assessment of one section of the examination
    (`SECTIONS`). The text is encrypted; the entry names it and holds its length."""
    if section not in SECTIONS:
        raise InvalidInput(
            "section",
            _("%(value)s is not one of %(kinds)s")
            % {"value": repr(section), "kinds": ", ".join(SECTIONS)},
        )
    text = _text("text", text)
    if not text:
        raise InvalidInput("text", _("an assessment needs written text"))
    with transaction.atomic():
        require_role(actor, case, WRITE_ROLES, DOING)
        found = (
            SectionAssessment.objects.select_for_update().filter(case=case, section=section).first()
        )
        row = found or SectionAssessment(case=case, section=section)
        row.text = text
        row.author = _user(actor)
        row.author_name = actor_name(actor)
        row.written_at = timezone.now()
        row.save()
        payload = changes(row, ["section", "text", "author_name"])
        payload["rewritten"] = found is not None
        payload["text_length"] = len(text)
        record_write(actor, "write_assessment", row, payload)
    return row
