"""An analyst makes a report from the browser: the case's navigation leads to the reports page,
the form starts the job, the page follows its progress and offers the signed result; the static
site of the public edition, opened from the disk (file://), reads at laptop and phone width and
asks for nothing outside its folder. Screenshots at 1280 and 390 px."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.contrib.auth import get_user_model

from expediente_web.cases.models import Case, Membership
from support.two_factor import browser_sign_in
from support.workspace_data import build_record

from .record_pages import no_sideways_scroll

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "clave-de-prueba-123"


@pytest.fixture
def report_case():
    users = get_user_model().objects
    analyst = users.create_user("ana", password=PASSWORD)
    case = Case.objects.create(code="ve-sint", title="Caso sintético de prueba", country="VE")
    Membership.objects.create(case=case, user=analyst, role="role.analyst")
    build_record(case, many=12, hostile=True)
    return case




@pytest.mark.parametrize("width", [1280, 390])
def test_a_report_is_made_from_the_page_and_its_site_reads_from_the_disk(
    page, report_case, width, tmp_path, shot
):
    from expediente_web.jobs.models import Job
    from expediente_web.jobs.worker import run_pending

    case = report_case
    page.set_viewport_size({"width": width, "height": 900})
    browser_sign_in(page, "ana", PASSWORD)
    page.goto(f"/cases/{case.code}/")
    page.locator(f"nav.case-nav a[href='/cases/{case.code}/reports/']").click()
    page.wait_for_url(f"**/cases/{case.code}/reports/")
    assert page.locator("#id_edition option").count() == 5
    shot(page, "form")
    assert no_sideways_scroll(page)

    page.select_option("#id_edition", "public")
    page.select_option("#id_format", "site")
    page.select_option("#id_lang", "es")
    page.locator("form.report-form button[type=submit]").click()
    page.wait_for_selector("section.report-job progress", timeout=20000)
    shot(page, "progress")
    run_pending()
    page.wait_for_selector("section.report-job a.button", timeout=20000)
    shot(page, "done")
    assert no_sideways_scroll(page)
    job = Job.objects.get(kind="report_edition")
    assert job.status == "succeeded", job.error
    link = page.locator("section.report-job a.button").first.get_attribute("href")
    assert link == f"/cases/{case.code}/reports/{job.uid}/download/zip/"

    # The static site, from the disk: every request it makes stays in its folder.
    packed = page.request.get(link).body()
    with zipfile.ZipFile(io.BytesIO(packed)) as archive:
        archive.extractall(tmp_path)
    site = tmp_path / f"{case.code}-public"
    outside: list[str] = []
    page.on(
        "request", lambda r: outside.append(r.url) if not r.url.startswith(site.as_uri()) else None
    )
    for name in ("index", "acts", "command", "findings", "methodology"):
        page.goto((site / f"{name}.html").as_uri())
        assert page.locator("nav.report-nav a").count() == 7
        shot(page, f"site-{name}")
        assert no_sideways_scroll(page), name
    page.locator("nav.report-nav a[href='acts.html']").click()
    page.wait_for_url("**/acts.html")
    assert page.locator("svg.report-chart").count() >= 1  # none where every count is under 5
    assert outside == []


@pytest.mark.parametrize("width", [1280, 390])
def test_the_owner_chooses_the_editions_the_case_makes(page, report_case, width, shot):
    users = get_user_model().objects
    users.create_user("olga", password=PASSWORD)
    Membership.objects.create(case=report_case, user=users.get(username="olga"), role="role.owner")
    page.set_viewport_size({"width": width, "height": 900})
    browser_sign_in(page, "olga", PASSWORD)
    page.goto(f"/cases/{report_case.code}/reports/")
    page.uncheck("form.report-editions input[value='oas']")
    page.uncheck("form.report-editions input[value='iachr']")
    page.locator("form.report-editions button[type=submit]").click()
    page.wait_for_url(f"**/cases/{report_case.code}/reports/")
    assert page.locator("#id_edition option").count() == 3
    shot(page, "owner")
    assert no_sideways_scroll(page)
