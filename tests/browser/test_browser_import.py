"""Import from the browser, in a real browser: a documenter uploads a list, reads the whole check
report, maps the values no term matched (a hostile one among them, which stays inert), imports
it and follows the job to its result. Screenshots at laptop and phone width."""

from __future__ import annotations

import csv

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from expediente_web.cases.models import Case, Membership, Source
from expediente_web.records.models import Location

from .record_pages import no_sideways_scroll, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

HOSTILE = '"><img src=x onerror="window.__pwned=1">'


@pytest.fixture
def world(tmp_path):
    case = Case.objects.create(code="demo-ve", title="Caso sintético de prueba", country="XX")
    Source.objects.create(
        case=case, code="ONG-1", name="Lista ficticia de una ONG", kind="source.ngo_list"
    )
    Location.objects.create(case=case, code="VE-X", name="Estado Ficticio", kind="location.state")
    user = get_user_model().objects.create_user("dora")
    Membership.objects.create(case=case, user=user, role="role.documenter")
    path = tmp_path / "lista_ficticia.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_id", "full_name", "sex", "state", "act_type", "date"])
        writer.writerow(
            [
                "V1",
                "Ana Ficticia Uno",
                "sex.female",
                "VE-X",
                "Detenido arbitrariamente",
                "2017-05-03",
            ]
        )
        writer.writerow(
            ["V2", "Luis Ficticio Dos", "sex.male", "", "Detenido arbitrariamente", "2017-05-04"]
        )
        writer.writerow(["V3", "Eva Ficticia Tres", HOSTILE, "VE-X", "act.torture", "2017-06"])
    return case, user, path




@pytest.mark.parametrize("width", [1280, 390])
def test_upload_report_map_and_import_with_progress(page, live_server, world, width, shot):
    from expediente_web.jobs.worker import run_pending
    from expediente_web.records.models import Act, Person

    case, user, path = world
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, user)
    page.goto(f"/cases/{case.code}/")
    page.locator(f"nav.case-nav a[href='/cases/{case.code}/import/']").click()
    assert page.url.endswith(f"/cases/{case.code}/import/")
    page.set_input_files("#id_file", str(path))
    page.select_option("#id_source", "ONG-1")
    shot(page, "form")
    assert no_sideways_scroll(page)
    page.locator("form.import-form button[type=submit]").click()

    # The check runs as a job; the page shows its progress until the worker is done.
    expect(page.locator("#upload-progress progress")).to_have_count(1)
    run_pending()
    page.wait_for_selector("form.mapping", timeout=15000)
    rows = page.locator("table.problems tbody tr")
    assert rows.count() == 3  # rows 2 and 3 (act_type), row 4 (sex), in one report
    assert page.locator("form.mapping tbody tr").count() == 2
    suggested = page.locator("form.mapping tbody tr").first.inner_text()
    assert "Detención arbitraria" in suggested  # the reader's language (Spanish)
    assert page.evaluate("window.__pwned") is None
    assert HOSTILE in page.locator("form.mapping").inner_text()
    shot(page, "report")
    assert no_sideways_scroll(page)

    page.select_option("#term-1", "act.detention.arbitrary")
    page.select_option("#term-2", "-")  # the hostile value: no value
    page.locator("form.mapping button[type=submit]").click()
    run_pending()
    page.wait_for_selector(".actions button.primary", timeout=15000)
    assert page.locator("table.problems").count() == 0
    shot(page, "checked")

    page.locator(".actions button.primary").click()
    expect(page.locator("#upload-progress progress")).to_have_count(1)
    shot(page, "importing")
    run_pending()
    page.wait_for_selector("section.result", timeout=15000)
    assert "3" in page.locator("section.result").inner_text()
    assert page.evaluate("window.__pwned") is None
    shot(page, "result")
    assert no_sideways_scroll(page)
    assert Person.objects.filter(case=case).count() == 3
    assert sorted(Act.objects.filter(case=case).values_list("act_type", flat=True)) == [
        "act.detention.arbitrary",
        "act.detention.arbitrary",
        "act.torture",
    ]
    assert Person.objects.get(source_record_id="V3").sex == ""
    page.locator("section.result a[href$='/sources/ONG-1/']").click()
    assert page.url.endswith("/sources/ONG-1/")
