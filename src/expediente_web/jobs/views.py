"""Pages of a case's background jobs: the list, one job with its progress, start and re-run.

Thin views: access check → action → render. The progress fragment is what the job page polls
(htmx) while the job runs; it stops polling once the job has finished.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from expediente_web.cases.access import access_case_by_code
from expediente_web.cases.validation import InvalidInput
from expediente_web.jobs import progress
from expediente_web.jobs.access import access_job, jobs_of_case
from expediente_web.jobs.actions import do_enqueue_job
from expediente_web.jobs.kinds import ESTIMATE_PARAMS, KINDS

PAGE_SIZE = 25


@login_required
def job_list(request: HttpRequest, code: str) -> HttpResponse:
    case, role = access_case_by_code(request.user, code)
    page = Paginator(jobs_of_case(request.user, case), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "jobs/list.html", {"case": case, "role": role, "page": page,
                                              "kinds": KINDS})


@login_required
def job_detail(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    case, role = access_case_by_code(request.user, code)
    job = access_job(request.user, case, uid)
    return render(request, "jobs/detail.html", _context(request, case, role, job))


@login_required
def job_progress(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    case, role = access_case_by_code(request.user, code)
    job = access_job(request.user, case, uid)
    return render(request, "jobs/_progress.html", _context(request, case, role, job))


def _context(request, case, role, job):  # type: ignore[no-untyped-def]
    kind = KINDS.get(job.kind)
    try:
        if kind is not None:
            kind.check(request.user, case)
        may_rerun = kind is not None
    except PermissionDenied:
        may_rerun = False
    return {"case": case, "role": role, "job": job, "may_rerun": may_rerun,
            "snapshot": progress.read(str(job.uid))}


@login_required
@require_POST
def job_start(request: HttpRequest, code: str) -> HttpResponse:
    """Queue the kind of work named in the form, with the parameters that kind takes."""
    case, _role = access_case_by_code(request.user, code)
    kind = request.POST.get("kind", "")
    params = {k: request.POST[k] for k in ESTIMATE_PARAMS if k in request.POST} \
        if kind == "estimate" else {}
    return _enqueue(request, case, kind, params)


@login_required
@require_POST
def job_rerun(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    """Queue the same work again, with the same parameters."""
    case, _role = access_case_by_code(request.user, code)
    job = access_job(request.user, case, uid)
    return _enqueue(request, case, job.kind, job.params)


def _enqueue(request, case, kind, params):  # type: ignore[no-untyped-def]
    try:
        job = do_enqueue_job(request.user, case, kind, params)
    except InvalidInput as exc:
        messages.error(request, str(exc))
        return redirect("jobs:list", code=case.code)
    except PermissionDenied:
        raise
    messages.success(request, _("The job is queued; this page shows its progress."))
    return redirect("jobs:detail", code=case.code, uid=job.uid)
