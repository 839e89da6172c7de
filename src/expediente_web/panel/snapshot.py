"""What a frozen version holds: the case's element matrix as it stands, as plain JSON.

`build_snapshot` reads the matrix through the assessment app (`load_matrix`, `access_ratings`)
and writes, for the contextual elements and every selected crime, each element with the
analyst's rung, reasoning and name, who rated it before (from the audit log), and the evidence
cited: its kind, its stance and what a reader needs to recognise the item — an act by its type,
date and source row, an excerpt by its testimony's date, source and the witness's pseudonym (or
its document and page), a document by its title, an indicator by its key, an estimate by its
method and time. No protected value is copied: no name, no note, no quote.

Vocabulary terms are kept as term ids, so that every reader sees their labels in their own
language; the element labels of both languages are kept too, as the vocabulary had them.
"""

from __future__ import annotations

from typing import Any

from expediente_web.assessment.access import access_ratings
from expediente_web.assessment.elements import CONTEXTUAL_GROUP
from expediente_web.assessment.loading import gone, load_matrix
from expediente_web.assessment.models import ElementCitation
from expediente_web.audit.models import AuditEntry
from expediente_web.cases.models import Case
from expediente_web.workspace.identities import person_pseudonym

FORMAT = 1


def _evidence(citation: ElementCitation) -> dict[str, Any]:
    item: dict[str, Any] = {
        "kind": citation.kind,
        "stance": citation.stance,
        "ref": citation.ref,
        "counted": not gone(citation),
        "credibility": citation.credibility,
    }
    if citation.kind == "act" and citation.act is not None:
        act = citation.act
        item.update(
            act_type=act.act_type,
            date=act.date_text or "",
            source=act.source.code if act.source is not None else "",
            row=act.source_record_id or "",
        )
    elif citation.kind == "excerpt" and citation.excerpt is not None:
        excerpt = citation.excerpt
        if excerpt.testimony is not None:
            testimony = excerpt.testimony
            item.update(
                holder="testimony",
                date=testimony.date_text or "",
                source=testimony.source.code if testimony.source is not None else "",
                witness=person_pseudonym(testimony.witness) if testimony.witness else "",
                start=excerpt.start,
                end=excerpt.end,
            )
        elif excerpt.item is not None:
            item.update(
                holder="document",
                title=excerpt.item.title or excerpt.item.filename,
                source=excerpt.item.source.code if excerpt.item.source is not None else "",
                page=excerpt.page,
            )
    elif citation.kind == "document" and citation.item is not None:
        item.update(
            title=citation.item.title or citation.item.filename,
            source=citation.item.source.code if citation.item.source is not None else "",
        )
    elif citation.kind == "estimate" and citation.estimate is not None:
        item.update(
            method=citation.estimate.method,
            at=citation.estimate.created_at.strftime("%Y-%m-%d %H:%M"),
        )
    else:
        item.update(indicator=citation.indicator)
    return item


def _raters(case: Case, rating_uids: list[str]) -> dict[str, list[str]]:
    """Everyone who ever set each rating (its audit entries), by the rating's uid."""
    found: dict[str, set[str]] = {}
    entries = AuditEntry.objects.filter(
        case_code=case.code,
        object_type="elementrating",
        action="rate_element",
        object_id__in=rating_uids,
    ).values_list("object_id", "actor")
    for uid, actor in entries:
        found.setdefault(uid, set()).add(actor)
    return {uid: sorted(names) for uid, names in found.items()}


def build_snapshot(
    actor: Any, case: Case, *, number: int, frozen_by: str, frozen_at: str
) -> dict[str, Any]:
    """The content of version `number` of the case's matrix, as `actor` reads it now."""
    loaded = load_matrix(actor, case)
    reasoning = {r.element: r.reasoning for r in access_ratings(actor, case)}
    rated = [str(row.rating.uid) for g in loaded.groups for row in g.rows if row.rating]
    raters = _raters(case, rated)
    groups = []
    elements = []
    for group in loaded.groups:
        groups.append(
            {
                "id": group.id,
                "contextual": group.id == CONTEXTUAL_GROUP,
                "rung": group.status.term_id if group.status is not None else None,
            }
        )
        for row in group.rows:
            spec, rating = row.spec, row.rating
            by = set(raters.get(str(rating.uid), [])) if rating is not None else set()
            if rating is not None and rating.analyst_name:
                by.add(rating.analyst_name)
            elements.append(
                {
                    "id": spec.id,
                    "group": spec.group,
                    "number": spec.number,
                    "kind": spec.kind,
                    "parent": spec.parent,
                    "label_en": spec.en,
                    "label_es": spec.es,
                    "rung": row.status.term_id,
                    "rated": rating is not None,
                    "analyst": rating.analyst_name if rating is not None else "",
                    "rated_at": rating.rated_at.isoformat() if rating is not None else None,
                    "reasoning": reasoning.get(spec.id, "") if rating is not None else "",
                    "rated_by": sorted(by),
                    "flags": [flag.value for flag in row.flags],
                    "evidence": [_evidence(c) for c in row.citations],
                }
            )
    return {
        "format": FORMAT,
        "case": case.code,
        "version": number,
        "frozen_by": frozen_by,
        "frozen_at": frozen_at,
        "crimes": [s.term for s in loaded.selections],
        "groups": groups,
        "elements": elements,
    }


def element_ids(content: dict[str, Any]) -> list[str]:
    return [e["id"] for e in content["elements"]]


def raters(content: dict[str, Any]) -> set[str]:
    """The usernames of everyone who rated an element of the version."""
    return {name for e in content["elements"] for name in e.get("rated_by", [])}
