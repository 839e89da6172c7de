"""Permission-checked reads the record apps do not offer themselves: a case's sources.

Every member of a case may read its sources; a user without a role in it gets a 404.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from expediente_web.cases.access import role_in
from expediente_web.cases.models import Case, Source


def access_sources(user: Any, case: Case) -> QuerySet[Source]:
    """The case's live sources, by code."""
    if role_in(user, case) is None:
        raise Http404(f"No case {case.code!r}")
    return Source.objects.live().filter(case=case).order_by("code")


def access_source_by_code(user: Any, case: Case, code: str) -> Source:
    """One live source of the case; 404 otherwise."""
    source = access_sources(user, case).filter(code=code).first()
    if source is None:
        raise Http404(f"No source {code!r} in case {case.code}")
    return source
