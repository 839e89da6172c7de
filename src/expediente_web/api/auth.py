"""Using a token: `Authorization: Bearer exp_…` on every request; no session, no cookie.

A token works while it is neither revoked nor past its expiry, its holder is active and still
holds the role that they held when it was made (a membership taken away and given again does not
bring old tokens back). The request then acts as the holder, through the same `access_*`
functions and `do_*` services as the pages, so a token never reaches beyond its holder's role;
a read token is refused on every route that writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from expediente_web.api import tokens
from expediente_web.api.models import WRITE, ApiToken
from expediente_web.cases.access import MembershipExpired
from expediente_web.cases.models import Membership


class TokenRefused(Exception):
    """The bearer token cannot be used (unknown, revoked, expired, holder without a role): 401."""


class ScopeRefused(Exception):
    """A read token on a route that writes: 403."""


@dataclass(frozen=True)
class Holder:
    """Who a request acts as: the token's user, in the token's case."""

    token: ApiToken
    user: Any
    case: Any


class TokenAuth(HttpBearer):
    """Bearer tokens of `ApiToken`; `write=True` for the routes that write."""

    def __init__(self, *, write: bool = False) -> None:
        super().__init__()
        self.write = write

    def authenticate(self, request: HttpRequest, token: str) -> Holder:
        token = token.strip()
        if not tokens.looks_like_token(token):
            raise TokenRefused("not an Expediente API token")
        found = (
            ApiToken.objects.select_related("user", "case")
            .filter(digest=tokens.digest(token))
            .first()
        )
        if found is None:
            raise TokenRefused("unknown token")
        if found.revoked_at is not None:
            raise TokenRefused("this token was revoked")
        now = timezone.now()
        if found.expires_at is not None and found.expires_at <= now:
            raise TokenRefused("this token has expired")
        if not found.user.is_active:
            raise TokenRefused("the token's user is deactivated")
        membership = (
            Membership.objects.filter(
                case=found.case, user=found.user, created_at__lte=found.created_at
            )
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
            .first()
        )
        if membership is None:
            ended = Membership.objects.filter(
                case=found.case, user=found.user, expires_at__lte=now
            ).first()
            if ended is not None:
                raise MembershipExpired(found.case, ended.expires_at)
            raise TokenRefused("the token's user no longer has a role in its case")
        if self.write and found.scope != WRITE:
            raise ScopeRefused("this token may only read: make a write token to change records")
        return Holder(found, found.user, found.case)


read_token = TokenAuth()
write_token = TokenAuth(write=True)
