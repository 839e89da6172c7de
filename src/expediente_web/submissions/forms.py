"""The forms of the public submission pages and of triage.

The public forms carry a honeypot field (`website`, hidden by the stylesheet) and the signed
token of `guard.form_token`; the view checks both before anything else. Attachments are read
here: their type from their content (`evidence.media.describe`), their size and count against
the settings, each refusal naming the file under the field.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from expediente_web.cases.validation import InvalidInput
from expediente_web.evidence import media
from expediente_web.submissions import actions
from expediente_web.workspace.listing import term_choices

HONEYPOT = "website"


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Any number of files (up to the setting), each cleaned as a `FileField` would."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        one = super().clean
        if isinstance(data, (list, tuple)):
            return [one(d, initial) for d in data if d]
        return [one(data, initial)] if data else []


class _Guarded(forms.Form):
    """The honeypot and the token of every public form."""

    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def _incoming(self, name: str) -> list[actions.Incoming]:
        found = []
        for upload in self.cleaned_data.get(name) or []:
            described = media.describe(upload)
            found.append(
                actions.Incoming(
                    stream=upload,
                    filename=upload.name or "file",
                    size=upload.size,
                    media_type=described.media_type,
                    pages=described.pages,
                    duration_seconds=described.duration_seconds,
                )
            )
        try:
            actions.check_attachments(found, field=name)
        except InvalidInput as error:
            raise forms.ValidationError(error.reason) from None
        return found

    def clean_attachments(self) -> list[actions.Incoming]:
        return self._incoming("attachments")


def _attachments_help() -> str:
    return str(
        _(
            "Optional: up to %(count)s files of at most %(size)s each — images, PDF "
            "documents, audio or video recordings, plain text."
        )
        % {
            "count": settings.EXPEDIENTE_SUBMISSION_MAX_ATTACHMENTS,
            "size": filesizeformat(settings.EXPEDIENTE_SUBMISSION_MAX_ATTACHMENT_BYTES),
        }
    )


class SubmissionForm(_Guarded):
    narrative = forms.CharField(
        label=_("What do you want to tell us?"),
        max_length=actions.MAX_NARRATIVE,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("What happened, when, where, to whom, and who did it, as far as you know."),
    )
    language = forms.ChoiceField(
        label=_("Language of your account"),
        choices=[("es", "Español"), ("en", "English")],
        widget=forms.RadioSelect,
    )
    sender_name = forms.CharField(
        label=_("Your name"),
        max_length=actions.MAX_NAME,
        required=False,
        help_text=_("Optional. Leave it empty to send this anonymously."),
    )
    sender_contact = forms.CharField(
        label=_("How to reach you"),
        max_length=actions.MAX_CONTACT,
        required=False,
        help_text=_("Optional: a telephone, an email address or another safe way."),
    )
    may_contact = forms.BooleanField(
        label=_("The case team may contact me about this"), required=False
    )
    attachments = AttachmentsField(label=_("Files"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = "en" if (get_language() or "").startswith("en") else "es"
        self.fields["attachments"].help_text = _attachments_help()
        self.order_fields(
            [
                "narrative",
                "language",
                "sender_name",
                "sender_contact",
                "may_contact",
                "attachments",
                "website",
                "token",
            ]
        )


class FollowUpForm(_Guarded):
    receipt = forms.CharField(
        label=_("Receipt code"),
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("The code you were given when you sent your account."),
    )
    text = forms.CharField(
        label=_("What do you want to add?"),
        max_length=actions.MAX_NARRATIVE,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    attachments = AttachmentsField(label=_("Files"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = _attachments_help()
        self.order_fields(["receipt", "text", "attachments", "website", "token"])


# -- triage and the setting ------------------------------------------------------------------


class AcceptForm(forms.Form):
    consent_scopes = forms.MultipleChoiceField(
        label=_("Consent given"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Only what the sender agreed to: the form itself asks for no consent but "
            "to be contacted."
        ),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consent_scopes"].choices = term_choices("consent_scopes")[1:]


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=actions.MAX_REASON, widget=forms.Textarea(attrs={"rows": 3})
    )


class PublicFormSetting(forms.Form):
    enabled = forms.BooleanField(label=_("Take submissions from the public"), required=False)
    slug = forms.SlugField(
        label=_("Address"), max_length=64, help_text=_("The form is at /submit/<address>/.")
    )
    public_title = forms.CharField(
        label=_("Title the public sees"),
        max_length=200,
        help_text=_("The only thing the form shows of the case."),
    )
