"""Plain pages over the case record: the cases a user belongs to and each case's records."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from expediente_web.cases.access import access_case_by_code, cases_for_user


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "site/home.html", {"cases": cases_for_user(request.user)})


@login_required
def case_records(request: HttpRequest, code: str) -> HttpResponse:
    case, role = access_case_by_code(request.user, code)
    from expediente_web.records.queries import case_overview

    return render(request, "site/case.html", {"case": case, "role": role, **case_overview(case)})
