"""The jobs pages: the list pages, a job polls its progress until it ends, re-run and start."""

from __future__ import annotations

from web.analyses.analyses_data import load_victims


def _queued(case, analyst, kind="linkage", params=None):
    from expediente_web.jobs.actions import do_enqueue_job

    return do_enqueue_job(analyst, case, kind, params)


def test_the_job_page_polls_while_the_job_runs_and_stops_when_it_ends(case, analyst, as_user):
    from expediente_web.jobs.progress import Reporter
    from expediente_web.jobs.worker import run_pending

    load_victims(case)
    job = _queued(case, analyst)
    page = as_user(analyst).get(f"/cases/{case.code}/jobs/{job.uid}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'hx-get="/cases/{case.code}/jobs/{job.uid}/progress/"' in html
    assert 'hx-trigger="every 1s"' in html

    Reporter(str(job.uid)).stage("blocking")
    fragment = as_user(analyst).get(f"/cases/{case.code}/jobs/{job.uid}/progress/")
    assert "blocking" in fragment.content.decode()

    run_pending()
    done = as_user(analyst).get(f"/cases/{case.code}/jobs/{job.uid}/progress/").content.decode()
    assert "hx-get" not in done
    assert f"/cases/{case.code}/linkage/" in done
    assert "Run it again" in done or "Ejecutarlo de nuevo" in done


def test_start_and_rerun_queue_jobs_for_analysts_only(case, analyst, viewer, as_user):
    from expediente_web.jobs.models import Job

    web = as_user(analyst)
    answer = web.post(f"/cases/{case.code}/jobs/start/",
                      {"kind": "estimate", "method": "lcmcr", "seed": "3"})
    job = Job.objects.get()
    assert answer.status_code == 302 and answer["Location"].endswith(f"/jobs/{job.uid}/")
    assert job.params == {"method": "lcmcr", "seed": 3}
    web.post(f"/cases/{case.code}/jobs/{job.uid}/rerun/")
    assert list(Job.objects.values_list("params", flat=True)) == [job.params, job.params]

    bad = web.post(f"/cases/{case.code}/jobs/start/", {"kind": "estimate", "seed": "x"})
    assert bad.status_code == 302 and Job.objects.count() == 2
    refused = as_user(viewer).post(f"/cases/{case.code}/jobs/start/", {"kind": "linkage"})
    assert refused.status_code == 403 and Job.objects.count() == 2


def test_members_see_the_jobs_of_their_case_and_nobody_else_does(
        case, analyst, viewer, outsider, as_user):
    job = _queued(case, analyst)
    for path in (f"/cases/{case.code}/jobs/", f"/cases/{case.code}/jobs/{job.uid}/",
                 f"/cases/{case.code}/jobs/{job.uid}/progress/"):
        assert as_user(viewer).get(path).status_code == 200
        assert as_user(outsider).get(path).status_code == 404
    assert as_user(viewer).get(f"/cases/{case.code}/jobs/00000000-0000-0000-0000-000000000000/"
                                 ).status_code == 404


def test_the_job_list_pages(case, analyst, as_user, django_assert_max_num_queries):
    from expediente_web.jobs.models import Job

    Job.objects.bulk_create([Job(case=case, kind="linkage", actor="a") for _ in range(60)])
    web = as_user(analyst)
    with django_assert_max_num_queries(12):
        first = web.get(f"/cases/{case.code}/jobs/").content.decode()
    assert first.count("/jobs/") >= 25 and "?page=2" in first
    last = web.get(f"/cases/{case.code}/jobs/?page=3").content.decode()
    assert "?page=2" in last and "?page=4" not in last
