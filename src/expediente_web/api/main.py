"""The REST API: one `NinjaAPI` under `/api/`, its OpenAPI document at `/api/openapi.json` and
its documentation page at `/api/docs` (served from the app's own static files, nothing from
elsewhere).

Errors are JSON: `{"detail": …}` for 401 (no usable token), 403 (not permitted: a read token on
a route that writes, a role that may not do it, access that has ended) and 404 (not found, or a
case that is not the token's); `{"field": …, "message": …}` for 422, a value refused, naming
where it was given (every problem under `errors` when a request had several).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestInvalid

from expediente_web.api.auth import ScopeRefused, TokenRefused
from expediente_web.api.endpoints import acts, case, comments, persons, structure, testimonies
from expediente_web.cases.validation import InvalidInput

api = NinjaAPI(
    title="Expediente API",
    version="1",
    description=(
        "The record of one case, read and written through the same checks and audit log as "
        "the web pages. Every request carries `Authorization: Bearer <token>`; a token belongs "
        "to one user in one case and reads, or reads and writes. See docs/reference/api.md."
    ),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)

for module in (case, structure, persons, acts, testimonies, comments):
    api.add_router("", module.router)


def _json(request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
    response = api.create_response(request, body, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="expediente"'
    return response


@api.exception_handler(TokenRefused)
def _token_refused(request: HttpRequest, exc: TokenRefused) -> HttpResponse:
    return _json(request, 401, {"detail": str(exc)})


@api.exception_handler(AuthenticationError)
def _no_token(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _json(request, 401, {"detail": "an API token is needed: Authorization: Bearer <token>"})


@api.exception_handler(ScopeRefused)
def _scope_refused(request: HttpRequest, exc: ScopeRefused) -> HttpResponse:
    return _json(request, 403, {"detail": str(exc)})


@api.exception_handler(PermissionDenied)
def _not_permitted(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _json(request, 403, {"detail": str(exc) or "not permitted"})


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _json(request, 404, {"detail": str(exc) or "not found"})


@api.exception_handler(InvalidInput)
def _invalid(request: HttpRequest, exc: InvalidInput) -> HttpResponse:
    return _json(request, 422, {"field": exc.field, "message": exc.reason, "errors": []})


@api.exception_handler(RequestInvalid)
def _request_invalid(request: HttpRequest, exc: RequestInvalid) -> HttpResponse:
    errors = [
        {"field": _field(e.get("loc", ())), "message": str(e.get("msg", "is not valid"))}
        for e in exc.errors
    ]
    first = errors[0] if errors else {"field": "", "message": "the request is not valid"}
    return _json(request, 422, {**first, "errors": errors})


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _json(request, exc.status_code, {"detail": str(exc)})


def _field(loc: Any) -> str:
    """`("body", "payload", "measurements", 0, "value")` → `measurements[1].value`."""
    parts = [p for p in loc if p not in ("body", "query", "path", "payload", "q")]
    out = ""
    for part in parts:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "body"
