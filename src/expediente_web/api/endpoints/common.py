"""What every endpoint module shares: the response codes it documents and the reader."""

from __future__ import annotations

from typing import Any

from expediente_web.api.schemas import ErrorOut, FieldErrorOut

REFUSALS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: FieldErrorOut}


def answers(ok: Any, status: int = 200) -> dict[int, Any]:
    """The responses of a route: `ok` on success, and every refusal it may give."""
    return {status: ok, **REFUSALS}
