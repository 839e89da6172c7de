"""Second factors for tests: a confirmed authenticator for a user, and its current code.

These stand in for a person's phone, through django-otp's own models and its TOTP arithmetic;
nothing in the application is bypassed.
"""

from __future__ import annotations

import time
from typing import Any

from django.test import Client


def enrol_totp(user: Any) -> Any:
    """The user's confirmed authenticator device (made on the first call)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=True)
    return device


def code_for_key(bin_key: bytes, *, after_step: int = -1, drift: int = 0, tolerance: int = 1,
                 step: int = 30, digits: int = 6) -> str:
    """A valid code for a TOTP key: the first time step in the verifier's window (now + drift,
    plus or minus its tolerance) after `after_step`. django-otp refuses a step it accepted
    before, so a second sign-in in the same 30 s uses the next step; when none is left in the
    window this waits for the clock."""
    from django_otp.oath import totp

    while True:
        now_step = int(time.time()) // step
        for wanted in range(now_step + drift - tolerance, now_step + drift + tolerance + 1):
            if wanted > after_step:
                code = totp(bin_key, step=step, t0=0, digits=digits, drift=wanted - now_step)
                return f"{code:0{digits}d}"
        time.sleep(step - time.time() % step + 0.05)


def totp_code(device: Any) -> str:
    """The code the user's phone would show now for `device` (one not used yet)."""
    device.refresh_from_db()
    return code_for_key(device.bin_key, after_step=device.last_t, drift=device.drift,
                        tolerance=device.tolerance, step=device.step, digits=device.digits)


def verified_session(client: Any, user: Any) -> None:
    """Mark the test client's session as signed in with both factors, as the sign-in pages
    do when a code is accepted (django-otp keeps the device's id in the session)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    device = enrol_totp(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


class TwoFactorClient(Client):
    """Django's test client, whose `force_login` also marks the session as signed in with the
    second factor (a confirmed authenticator is made for the user), as the sign-in pages do.
    Tests of the sign-in itself use Django's plain `Client`."""

    def force_login(self, user: Any, backend: str | None = None) -> None:
        super().force_login(user, backend)
        verified_session(self, user)


def browser_sign_in(page: Any, username: str, password: str) -> None:
    """Sign in through the sign-in pages in the browser, as a person would: the password, then
    (for a role that needs it) the code of the authenticator the person set up before."""
    from django.contrib.auth import get_user_model

    from expediente_web.cases.access import needs_two_factor

    user = get_user_model().objects.get(username=username)
    device = enrol_totp(user) if needs_two_factor(user) else None
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("form.login button[type=submit]")
    if device is not None:
        page.wait_for_url("**/account/two-factor/verify/**")
        page.fill("#id_code", totp_code(device))
        # Wait for the page the code leads to: a `goto` right after the click could cancel the
        # form's POST before the server has verified the code.
        with page.expect_navigation():
            page.click("form.login button[type=submit]")
