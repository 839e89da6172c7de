"""Background jobs: queueing checks who asks, the worker runs the service, failures say why."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from expediente_web.audit.models import AuditEntry
from expediente_web.cases.access import NotPermitted
from expediente_web.cases.validation import InvalidInput
from web.analyses.analyses_data import load_victims


def _run_queue():
    from expediente_web.jobs.worker import run_pending

    run_pending()


def test_an_analyst_queues_linkage_and_the_worker_runs_it(case, analyst):
    from expediente_web.analyses.models import LinkRun
    from expediente_web.jobs.actions import do_enqueue_job
    from expediente_web.jobs.models import Job

    load_victims(case)
    job = do_enqueue_job(analyst, case, "linkage")
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.object_id, entry.actor) == ("enqueue_job", str(job.uid),
                                                            analyst.username)
    assert job.status == "queued" and not LinkRun.objects.exists()

    _run_queue()

    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    run = LinkRun.objects.get()
    assert job.result == {"link_run": str(run.uid), "persons": run.persons,
                          "records": run.records}
    assert job.started_at and job.finished_at and job.worker_pid == os.getpid()
    # The work was audited by its own service, on behalf of the analyst who asked.
    assert AuditEntry.objects.filter(action="run_linkage", actor=analyst.username).exists()
    assert Job.objects.filter(status="queued").count() == 0


def test_an_estimate_job_takes_its_parameters_and_stores_the_run(case, analyst):
    from expediente_web.analyses.actions import do_run_linkage
    from expediente_web.analyses.models import EstimateRun
    from expediente_web.jobs.actions import do_enqueue_job

    load_victims(case)
    do_run_linkage(analyst, case)
    job = do_enqueue_job(analyst, case, "estimate",
                         {"method": "loglinear", "seed": "7", "lists": "kind", "level": "0.9"})
    assert job.params == {"method": "loglinear", "seed": 7, "lists": "kind", "level": 0.9}
    _run_queue()
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    run = EstimateRun.objects.get()
    assert job.result == {"estimate_run": str(run.uid)}
    assert run.parameters["lists"] == "kind" and run.parameters["level"] == 0.9


@pytest.mark.parametrize("persona", ["documenter", "reviewer", "viewer", "outsider"])
def test_only_analysis_roles_may_queue_analyses(request, case, persona):
    from expediente_web.jobs.actions import do_enqueue_job
    from expediente_web.jobs.models import Job

    user = request.getfixturevalue(persona)
    before = AuditEntry.objects.count()
    with pytest.raises(NotPermitted):
        do_enqueue_job(user, case, "linkage")
    assert not Job.objects.exists() and AuditEntry.objects.count() == before


@pytest.mark.parametrize(("kind", "params", "field"), [
    ("report", {}, "kind"),
    ("linkage", {"threshold": 0.5}, "params"),
    ("estimate", {"method": "guess"}, "method"),
    ("estimate", {"seed": "seven"}, "seed"),
    ("estimate", {"strata": "colour"}, "strata"),
    ("estimate", {"lists": "<script>"}, "lists"),
    ("estimate", {"level": "1.5"}, "level"),
    ("estimate", {"samples": 10}, "params"),
])
def test_a_bad_request_is_refused_naming_the_field_and_nothing_is_queued(
        case, analyst, kind, params, field):
    from django_tasks_db.models import DBTaskResult

    from expediente_web.jobs.actions import do_enqueue_job
    from expediente_web.jobs.models import Job

    with pytest.raises(InvalidInput) as refused:
        do_enqueue_job(analyst, case, kind, params)
    assert refused.value.field == field
    assert not Job.objects.exists() and not DBTaskResult.objects.exists()


def test_a_job_whose_service_refuses_fails_with_its_message(case, analyst):
    from expediente_web.analyses.models import LinkRun
    from expediente_web.jobs.actions import do_enqueue_job

    job = do_enqueue_job(analyst, case, "linkage")  # no victim records: nothing to link
    _run_queue()
    job.refresh_from_db()
    assert job.status == "failed"
    assert "linkage needs at least two" in job.error
    assert not LinkRun.objects.exists()


def test_a_job_whose_account_was_deactivated_fails_instead_of_running(case, analyst):
    from expediente_web.jobs.actions import do_enqueue_job

    load_victims(case)
    job = do_enqueue_job(analyst, case, "linkage")
    analyst.is_active = False
    analyst.save()
    _run_queue()
    job.refresh_from_db()
    assert job.status == "failed" and "deactivated" in job.error


def test_a_job_left_running_by_a_killed_worker_is_marked_failed(case, analyst):
    from expediente_web.jobs.actions import do_enqueue_job, fail_interrupted
    from expediente_web.jobs.models import Job

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    job = do_enqueue_job(analyst, case, "linkage")
    Job.objects.filter(pk=job.pk).update(status="running", worker_pid=int(gone.stdout))
    assert fail_interrupted() == 1
    job.refresh_from_db()
    assert job.status == "failed" and job.error.startswith("interrupted")
    assert fail_interrupted() == 0


def test_progress_is_written_atomically_and_read_back(settings, tmp_path):
    from expediente_web.jobs import progress

    settings.DATA_DIR = tmp_path
    reporter = progress.Reporter("abc")
    reporter.stage("blocking")
    reporter.rows(50, 200)
    reporter._write(force=True)
    snap = progress.read("abc")
    assert (snap.stage, snap.done, snap.total, snap.percent) == ("blocking", 50, 200, 25)
    stored = json.loads((tmp_path / "jobs" / "abc.json").read_text())
    assert set(stored) == {"stage", "done", "total", "at"}
    (tmp_path / "jobs" / "abc.json").write_text("{not json")
    assert progress.read("abc") == progress.Snapshot()
    assert progress.read("missing") == progress.Snapshot()
