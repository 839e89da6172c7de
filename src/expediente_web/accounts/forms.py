"""Forms of the sign-in, account and team pages. They only read input; services decide."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from expediente.vocabularies import load_vocabularies
from expediente_web.cases.models import ROLES


def role_choices() -> list[tuple[str, str]]:
    from django.utils import translation

    vocab = load_vocabularies()
    lang = "es" if (translation.get_language() or "es").startswith("es") else "en"
    return [(role, vocab.label(role, lang) if role in vocab else role) for role in ROLES]


def end_of_day(day: Any) -> datetime | None:
    """An access that lasts *until* a date ends when that day ends (in the site's time zone)."""
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


class SignInForm(AuthenticationForm):
    error_messages = {  # noqa: RUF012 (Django reads a dict)
        "invalid_login": _("Wrong user name or password."),
        "inactive": _("This account is inactive."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("User name")
        self.fields["password"].label = _("Password")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        strip=True,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "spellcheck": "false",
            }
        ),
    )


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app, or a recovery code"),
        max_length=32,
        strip=True,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autofocus": True,
                "spellcheck": "false",
                "autocapitalize": "off",
            }
        ),
    )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("The two new passwords differ."))
        return data


class SetPasswordForm(forms.Form):
    new_password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("The two passwords differ."))
        return data


class MembershipForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=())
    expires_on = forms.DateField(
        label=_("Access until (inclusive)"),
        required=False,
        help_text=_("Required for partners; empty: no end."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = role_choices()
        self.fields["role"].initial = "role.viewer"  # the least a new member can be given

    def expires_at(self) -> datetime | None:
        return end_of_day(self.cleaned_data.get("expires_on"))


class InviteForm(MembershipForm):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        help_text=_(
            "An existing user is added to the case; a new name gets an account and a "
            "one-time invitation link."
        ),
    )
    email = forms.EmailField(label=_("E-mail (optional)"), required=False)

    field_order = ("username", "email", "role", "expires_on")  # type: ignore[assignment]
