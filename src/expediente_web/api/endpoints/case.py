"""The token itself and its case."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from expediente_web.api.access import api_case
from expediente_web.api.auth import read_token
from expediente_web.api.endpoints.common import answers
from expediente_web.api.schemas import CaseOut, TokenOut

router = Router(tags=["case"], auth=read_token)


@router.get("/token", response=answers(TokenOut))
def get_token(request: HttpRequest) -> dict[str, object]:
    """The token this request was made with: its case, scope and expiry."""
    token = request.auth.token  # type: ignore[attr-defined]
    return {
        "prefix": token.prefix,
        "scope": token.scope,
        "case": token.case.code,
        "user": token.user.username,
        "name": token.name,
        "created_at": token.created_at,
        "expires_at": token.expires_at,
    }


@router.get("/cases/{code}", response=answers(CaseOut))
def get_case(request: HttpRequest, code: str) -> dict[str, object]:
    """The token's case, the holder's role in it and whether it sees identities."""
    reader = api_case(request, code)
    case = reader.case
    return {
        "code": case.code,
        "title": case.title,
        "country": case.country,
        "period": case.period,
        "description": case.description,
        "role": reader.role,
        "scope": request.auth.token.scope,  # type: ignore[attr-defined]
        "identities": reader.identities,
    }
