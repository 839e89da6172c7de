"""Audited writes of the discussion: posting a comment (with its mentions and notifications),
deleting one's own comment, and marking notifications read."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from expediente_web.audit.record import record_write
from expediente_web.cases.access import NotPermitted, require_role
from expediente_web.cases.validation import InvalidInput, check_required
from expediente_web.discussion import mentions
from expediente_web.discussion.access import POST_ROLES, discussion_members
from expediente_web.discussion.models import Notification
from expediente_web.discussion.targets import kind_of
from expediente_web.records.actions import do_add_comment, do_delete_record
from expediente_web.records.models import Comment


def do_post_comment(
    actor: Any, target: models.Model, body: str, *, parent: Comment | None = None
) -> Comment:
    """A comment on a record (or a reply), and a notification for each member it mentions and
    for the author of the comment replied to. Mentions of anyone who does not read the case's
    discussion are left as text and notify nobody. The comment is audited by `do_add_comment`;
    the notifications, when there are any, by one entry naming who was notified."""
    kind = kind_of(target)
    with transaction.atomic():
        comment = do_add_comment(actor, target, body, parent=parent)
        members = discussion_members(comment.case)
        wanted: dict[int, tuple[Any, str]] = {}
        for user in mentions.resolve(mentions.mentioned_names(body), members):
            wanted[user.pk] = (user, Notification.MENTION)
        if parent is not None and parent.author_id not in wanted:
            author = next((u for u in members.values() if u.pk == parent.author_id), None)
            if author is not None:
                wanted[author.pk] = (author, Notification.REPLY)
        wanted.pop(actor.pk, None)
        if wanted:
            Notification.objects.bulk_create(
                Notification(
                    user=user,
                    case=comment.case,
                    comment=comment,
                    kind=why,
                    record_kind=kind.name,
                    record_ref=kind.ref(target),
                )
                for user, why in wanted.values()
            )
            record_write(
                actor,
                "notify_members",
                comment,
                {
                    "comment": comment.pk,
                    "notified": sorted(f"{user.username}:{why}" for user, why in wanted.values()),
                },
            )
    return comment


def do_delete_comment(actor: Any, comment: Comment, reason: str) -> Comment:
    """Soft-delete one's own comment with a reason (audited by `do_delete_record`): only its
    author, and only while they may still comment in the case."""
    with transaction.atomic():
        require_role(actor, comment.case, POST_ROLES, gettext_noop("delete a comment"))
        if comment.author_id != getattr(actor, "pk", None):
            raise NotPermitted(_("only its author may delete a comment"))
        check_required("reason", reason)
        deleted = do_delete_record(actor, comment, reason)
    assert isinstance(deleted, Comment)  # noqa: S101 (type narrowing for mypy; the invariant is set just above)
    return deleted


def do_mark_notification_read(user: Any, notification: Notification) -> Notification:
    """Mark one of the user's notifications read (again: nothing changes, nothing is written)."""
    if notification.user_id != getattr(user, "pk", None):
        raise NotPermitted(_("a notification is read only by the user it is for"))
    if notification.read_at is not None:
        return notification
    with transaction.atomic():
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        record_write(
            user,
            "read_notification",
            notification,
            {"notification": notification.pk, "comment": notification.comment_id},
            case_code=notification.case.code,
        )
    return notification


def do_mark_all_notifications_read(user: Any, notifications: models.QuerySet[Notification]) -> int:
    """Mark the given notifications of the user read; the number that were unread."""
    if not getattr(user, "is_authenticated", False):
        raise InvalidInput("user", _("only a signed-in user has notifications"))
    with transaction.atomic():
        unread = notifications.filter(user=user, read_at__isnull=True)
        ids = list(unread.values_list("pk", flat=True))
        if not ids:
            return 0
        Notification.objects.filter(pk__in=ids).update(read_at=timezone.now())
        record_write(user, "read_all_notifications", user, {"notifications": ids})
    return len(ids)
