"""`{% record_tools record %}`: what every record page ends with — its review status and the
steps the reader may take, a link to change it, its history (the latest changes, with a link to
all of them) and deleting it with a reason.

Reads through the access layer as the reader of the page (`request.user`), two queries: the
record's history and, for an act or a testimony, its review.
"""

from __future__ import annotations

from typing import Any

from django import template

from expediente_web.cases.access import WRITE_ROLES
from expediente_web.records import actions
from expediente_web.records.history import access_history
from expediente_web.records.models import Review, ReviewStatus
from expediente_web.workspace.kinds import kind_of
from expediente_web.workspace.views.history import STATUS_LABELS, present

register = template.Library()

LATEST = 5


def review_of(record: Any) -> Review | None:
    key = "act" if record._meta.model_name == "act" else "testimony"
    return (
        Review.objects.select_related("submitted_by", "verified_by").filter(**{key: record}).first()
    )


@register.inclusion_tag("workspace/_record_tools.html", takes_context=True)
def record_tools(context: template.Context, record: Any) -> dict[str, Any]:
    request = context["request"]
    case, role = context["case"], context.get("role")
    kind = kind_of(record)
    rows = present(access_history(request.user, case, record), kind, role=role, record=record)
    review = review_of(record) if kind.reviewed else None
    status = review.status if review else ReviewStatus.DRAFT
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "case": case,
        "record": record,
        "kind": kind,
        "can_edit": role in WRITE_ROLES,
        "rows": rows[:LATEST],
        "more": len(rows) > LATEST,
        "review": review,
        "status": status,
        "status_label": STATUS_LABELS[status],
        "can_submit": kind.reviewed and status == "draft" and role in actions.SUBMIT_ROLES,
        "can_verify": kind.reviewed and status == "submitted" and role in actions.VERIFY_ROLES,
        "can_return": kind.reviewed and status != "draft" and role in actions.RETURN_ROLES,
    }


@register.filter
def review_label(status: str | None) -> str:
    return str(STATUS_LABELS.get(status or "draft", status))
