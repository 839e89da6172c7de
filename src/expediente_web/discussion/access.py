"""Permission-checked reads of the discussion: threads, the case's comments, notifications.

Who reads and who writes (see docs/concepts/discussion.md):
- the discussion is the case team's own: every role but `partner` reads it (an outside
  organisation reads the record, not what the team says about it);
- `COMMENT_ROLES` (owner, analyst, documenter, reviewer) post and reply, as `do_add_comment`
  enforces; a viewer reads only;
- someone outside the case gets a 404, an expired member a 403, as for the record pages.
A comment's body is shown whole to a role that sees protected fields; for the others the names
and numbers of the people the record names are replaced by pseudonyms, as search and the API do.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from expediente_web.cases.access import (
    COMMENT_ROLES,
    READ_ROLES,
    NotPermitted,
    live_memberships,
    require_role,
)
from expediente_web.cases.models import Case
from expediente_web.discussion.models import Notification
from expediente_web.records.models import Comment

DISCUSSION_ROLES = READ_ROLES - {"role.partner"}
POST_ROLES = COMMENT_ROLES


def require_discussion(user: Any, case: Case) -> str:
    """The user's role, if it reads the case's discussion; `NotPermitted` (403) otherwise."""
    return require_role(user, case, DISCUSSION_ROLES, gettext_noop("read the discussion"))


def require_discussion_role(user: Any, case: Case, role: str | None = None) -> str:
    """As `require_discussion`; a caller that read the user's role in this request already
    (a record page, through `access_case_by_code`) passes it and saves the query."""
    if role is None:
        return require_discussion(user, case)
    if role not in DISCUSSION_ROLES:
        raise NotPermitted(
            _("role %(role)s may not read the discussion in case %(case)s")
            % {"role": role, "case": case.code}
        )
    return role


def access_thread_comments(
    user: Any, case: Case, target: Any, role: str | None = None
) -> list[Comment]:
    """Every comment on the record, deleted ones too (a deleted comment with replies keeps its
    place in the thread), oldest first, with their authors."""
    from django.contrib.contenttypes.models import ContentType

    require_discussion_role(user, case, role)
    return list(
        Comment.objects.filter(
            case=case, target_type=ContentType.objects.get_for_model(target), target_id=target.pk
        )
        .select_related("author")
        .order_by("created_at", "id")
    )


def access_case_comments(user: Any, case: Case) -> QuerySet[Comment]:
    """The case's live comments, newest first."""
    require_discussion(user, case)
    return (
        Comment.objects.live()
        .filter(case=case)
        .select_related("author", "target_type")
        .order_by("-created_at", "-id")
    )


def access_comment(user: Any, case: Case, pk: int) -> Comment:
    """One live comment of the case; 404 when there is none."""
    comment = access_case_comments(user, case).filter(pk=pk).first()
    if comment is None:
        raise Http404(f"No comment {pk} in case {case.code}")
    return comment


def discussion_members(case: Case) -> dict[str, Any]:
    """User name → user, for every member who reads the case's discussion now: the only people
    a mention can name."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(
        pk__in=live_memberships().filter(case=case, role__in=DISCUSSION_ROLES).values("user_id"),
        is_active=True,
    )
    return {u.username: u for u in users.only("id", "username")}


def _readable(user: Any) -> QuerySet[Notification]:
    cases = live_memberships().filter(user=user, role__in=DISCUSSION_ROLES).values("case_id")
    return Notification.objects.filter(
        user=user, case_id__in=cases, comment__deleted_at__isnull=True
    )


def access_notifications(user: Any) -> QuerySet[Notification]:
    """The user's notifications, newest first, of the cases whose discussion they still read and
    of comments not deleted since."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return _readable(user).select_related("case", "comment__author")


def unread_count(user: Any) -> int:
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return _readable(user).filter(read_at__isnull=True).count()


def access_notification(user: Any, pk: int) -> Notification:
    """One of the user's own notifications; 404 for anyone else's, or one they no longer may
    read."""
    found = access_notifications(user).filter(pk=pk).first()
    if found is None:
        raise Http404(f"No notification {pk}")
    return found


def can_post(role: str) -> bool:
    return role in POST_ROLES
