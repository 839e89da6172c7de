"""A record's history as a page shows it, and the page of a deleted record.

`present` turns the audit entries of a record (`records.history`) into rows a reader can follow:
field labels in their language, vocabulary terms by label, places, events and units by name,
persons by pseudonym, dates as written. A protected field is only ever shown as changed.
Names of the records an entry points to are read in one query per kind, whatever the number of
entries.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from expediente_web.protection.cipher import pseudonym
from expediente_web.records.access import (
    access_deleted_record,
    access_record_by_uid,
)
from expediente_web.records.history import FieldChange, HistoryEntry, access_history
from expediente_web.records.models import Event, Location, Unit
from expediente_web.site.templatetags.vocab import term, terms
from expediente_web.workspace.kinds import KINDS, Kind, kind_named
from expediente_web.workspace.listing import paginate
from expediente_web.workspace.templatetags.records import when
from expediente_web.workspace.views.common import reader

FIELD_LABELS = {
    "act_type": _("Type"),
    "methods": _("Methods"),
    "date": _("Date"),
    "start": _("Start"),
    "end": _("End"),
    "location": _("Place"),
    "event": _("Event"),
    "outcome": _("Outcome"),
    "description": _("Description"),
    "notes": _("Notes"),
    "victim": _("Victim"),
    "source": _("Source"),
    "source_record_id": _("Row in the source"),
    "full_name": _("Full name"),
    "given_names": _("Given names"),
    "first_surname": _("First surname"),
    "second_surname": _("Second surname"),
    "nickname": _("Nickname"),
    "id_number": _("ID number"),
    "birth_date": _("Birth date"),
    "phone": _("Phone"),
    "address": _("Address"),
    "sex": _("Sex"),
    "age": _("Age"),
    "age_band": _("Age band"),
    "occupation": _("Occupation"),
    "affiliation": _("Affiliation"),
    "state": _("Home state"),
    "narrative": _("Narrative"),
    "language": _("Language"),
    "witness": _("Witness"),
    "witness_name": _("Witness name"),
    "witness_contact": _("Witness contact"),
    "interviewer": _("Interviewer"),
    "consent_scopes": _("Consent given for"),
    "title": _("Title"),
    "code": _("Code"),
    "name": _("Name"),
    "acronym": _("Acronym"),
    "unit_type": _("Type"),
    "kind": _("Kind"),
    "parent": _("Part of"),
    "latitude": _("Latitude"),
    "longitude": _("Longitude"),
}

ACTION_LABELS = {
    "update": _("changed"),
    "create": _("created the record"),
    "add_involvement": _("added a perpetrator"),
    "add_measured_fact": _("added a measured fact"),
    "delete_record": _("deleted the record"),
    "restore_record": _("restored the record"),
    "submit_for_review": _("submitted it for review"),
    "verify": _("verified the record"),
    "return_to_draft": _("returned it to draft"),
    "record_consent": _("recorded consent given"),
    "withdraw_consent": _("recorded a withdrawal of consent"),
    "add_appearance": _("linked it to a hearing"),
}

STATUS_LABELS = {
    "draft": _("draft"),
    "submitted": _("submitted"),
    "verified": _("verified"),
}

REVIEW_CHOICES = [("", _("any")), *STATUS_LABELS.items()]


def filter_review(rows: Any, status: str) -> Any:
    """Acts or testimonies in one review status; a record never reviewed is a draft."""
    from django.db.models import Q

    if status == "draft":
        return rows.filter(Q(review__isnull=True) | Q(review__status="draft"))
    return rows.filter(review__status=status)


_TERM_FIELDS = {
    "act_type",
    "outcome",
    "sex",
    "affiliation",
    "kind",
    "unit_type",
    "degree",
    "measure",
}
_TERMS_FIELDS = {"methods", "consent_scopes"}
_DATE_FIELDS = {"date", "start", "end", "birth_date"}
_PERSON_FIELDS = {"victim", "witness", "person"}
# field → model whose uid it holds (a unit's parent is a unit; any other parent a place)
_NAMED = {"location": Location, "state": Location, "event": Event}


def action_label(action: str) -> Any:
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    return ACTION_LABELS["create" if action.startswith("create_") else "update"]


def _names(entries: list[HistoryEntry], parent_model: type[Any]) -> dict[str, str]:
    """uid → name of every place, event and unit the entries point to (one query per kind)."""
    wanted: dict[type[Any], set[str]] = {}
    for entry in entries:
        for change in entry.changes:
            model = parent_model if change.name == "parent" else _NAMED.get(change.name)
            if model is None:
                continue
            for value in (change.before, change.after):
                if isinstance(value, str) and value:
                    wanted.setdefault(model, set()).add(value)
        if entry.details.get("unit"):
            wanted.setdefault(Unit, set()).add(entry.details["unit"])
    found: dict[str, str] = {}
    for model, uids in wanted.items():
        label = "title" if model is Event else "name"
        for uid, name in model.objects.filter(uid__in=sorted(uids)).values_list("uid", label):
            found[str(uid)] = name
    return found


def _shown(name: str, value: Any, names: dict[str, str]) -> str:
    if value in (None, "", []):
        return "—"
    if name in _TERMS_FIELDS:
        return terms(value)
    if name in _TERM_FIELDS:
        return term(str(value))
    if name in _DATE_FIELDS:
        return when(str(value))
    if name in _PERSON_FIELDS:
        return pseudonym("R", str(value))
    if name in _NAMED or name in ("parent", "unit"):
        return names.get(str(value), str(value))
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    return str(value)


def present(
    entries: list[HistoryEntry], kind: Kind, *, role: str | None = None, record: Any = None
) -> list[dict[str, Any]]:
    """The entries, newest first, as the history template shows them; the history of a
    testimony read by `role` keeps back what the witness's consent keeps from that role."""
    names = _names(entries, Unit if kind.slug == "unit" else Location)
    rows = []
    for entry in reversed(entries):
        changes = []
        for change in entry.changes:
            changes.append(_change_row(change, names))
        details = dict(entry.details)
        review = details.pop("review", None)
        if review:
            review = {
                "before": STATUS_LABELS.get(review.get("from"), review.get("from")),
                "after": STATUS_LABELS.get(review.get("to"), review.get("to")),
            }
        extra = []
        if entry.action == "add_involvement":
            who = [
                _shown("person", details.get("person"), names) if details.get("person") else "",
                _shown("unit", details.get("unit"), names) if details.get("unit") else "",
            ]
            extra.append(" · ".join(w for w in who if w) + f" ({term(details.get('degree'))})")
        elif entry.action in ("record_consent", "withdraw_consent"):
            extra.append(", ".join(term(scope) for scope in details.get("scopes") or []))
        elif entry.action == "add_measured_fact":
            extra.append(
                f"{term(details.get('measure'))}: {details.get('value')} "
                f"{details.get('unit') or ''}".strip()
            )
        rows.append(
            {
                "seq": entry.seq,
                "at": entry.at,
                "actor": entry.actor,
                "action": action_label(entry.action),
                "action_id": entry.action,
                "creating": entry.action.startswith("create_"),
                "changes": changes,
                "review": review,
                "reason": details.get("reason", ""),
                "deleted_reason": details.get("deleted_reason", ""),
                "extra": extra,
            }
        )
    if kind.slug == "testimony" and record is not None:
        rows = _consent_shielded(role, record, rows)
    return rows


def _change_row(change: FieldChange, names: dict[str, str]) -> dict[str, Any]:
    row: dict[str, Any] = {
        "name": change.name,
        "label": FIELD_LABELS.get(change.name, change.name),
        "protected": change.protected,
        "length": change.length,
    }
    if change.protected:
        return row
    if change.length:
        row.update(before=change.before, after=change.after)
        return row
    row["after"] = _shown(change.name, change.after, names)
    row["before"] = _shown(change.name, change.before, names) if change.known_before else None
    return row


def _consent_shielded(
    role: str | None, testimony: Any, rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The history of a testimony with the words of its notes replaced by the notice where the
    witness's consent keeps them from the reader (its narrative is logged by length only)."""
    from expediente_web.records.consent import recipient_of_role, release_for, withheld_notice

    if release_for(role, testimony.consent_scopes).notes:
        return rows
    notice = withheld_notice(recipient_of_role(role))
    for row in rows:
        for change in row["changes"]:
            if change["name"] == "notes" and not change["protected"]:
                change["after"] = notice
                change["before"] = notice if change.get("before") is not None else None
    return rows


def deletion_of(entries: list[HistoryEntry]) -> HistoryEntry | None:
    """The entry of the record's latest deletion."""
    for entry in reversed(entries):
        if entry.action == "delete_record":
            return entry
    return None


@login_required
def record_history(request: HttpRequest, code: str, kind: str, uid: str) -> HttpResponse:
    """Every change to one record, newest first, paged."""
    spec = kind_named(kind)
    r = reader(request, code)
    record = access_deleted_record(request.user, r.case, spec.model, uid)
    if record is None:
        record = access_record_by_uid(request.user, r.case, spec.model, uid)
    entries = access_history(request.user, r.case, record)
    rows = present(entries, spec, role=r.role, record=record)
    page = paginate(request, rows, per_page=25)
    return r.render(
        "workspace/record_history.html",
        {"record": record, "kind": spec, "page": page, "rows": list(page)},
    )


def or_deleted(slug: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A record page that, for a deleted record, says it was deleted — why, by whom and when —
    with its history and, for those who may, a way to restore it (instead of "not found")."""
    kind = KINDS[slug]

    def wrap(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def page(request: HttpRequest, code: str, uid: str, *args: Any, **kw: Any) -> HttpResponse:
            try:
                return view(request, code, uid, *args, **kw)
            except Http404:
                r = reader(request, code)
                record = access_deleted_record(request.user, r.case, kind.model, uid)
                if record is None:
                    raise
            entries = access_history(request.user, r.case, record)
            deletion = deletion_of(entries)
            rows = present(entries, kind, role=r.role, record=record)
            response = r.render(
                "workspace/record_deleted.html",
                {
                    "record": record,
                    "kind": kind,
                    "deletion": deletion,
                    "rows": rows[:10],
                    "more": len(rows) > 10,
                    "can_restore": r.role in _writers(),
                },
            )
            response.status_code = 410  # Gone: there was a record here, deleted, restorable
            return response

        return page

    return wrap


def _writers() -> frozenset[str]:
    from expediente_web.cases.access import WRITE_ROLES

    return WRITE_ROLES
