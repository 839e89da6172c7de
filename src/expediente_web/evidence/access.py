"""Permission-checked reads of evidence items, their custody and the excerpts records cite.

Every member of a case may read its evidence metadata (file names, hashes, custody); a user
without a role in the case gets a 404, as for the case itself. The files themselves (a scanned
statement, a photograph, a recording) may name or show the people of the case: only the roles
that see protected fields open them (`CONTENT_ROLES`); reviewers, viewers and partners see the
metadata and are refused the bytes, in a preview as in a download.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from expediente_web.cases.access import PROTECTED_ROLES, NotPermitted, role_in
from expediente_web.cases.models import Case
from expediente_web.evidence.models import Citation, EvidenceItem, Excerpt


def _require_member(user: Any, case: Case) -> None:
    if role_in(user, case) is None:
        raise Http404(f"No case {case.code!r}")


def access_evidence_items(user: Any, case: Case) -> QuerySet[EvidenceItem]:
    """The case's live evidence items."""
    _require_member(user, case)
    return EvidenceItem.objects.live().filter(case=case)


def access_evidence_item_by_uid(user: Any, case: Case, uid: str) -> EvidenceItem:
    """One live evidence item of the case; 404 otherwise (a malformed uid too)."""
    items = access_evidence_items(user, case)
    try:
        uuid.UUID(str(uid))
    except ValueError:
        raise Http404(f"No evidence item {uid} in case {case.code}") from None
    item = items.filter(uid=uid).select_related("source", "parent").first()
    if item is None:
        raise Http404(f"No evidence item {uid} in case {case.code}")
    return item


#: The roles that may open an evidence file (preview it or download it).
CONTENT_ROLES = PROTECTED_ROLES


def may_open_evidence(user: Any, case: Case) -> bool:
    """Whether the user may see the content of the case's evidence files."""
    return role_in(user, case) in CONTENT_ROLES


def access_evidence_content(user: Any, case: Case, uid: str) -> EvidenceItem:
    """One live item whose file the user may open; 404 as `access_evidence_item_by_uid`,
    `NotPermitted` (403) for a member whose role does not open evidence files."""
    item = access_evidence_item_by_uid(user, case, uid)
    if not may_open_evidence(user, case):
        raise NotPermitted(_("role %(role)s in case %(case)s does not open evidence files")
                           % {"role": role_in(user, case), "case": case.code})
    return item


def access_excerpts(user: Any, case: Case) -> QuerySet[Excerpt]:
    """The case's excerpts (spans of testimonies, pages of documents)."""
    _require_member(user, case)
    return Excerpt.objects.filter(case=case)


def access_citations_of(user: Any, case: Case, target: models.Model) -> QuerySet[Citation]:
    """The citations by which one record of the case cites excerpts, with their excerpts."""
    _require_member(user, case)
    if getattr(target, "case_id", None) != case.pk:
        raise Http404(f"No such record in case {case.code}")
    return (
        Citation.objects.filter(
            target_type=ContentType.objects.get_for_model(target),
            target_id=target.pk,
            excerpt__case=case,
        )
        .select_related("excerpt__testimony", "excerpt__item")
        .order_by("excerpt__start", "id")
    )


def access_citations_of_many(
    user: Any, case: Case, model: type[models.Model], ids: list[int]
) -> QuerySet[Citation]:
    """The citations of several records of one kind (e.g. a person's acts), in one query."""
    _require_member(user, case)
    return (
        Citation.objects.filter(
            target_type=ContentType.objects.get_for_model(model),
            target_id__in=ids,
            excerpt__case=case,
        )
        .select_related("excerpt__testimony")
        .order_by("excerpt__testimony_id", "id")
    )
