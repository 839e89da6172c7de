"""`{% discussion_thread record %}`: a record page's thread; `{% unread_notifications %}`: the
header's link to the notifications with the number unread."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.exceptions import PermissionDenied

from expediente_web.discussion.access import unread_count
from expediente_web.discussion.present import thread

register = template.Library()


@register.inclusion_tag("discussion/_thread.html", takes_context=True)
def discussion_thread(context: template.Context, record: Any) -> dict[str, Any]:
    """The thread of `record` for the page's reader; nothing for a role that does not read the
    discussion (a partner)."""
    request = context["request"]
    try:
        # The page read the reader's role in this request (`access_case_by_code`).
        shown = thread(request.user, context["case"], record, role=context.get("role"))
    except PermissionDenied:
        return {"thread_hidden": True}
    return {**shown, "request": request, "csrf_token": context.get("csrf_token")}


@register.inclusion_tag("discussion/_unread.html", takes_context=True)
def unread_notifications(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"unread": unread_count(user)}
