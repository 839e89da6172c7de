"""Writes to the element matrix: checked, transactional, audited.

Each `do_<verb>_<noun>(actor, …)` checks the actor's role (`access.WRITE_ROLES`: owners and
analysts), validates what it is given (the element is in the matrix, the evidence is of the
same case and live, the reasoning is written) raising `InvalidInput` naming the field, writes
inside `transaction.atomic()` and appends exactly one audit entry there. The audit log holds
the rung of every rating and the one it replaced (a rating's history), never the reasoning,
the notes or the reasons, which are encrypted and listed by name only.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from expediente.legal.ladder import Ladder
from expediente.patterns.report import INDICATORS
from expediente_web.analyses.models import EstimateRun
from expediente_web.assessment.access import WRITE_ROLES
from expediente_web.assessment.elements import (
    crime_terms,
    element_ids,
    mode_terms,
)
from expediente_web.assessment.models import (
    KINDS,
    STANCES,
    ElementCitation,
    ElementRating,
    Selection,
)
from expediente_web.audit.record import actor_name, changes, object_id, record_write
from expediente_web.cases.access import require_role
from expediente_web.cases.models import Case
from expediente_web.cases.validation import (
    InvalidInput,
    check_length,
    check_required,
    check_term,
)
from expediente_web.evidence.models import EvidenceItem, Excerpt
from expediente_web.records.actions import same_case
from expediente_web.records.models import Act, Person

INDICATOR_KEYS = tuple(i.key for i in INDICATORS)
NOTE_LIMIT = 2000
REASONING_LIMIT = 20_000


def _suspect(case: Case, suspect: Person | None) -> Person | None:
    return same_case("suspect", suspect, case)


# -- what is assessed -----------------------------------------------------------------------


def _select(actor: Any, case: Case, term: str, suspect: Person | None, action: str) -> Selection:
    with transaction.atomic():
        require_role(actor, case, WRITE_ROLES, gettext_noop("change the element matrix"))
        live = Selection.objects.live().filter(case=case, term=term)
        live = (
            live.filter(suspect__isnull=True) if suspect is None else live.filter(suspect=suspect)
        )
        if live.exists():
            raise InvalidInput("term", _("%(term)s is already selected") % {"term": term})
        selection = Selection.objects.create(
            case=case,
            term=term,
            suspect=suspect,
            selected_by=actor if getattr(actor, "pk", None) else None,
        )
        record_write(actor, action, selection, changes(selection, ["term", "suspect"]))
    return selection


def do_select_crime(actor: Any, case: Case, crime: str) -> Selection:
    """Add a crime of art. 7(1) (`art7.1.e`) to the case's matrix."""
    if crime not in crime_terms():
        raise InvalidInput(
            "crime",
            _("%(value)s is not a crime of art. 7(1) of the vocabulary") % {"value": repr(crime)},
        )
    return _select(actor, case, crime, None, "select_crime")


def do_select_mode(actor: Any, case: Case, suspect: Person, mode: str) -> Selection:
    """Assess a mode of liability (`art25.3.b.order`, `art28.a`) for a suspect: the person
    becomes a suspect of the matrix with their first mode."""
    if suspect is None:
        raise InvalidInput("suspect", _("a mode of liability is assessed for a suspect"))
    _suspect(case, suspect)
    if mode not in mode_terms():
        raise InvalidInput(
            "mode",
            _("%(value)s is not a mode of liability of the vocabulary") % {"value": repr(mode)},
        )
    return _select(actor, case, mode, suspect, "select_mode")


def do_drop_selection(actor: Any, selection: Selection, reason: str) -> Selection:
    """Take a crime (or a suspect's mode) out of the matrix, with a reason. Its citations and
    ratings stay stored: selecting it again shows them again."""
    return _take_out(
        actor,
        selection,
        reason,
        field="selection",
        permission=gettext_noop("change the element matrix"),
        already=lambda row: _("%(term)s was already taken out") % {"term": row.term},
        action="drop_selection",
        fields=["term", "suspect", "deleted_reason"],
    )


def _take_out(
    actor: Any,
    row: Any,
    reason: str,
    *,
    field: str,
    permission: str,
    already: Any,
    action: str,
    fields: list[str],
) -> Any:
    """Soft-delete `row` (a selection or a citation) with a reason, as one audited write."""
    check_required("reason", (reason or "").strip())
    check_length("reason", reason, NOTE_LIMIT)
    with transaction.atomic():
        require_role(actor, row.case, WRITE_ROLES, permission)
        row = type(row).objects.select_for_update().get(pk=row.pk)
        if row.deleted_at is not None:
            raise InvalidInput(field, already(row))
        row.deleted_at = timezone.now()
        row.deleted_reason = reason.strip()
        row.save(update_fields=["deleted_at", "deleted_reason"])
        record_write(actor, action, row, changes(row, fields))
    return row


# -- evidence cited -------------------------------------------------------------------------


def _element(case: Case, element: str, suspect: Person | None) -> str:
    if element not in element_ids(case, suspect):
        if suspect is None:
            message = _(
                "%(element)s is not an element of this case's matrix (select its crime first)"
            )
        else:
            message = _(
                "%(element)s is not an element of this suspect's matrix (select the mode first)"
            )
        raise InvalidInput("element", message % {"element": repr(element)})
    return element


def _live(field: str, obj: Any, case: Case, label: str) -> Any:
    if obj is None:
        raise InvalidInput(field, _("choose %(what)s to cite") % {"what": label})
    if obj.case_id != case.pk:
        raise InvalidInput(
            field, _("%(record)s belongs to another case") % {"record": object_id(obj)}
        )
    if getattr(obj, "deleted_at", None) is not None:
        raise InvalidInput(field, _("%(record)s was deleted") % {"record": object_id(obj)})
    return obj


def do_cite_evidence(
    actor: Any,
    case: Case,
    element: str,
    kind: str,
    stance: str,
    *,
    act: Act | None = None,
    excerpt: Excerpt | None = None,
    item: EvidenceItem | None = None,
    estimate: EstimateRun | None = None,
    indicator: str = "",
    note: str = "",
    credibility: str = "",
    suspect: Person | None = None,
) -> ElementCitation:
    """Cite an item for an element as supporting or contradicting it, optionally with how
    credible the item is (a `credibility` term), graded apart from its source's reliability.

    `kind` says which of `act`, `excerpt`, `item` (a document), `indicator` (a pattern
    indicator's key) or `estimate` is cited; the item must be of the same case and live. The
    same item with the same stance is cited once per element.
    """
    if kind not in KINDS:
        raise InvalidInput(
            "kind",
            _("%(value)s is not one of %(kinds)s")
            % {"value": repr(kind), "kinds": ", ".join(KINDS)},
        )
    if stance not in STANCES:
        raise InvalidInput(
            "stance",
            _("%(value)s is not one of %(kinds)s")
            % {"value": repr(stance), "kinds": ", ".join(STANCES)},
        )
    note = (note or "").strip()
    check_length("note", note, NOTE_LIMIT)
    credibility = check_term("credibility", "credibility", (credibility or "").strip())
    _suspect(case, suspect)
    _element(case, element, suspect)
    target: dict[str, Any] = {}
    if kind == "act":
        target["act"] = _live("act", act, case, _("an act"))
    elif kind == "excerpt":
        target["excerpt"] = _live("excerpt", excerpt, case, _("an excerpt"))
    elif kind == "document":
        target["item"] = _live("item", item, case, _("a document"))
    elif kind == "estimate":
        target["estimate"] = _live("estimate", estimate, case, _("an estimate"))
    else:
        if indicator not in INDICATOR_KEYS:
            raise InvalidInput(
                "indicator",
                _("%(value)s is not an indicator of the patterns report")
                % {"value": repr(indicator)},
            )
        target["indicator"] = indicator
    with transaction.atomic():
        require_role(actor, case, WRITE_ROLES, gettext_noop("cite evidence in the element matrix"))
        same = ElementCitation.objects.live().filter(
            case=case, element=element, suspect=suspect, kind=kind, stance=stance, **target
        )
        if same.exists():
            raise InvalidInput(kind, _("this item is already cited for this element"))
        citation = ElementCitation.objects.create(
            case=case,
            element=element,
            suspect=suspect,
            kind=kind,
            stance=stance,
            credibility=credibility,
            note=note,
            cited_by=actor if getattr(actor, "pk", None) else None,
            **target,
        )
        names = ["element", "suspect", "kind", "stance", "credibility", *target, "note"]
        record_write(actor, "cite_evidence", citation, changes(citation, names))
    return citation


def do_withdraw_citation(actor: Any, citation: ElementCitation, reason: str) -> ElementCitation:
    """Withdraw a citation with a reason: the row stays, out of the matrix."""
    return _take_out(
        actor,
        citation,
        reason,
        field="citation",
        permission=gettext_noop("cite evidence in the element matrix"),
        already=lambda row: _("this citation was already withdrawn"),
        action="withdraw_citation",
        fields=["element", "suspect", "deleted_reason"],
    )


# -- ratings --------------------------------------------------------------------------------


def do_rate_element(
    actor: Any,
    case: Case,
    element: str,
    status: str,
    reasoning: str,
    *,
    suspect: Person | None = None,
    restricted: bool = True,
) -> ElementRating:
    """Set an element's rung (`ladder.reasonable_grounds`) with written reasoning.

    The entry holds the new rung and the one before it, so the audit log is the rating's
    history; the reasoning is encrypted and named only.
    """
    try:
        rung = Ladder.from_term(status)
    except ValueError:
        raise InvalidInput(
            "status", _("%(value)s is not a rung of the ladder") % {"value": repr(status)}
        ) from None
    reasoning = (reasoning or "").strip()
    if not reasoning:
        raise InvalidInput("reasoning", _("a rating needs written reasoning"))
    check_length("reasoning", reasoning, REASONING_LIMIT)
    _suspect(case, suspect)
    _element(case, element, suspect)
    with transaction.atomic():
        require_role(actor, case, WRITE_ROLES, gettext_noop("rate elements of the matrix"))
        found = (
            ElementRating.objects.select_for_update()
            .filter(case=case, element=element, suspect=suspect)
            .first()
        )
        before = None if found is None else {"status": found.status, "restricted": found.restricted}
        rating = found or ElementRating(case=case, element=element, suspect=suspect)
        rating.status = rung.term_id
        rating.reasoning = reasoning
        rating.restricted = bool(restricted)
        rating.analyst = actor if getattr(actor, "pk", None) else None
        rating.analyst_name = actor_name(actor)
        rating.rated_at = timezone.now()
        rating.save()
        payload = changes(
            rating, ["element", "suspect", "status", "restricted", "analyst_name", "reasoning"]
        )
        payload["before"] = before
        payload["reasoning_length"] = len(reasoning)
        record_write(actor, "rate_element", rating, payload)
    return rating
