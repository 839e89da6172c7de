"""Sign-in rules that hold on every request: the second factor, session limits, expiry.

- `TwoFactorMiddleware`: a signed-in user who has a second factor, or whose roles see protected
  fields, reaches nothing but the sign-in pages until the second factor is verified.
- `SessionLimitsMiddleware`: idle sessions end by the cookie's age (`SESSION_COOKIE_AGE`, renewed
  by every request); this ends any session `EXPEDIENTE_SESSION_MAX_AGE` seconds after sign-in.
- `MembershipExpiredMiddleware`: a member whose access has ended gets a page saying so (403).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse

from expediente_web.accounts.access import has_second_factor
from expediente_web.accounts.signals import SIGNED_IN_AT
from expediente_web.cases.access import MembershipExpired, needs_two_factor

# Routes a user may reach between the password and the second factor.
OPEN_ROUTES = frozenset(
    {
        "login",
        "logout",
        "two-factor-enrol",
        "two-factor-verify",
        "accept-invitation",
        "set_language",
        "javascript-catalog",
    }
)
OPEN_NAMESPACES = frozenset({"otp_webauthn"})


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    if request.headers.get("HX-Request"):
        # htmx would swap the sign-in page into a fragment: send the whole page there.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or user.is_verified():  # type: ignore[union-attr]
            return None
        match = request.resolver_match
        if match is not None and (
            match.url_name in OPEN_ROUTES or OPEN_NAMESPACES.intersection(match.namespaces)
        ):
            return None
        if request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return None
        if request.path.startswith("/api/"):
            # The API takes no session: its bearer tokens are its own proof of possession.
            return None
        if needs_two_factor(user):
            target = "two-factor-verify" if has_second_factor(user) else "two-factor-enrol"
        elif has_second_factor(user):
            target = "two-factor-verify"
        else:
            return None
        query = urlencode({"next": request.get_full_path()})
        return _redirect(request, f"{reverse(target)}?{query}")


class SessionLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            started = request.session.get(SIGNED_IN_AT)
            now = int(time.time())
            if started is None:
                request.session[SIGNED_IN_AT] = now
            elif now - int(started) > settings.EXPEDIENTE_SESSION_MAX_AGE:
                logout(request)
        return self.get_response(request)


class MembershipExpiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, MembershipExpired):
            return render(
                request,
                "accounts/expired.html",
                {"case_code": exception.case.code, "expires_at": exception.expires_at},
                status=403,
            )
        return None
