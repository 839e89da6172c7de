"""Reads of accounts: second factors, invitations, and the team of a case (owners only)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_noop
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from expediente_web.accounts.models import Invitation
from expediente_web.cases.access import MANAGE_ROLES, require_role
from expediente_web.cases.models import Case, Membership

RECOVERY_DEVICE = "recovery codes"
TOTP_DEVICE = "authenticator app"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def has_second_factor(user: Any) -> bool:
    """Whether the user has a confirmed device that gives a second factor (an authenticator app
    or a security key; recovery codes alone are not one)."""
    return any(not isinstance(device, StaticDevice) for device in devices_for_user(user))


def confirmed_totp(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def recovery_codes_left(user: Any) -> int:
    device = StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE).first()
    return device.token_set.count() if device is not None else 0


def access_invitation(token: str) -> Invitation:
    """The pending invitation of this token; 404 for an unknown, used or expired one (a link
    tells nobody whether it was ever valid)."""
    invitation = (
        Invitation.objects.select_related("user", "case")
        .filter(
            token_sha256=token_digest(token), used_at__isnull=True, expires_at__gt=timezone.now()
        )
        .first()
    )
    if invitation is None:
        raise Http404(
            "This invitation link is not valid: it was used, it expired, or it never existed"
        )
    return invitation


def access_team(user: Any, case: Case) -> QuerySet[Membership]:
    """The memberships of the case, for its owners only."""
    require_role(user, case, MANAGE_ROLES, gettext_noop("manage memberships"))
    return Membership.objects.filter(case=case).select_related("user").order_by("user__username")


def pending_invitations(case: Case) -> dict[int, Invitation]:
    """Pending invitations of the case by user id (the team page shows who has not joined)."""
    pending = Invitation.objects.filter(
        case=case, used_at__isnull=True, expires_at__gt=timezone.now()
    )
    return {invitation.user_id: invitation for invitation in pending}


def security_keys(user: Any) -> QuerySet[Any]:
    """The user's own security keys, oldest first."""
    from expediente_web.accounts.security_keys import credential_model

    return credential_model().objects.filter(user=user, confirmed=True).order_by("created_at")


def access_own_security_key(user: Any, pk: int) -> Any:
    """One of the user's own security keys; 404 for anyone else's."""
    key = security_keys(user).filter(pk=pk).first()
    if key is None:
        raise Http404("You have no security key with this number")
    return key


def two_factor_users(users: list[Any]) -> set[int]:
    """Of these users, the ids of those with a confirmed authenticator app or security key."""
    from expediente_web.accounts.security_keys import credential_model

    ids = [u.pk for u in users]
    apps = TOTPDevice.objects.filter(user_id__in=ids, confirmed=True).values_list("user_id",
                                                                                 flat=True)
    keys = credential_model().objects.filter(user_id__in=ids, confirmed=True).values_list(
        "user_id", flat=True)
    return set(apps) | set(keys)
