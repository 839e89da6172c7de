"""The one task the queue runs: carry out a stored job and record how it went."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from expediente_web.jobs.models import Job


@task()
def run_job(job_uid: str) -> dict[str, Any]:
    """Run the job `job_uid` with its kind's service; a user error fails it with its message.

    An unexpected error fails the job with the error's kind only (its text may hold values
    from the record) and is raised again, so that the queue keeps its traceback for the
    operator.
    """
    from django.core.exceptions import PermissionDenied, ValidationError

    from expediente_web.jobs.actions import mark_failed, mark_running, mark_succeeded
    from expediente_web.jobs.kinds import kind_named
    from expediente_web.jobs.progress import Reporter
    from expediente_web.protection.keyring import KeyRingError

    job = Job.objects.select_related("case").get(uid=job_uid)
    if not mark_running(job):
        return {"skipped": f"job was {job.status}, not queued"}
    try:
        actor = _actor(job.actor)
        result = kind_named(job.kind).run(actor, job.case, job.params, Reporter(job_uid))
    except (ValidationError, PermissionDenied, KeyRingError) as exc:
        mark_failed(job, str(exc) or type(exc).__name__)
        return {"failed": True}
    except BaseException as exc:
        mark_failed(job, f"internal error ({type(exc).__name__}); the operator finds the "
                         "details in the worker's log")
        raise
    mark_succeeded(job, result)
    return result


def _actor(name: str) -> Any:
    """The account that queued the job; None for the operator at the console."""
    from django.contrib.auth import get_user_model

    from expediente_web.audit.record import OPERATOR

    if name == OPERATOR:
        return None
    user = get_user_model().objects.filter(username=name, is_active=True).first()
    if user is None:
        from expediente_web.cases.access import NotPermitted

        raise NotPermitted(f"the account {name!r} that queued the job is gone or deactivated")
    return user
