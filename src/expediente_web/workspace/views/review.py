"""Moving an act or a testimony through peer review from its page: submit, verify, return to
draft. Who may do which is the records services' (`records.actions.SUBMIT_ROLES`,
`VERIFY_ROLES`, `RETURN_ROLES`); a step the rules refuse (verifying one's own record, verifying
a draft) comes back to the page as a message and changes nothing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from expediente_web.cases.access import NotPermitted
from expediente_web.cases.validation import InvalidInput
from expediente_web.records import actions
from expediente_web.records.access import access_record_by_uid
from expediente_web.workspace.kinds import kind_named
from expediente_web.workspace.views.common import reader

STEPS = {
    "submit": (actions.SUBMIT_ROLES, actions.do_submit_for_review),
    "verify": (actions.VERIFY_ROLES, actions.do_verify),
    "return": (actions.RETURN_ROLES, actions.do_return_to_draft),
}


@login_required
@require_POST
def record_review(request: HttpRequest, code: str, kind: str, uid: str) -> HttpResponse:
    spec = kind_named(kind)
    if not spec.reviewed:
        raise Http404(f"A {kind} has no review status")
    r = reader(request, code)
    step = request.POST.get("step", "")
    record = access_record_by_uid(request.user, r.case, spec.model, uid)
    if step not in STEPS:
        messages.error(request, _("Choose submit, verify or return to draft."))
        return redirect(spec.detail, code=r.case.code, uid=record.uid)
    roles, service = STEPS[step]
    if r.role not in roles:
        raise PermissionDenied(f"role {r.role} may not {step} a {kind} in case {r.case.code}")
    try:
        if step == "return":
            service(request.user, record, request.POST.get("reason", "").strip())
        else:
            service(request.user, record)
    except NotPermitted:
        messages.error(
            request,
            _("A second person verifies a record: not whoever wrote, changed or submitted it."),
        )
    except InvalidInput as exc:
        if exc.field == "reason":
            messages.error(request, _("Say why it goes back to draft."))
        else:
            messages.error(
                request, _("The review status has changed meanwhile: %(why)s") % {"why": exc.reason}
            )
    else:
        done = {
            "submit": _("Submitted for review."),
            "verify": _("Verified."),
            "return": _("Returned to draft."),
        }
        messages.success(request, done[step])
    return redirect(spec.detail, code=r.case.code, uid=record.uid)
