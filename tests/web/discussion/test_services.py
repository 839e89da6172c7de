"""Posting comments: mentions resolve only to members who read the case's discussion, who are
notified; replies notify the author replied to; deleting one's own comment; reading
notifications. Every write is audited."""

from __future__ import annotations

import pytest

from expediente_web.audit.models import AuditEntry
from expediente_web.cases.access import NotPermitted
from expediente_web.cases.validation import InvalidInput
from expediente_web.discussion.actions import (
    do_delete_comment,
    do_mark_all_notifications_read,
    do_mark_notification_read,
    do_post_comment,
)
from expediente_web.discussion.mentions import mentioned_names
from expediente_web.discussion.models import Notification

pytestmark = pytest.mark.django_db


def _notified(comment) -> dict[str, str]:
    return {n.user.username: n.kind for n in comment.notifications.select_related("user")}


def test_a_mention_of_a_member_notifies_them_with_a_link_to_the_record(record, documenter, analyst):
    before = AuditEntry.objects.count()
    comment = do_post_comment(documenter, record.act, "@ana_analyst ¿puedes revisar la fecha?")
    assert _notified(comment) == {"ana_analyst": "mention"}
    note = Notification.objects.get(user=analyst)
    assert (note.record_kind, note.record_ref) == ("act", str(record.act.uid))
    assert note.read_at is None and note.case == record.case
    actions = list(AuditEntry.objects.order_by("seq")[before:].values_list("action", flat=True))
    assert actions == ["add_comment", "notify_members"]


def test_mentions_reach_only_members_who_read_the_discussion(
    record, documenter, viewer, partner, expired_partner, other_case_member, make_user
):
    make_user("nadie_registrado")  # a user of the site, in no case
    body = (
        "@vera_viewer @pablo_partner @ema_expired @otto_other @nadie_registrado "
        "@no_such_user y @dora_documenter"
    )
    comment = do_post_comment(documenter, record.act, body)
    # The viewer reads the discussion; a partner, live or expired, a member of another case, a
    # user in no case and an unknown name do not; one does not notify oneself.
    assert _notified(comment) == {"vera_viewer": "mention"}
    assert comment.body == body  # the text is kept as written


def test_a_mention_is_found_whole_and_once():
    assert mentioned_names("@ana_analyst, @ana_analyst. (@rita.r) correo@ejemplo.org @") == [
        "ana_analyst",
        "rita.r",
    ]


def test_a_mention_may_differ_in_case_when_no_other_member_does(record, documenter, analyst):
    comment = do_post_comment(documenter, record.act, "Gracias, @ANA_Analyst")
    assert _notified(comment) == {"ana_analyst": "mention"}


def test_a_reply_notifies_the_author_replied_to(record, documenter, reviewer, analyst):
    first = do_post_comment(reviewer, record.testimony, "La fecha no coincide con el acta.")
    reply = do_post_comment(documenter, record.testimony, "Corregida.", parent=first)
    assert _notified(reply) == {"rita_reviewer": "reply"}
    # Replying to one's own comment notifies nobody; a mention of the parent's author counts once.
    own = do_post_comment(reviewer, record.testimony, "Gracias.", parent=reply)
    assert _notified(own) == {"dora_documenter": "reply"}
    both = do_post_comment(analyst, record.testimony, "@rita_reviewer visto", parent=first)
    assert _notified(both) == {"rita_reviewer": "mention"}


def test_who_may_post(
    record,
    documenter,
    analyst,
    reviewer,
    viewer,
    partner,
    expired_partner,
    other_case_member,
    owner,
):
    for user in (owner, documenter, analyst, reviewer):
        do_post_comment(user, record.event, f"nota de {user.username}")
    for user in (viewer, partner, expired_partner, other_case_member):
        with pytest.raises(NotPermitted):
            do_post_comment(user, record.event, "no debería quedar")
    assert record.case.comments.count() == 4


def test_a_bad_comment_is_refused_and_changes_nothing(record, documenter, analyst):
    before = (AuditEntry.objects.count(), Notification.objects.count())
    with pytest.raises(InvalidInput) as empty:
        do_post_comment(documenter, record.act, "   @ana_analyst"[:3])
    assert empty.value.field == "body"
    with pytest.raises(InvalidInput) as long:
        do_post_comment(documenter, record.act, "@ana_analyst " + "x" * 20_000)
    assert long.value.field == "body"
    elsewhere = do_post_comment(documenter, record.event, "en otro registro")
    with pytest.raises(InvalidInput) as wrong_parent:
        do_post_comment(documenter, record.act, "@ana_analyst respuesta", parent=elsewhere)
    assert wrong_parent.value.field == "parent"
    assert Notification.objects.count() == before[1]
    assert AuditEntry.objects.count() == before[0] + 1  # only the comment on the event


def test_only_the_author_deletes_a_comment_with_a_reason(record, documenter, owner, analyst):
    comment = do_post_comment(documenter, record.act, "@ana_analyst borrador")
    with pytest.raises(NotPermitted):
        do_delete_comment(owner, comment, "no me gusta")
    with pytest.raises(InvalidInput) as no_reason:
        do_delete_comment(documenter, comment, " ")
    assert no_reason.value.field == "reason"
    comment.refresh_from_db()
    assert comment.deleted_at is None
    do_delete_comment(documenter, comment, "escrito en el registro equivocado")
    comment.refresh_from_db()
    assert comment.deleted_at is not None
    assert comment.deleted_reason == "escrito en el registro equivocado"
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "delete_record"
    with pytest.raises(InvalidInput):
        do_delete_comment(documenter, comment, "otra vez")


def test_an_author_whose_role_ended_cannot_delete(record, documenter, owner):
    from expediente_web.cases.models import Membership

    comment = do_post_comment(documenter, record.act, "nota")
    Membership.objects.filter(user=documenter).update(role="role.viewer")
    with pytest.raises(NotPermitted):
        do_delete_comment(documenter, comment, "ya no")


def test_marking_read_one_and_all(record, documenter, analyst, reviewer):
    do_post_comment(documenter, record.act, "@ana_analyst uno")
    do_post_comment(documenter, record.event, "@ana_analyst dos")
    do_post_comment(documenter, record.event, "@rita_reviewer tres")
    first = Notification.objects.filter(user=analyst).order_by("id").first()
    with pytest.raises(NotPermitted):
        do_mark_notification_read(reviewer, first)
    before = AuditEntry.objects.count()
    do_mark_notification_read(analyst, first)
    do_mark_notification_read(analyst, first)  # again: nothing more is written
    assert AuditEntry.objects.count() == before + 1
    assert do_mark_all_notifications_read(analyst, Notification.objects.all()) == 1
    assert not Notification.objects.filter(user=analyst, read_at__isnull=True).exists()
    # Someone else's unread notification is not touched by "mark all".
    assert Notification.objects.filter(user=reviewer, read_at__isnull=True).count() == 1
    assert do_mark_all_notifications_read(analyst, Notification.objects.all()) == 0


def test_a_member_whose_access_expired_is_not_mentioned(record, documenter, reviewer, analyst):
    import datetime as dt

    from django.utils import timezone

    from expediente_web.cases.models import Membership

    Membership.objects.filter(user=reviewer).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    comment = do_post_comment(documenter, record.act, "@rita_reviewer @ana_analyst")
    assert _notified(comment) == {"ana_analyst": "mention"}
