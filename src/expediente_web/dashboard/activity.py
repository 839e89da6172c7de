"""The case's latest activity as the dashboard shows it: who did what to which record, when —
never a value. A change names the fields it changed (a protected one as protected), not what
they held; a partner sees neither who did it nor the team's own business (comments, members).
"""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from expediente_web.audit.models import AuditEntry
from expediente_web.records.history import _field_name
from expediente_web.workspace.kinds import KINDS
from expediente_web.workspace.views.history import ACTION_LABELS, FIELD_LABELS

PARTNER = "role.partner"

#: Entries a partner does not see: the team's discussion and its members.
TEAM_ONLY = ("add_comment", "add_membership", "revoke_membership", "change_role")

LABELS = {
    **ACTION_LABELS,
    "create_case": _("created the case"),
    "import_table": _("imported a list"),
    "import_structure": _("imported places and units"),
    "run_linkage": _("ran person linkage"),
    "run_estimate": _("ran an estimate"),
    "decide_pair": _("decided on a pair of records"),
    "store_evidence": _("added evidence"),
    "record_custody_event": _("recorded a custody event"),
    "create_excerpt": _("marked an excerpt"),
    "cite_excerpt": _("cited an excerpt"),
    "add_comment": _("commented"),
    "add_membership": _("changed the team"),
    "revoke_membership": _("changed the team"),
    "enqueue_job": _("started a job"),
    "create_source": _("added a source"),
}

OBJECT_LABELS = {
    **{slug: kind.label for slug, kind in KINDS.items()},
    "source": _("source"),
    "import_batch": _("import"),
    "importbatch": _("import"),
    "linkrun": _("linkage run"),
    "estimaterun": _("estimate"),
    "evidenceitem": _("evidence item"),
}

#: How many changed fields an entry names before "…".
FIELDS_SHOWN = 6


def present(entries: list[AuditEntry], case_code: str, role: str) -> list[dict[str, Any]]:
    """The entries as rows of the activity list, the reader's role applied."""
    partner = role == PARTNER
    rows = []
    for entry in entries:
        if partner and entry.action in TEAM_ONLY:
            continue
        payload = entry.payload or {}
        creating = entry.action.startswith("create_")
        rows.append(
            {
                "seq": entry.seq,
                "at": entry.at,
                "actor": None if partner else entry.actor,
                "action": _action(entry.action),
                "known": entry.action in LABELS or creating,
                "action_id": entry.action,
                "object": OBJECT_LABELS.get(entry.object_type, ""),
                "href": _link(entry, case_code),
                "fields": [] if creating else _fields(payload),
                "rows": payload.get("rows") if entry.action == "import_table" else None,
            }
        )
    return rows


def _action(action: str) -> Any:
    if action in LABELS:
        return LABELS[action]
    if action.startswith("create_"):
        return ACTION_LABELS["create"]
    if action.startswith("update_"):
        return ACTION_LABELS["update"]
    return _("made another change")


def _link(entry: AuditEntry, case_code: str) -> str:
    kind = KINDS.get(entry.object_type)
    try:
        if kind is not None and entry.object_id:
            return reverse(kind.detail, kwargs={"code": case_code, "uid": entry.object_id})
        if entry.object_type == "source" and entry.object_id:
            return reverse(
                "workspace:source", kwargs={"code": case_code, "source": entry.object_id}
            )
    except NoReverseMatch:
        return ""
    return ""


def _fields(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """The fields an entry changed, by label; protected ones marked, values never read."""
    names: list[str] = []
    for raw in payload.get("fields") or {}:
        name = _field_name(str(raw))
        if name is not None and name not in names:
            names.append(name)
    found = [{"label": FIELD_LABELS.get(n, n), "protected": False} for n in names]
    found += [
        {"label": FIELD_LABELS.get(n, n), "protected": True}
        for n in payload.get("protected_changed") or ()
    ]
    if len(found) > FIELDS_SHOWN:
        found = [*found[:FIELDS_SHOWN], {"label": "…", "protected": False}]
    return found
