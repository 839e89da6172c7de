"""Shared by the browser tests of the record pages: a signed-in page and the pages to visit."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from support.two_factor import TwoFactorClient
from support.workspace_data import url_kwargs


def no_sideways_scroll(page: Any) -> bool:
    """Whether the page fits its viewport's width (a pixel of rounding allowed)."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def sign_in(page: Any, live_server: Any, user: Any) -> None:
    """Give the browser the session of a sign-in with both factors (the sign-in pages have
    tests of their own): the shared test client signs in, the browser takes its cookie."""
    client = TwoFactorClient()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


def addresses(record: Any) -> dict[str, str]:
    """URL name → address of every record page, for this record."""
    return {name: reverse(name, kwargs=kwargs) for name, kwargs in url_kwargs(record).items()}


def analyses_addresses(record: Any) -> dict[str, str]:
    """The linkage and patterns pages of the record's case, which share the site's look."""
    code = record.case.code
    return {
        "analyses:overview": reverse("analyses:overview", args=[code]),
        "analyses:queue": reverse("analyses:queue", args=[code]),
        "analyses:person": reverse("analyses:person", args=[code, record.cluster]),
        "analyses:patterns": reverse("analyses:patterns", args=[code]),
    }
