"""The worker that runs queued jobs: in its own process beside `expediente serve`, or alone.

It is django-tasks' database worker, started with the queue's settings, after failing the jobs
a killed worker left running (`fail_interrupted`).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time

from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, DEFAULT_TASK_QUEUE_NAME

from expediente_web.jobs.actions import fail_interrupted

#: Seconds between two looks at the queue when it is empty.
POLL_INTERVAL = 1.0


def _worker(batch: bool, interval: float):  # type: ignore[no-untyped-def]
    from django_tasks_db.management.commands.db_worker import Worker

    return Worker(queue_names=[DEFAULT_TASK_QUEUE_NAME], interval=interval, batch=batch,
                  backend_name=DEFAULT_TASK_BACKEND_ALIAS, startup_delay=False, max_tasks=None,
                  worker_id=f"{socket.gethostname()}-{os.getpid()}"[:64],
                  excluded_queue_names=[])


#: Set by `start_beside`: the server's pid, so that a worker whose server is gone stops too.
PARENT_ENV = "EXPEDIENTE_WORKER_PARENT"


def run_forever(interval: float = POLL_INTERVAL) -> None:
    """Run jobs as they are queued until the process is stopped (SIGTERM, Ctrl+C).

    Started beside a server, it also stops (after the job it is running) once that server is
    gone, however the server ended.
    """
    fail_interrupted()
    worker = _worker(batch=False, interval=interval)
    worker.configure_signals()
    parent = os.environ.get(PARENT_ENV)
    if parent and parent.isdigit():
        threading.Thread(target=_stop_when_orphaned, args=(worker, int(parent)), daemon=True,
                         name="expediente-worker-watchdog").start()
    worker.run()


def _stop_when_orphaned(worker, parent: int) -> None:  # type: ignore[no-untyped-def]
    while worker.running:
        if os.getppid() != parent:
            worker.running = False
            return
        time.sleep(1.0)


def run_pending() -> None:
    """Run every job queued now, one after the other, and return (tests, `worker --once`).

    The same claim-and-run steps as the worker's loop, without its closing of idle database
    connections between jobs (which would close the caller's own connection)."""
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    fail_interrupted()
    worker = _worker(batch=True, interval=0)
    while True:
        with transaction.atomic():
            task_result = (DBTaskResult.objects.ready()
                           .filter(backend_name=DEFAULT_TASK_BACKEND_ALIAS).get_locked())
            if task_result is None:
                return
            task_result.claim(worker.worker_id)
        worker.run_task(task_result)


def start_beside() -> subprocess.Popen[bytes]:
    """Start `expediente worker` as a child process with this process's data directory.

    `expediente serve` runs one so that a single command serves the pages and runs their jobs;
    the child ends with the server (`stop_beside`), and a child killed outright leaves jobs
    that the next worker marks failed (`fail_interrupted`).
    """
    from django.conf import settings

    env = {**os.environ, "EXPEDIENTE_DATA_DIR": str(settings.DATA_DIR),
           PARENT_ENV: str(os.getpid())}
    code = "from expediente.cli import main; main()"
    return subprocess.Popen([sys.executable, "-c", code, "worker"], env=env)  # noqa: S603 (a fixed argv of our own, no shell)


def stop_beside(child: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    """Ask the worker to finish its current job and stop; kill it after `timeout` seconds."""
    if child.poll() is not None:
        return
    child.terminate()
    try:
        child.wait(timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
