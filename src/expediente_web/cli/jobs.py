"""`expediente worker` runs background jobs; `expediente jobs` lists and follows them."""

from __future__ import annotations

import sys
import time

import click

from expediente_web.cli.failures import Refused, user_errors
from expediente_web.cli.opening import find_case, open_database
from expediente_web.cli.setup import EXIT_PROBLEM_FOUND, data_dir_option


@click.command(name="worker")
@data_dir_option
@click.option("--once", is_flag=True,
              help="Run the jobs queued now, then stop (instead of waiting for more).")
def worker_command(once: bool) -> None:
    """Run the background jobs that the web pages queue (imports, linkage, estimates).

    `expediente serve` starts one beside itself; run this instead when the server runs with
    --no-worker, or on another machine that shares the PostgreSQL database.
    """
    with user_errors():
        open_database()
        from expediente_web.protection.cipher import current_keyring

        current_keyring()
    from expediente_web.jobs.worker import run_forever, run_pending

    if once:
        run_pending()
    else:
        click.echo("Worker started: running queued jobs (Ctrl+C to stop).", err=True)
        run_forever()


@click.group(name="jobs")
def command() -> None:
    """Background jobs of a case: list them, follow one to its end."""


@command.command(name="list")
@data_dir_option
@click.option("--case", "case_code", required=True, help="Case code.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10000))
def list_jobs(case_code: str, limit: int) -> None:
    """The case's latest jobs, newest first."""
    with user_errors():
        open_database()
        case = find_case(case_code)
        from expediente_web.jobs.models import Job

        jobs = list(Job.objects.filter(case=case)[:limit])
    if not jobs:
        click.echo(f"No jobs in case {case.code}.")
        return
    for job in jobs:
        when = job.created_at.strftime("%Y-%m-%d %H:%M")
        tail = f"  {job.error.splitlines()[0]}" if job.error else ""
        click.echo(f"{job.uid}  {when}  {job.kind:<12} {job.status:<9} {job.actor}{tail}")


@command.command(name="watch")
@data_dir_option
@click.argument("uid")
@click.option("--interval", default=1.0, show_default=True, type=click.FloatRange(0.1, 60))
def watch(uid: str, interval: float) -> None:
    """Follow job UID with a progress bar until it ends; exit 1 when it failed."""
    import uuid

    try:
        uuid.UUID(uid)
    except ValueError:
        raise Refused(f"{uid!r} is not a job id (a UUID, as `expediente jobs list` shows)") \
            from None
    with user_errors():
        open_database()
        from expediente_web.jobs import progress
        from expediente_web.jobs.models import Job

        job = Job.objects.filter(uid=uid).first()
        if job is None:
            raise Refused(f"No job {uid}")
        shown = -1
        while not job.finished:
            snap = progress.read(uid)
            line = f"{job.status}: {snap.stage or '…'}"
            if snap.total:
                line += f" {snap.done}/{snap.total} ({snap.percent} %)"
            if sys.stderr.isatty():
                click.echo(f"\r{line:<72}", err=True, nl=False)
            elif snap.done != shown:
                click.echo(line, err=True)
            shown = snap.done
            time.sleep(interval)
            job.refresh_from_db()
        if sys.stderr.isatty():
            click.echo("", err=True)
    if job.status == "failed":
        click.echo(f"Job {uid} failed: {job.error}", err=True)
        sys.exit(EXIT_PROBLEM_FOUND)
    click.echo(f"Job {uid} done: " + ", ".join(f"{k}={v}" for k, v in job.result.items()))
