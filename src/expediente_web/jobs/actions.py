"""Writes of the jobs app: asking for a job, and the worker's record of how it went.

`do_enqueue_job` is the one service a person calls; it checks the actor may ask for that kind
of work, stores the job and queues its task in one transaction, with one audit entry. The work
itself writes its own audited records through its own service (a linkage run, an estimate).
The status changes below are the worker's bookkeeping of a job, not writes to the case record.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from expediente_web.audit.record import actor_name, record_write
from expediente_web.cases.models import Case
from expediente_web.jobs import progress
from expediente_web.jobs.kinds import kind_named
from expediente_web.jobs.models import FAILED, QUEUED, RUNNING, SUCCEEDED, Job

#: Longest error message kept on a failed job.
MAX_ERROR_CHARS = 2000


def do_enqueue_job(actor: Any, case: Case, kind: str, params: Mapping[str, Any] | None = None
                   ) -> Job:
    """Queue `kind` of work in `case` for the background worker and return its job.

    Raises:
        NotPermitted: the actor may not ask for this work in this case.
        InvalidInput: an unknown kind or a parameter it does not take.
    """
    spec = kind_named(kind)
    spec.check(actor, case)
    cleaned = spec.clean(params or {})
    from expediente_web.jobs.tasks import run_job

    with transaction.atomic():
        job = Job.objects.create(case=case, kind=spec.name, params=cleaned,
                                 actor=actor_name(actor))
        result = run_job.enqueue(str(job.uid))
        job.task_id = str(result.id)
        job.save(update_fields=["task_id"])
        record_write(actor, "enqueue_job", job,
                     {"job": str(job.uid), "kind": spec.name, "params": cleaned})
    return job


def mark_running(job: Job) -> bool:
    """Claim a queued job for this process; False when it is no longer queued."""
    claimed = Job.objects.filter(pk=job.pk, status=QUEUED).update(
        status=RUNNING, started_at=timezone.now(), worker_pid=os.getpid())
    return bool(claimed)


def mark_succeeded(job: Job, result: Mapping[str, Any]) -> None:
    Job.objects.filter(pk=job.pk).update(status=SUCCEEDED, result=dict(result),
                                         finished_at=timezone.now())
    progress.remove(str(job.uid))


def mark_failed(job: Job, error: str) -> None:
    Job.objects.filter(pk=job.pk).update(status=FAILED, error=error[:MAX_ERROR_CHARS],
                                         finished_at=timezone.now())
    progress.remove(str(job.uid))


def _pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, under another user
        return True
    return True


INTERRUPTED = ("interrupted: the worker stopped before the job finished. What it was writing "
               "is written all at once or not at all, so nothing of it was kept; run it again.")


def fail_interrupted() -> int:
    """Mark failed every running job whose worker process is gone; the number marked.

    Called when a worker starts: a job that was running when its worker was killed did not
    write half of anything (every service writes in one transaction), so it is cleanly failed
    and can be run again.
    """
    marked = 0
    for job in Job.objects.filter(status=RUNNING).only("pk", "uid", "worker_pid"):
        if job.worker_pid != os.getpid() and not _pid_alive(job.worker_pid):
            mark_failed(job, INTERRUPTED)
            marked += 1
    return marked
