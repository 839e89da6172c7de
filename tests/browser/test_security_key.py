"""A security key in Chromium (its virtual authenticator, through the DevTools protocol): added
on the account page after signing in with the app, then used at the second step instead of a
code; it never replaces the password."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from expediente_web.audit.models import AuditEntry
from expediente_web.cases.models import Case, Membership
from support.two_factor import enrol_totp, totp_code

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "pasillo-largo-y-oscuro"


@pytest.fixture
def documenter_case():
    user = get_user_model().objects.create_user("dora", password=PASSWORD)
    case = Case.objects.create(code="ve-keys", title="Caso sintético de prueba", country="VE")
    Membership.objects.create(case=case, user=user, role="role.documenter")
    enrol_totp(user)
    return user, case


def _password_step(page, username="dora", password=PASSWORD):
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form.login button[type=submit]")
    page.wait_for_url("**/two-factor/verify/**")


def _virtual_authenticator(context, page):
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "usb", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True,
        "automaticPresenceSimulation": True,
    }})
    return cdp


@pytest.mark.parametrize("width", [1280, 390])
def test_a_key_added_on_the_account_page_signs_in_at_the_second_step(
        browser, live_server, documenter_case, shot, width):
    user, case = documenter_case
    from django_otp.plugins.otp_totp.models import TOTPDevice

    context = browser.new_context(base_url=live_server.url, locale="en-GB",
                                  viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        _virtual_authenticator(context, page)
        _password_step(page)
        assert page.locator("#passkey-verification-button").count() == 0  # no key yet
        page.fill("#id_code", totp_code(TOTPDevice.objects.get(user=user)))
        page.click("form.login button[type=submit]")
        page.wait_for_load_state()
        page.goto("/account/")
        page.click("#passkey-register-button")
        page.wait_for_selector("ul.keys li")
        assert "Security key 1" in page.locator("ul.keys").inner_text()
        assert AuditEntry.objects.filter(action="add_security_key").count() == 1
        shot(page, f"account-keys-{width}")
        no_scroll = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert no_scroll, "the page scrolls sideways"

        # Signed out: the password first, then the key instead of a code.
        page.click("header form button[type=submit]:not([name=language])")
        page.goto(f"/cases/{case.code}/")
        page.fill("#id_username", "dora")
        page.fill("#id_password", PASSWORD)
        page.click("form.login button[type=submit]")
        page.wait_for_url("**/two-factor/verify/**")
        shot(page, f"verify-with-key-{width}")
        page.click("#passkey-verification-button")
        page.wait_for_url(f"**/cases/{case.code}/")
        assert page.locator("h1").inner_text() == "Caso sintético de prueba"
    finally:
        context.close()


def test_a_key_alone_does_not_sign_in(browser, live_server, documenter_case):
    """Password-less sign-in is off: the ceremony refuses a visitor who has not given the
    password."""
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    try:
        page.goto("/login/")
        status = page.evaluate("""async () => {
            const csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
            const r = await fetch("/account/keys/webauthn/authentication/begin/",
                {method: "POST", headers: {"X-CSRFToken": csrf}});
            return r.status;
        }""")
        assert status == 403
    finally:
        context.close()
