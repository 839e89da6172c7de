"""What every record page starts with: the case, the reader's role and their identity policy."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from expediente_web.cases.access import access_case_by_code
from expediente_web.cases.models import Case
from expediente_web.workspace.identities import Identities


@dataclass
class Reader:
    """The case a page is about, the reader's role in it and what they may see."""

    request: HttpRequest
    case: Case
    role: str
    identities: Identities

    def render(self, template: str, context: dict[str, Any]) -> HttpResponse:
        """Write the audit entry of what the page revealed, then render it."""
        self.identities.record()
        return render(
            self.request,
            template,
            {
                "case": self.case,
                "role": self.role,
                "sees_identities": self.identities.visible,
                **context,
            },
        )


def reader(request: HttpRequest, code: str) -> Reader:
    case, role = access_case_by_code(request.user, code)
    return Reader(request, case, role, Identities(request, case))
