"""An analyst estimates the total from the browser: the form on the estimation page starts the
job, the page follows its progress, and the result page shows the estimate, what was chosen and
why, and the chart. Screenshots at laptop and phone width."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from expediente_web.analyses.actions import do_run_linkage
from expediente_web.analyses.models import EstimateRun
from expediente_web.cases.models import Case, Membership
from support.two_factor import browser_sign_in
from web.analyses.analyses_data import load_victims, wide_band_config

from .record_pages import no_sideways_scroll

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "clave-de-prueba-123"


@pytest.fixture
def linked_case():
    users = get_user_model().objects
    analyst = users.create_user("ana", password=PASSWORD)
    case = Case.objects.create(code="ve-sint", title="Caso sintético de prueba", country="VE")
    Membership.objects.create(case=case, user=analyst, role="role.analyst")
    load_victims(case)
    do_run_linkage(analyst, case, wide_band_config())
    return case




@pytest.mark.parametrize("width", [1280, 390])
def test_an_estimate_runs_from_the_form_to_its_result_page(page, linked_case, width, shot):
    from expediente_web.jobs.worker import run_pending

    case = linked_case
    page.set_viewport_size({"width": width, "height": 900})
    browser_sign_in(page, "ana", PASSWORD)
    page.goto(f"/cases/{case.code}/linkage/")
    page.locator(f"a[href='/cases/{case.code}/linkage/estimates/']").first.click()
    assert page.url.endswith(f"/cases/{case.code}/linkage/estimates/")
    assert page.locator("#id_method").input_value() == "auto"
    assert page.locator("#id_lists").input_value() == "auto"
    shot(page, "form")
    assert no_sideways_scroll(page)

    page.fill("#id_seed", "31")
    page.locator("form.estimate-form button[type=submit]").click()
    page.wait_for_selector("section.estimate-job progress", timeout=20000)
    shot(page, "progress")
    run_pending()
    page.wait_for_selector("section.estimate-job a.button", timeout=20000)
    page.locator("section.estimate-job a.button").click()

    run = EstimateRun.objects.get()
    assert page.url.endswith(f"/cases/{case.code}/linkage/estimates/{run.uid}/")
    assert run.parameters["seed"] == 31
    assert run.parameters["requested_method"] == "auto"
    head = run.result["estimates"][0]
    counts = page.locator("ul.estimate-head").inner_text()
    assert f"{head['n_observed']}" in counts
    assert page.locator("section.estimate-choice li").count() == len(
        run.parameters["choice"]["reasons"])
    assert page.locator("figure.estimate-chart svg circle").count() == 1
    assert run.parameters["input_sha256"] in page.content()
    shot(page, "result")
    assert no_sideways_scroll(page)

    page.goto(f"/cases/{case.code}/linkage/estimates/")
    assert page.locator(f"a[href$='/estimates/{run.uid}/']").count() == 1
    shot(page, "list")
    assert no_sideways_scroll(page)


@pytest.mark.parametrize("width", [1280, 390])
def test_a_stratified_lcmcr_estimate_reads_at_both_widths(page, linked_case, width, shot):
    from expediente_web.analyses.actions import do_run_estimate

    case = linked_case
    analyst = get_user_model().objects.get(username="ana")
    run = do_run_estimate(analyst, case, "lcmcr", strata="year", min_lists=2, min_cases=1,
                          options={"burnin": 200, "samples": 100, "thinning": 2, "chains": 2})
    page.set_viewport_size({"width": width, "height": 900})
    browser_sign_in(page, "ana", PASSWORD)
    page.goto(f"/cases/{case.code}/linkage/estimates/{run.uid}/")
    estimated = run.result["estimates"]
    # one chart row per estimated stratum and one for the total
    assert page.locator("figure.estimate-chart svg circle").count() == len(estimated) + 1
    assert page.locator("table tr.total").count() == 1
    assert page.locator("h2", has_text="LCMCR").count() == 0  # the total is combined: no chains
    # each stratum's row carries its own R-hat, beside recorded, estimated, interval, warnings
    assert page.locator("table tbody tr").first.locator("td").count() == 6
    shot(page, "strata-lcmcr")
    assert no_sideways_scroll(page)
