"""Storage of API tokens: one row per token a user holds for one case, never the token itself.

A token is shown once, when it is made; the row keeps only its SHA-256 (`digest`) and its first
characters (`prefix`), which are enough to recognise it in a list and useless to call the API
with. Rules live in `actions.py` (making and revoking, audited) and `auth.py` (using one).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from expediente_web.cases.models import Case

READ = "read"
WRITE = "write"
SCOPES = (READ, WRITE)


class ApiToken(models.Model):
    """A user's revocable key to one case's record through the API, to read or to write."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="api_tokens")
    scope = models.CharField(max_length=8, choices=[(s, s) for s in SCOPES])
    name = models.CharField(max_length=100, blank=True, help_text="what the token is for")
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=150)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]  # noqa: RUF012 (Django reads a list)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.scope}) of {self.user_id} in {self.case_id}"
