"""Making and revoking API tokens: checked, transactional, audited like every other write.

A token belongs to one user in one case and reads (`read`) or also writes (`write`) the record
there, never more than the holder's role allows. Only the roles that write the record
(owner, analyst, documenter) may hold a write token; a reviewer, a viewer or a partner holds read
tokens only. A user makes their own tokens; an owner may make one for a member and revoke any
token of the case; the operator (console, no user) may do both.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from expediente_web.api import tokens
from expediente_web.api.models import SCOPES, WRITE, ApiToken
from expediente_web.audit.record import actor_name, record_write
from expediente_web.cases.access import (
    MANAGE_ROLES,
    READ_ROLES,
    WRITE_ROLES,
    live_memberships,
    require_role,
)
from expediente_web.cases.models import Case
from expediente_web.cases.validation import InvalidInput, check_length


def _may_act_for(actor: Any, case: Case, holder: Any, doing: str) -> None:
    if actor is None:
        return
    if getattr(actor, "pk", None) == getattr(holder, "pk", None):
        require_role(actor, case, READ_ROLES, gettext_noop("hold API tokens"))
        return
    require_role(actor, case, MANAGE_ROLES, doing)


def do_create_api_token(
    actor: Any, case: Case, holder: Any, scope: str, *, name: str = "", expires_at: Any = None
) -> tuple[ApiToken, str]:
    """A new token for `holder` in `case`, and the token itself, which is shown this once and
    never stored. A token outlives neither its expiry nor the holder's membership: one for a
    member whose role ends at a date ends then too."""
    if scope not in SCOPES:
        raise InvalidInput(
            "scope",
            _("%(scope)s is not one of %(scopes)s")
            % {"scope": repr(scope), "scopes": ", ".join(SCOPES)},
        )
    check_length("name", name, 100)
    if expires_at is not None:
        if timezone.is_naive(expires_at):
            raise InvalidInput("expires_at", _("the expiry needs a time zone"))
        if expires_at <= timezone.now():
            raise InvalidInput(
                "expires_at",
                _("%(moment)s UTC has already passed") % {"moment": f"{expires_at:%Y-%m-%d %H:%M}"},
            )
    with transaction.atomic():
        _may_act_for(actor, case, holder, gettext_noop("make API tokens for other members"))
        membership = live_memberships().filter(case=case, user=holder).first()
        if membership is None:
            who = getattr(holder, "username", holder)
            raise InvalidInput(
                "user",
                _("%(user)s has no role in case %(case)s") % {"user": who, "case": case.code},
            )
        if scope == WRITE and membership.role not in WRITE_ROLES:
            raise InvalidInput(
                "scope",
                _("a %(role)s may hold read tokens only")
                % {"role": membership.role.removeprefix("role.")},
            )
        if membership.expires_at is not None and (
            expires_at is None or expires_at > membership.expires_at
        ):
            expires_at = membership.expires_at
        secret = tokens.new_token()
        try:
            with transaction.atomic():
                token = ApiToken.objects.create(
                    user=holder,
                    case=case,
                    scope=scope,
                    name=name,
                    prefix=tokens.prefix(secret),
                    digest=tokens.digest(secret),
                    created_by=actor_name(actor),
                    expires_at=expires_at,
                )
        except IntegrityError:  # the same 8 random characters twice: draw again, once
            secret = tokens.new_token()
            token = ApiToken.objects.create(
                user=holder,
                case=case,
                scope=scope,
                name=name,
                prefix=tokens.prefix(secret),
                digest=tokens.digest(secret),
                created_by=actor_name(actor),
                expires_at=expires_at,
            )
        record_write(
            actor,
            "create_api_token",
            token,
            {
                "user": holder.username,
                "role": membership.role,
                "scope": scope,
                "prefix": token.prefix,
                "name": name,
                "expires_at": expires_at.isoformat() if expires_at else None,
            },
            case_code=case.code,
        )
    return token, secret


def do_revoke_api_token(actor: Any, token: ApiToken) -> ApiToken:
    """End a token now: the next request made with it is refused."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().select_related("case", "user").get(pk=token.pk)
        _may_act_for(
            actor, token.case, token.user, gettext_noop("revoke other members' API tokens")
        )
        if token.revoked_at is not None:
            raise InvalidInput(
                "token", _("%(prefix)s… was already revoked") % {"prefix": token.prefix}
            )
        token.revoked_at = timezone.now()
        token.revoked_by = actor_name(actor)
        token.save(update_fields=["revoked_at", "revoked_by"])
        record_write(
            actor,
            "revoke_api_token",
            token,
            {"user": token.user.username, "scope": token.scope, "prefix": token.prefix},
            case_code=token.case.code,
        )
    return token
