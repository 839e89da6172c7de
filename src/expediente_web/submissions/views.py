"""The public submission pages (no account) and the case team's triage pages.

The public pages show the form's public title and nothing else of the case, and never show
back anything that was sent but to the sender, in the answer to their own request: the page
that confirms a submission shows only its receipt code. The triage pages decrypt what the
sender wrote, and each view of it is recorded (`do_record_identity_view`).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from expediente_web.cases.access import access_case_by_code
from expediente_web.cases.validation import InvalidInput
from expediente_web.evidence import media
from expediente_web.evidence.store import EvidenceUnreadable, open_evidence
from expediente_web.submissions import actions, guard
from expediente_web.submissions.access import (
    access_form_setting,
    access_open_form,
    access_submission_by_uid,
    access_submission_counts,
    access_submissions,
)
from expediente_web.submissions.forms import (
    HONEYPOT,
    AcceptForm,
    FollowUpForm,
    PublicFormSetting,
    RejectForm,
    SubmissionForm,
)
from expediente_web.submissions.models import PublicSubmission, SubmissionStatus
from expediente_web.workspace.actions import do_record_identity_view
from expediente_web.workspace.listing import paginate

#: Sent with an attachment's bytes: nothing in it runs as a page of this site.
_SANDBOX = "default-src 'none'; sandbox"


def _refusal(code: str) -> tuple[str, int]:
    """What the sender is told when the guard turns a form away, and the status."""
    if code == "honeypot":
        return _(
            "The form could not be sent. If you filled in the field marked “Leave this "
            "field empty”, empty it and send the form again."
        ), 400
    if code == "too_fast":
        return _(
            "The form was sent too quickly after it was opened. Wait a few seconds and "
            "send it again."
        ), 400
    if code == "address_limit":
        return _(
            "Too many submissions have come from your connection in the last hour. "
            "Please try again later."
        ), 429
    if code == "case_limit":
        return _(
            "This form has received too many submissions in the last hour. Please try again later."
        ), 429
    return _("The form had expired. Send it again."), 400


def _guard(request: HttpRequest) -> None:
    if request.POST.get(HONEYPOT, ""):
        raise guard.Refused("honeypot")
    guard.check_token(request.POST.get("token", ""))


def _public(
    request: HttpRequest,
    template: str,
    public_form: Any,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    return render(request, template, {"public_form": public_form, **context}, status=status)


def submit(request: HttpRequest, slug: str) -> HttpResponse:
    """The public form of a case: an account of what happened, named or anonymous."""
    public_form = access_open_form(slug)
    if request.method != "POST":
        form = SubmissionForm(initial={"token": guard.form_token()})
        return _public(request, "submissions/submit.html", public_form, {"form": form})
    form = SubmissionForm(request.POST, request.FILES)
    try:
        _guard(request)
    except guard.Refused as refused:
        message, status = _refusal(refused.code)
        return _public(
            request,
            "submissions/submit.html",
            public_form,
            {"form": _fresh_unchecked(SubmissionForm, request), "refusal": message},
            status,
        )
    if not form.is_valid():
        return _public(
            request, "submissions/submit.html", public_form, {"form": _with_token(form)}, 400
        )
    data = form.cleaned_data
    try:
        _submission, code = actions.do_receive_submission(
            public_form,
            address=guard.address_hash(guard.client_address(request)),
            narrative=data["narrative"],
            language=data["language"],
            sender_name=data["sender_name"],
            sender_contact=data["sender_contact"],
            may_contact=data["may_contact"],
            files=data["attachments"],
        )
    except guard.Refused as refused:
        if refused.code == "closed":
            raise Http404("No public form here") from None
        message, status = _refusal(refused.code)
        return _public(
            request,
            "submissions/submit.html",
            public_form,
            {"form": _with_token(form), "refusal": message},
            status,
        )
    except InvalidInput as error:
        form.add_error(error.field if error.field in form.fields else None, error.reason)
        return _public(
            request, "submissions/submit.html", public_form, {"form": _with_token(form)}, 400
        )
    return _public(request, "submissions/received.html", public_form, {"code": code})


def follow_up(request: HttpRequest, slug: str) -> HttpResponse:
    """Adding to one's submission with its receipt code."""
    public_form = access_open_form(slug)
    if request.method != "POST":
        form = FollowUpForm(initial={"token": guard.form_token()})
        return _public(request, "submissions/follow_up.html", public_form, {"form": form})
    form = FollowUpForm(request.POST, request.FILES)
    try:
        _guard(request)
    except guard.Refused as refused:
        message, status = _refusal(refused.code)
        return _public(
            request,
            "submissions/follow_up.html",
            public_form,
            {"form": _fresh_unchecked(FollowUpForm, request), "refusal": message},
            status,
        )
    if not form.is_valid():
        return _public(
            request, "submissions/follow_up.html", public_form, {"form": _with_token(form)}, 400
        )
    data = form.cleaned_data
    try:
        actions.do_add_to_submission(
            public_form,
            data["receipt"],
            address=guard.address_hash(guard.client_address(request)),
            text=data["text"],
            files=data["attachments"],
        )
    except actions.ReceiptNotRecognised:
        form.add_error(
            "receipt", _("This receipt code was not recognised. Check it and try again.")
        )
        return _public(
            request, "submissions/follow_up.html", public_form, {"form": _with_token(form)}, 400
        )
    except guard.Refused as refused:
        if refused.code == "closed":
            raise Http404("No public form here") from None
        message, status = _refusal(refused.code)
        return _public(
            request,
            "submissions/follow_up.html",
            public_form,
            {"form": _with_token(form), "refusal": message},
            status,
        )
    except InvalidInput as error:
        form.add_error(error.field if error.field in form.fields else None, error.reason)
        return _public(
            request, "submissions/follow_up.html", public_form, {"form": _with_token(form)}, 400
        )
    return _public(request, "submissions/received.html", public_form, {"added": True})


def _with_token(form: Any) -> Any:
    """A bound form shown again with its errors: its token renewed, its honeypot empty."""
    data = form.data.copy()
    data["token"] = guard.form_token()
    data[HONEYPOT] = ""
    form.data = data
    return form


def _fresh_unchecked(form_class: Any, request: HttpRequest) -> Any:
    """The text the sender wrote, in a form not yet checked (no errors shown), with a new
    token; files have to be chosen again."""
    data = request.POST.copy()
    data["token"] = guard.form_token()
    data[HONEYPOT] = ""
    return form_class(initial={k: data.get(k) for k in data if k != "csrfmiddlewaretoken"})


# -- triage ----------------------------------------------------------------------------------


@login_required
def triage_list(request: HttpRequest, code: str) -> HttpResponse:
    case, role = access_case_by_code(request.user, code)
    rows = access_submissions(request.user, case)
    status = request.GET.get("status", "")
    if status in SubmissionStatus.values:
        rows = rows.filter(status=status)
    counts = access_submission_counts(request.user, case)
    return render(
        request,
        "submissions/triage_list.html",
        {
            "case": case,
            "role": role,
            "page": paginate(request, rows),
            "status": status,
            "counts": counts,
            "statuses": [(s, actions.status_label(s)) for s in SubmissionStatus.values],
        },
    )


def _detail(
    request: HttpRequest,
    case: Any,
    role: str,
    submission: PublicSubmission,
    *,
    accept_form: AcceptForm | None = None,
    reject_form: RejectForm | None = None,
    status: int = 200,
) -> HttpResponse:
    additions = list(submission.additions.all())
    attachments = list(submission.attachments.select_related("evidence_item"))
    shown = ["narrative"]
    shown += [f for f in ("sender_name", "sender_contact") if getattr(submission, f)]
    if any(a.text for a in additions):
        shown.append("additions")
    if attachments:
        shown.append("attachment_names")
    do_record_identity_view(
        request.user,
        case,
        [str(submission.uid)],
        page="submissions:detail",
        path=request.get_full_path(),
        fields=shown,
    )
    initial = ["consent.future_contact"] if submission.may_contact else []
    return render(
        request,
        "submissions/triage_detail.html",
        {
            "case": case,
            "role": role,
            "submission": submission,
            "additions": additions,
            "attachments": attachments,
            "status_label": actions.status_label(submission.status),
            "accept_form": accept_form or AcceptForm(initial={"consent_scopes": initial}),
            "reject_form": reject_form or RejectForm(),
        },
        status=status,
    )


@login_required
def triage_detail(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    case, role = access_case_by_code(request.user, code)
    submission = access_submission_by_uid(request.user, case, uid)
    return _detail(request, case, role, submission)


@require_POST
@login_required
def accept(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    case, role = access_case_by_code(request.user, code)
    submission = access_submission_by_uid(request.user, case, uid)
    form = AcceptForm(request.POST)
    if form.is_valid():
        try:
            testimony = actions.do_accept_submission(
                request.user,
                submission,
                consent_scopes=form.cleaned_data["consent_scopes"],
                notes=form.cleaned_data["notes"],
            )
        except InvalidInput as error:
            form.add_error(error.field if error.field in form.fields else None, error.reason)
        else:
            messages.success(request, _("The submission is now a testimony of the case."))
            return HttpResponseRedirect(
                reverse(
                    "workspace:testimony", kwargs={"code": case.code, "uid": str(testimony.uid)}
                )
            )
    return _detail(request, case, role, submission, accept_form=form, status=400)


@require_POST
@login_required
def reject(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    case, role = access_case_by_code(request.user, code)
    submission = access_submission_by_uid(request.user, case, uid)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            actions.do_reject_submission(request.user, submission, form.cleaned_data["reason"])
        except InvalidInput as error:
            form.add_error(error.field if error.field in form.fields else None, error.reason)
        else:
            messages.success(request, _("The submission was rejected."))
            return HttpResponseRedirect(reverse("submissions:list", kwargs={"code": case.code}))
    return _detail(request, case, role, submission, reject_form=form, status=400)


@login_required
def attachment(request: HttpRequest, code: str, uid: str, file_uid: str) -> HttpResponse:
    """An attachment's bytes, as a download that never runs in the site (recorded first)."""
    case, _role = access_case_by_code(request.user, code)
    submission = access_submission_by_uid(request.user, case, uid)
    found = next((a for a in submission.attachments.all() if str(a.uid) == str(file_uid)), None)
    if found is None:
        raise Http404("No such file")
    try:
        with open_evidence(found.sha256) as stream:
            body = stream.read()
    except (FileNotFoundError, EvidenceUnreadable):
        raise Http404("The file is not in the store") from None
    do_record_identity_view(
        request.user,
        case,
        [str(submission.uid)],
        page="submissions:attachment",
        path=request.get_full_path(),
        fields=["attachment"],
    )
    response = HttpResponse(body, content_type=media.serving_type(found.media_type))
    response["Content-Disposition"] = content_disposition_header(True, found.filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = _SANDBOX
    return response


@login_required
def setting(request: HttpRequest, code: str) -> HttpResponse:
    """The case's public form: open or closed, its address and title (owners)."""
    case, role = access_case_by_code(request.user, code)
    current = access_form_setting(request.user, case)
    initial = (
        {"enabled": current.enabled, "slug": current.slug, "public_title": current.public_title}
        if current
        else {"enabled": False, "slug": case.code, "public_title": case.title[:200]}
    )
    form = PublicFormSetting(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                actions.do_set_public_form(request.user, case, **form.cleaned_data)
            except InvalidInput as error:
                form.add_error(error.field if error.field in form.fields else None, error.reason)
            else:
                messages.success(request, _("The public form was saved."))
                return HttpResponseRedirect(
                    reverse("submissions:setting", kwargs={"code": case.code})
                )
    return render(
        request,
        "submissions/setting.html",
        {"case": case, "role": role, "form": form, "current": current},
        status=status,
    )
