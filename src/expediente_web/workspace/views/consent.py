"""A testimony's consent history on its page, and the forms that record a grant or a
withdrawal (`records.consent_records`). What the services refuse comes back at its field and
nothing is written."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from expediente_web.cases.access import WRITE_ROLES, require_role
from expediente_web.cases.validation import InvalidInput
from expediente_web.records.access import access_consent_records, access_record_by_uid
from expediente_web.records.consent_records import do_record_consent, do_withdraw_consent
from expediente_web.records.models import ConsentKind, ConsentOrigin, Testimony
from expediente_web.workspace.listing import term_choices
from expediente_web.workspace.views.common import Reader, reader

_DAY = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _day_field(label: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=_DAY,
        initial=timezone.localdate,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("Give a day as YYYY-MM-DD.")},
    )


class GrantForm(forms.Form):
    scopes = forms.MultipleChoiceField(
        label=_("Consent given for"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one use the witness consented to.")},
    )
    on = _day_field(_("Given on"))
    taken_by_me = forms.BooleanField(label=_("I took it"), required=False, initial=True)
    taken_by_name = forms.CharField(
        label=_("Taken by (name)"),
        required=False,
        max_length=200,
        help_text=_("The interviewer who took it, if they have no account here."),
    )
    information_sheet = forms.CharField(
        label=_("Information sheet version"), required=False, max_length=100
    )
    interpreter = forms.CharField(label=_("Interpreter"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, auto_id="grant-%s", **kwargs)
        self.fields["scopes"].choices = term_choices("consent_scopes")[1:]


class WithdrawForm(forms.Form):
    scopes = forms.MultipleChoiceField(
        label=_("Consent withdrawn for"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one use the witness withdraws.")},
    )
    on = _day_field(_("Withdrawn on"))
    taken_by_me = forms.BooleanField(label=_("I received it"), required=False, initial=True)
    taken_by_name = forms.CharField(label=_("Received by (name)"), required=False, max_length=200)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The witness's words, if they gave a reason: kept encrypted."),
    )

    def __init__(self, *args: Any, in_force: list[str], **kwargs: Any) -> None:
        super().__init__(*args, auto_id="withdraw-%s", **kwargs)
        labels = dict(term_choices("consent_scopes")[1:])
        # Only what is in force can be withdrawn; a scope posted that is not comes back from
        # the service, named.
        self.fields["scopes"].choices = [(s, labels.get(s, s)) for s in in_force] or [("", "—")]
        self.fields["scopes"].valid_value = lambda value: value in labels  # type: ignore


_ORIGINS = {
    ConsentOrigin.FORM: "",
    ConsentOrigin.TESTIMONY: _("given with the testimony"),
    ConsentOrigin.IMPORT: _("carried by an imported list"),
    ConsentOrigin.BEFORE_RECORDS: _("recorded before consent records were kept"),
}


def consent_context(
    r: Reader,
    testimony: Testimony,
    *,
    grant_form: GrantForm | None = None,
    withdraw_form: WithdrawForm | None = None,
) -> dict[str, Any]:
    """The testimony page's consent section: the history, and the forms for those who write."""
    history = access_consent_records(r.request.user, r.case, testimony)
    for record in history:
        record.is_grant = record.kind == ConsentKind.GRANT  # type: ignore[attr-defined]
        record.origin_note = _ORIGINS.get(record.origin, "")  # type: ignore[attr-defined]
        record.shown_reason = (  # type: ignore[attr-defined]
            r.identities.consent_reason(record) if not record.is_grant else ""
        )  # type: ignore[attr-defined]
    context: dict[str, Any] = {"consent_history": history}
    if r.role in WRITE_ROLES:
        context["grant_form"] = grant_form or GrantForm()
        context["withdraw_form"] = withdraw_form or WithdrawForm(
            in_force=list(testimony.consent_scopes or [])
        )
    return context


def _taker(request: HttpRequest, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "taken_by": request.user if data["taken_by_me"] else None,
        "taken_by_name": data["taken_by_name"],
    }


def _refused(form: forms.Form, error: InvalidInput) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.reason)


def _back(r: Reader, testimony: Testimony) -> HttpResponse:
    response = redirect("workspace:testimony", code=r.case.code, uid=testimony.uid)
    response["Location"] += "#consent"
    return response


def _again(request: HttpRequest, code: str, uid: str, **forms_given: Any) -> HttpResponse:
    from expediente_web.workspace.views.testimonies import render_testimony

    return render_testimony(request, code, uid, status=400, **forms_given)


@login_required
@require_POST
def consent_grant(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    r = reader(request, code)
    require_role(request.user, r.case, WRITE_ROLES, "record consent")
    testimony = access_record_by_uid(request.user, r.case, Testimony, uid)
    form = GrantForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            do_record_consent(
                request.user,
                testimony,
                data["scopes"],
                on=data["on"],
                information_sheet=data["information_sheet"],
                interpreter=data["interpreter"],
                **_taker(request, data),
            )
        except InvalidInput as error:
            _refused(form, error)
        else:
            messages.success(request, _t("The consent is recorded."))
            return _back(r, testimony)
    return _again(request, code, uid, grant_form=form)


@login_required
@require_POST
def consent_withdraw(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    r = reader(request, code)
    require_role(request.user, r.case, WRITE_ROLES, "withdraw consent")
    testimony = access_record_by_uid(request.user, r.case, Testimony, uid)
    form = WithdrawForm(request.POST, in_force=list(testimony.consent_scopes or []))
    if form.is_valid():
        data = form.cleaned_data
        try:
            do_withdraw_consent(
                request.user,
                testimony,
                data["scopes"],
                on=data["on"],
                reason=data["reason"],
                **_taker(request, data),
            )
        except InvalidInput as error:
            _refused(form, error)
        else:
            messages.success(
                request,
                _t(
                    "The withdrawal is recorded: the testimony is no "
                    "longer released for those uses."
                ),
            )
            return _back(r, testimony)
    return _again(request, code, uid, withdraw_form=form)
