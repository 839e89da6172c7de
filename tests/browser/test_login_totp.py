"""A documenter's first sign-in in Chromium: password, authenticator set up from the page's QR
code and secret, recovery codes, then the case; the next sign-in asks for a code; lockout."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from expediente_web.cases.models import Case, Membership
from support.two_factor import code_for_key, totp_code

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pasillo-largo-y-oscuro"


@pytest.fixture
def documenter_case():
    user = get_user_model().objects.create_user("dora", password=PASSWORD)
    case = Case.objects.create(code="ve-totp", title="Caso sintético de prueba", country="VE")
    Membership.objects.create(case=case, user=user, role="role.documenter")
    return user, case


def _password_step(page, username, password=PASSWORD):
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form.login button[type=submit]")


@pytest.mark.parametrize("width", [1280, 390])
def test_first_sign_in_sets_up_the_authenticator_then_asks_for_codes(
        browser, live_server, documenter_case, shot, width):
    user, case = documenter_case
    context = browser.new_context(base_url=live_server.url, locale="es-ES",
                                  viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"/cases/{case.code}/")
        assert "/login/" in page.url
        _password_step(page, "dora")
        page.wait_for_url("**/account/two-factor/**")
        shot(page, f"enrol-{width}")
        assert page.locator("figure.qr-code svg").count() == 1
        assert page.locator("figure.qr-code svg").bounding_box()["width"] <= width
        page.goto(f"/cases/{case.code}/")  # not before the second factor
        assert "/account/two-factor/" in page.url
        secret = page.locator("#totp-secret").get_attribute("data-secret")
        page.fill("#id_code", "000000")
        page.click(".enrol button[type=submit]")
        assert page.locator(".errorlist").count() == 1
        page.fill("#id_code", code_for_key(base64.b32decode(secret)))
        page.click(".enrol button[type=submit]")
        page.wait_for_url("**/recovery-codes/**")
        assert page.locator("ol.recovery-codes li").count() == 10
        shot(page, f"recovery-codes-{width}")
        no_scroll = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert no_scroll, "the page scrolls sideways"
        page.click("a.button.primary")
        page.wait_for_url(f"**/cases/{case.code}/")
        assert page.locator("h1").inner_text() == "Caso sintético de prueba"

        # Signed out, the next sign-in asks for a code from the app.
        page.click("header form button[type=submit]:not([name=language])")
        _password_step(page, "dora")
        page.wait_for_url("**/two-factor/verify/**")
        shot(page, f"verify-{width}")
        from django_otp.plugins.otp_totp.models import TOTPDevice

        page.fill("#id_code", totp_code(TOTPDevice.objects.get(user=user)))
        page.click("form.login button[type=submit]")
        page.wait_for_url("**/")
        assert "/two-factor/" not in page.url
    finally:
        context.close()


def test_forty_wrong_passwords_lock_the_right_one_out(page, documenter_case, shot):
    for i in range(40):
        _password_step(page, "dora", f"equivocada-{i}")
    _password_step(page, "dora")
    assert "/two-factor/" not in page.url
    body = page.locator("main").inner_text()
    assert "15" in body and "UTC" in body
    shot(page, "lockout")


def test_an_expired_partner_is_told_that_access_has_ended(page, documenter_case, shot):
    _, case = documenter_case
    partner = get_user_model().objects.create_user("pablo", password=PASSWORD)
    Membership.objects.create(case=case, user=partner, role="role.partner",
                              expires_at=timezone.now() - timedelta(hours=1))
    _password_step(page, "pablo")
    response = page.goto(f"/cases/{case.code}/")
    assert response.status == 403
    assert case.code in page.locator("main").inner_text()
    shot(page, "expired")
