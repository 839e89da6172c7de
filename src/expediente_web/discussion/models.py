"""A user's notifications: a member mentioned them in a comment, or replied to theirs.

The comments themselves are `records.Comment`. A notification keeps the kind of the record
commented on and its reference (a uid, or a source's code) so that its link needs no query per
row; it keeps no text of the comment or the record, so nothing of either outlives the reader's
access to the case (the list reads the membership again on every request).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from expediente_web.cases.models import Case
from expediente_web.records.models import Comment


class Notification(models.Model):
    MENTION = "mention"
    REPLY = "reply"
    KINDS = ((MENTION, "mentioned you"), (REPLY, "replied to your comment"))

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(Comment, on_delete=models.PROTECT, related_name="notifications")
    kind = models.CharField(max_length=16, choices=KINDS)
    record_kind = models.CharField(max_length=32)
    record_ref = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["user", "comment"], name="one_notification_a_comment"),
        )
        indexes = (models.Index(fields=["user", "read_at"]),)
        ordering = ["-created_at", "-id"]  # noqa: RUF012 (Django reads a list)

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id} on comment {self.comment_id}"
