"""Writes to accounts: invitations, passwords, second factors. Checked, transactional, audited.

No audit entry ever holds a password, a token, a TOTP secret or a recovery code, not even
hashed: only that they were set, and how many.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from expediente_web.accounts.access import (
    RECOVERY_DEVICE,
    TOTP_DEVICE,
    access_invitation,
    token_digest,
)
from expediente_web.accounts.models import Invitation
from expediente_web.audit.record import record_write
from expediente_web.cases.access import MANAGE_ROLES, require_role
from expediente_web.cases.actions import check_membership
from expediente_web.cases.models import Case, Membership
from expediente_web.cases.validation import InvalidInput, check_length, check_required

INVITATION_DAYS = 7
RECOVERY_CODES = 10


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment is not None else None


def _check_password(password: str, user: Any) -> None:
    """Django's validators (length, similarity to the account, common, all digits), with the
    validator's own message."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput("password", " ".join(exc.messages)) from None


def do_invite_member(
    actor: Any, case: Case, username: str, role: str, *, email: str = "", expires_at: Any = None
) -> tuple[Any, Invitation, str]:
    """A new account for someone joining the case, with its role there and a one-time
    invitation token (owners only). The account has no password until the invitation is
    accepted. Returns the user, the invitation and the token, which is shown once and never
    stored."""
    check_required("username", username)
    check_length("username", username, 150)
    check_length("email", email, 254)
    check_membership(role, expires_at)
    user_model = get_user_model()
    with transaction.atomic():
        require_role(actor, case, MANAGE_ROLES, gettext_noop("invite members"))
        if user_model.objects.filter(username=username).exists():
            raise InvalidInput(
                "username",
                _(
                    "a user %(username)s already exists: add them to "
                    "the case instead of inviting them"
                )
                % {"username": repr(username)},
            )
        user = user_model(username=username, email=email)
        user.set_unusable_password()
        user.save()
        Membership.objects.create(case=case, user=user, role=role, expires_at=expires_at)
        token = secrets.token_urlsafe(32)
        invitation = Invitation.objects.create(
            user=user,
            case=case,
            invited_by=actor,
            token_sha256=token_digest(token),
            expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
        )
        record_write(
            actor,
            "invite_member",
            user,
            {
                "user": username,
                "role": role,
                "expires_at": _iso(expires_at),
                "invitation_expires_at": _iso(invitation.expires_at),
            },
            case_code=case.code,
        )
    return user, invitation, token


def do_accept_invitation(token: str, password: str) -> Any:
    """Set the invited account's password (validated); the link then opens nothing."""
    with transaction.atomic():
        invitation = access_invitation(token)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.used_at is not None:
            raise InvalidInput("token", _("this invitation was used already"))
        user = invitation.user
        _check_password(password, user)
        user.set_password(password)
        user.save(update_fields=["password"])
        invitation.used_at = timezone.now()
        invitation.save(update_fields=["used_at"])
        record_write(
            user, "accept_invitation", user, {"user": user.username}, case_code=invitation.case.code
        )
    return user


def do_change_password(user: Any, old_password: str, new_password: str) -> None:
    """A user's new password, after the old one; validated like every password."""
    if not user.check_password(old_password):
        raise InvalidInput("old_password", _("the current password is not right"))
    _check_password(new_password, user)
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        record_write(user, "change_password", user, {"user": user.username})


def do_set_password(actor: Any, user: Any, password: str) -> None:
    """The operator sets a user's password at the console (`expediente user password`)."""
    if actor is not None and not getattr(actor, "is_superuser", False):
        raise InvalidInput(
            "actor", _("only the operator or an administrator may set passwords")
        )
    _check_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        record_write(actor, "set_password", user, {"user": user.username})


def do_start_totp(user: Any) -> TOTPDevice:
    """The user's authenticator device waiting for its first code (made on the first call)."""
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE, confirmed=False)
            record_write(user, "start_totp_enrolment", user, {"user": user.username})
    return device


def do_confirm_totp(user: Any, device: TOTPDevice, code: str) -> TOTPDevice:
    """Confirm the authenticator with a first code from it; any earlier one is replaced."""
    if device.user_id != user.pk or device.confirmed:
        raise InvalidInput("device", _("this is not an authenticator waiting to be confirmed"))
    code = (code or "").strip().replace(" ", "")
    if not code.isdigit() or len(code) != device.digits:
        raise InvalidInput(
            "code", _("enter the %(digits)s digits the app shows") % {"digits": device.digits}
        )
    with transaction.atomic():
        if not device.verify_token(code):
            raise InvalidInput(
                "code", _("that code is not right (or has expired): enter the current one")
            )
        TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        record_write(user, "confirm_totp", user, {"user": user.username})
    return device


def do_create_recovery_codes(user: Any) -> list[str]:
    """Ten new one-time recovery codes; those made before stop working. Shown once."""
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name=RECOVERY_DEVICE, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
        record_write(
            user, "create_recovery_codes", user, {"user": user.username, "count": len(codes)}
        )
    return codes


def do_remove_security_key(user: Any, key: Any) -> None:
    """Remove one of the user's security keys (the account page asks for a verified session).
    The last second factor of a role that needs one cannot be removed."""
    from django_otp import devices_for_user

    from expediente_web.cases.access import needs_two_factor

    with transaction.atomic():
        others = [
            device for device in devices_for_user(user)
            if not isinstance(device, StaticDevice) and device.persistent_id != key.persistent_id
        ]
        if needs_two_factor(user) and not others:
            raise InvalidInput(
                "key",
                _(
                    "this is your only second factor and your role needs one: "
                    "set up an authenticator app or another key first"
                ),
            )
        name = key.name
        key.delete()
        record_write(user, "remove_security_key", user, {"user": user.username, "key": name})
