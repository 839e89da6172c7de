"""Permission-checked reads of jobs: a member of the case sees its jobs."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from expediente_web.cases.access import role_in
from expediente_web.cases.models import Case
from expediente_web.jobs.models import Job


def jobs_of_case(user: Any, case: Case) -> QuerySet[Job]:
    """The case's jobs, newest first; 404 for someone outside the case."""
    if user is not None and role_in(user, case) is None:
        raise Http404(f"No case {case.code!r}")
    return Job.objects.filter(case=case)


def access_job(user: Any, case: Case, uid: str) -> Job:
    """One job of the case by uid; 404 when there is none or the user is outside the case."""
    job = jobs_of_case(user, case).filter(uid=uid).first()
    if job is None:
        raise Http404(f"No job {uid!r} in case {case.code!r}")
    return job
