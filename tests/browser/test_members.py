"""The owner manages the team in Chromium: invites a documenter, who joins through the link;
adds a partner until a date, who reads the case without identities and loses access at expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from expediente_web.cases.models import Case, Membership, Source
from expediente_web.records.models import Person
from support.two_factor import browser_sign_in

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "ventana-abierta-al-patio"
NAME = "Teodora Quintanilla Brizuela"  # synthetic


@pytest.fixture
def owned_case():
    users = get_user_model().objects
    owner = users.create_user("olga", password=PASSWORD)
    users.create_user("pia", password=PASSWORD)
    case = Case.objects.create(code="ve-equipo", title="Caso sintético del equipo", country="VE")
    Membership.objects.create(case=case, user=owner, role="role.owner")
    source = Source.objects.create(case=case, code="SRC-1", name="Lista (sintética)",
                                   kind="source.ngo_list")
    Person.objects.create(case=case, source=source, source_record_id="1", full_name=NAME)
    return case


@pytest.mark.parametrize("width", [1280, 390])
def test_the_owner_invites_and_the_invitee_joins(browser, live_server, owned_case, shot, width):
    case = owned_case
    context = browser.new_context(base_url=live_server.url, locale="es-ES",
                                  viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        browser_sign_in(page, "olga", PASSWORD)
        page.goto(f"/cases/{case.code}/team/")
        page.fill("#id_username", "nuria")
        page.select_option("#id_role", "role.documenter")
        page.click("form.invite button[type=submit]")
        link = page.locator("input.invitation-link").input_value()
        assert "/invitation/" in link
        shot(page, f"team-{width}")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
            "the team page scrolls sideways")
        # Anyone in another browser opens the link once.
        joiner = browser.new_context(base_url=live_server.url, locale="es-ES").new_page()
        joiner.goto(link)
        joiner.fill("#id_new_password1", "12345678")
        joiner.fill("#id_new_password2", "12345678")
        joiner.click("form.login button[type=submit]")
        expect(joiner.locator(".errorlist").first).to_be_visible()  # the validators' message
        joiner.fill("#id_new_password1", "estrella-del-mediodia")
        joiner.fill("#id_new_password2", "estrella-del-mediodia")
        joiner.click("form.login button[type=submit]")
        joiner.wait_for_url("**/login/**")
        joiner.fill("#id_username", "nuria")
        joiner.fill("#id_password", "estrella-del-mediodia")
        joiner.click("form.login button[type=submit]")
        joiner.wait_for_url("**/account/two-factor/**")  # a documenter sets up two factors
        joiner.context.close()
        assert Membership.objects.get(user__username="nuria").role == "role.documenter"
    finally:
        context.close()


def test_a_partner_reads_without_identities_until_the_date(page, owned_case, shot):
    case = owned_case
    browser_sign_in(page, "olga", PASSWORD)
    page.goto(f"/cases/{case.code}/team/")
    page.fill("#id_username", "pia")
    page.select_option("#id_role", "role.partner")
    page.click("form.invite button[type=submit]")
    expect(page.locator(".errorlist, .flash.error").first).to_be_visible()  # a partner needs a date
    page.fill("#id_username", "pia")
    page.select_option("#id_role", "role.partner")
    page.fill("#id_expires_on", (timezone.now() + timedelta(days=30)).date().isoformat())
    page.click("form.invite button[type=submit]")
    assert page.locator("#member-pia select").input_value() == "role.partner"
    shot(page, "team-with-partner")
    page.click("header form button[type=submit]:not([name=language])")

    browser_sign_in(page, "pia", PASSWORD)  # a partner's role needs no second factor
    page.goto(f"/cases/{case.code}/")
    assert page.locator("h1").inner_text() == "Caso sintético del equipo"
    assert NAME not in page.content()
    Membership.objects.filter(user__username="pia").update(
        expires_at=timezone.now() - timedelta(seconds=1))
    response = page.goto(f"/cases/{case.code}/")
    assert response.status == 403
    assert NAME not in page.content()
    shot(page, "partner-expired")
