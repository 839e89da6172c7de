"""`expediente worker --once` runs what the pages queued; `expediente jobs` follows it."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from expediente.cli import main
from web.analyses.analyses_data import load_victims


@pytest.fixture
def runner():
    return CliRunner()


def test_worker_once_runs_a_queued_job_and_jobs_watch_reports_it(case, analyst, runner):
    from expediente_web.jobs.actions import do_enqueue_job

    load_victims(case)
    job = do_enqueue_job(analyst, case, "linkage")
    listed = runner.invoke(main, ["jobs", "list", "--case", case.code])
    assert listed.exit_code == 0 and str(job.uid) in listed.output and "queued" in listed.output

    ran = runner.invoke(main, ["worker", "--once"])
    assert ran.exit_code == 0, ran.output
    watched = runner.invoke(main, ["jobs", "watch", str(job.uid)])
    assert watched.exit_code == 0, watched.output
    assert "done" in watched.output and "link_run=" in watched.output


def test_watching_a_failed_job_exits_1_with_its_reason(case, analyst, runner):
    from expediente_web.jobs.actions import do_enqueue_job

    job = do_enqueue_job(analyst, case, "linkage")
    runner.invoke(main, ["worker", "--once"])
    watched = runner.invoke(main, ["jobs", "watch", str(job.uid)])
    assert watched.exit_code == 1 and "at least two" in watched.output


@pytest.mark.parametrize("args", [["jobs", "watch", "not-a-uid"],
                                  ["jobs", "watch", "00000000-0000-0000-0000-000000000000"],
                                  ["jobs", "list", "--case", "no-such-case"]])
def test_bad_arguments_are_refused_with_exit_2(db, runner, args):
    result = runner.invoke(main, args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
