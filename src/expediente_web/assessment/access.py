"""Permission-checked reads of the element matrix, and who may change it.

- Every member of the case reads the matrix: the elements, their rungs, the evidence cited
  (each item as the reader's role may see it elsewhere: persons by pseudonym for roles that do
  not see protected fields), the counts and the warnings.
- Owners and analysts write it (`WRITE_ROLES`): select crimes and suspects' modes, cite and
  withdraw evidence, rate elements. Documenters, reviewers and viewers read only: the
  qualification of the facts is the analysts' work, and a reviewer's findings belong to the
  panel review, not to the matrix.
- The written reasoning of a rating and the notes of citations are for the team: partners never
  read a note, and read a rating's reasoning only when the analyst cleared it for sharing
  (`ElementRating.restricted` off).
- The operator at the console (`user` None: `expediente assessment show` without `--user`)
  reads the matrix, as with every case command.
- A user without a role in the case gets a 404; an expired member is refused by
  `access_case_by_code` as everywhere.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from expediente_web.assessment.models import ElementCitation, ElementRating, Selection
from expediente_web.cases.access import role_in
from expediente_web.cases.models import Case, Source
from expediente_web.records.models import Person

WRITE_ROLES = frozenset({"role.owner", "role.analyst"})
NOTE_ROLES = frozenset(
    {"role.owner", "role.analyst", "role.documenter", "role.reviewer", "role.viewer"}
)


def _require_member(user: Any, case: Case) -> str:
    if user is None:  # the operator at the console, who holds the data directory
        return "operator"
    role = role_in(user, case)
    if role is None:
        raise Http404(f"No case {case.code!r}")
    return role


def can_write(role: str | None) -> bool:
    return role in WRITE_ROLES


def can_read_notes(role: str | None) -> bool:
    return role in NOTE_ROLES


def can_read_reasoning(role: str | None, rating: ElementRating | None) -> bool:
    """Whether a reader of this role may read the rating's written reasoning."""
    if rating is None or role is None:
        return False
    return role in NOTE_ROLES or not rating.restricted


def access_selections(user: Any, case: Case, suspect: Person | None = None) -> QuerySet[Selection]:
    """The live crimes of the case's matrix (no suspect) or the suspect's modes."""
    _require_member(user, case)
    rows = Selection.objects.live().filter(case=case)
    return rows.filter(suspect__isnull=True) if suspect is None else rows.filter(suspect=suspect)


def access_mode_selections(user: Any, case: Case) -> QuerySet[Selection]:
    """The live modes of liability of every suspect of the case."""
    _require_member(user, case)
    return Selection.objects.live().filter(case=case, suspect__isnull=False)


def access_suspects(user: Any, case: Case) -> QuerySet[Person]:
    """The persons with at least one live mode of liability selected: the matrix's suspects."""
    _require_member(user, case)
    ids = (
        Selection.objects.live()
        .filter(case=case, suspect__isnull=False)
        .values_list("suspect_id", flat=True)
    )
    return Person.objects.live().filter(case=case, pk__in=ids).order_by("id")


def access_lineage(user: Any, case: Case) -> QuerySet[Source]:
    """The case's live sources, for what each draws on (independent sources are counted so)."""
    _require_member(user, case)
    return Source.objects.live().filter(case=case).only("code", "kind", "derived_from", "origin")


def access_citations(
    user: Any, case: Case, suspect: Person | None = None
) -> QuerySet[ElementCitation]:
    """The live citations of the case's matrix (or of one suspect's), with what they cite."""
    _require_member(user, case)
    rows = ElementCitation.objects.live().filter(case=case)
    rows = rows.filter(suspect__isnull=True) if suspect is None else rows.filter(suspect=suspect)
    return rows.select_related(
        "act__source",
        "excerpt__testimony__source",
        "excerpt__testimony__witness",
        "excerpt__item__source",
        "item__source",
        "estimate",
    )


def access_citation_by_uid(user: Any, case: Case, uid: str) -> ElementCitation:
    """One live citation of the case; 404 otherwise."""
    _require_member(user, case)
    try:
        uuid.UUID(str(uid))
    except ValueError:  # a malformed uid typed into the address
        raise Http404(f"No citation {uid} in case {case.code}") from None
    found = ElementCitation.objects.live().filter(case=case, uid=uid).first()
    if found is None:
        raise Http404(f"No citation {uid} in case {case.code}")
    return found


def access_selection_by_uid(user: Any, case: Case, uid: str) -> Selection:
    """One live selection (a crime, or a suspect's mode) of the case; 404 otherwise."""
    _require_member(user, case)
    try:
        uuid.UUID(str(uid))
    except ValueError:
        raise Http404(f"No selection {uid} in case {case.code}") from None
    found = Selection.objects.live().filter(case=case, uid=uid).select_related("suspect").first()
    if found is None:
        raise Http404(f"No selection {uid} in case {case.code}")
    return found


def access_ratings(user: Any, case: Case, suspect: Person | None = None) -> QuerySet[ElementRating]:
    """The ratings of the case's matrix (or of one suspect's)."""
    _require_member(user, case)
    rows = ElementRating.objects.filter(case=case)
    return rows.filter(suspect__isnull=True) if suspect is None else rows.filter(suspect=suspect)


def rating_history(user: Any, case: Case, rating: ElementRating | None) -> list[dict[str, Any]]:
    """The rating's earlier and current rungs, from its audit entries (newest first): who set
    which rung when. The reasoning of each is not in the log (it is encrypted, named only)."""
    _require_member(user, case)
    if rating is None:
        return []
    from expediente_web.audit.models import AuditEntry

    entries = AuditEntry.objects.filter(
        case_code=case.code,
        object_type="elementrating",
        object_id=str(rating.uid),
        action="rate_element",
    ).order_by("-seq")[:50]
    return [
        {
            "at": e.at,
            "actor": e.actor,
            "status": (e.payload.get("fields") or {}).get("status", ""),
            "before": ((e.payload.get("before") or {}).get("status", "")),
        }
        for e in entries
    ]
