"""Sign-in in two steps, the account pages, invitations and the team of a case. Thin: forms read
input, services in `actions.py` (here and in `cases`) write, `access.py` reads."""

from __future__ import annotations

import base64
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice

from expediente_web.accounts import actions
from expediente_web.accounts.access import (
    access_invitation,
    access_own_security_key,
    access_team,
    confirmed_totp,
    has_second_factor,
    pending_invitations,
    recovery_codes_left,
    security_keys,
    two_factor_users,
)
from expediente_web.accounts.forms import (
    CodeForm,
    InviteForm,
    MembershipForm,
    PasswordChangeForm,
    SetPasswordForm,
    SignInForm,
)
from expediente_web.accounts.qr import qr_svg
from expediente_web.cases.access import (
    TWO_FACTOR_ROLES,
    access_case_by_code,
    live_memberships,
    needs_two_factor,
)
from expediente_web.cases.actions import do_revoke_membership, do_set_membership
from expediente_web.cases.validation import InvalidInput

NEW_CODES = "accounts_new_recovery_codes"
NEW_INVITATION = "accounts_new_invitation"


def _next(request: HttpRequest) -> str:
    """Where to go after a step of signing in: `next`, if it is a path of this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return settings.LOGIN_REDIRECT_URL


def _with_next(name: str, target: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': target})}"


def _field_error(form: Any, error: InvalidInput, fallback: str | None = None) -> None:
    field = error.field if error.field in form.fields else fallback
    form.add_error(field, error.reason)


class SignInView(auth_views.LoginView):
    """The first step: user name and password (django-axes counts the failures)."""

    form_class = SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = False

    def get_success_url(self) -> str:
        user = self.request.user
        target = self.get_redirect_url() or settings.LOGIN_REDIRECT_URL
        if has_second_factor(user):
            return _with_next("two-factor-verify", target)
        if needs_two_factor(user):
            return _with_next("two-factor-enrol", target)
        return target


@never_cache
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the authenticator app, or a recovery code."""
    user = request.user
    target = _next(request)
    if user.is_verified():  # type: ignore[union-attr]
        return redirect(target)
    if not has_second_factor(user):
        return redirect(_with_next("two-factor-enrol", target))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"].replace(" ", "").lower()
        device = match_token(user, code)
        if device is not None:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                messages.success(
                    request,
                    _("You signed in with a recovery code; %(left)d are left.")
                    % {"left": recovery_codes_left(user)},
                )
                return redirect(_with_next("two-factor-recovery-codes", target))
            return redirect(target)
        form.add_error(
            "code",
            _(
                "That code is not right, or it has expired. Wait for the app "
                "to show a new one and try again (after several wrong codes "
                "each try waits longer)."
            ),
        )
    return render(
        request,
        "accounts/verify.html",
        {"form": form, "next": target, "has_key": security_keys(user).exists()},
    )


@never_cache
@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: its QR code and secret, and a first code to confirm it."""
    user = request.user
    target = _next(request)
    if has_second_factor(user) and not user.is_verified():  # type: ignore[union-attr]
        # Replacing the second factor needs the second factor.
        return redirect(_with_next("two-factor-verify", target))
    device = actions.do_start_totp(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = actions.do_confirm_totp(user, device, form.cleaned_data["code"])
        except InvalidInput as error:
            _field_error(form, error, "code")
        else:
            otp_login(request, device)
            request.session[NEW_CODES] = actions.do_create_recovery_codes(user)
            return redirect(_with_next("two-factor-recovery-codes", target))
    secret = base64.b32encode(device.bin_key).decode("ascii")
    return render(
        request,
        "accounts/enrol.html",
        {
            "form": form,
            "next": target,
            "secret": secret,
            "secret_groups": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "qr": qr_svg(device.config_url, _("QR code for the authenticator app")),
            "required": needs_two_factor(user),
            "replacing": confirmed_totp(user) is not None,
        },
    )


@never_cache
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Recovery codes: shown once, right after they are made; new ones replace the old."""
    user = request.user
    if request.method == "POST":
        request.session[NEW_CODES] = actions.do_create_recovery_codes(user)
        return redirect(request.path)
    codes = request.session.pop(NEW_CODES, None)
    return render(
        request,
        "accounts/recovery_codes.html",
        {
            "codes": codes,
            "left": recovery_codes_left(user),
            "next": _next(request),
        },
    )


@never_cache
@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    memberships = live_memberships().filter(user=user).select_related("case").order_by("case__code")
    return render(
        request,
        "accounts/account.html",
        {
            "totp": confirmed_totp(user),
            "codes_left": recovery_codes_left(user),
            "required": needs_two_factor(user),
            "memberships": memberships,
            "keys": security_keys(user),
        },
    )


@never_cache
@login_required
@require_POST
def remove_security_key(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove one of your security keys; with a second factor, only in a verified session."""
    user: Any = request.user
    key = access_own_security_key(user, pk)
    if has_second_factor(user) and not user.is_verified():
        return redirect(_with_next("two-factor-verify", reverse("account")))
    try:
        actions.do_remove_security_key(user, key)
    except InvalidInput:
        messages.error(
            request,
            _(
                "This is your only second factor and your role needs one: set up an "
                "authenticator app or another security key first."
            ),
        )
    else:
        messages.success(request, _("The security key was removed."))
    return redirect("account")


@never_cache
@login_required
@sensitive_post_parameters()
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user: Any = request.user
        try:
            actions.do_change_password(
                user, form.cleaned_data["old_password"], form.cleaned_data["new_password1"]
            )
        except InvalidInput as error:
            _field_error(form, error, "new_password1")
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password was changed."))
            return redirect("account")
    return render(request, "accounts/password_change.html", {"form": form})


@never_cache
@sensitive_post_parameters()
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = access_invitation(token)
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_accept_invitation(token, form.cleaned_data["new_password1"])
        except InvalidInput as error:
            _field_error(form, error, "new_password1")
        else:
            return redirect(
                _with_next("login", reverse("case-records", args=[invitation.case.code]))
            )
    return render(
        request,
        "accounts/accept_invitation.html",
        {
            "form": form,
            "invitation": invitation,
            "two_factor": _role_of(invitation) in TWO_FACTOR_ROLES,
        },
    )


def _role_of(invitation: Any) -> str | None:
    membership = invitation.case.memberships.filter(user=invitation.user).first()
    return membership.role if membership else None


@never_cache
@login_required
def team(request: HttpRequest, code: str) -> HttpResponse:
    """The case's members, their roles and expiry; invite, change, revoke (owners only)."""
    case, _role = access_case_by_code(request.user, code)
    memberships = list(access_team(request.user, case))
    users: list[AbstractBaseUser] = [m.user for m in memberships]
    return render(
        request,
        "accounts/team.html",
        {
            "case": case,
            "memberships": memberships,
            "form": InviteForm(),
            "change_form": MembershipForm(),
            "pending": pending_invitations(case),
            "two_factor": two_factor_users(users),
            "new_invitation": request.session.pop(NEW_INVITATION, None),
        },
    )


@require_POST
@login_required
def team_invite(request: HttpRequest, code: str) -> HttpResponse:
    from django.contrib.auth import get_user_model

    case, _role = access_case_by_code(request.user, code)
    memberships = list(access_team(request.user, case))
    form = InviteForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        existing = get_user_model().objects.filter(username=data["username"]).first()
        try:
            if existing is not None:
                if any(m.user_id == existing.pk for m in memberships):
                    raise InvalidInput(
                        "username",
                        _("%(user)s is a member already: change their role below")
                        % {"user": existing.username},
                    )
                do_set_membership(
                    request.user, case, existing, data["role"], expires_at=form.expires_at()
                )
                messages.success(
                    request, _("%(user)s was added to the case.") % {"user": existing.username}
                )
            else:
                user, _invitation, token = actions.do_invite_member(
                    request.user,
                    case,
                    data["username"],
                    data["role"],
                    email=data.get("email") or "",
                    expires_at=form.expires_at(),
                )
                request.session[NEW_INVITATION] = {
                    "user": user.username,
                    "url": request.build_absolute_uri(reverse("accept-invitation", args=[token])),
                    "days": actions.INVITATION_DAYS,
                }
        except InvalidInput as error:
            _field_error(form, error, "username")
        else:
            return HttpResponseRedirect(reverse("case-team", args=[case.code]))
    return render(
        request,
        "accounts/team.html",
        {
            "case": case,
            "memberships": memberships,
            "form": form,
            "change_form": MembershipForm(),
            "pending": pending_invitations(case),
            "two_factor": two_factor_users([m.user for m in memberships]),
        },
        status=400,
    )


@require_POST
@login_required
def team_change(request: HttpRequest, code: str, user_id: int) -> HttpResponse:
    case, _role = access_case_by_code(request.user, code)
    memberships = list(access_team(request.user, case))
    member = next((m for m in memberships if m.user_id == user_id), None)
    if member is None:
        from django.http import Http404

        raise Http404("No such member of this case")
    form = MembershipForm(request.POST)
    error: str | None = None
    if form.is_valid():
        try:
            do_set_membership(
                request.user,
                case,
                member.user,
                form.cleaned_data["role"],
                expires_at=form.expires_at(),
            )
        except InvalidInput as failure:
            error = failure.reason
        else:
            messages.success(
                request, _("The role of %(user)s was changed.") % {"user": member.user.username}
            )
            return HttpResponseRedirect(reverse("case-team", args=[case.code]))
    else:
        error = "; ".join(
            f"{form.fields[f].label}: {' '.join(e)}" if f in form.fields else " ".join(e)
            for f, e in form.errors.items()
        )
    return _team_error(
        request,
        case,
        memberships,
        _("%(user)s: %(error)s") % {"user": member.user.username, "error": error},
    )


@require_POST
@login_required
def team_revoke(request: HttpRequest, code: str, user_id: int) -> HttpResponse:
    case, _role = access_case_by_code(request.user, code)
    memberships = list(access_team(request.user, case))
    member = next((m for m in memberships if m.user_id == user_id), None)
    if member is None:
        from django.http import Http404

        raise Http404("No such member of this case")
    try:
        do_revoke_membership(request.user, case, member.user)
    except InvalidInput as failure:
        return _team_error(
            request,
            case,
            memberships,
            _("%(user)s: %(error)s") % {"user": member.user.username, "error": failure.reason},
        )
    messages.success(
        request, _("%(user)s no longer has a role in the case.") % {"user": member.user.username}
    )
    if member.user_id == request.user.pk:
        return HttpResponseRedirect(reverse("home"))
    return HttpResponseRedirect(reverse("case-team", args=[case.code]))


def _team_error(
    request: HttpRequest, case: Any, memberships: list[Any], error: str
) -> HttpResponse:
    return render(
        request,
        "accounts/team.html",
        {
            "case": case,
            "memberships": memberships,
            "form": InviteForm(),
            "change_form": MembershipForm(),
            "pending": pending_invitations(case),
            "two_factor": two_factor_users([m.user for m in memberships]),
            "error": error,
        },
        status=400,
    )
