"""No page of the application is kept in a browser's cache.

Pages show names, cédulas, birth dates and testimonies. A browser keeps what it is allowed to
keep, on disk, after its user has signed out: anyone who opens the same browser profile (a
shared office computer, a seized laptop) could read them back, or simply press *back*. So every
response except static files says `Cache-Control: no-store` (and `Pragma: no-cache` for old
HTTP/1.0 caches), whether the user is signed in or not: a login page, an error or a redirect
costs nothing to fetch again, and no view can forget it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """Mark every non-static response as not to be stored by any cache."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        static = str(getattr(settings, "STATIC_URL", "") or "")
        self.static_prefix = "/" + static.lstrip("/") if static and "://" not in static else None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.static_prefix and request.path.startswith(self.static_prefix):
            return response
        # Replaces whatever a view set: no page may ask to be cached.
        if "Cache-Control" in response:
            del response["Cache-Control"]
        add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        response["Pragma"] = "no-cache"
        return response
