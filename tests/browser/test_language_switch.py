"""The language switch in the header: one click turns the page, and every page after it, from
Spanish to English (labels, vocabulary terms, dates), and back; it works with the keyboard."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from expediente_web.cases.models import Case, Membership
from support.workspace_data import build_record

from .record_pages import addresses, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_switch_changes_the_language_of_every_page(page, live_server, shot):
    case = Case.objects.create(code="idiomas", title="Caso sintético")
    record = build_record(case, many=2)
    user = get_user_model().objects.create_user("lector")
    Membership.objects.create(case=case, user=user, role="role.viewer")
    sign_in(page, live_server, user)
    act = addresses(record)["workspace:act"]
    page.goto(act)
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("h1").inner_text().startswith("Tortura · 14 de mayo de 2017")
    assert page.get_by_role("button", name="Español").get_attribute("aria-pressed") == "true"

    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.url.endswith(act)  # back on the same page
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text().startswith("Torture · May 14, 2017")
    assert "Perpetrators" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="English").get_attribute("aria-pressed") == "true"
    shot(page, "english")

    page.get_by_role("link", name="Places", exact=True).click()
    assert page.locator("h1").inner_text() == "Places"  # the choice holds on the next page
    assert "Detention site" in page.locator("main").inner_text()

    page.get_by_role("button", name="Español").focus()
    with page.expect_navigation():  # the form posts, then the page comes back in Spanish
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Lugares"
    assert "Centro de detención" in page.locator("main").inner_text()
