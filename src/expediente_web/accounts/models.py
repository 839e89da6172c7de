"""Storage for invitations; memberships themselves live in `cases` (they belong to a case)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Invitation(models.Model):
    """A one-time link with which an invited member sets the password of their new account.

    Only the SHA-256 of the token is kept: whoever reads the database cannot use a pending
    invitation. Used or past `expires_at`, it opens nothing.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    token_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"invitation of {self.user} to {self.case}"
