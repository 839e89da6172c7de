"""The estimation pages: the form starts a background job, the page shows its progress, the
result page shows the estimate, what was chosen and why, and the inputs; a re-run repeats it."""

from __future__ import annotations

import pytest

from expediente_web.analyses.models import EstimateRun
from expediente_web.jobs.models import Job
from support.two_factor import TwoFactorClient as Client

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _base(case):
    return f"/cases/{case.code}/linkage/estimates/"


def test_the_form_starts_an_estimate_whose_progress_and_result_the_page_shows(
        case, analyst, linked):
    from expediente_web.jobs.worker import run_pending

    web = _client(analyst)
    page = web.get(_base(case)).content.decode()
    assert 'name="method"' in page and 'value="auto" selected' in page
    answer = web.post(_base(case) + "start/", {"method": "auto", "lists": "auto",
                                                "strata": "", "seed": "21", "level": "0.95"})
    job = Job.objects.get(kind="estimate")
    assert job.params == {"method": "auto", "lists": "auto", "seed": 21, "level": 0.95}
    assert answer.status_code == 302 and answer["Location"] == _base(case) + f"?job={job.uid}"
    waiting = web.get(answer["Location"]).content.decode()
    poll = f'hx-get="{_base(case)}jobs/{job.uid}/"'
    assert poll in waiting and 'hx-trigger="every 1s"' in waiting

    run_pending()
    done = web.get(f"{_base(case)}jobs/{job.uid}/").content.decode()
    run = EstimateRun.objects.get()
    assert "hx-get" not in done
    assert f"{_base(case)}{run.uid}/" in done

    result = web.get(f"{_base(case)}{run.uid}/").content.decode()
    head = run.result["estimates"][0]
    assert f"{head['estimate']:,.0f}" in result
    assert "What was chosen, and why" in result
    assert "sources are at most the 8 lists a log-linear model is given here" in result
    assert run.parameters["input_sha256"] in result
    assert "<svg" in result and "<circle" in result
    assert f"/cases/{case.code}/resolved/?run={linked.uid}" in result
    assert f"/cases/{case.code}/sources/ONG-A/" in result
    assert "Re-run with the same parameters" in result
    listed = web.get(_base(case)).content.decode()
    assert f"{_base(case)}{run.uid}/" in listed
    overview = web.get(f"/cases/{case.code}/linkage/").content.decode()
    assert f"{_base(case)}{run.uid}/" in overview and f'href="{_base(case)}"' in overview


def test_a_rerun_repeats_the_parameters_and_gives_the_same_numbers(case, analyst, linked):
    from expediente_web.analyses.actions import do_run_estimate
    from expediente_web.jobs.worker import run_pending

    first = do_run_estimate(analyst, case, seed=4, options={"n_boot": 20})
    web = _client(analyst)
    answer = web.post(f"{_base(case)}{first.uid}/rerun/")
    assert answer.status_code == 302
    job = Job.objects.get(kind="estimate")
    assert job.params["link_run"] == str(linked.uid)
    assert job.params["options"]["n_boot"] == 20
    assert (job.params["method"], job.params["lists"], job.params["seed"]) == (
        "loglinear", "source", 4)
    run_pending()
    again = EstimateRun.objects.exclude(pk=first.pk).get()
    assert again.result == first.result
    assert again.parameters["input_sha256"] == first.parameters["input_sha256"]


def test_a_failed_estimate_says_why(case, analyst, victims):
    from expediente_web.jobs.worker import run_pending

    web = _client(analyst)
    web.post(_base(case) + "start/", {"method": "auto", "lists": "auto", "seed": "1",
                                       "level": "0.95"})
    job = Job.objects.get(kind="estimate")
    run_pending()
    fragment = web.get(f"{_base(case)}jobs/{job.uid}/").content.decode()
    assert "The estimate failed" in fragment and "no linkage run" in fragment
    assert not EstimateRun.objects.exists()


def test_a_bad_form_is_refused_with_its_field(case, analyst, linked):
    web = _client(analyst)
    answer = web.post(_base(case) + "start/", {"method": "bayes", "lists": "auto",
                                                "seed": "-1", "level": "0.95"})
    assert answer.status_code == 400
    assert not Job.objects.exists()


def test_a_viewer_reads_the_estimates_but_gets_no_form(case, analyst, viewer, linked):
    from expediente_web.analyses.actions import do_run_estimate

    run = do_run_estimate(analyst, case, options={"n_boot": 0})
    web = _client(viewer)
    page = web.get(_base(case)).content.decode()
    assert 'name="method"' not in page and f"{run.uid}" in page
    detail = web.get(f"{_base(case)}{run.uid}/").content.decode()
    assert "Re-run with the same parameters" not in detail
    assert web.post(f"{_base(case)}{run.uid}/rerun/").status_code == 403
    assert web.post(_base(case) + "start/", {"method": "auto", "lists": "auto", "seed": "1",
                                             "level": "0.95"}).status_code == 403


def test_stored_labels_render_inert(case, analyst):
    hostile = '"><img src=x onerror=alert(1)>'
    script = "<script>alert(1)</script>"
    run = EstimateRun.objects.create(
        case=case, actor="ana", method="loglinear",
        parameters={"method": "loglinear", "lists": "source", "list_names": [hostile],
                    "strata": "year", "seed": 1, "level": 0.95, "input_sha256": "0" * 64,
                    "choice": {"reasons": [{"code": "loglinear_cannot_fit",
                                            "values": {"detail": script}, "text": script}]}},
        result={"strata_column": "year", "refused_strata": {script: script},
                "estimates": [{"stratum": script, "method": "loglinear", "n_observed": 10,
                               "estimate": 12.0, "warnings": [script],
                               "intervals": [{"lower": 10.0, "upper": 20.0, "level": 0.95,
                                              "method": "profile"}]}],
                "total": None})
    page = _client(analyst).get(f"{_base(case)}{run.uid}/").content.decode()
    assert script not in page and hostile not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
