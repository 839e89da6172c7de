"""Evidence metadata, custody, excerpts, citations and comments in a case directory.

The export writes them as JSON next to the case tables, and the evidence files themselves by
hash; importing the directory restores them. Records are named by their `uid` (kept across
export and import), so a citation or comment finds its target in the new database.

    DIR/evidence/items.json      DIR/evidence/custody.json    DIR/evidence/excerpts.json
    DIR/evidence/citations.json  DIR/comments.json            DIR/evidence/files/<sha256>
    DIR/deleted.json             soft-deleted records: which, when and why
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils.dateparse import parse_datetime

from expediente.tables.problems import Problem, ProblemCode
from expediente_web.audit import chain
from expediente_web.audit.record import actor_name
from expediente_web.cases.models import Case
from expediente_web.intake.references import CaseCodes

FILES = {
    "items": "evidence/items.json",
    "custody": "evidence/custody.json",
    "excerpts": "evidence/excerpts.json",
    "citations": "evidence/citations.json",
    "comments": "comments.json",
    "deleted": "deleted.json",
}


def is_link_excerpt(excerpt: Any, narrative_length: int | None) -> bool:
    """True for the excerpt an import makes to link a testimony to the acts it supports (it
    travels as the testimony's `act_record_ids` column, not as an excerpt)."""
    return (
        excerpt.testimony_id is not None
        and excerpt.item_id is None
        and excerpt.start == 0
        and excerpt.end == narrative_length
        and excerpt.page is None
        and not excerpt.quote
    )


def target_ref(obj: Any) -> dict[str, str]:
    """How an exported citation or comment names its target."""
    return {"model": obj._meta.label_lower, "uid": str(obj.uid)}


@dataclass
class Extras:
    """The parsed extra files of a case directory."""

    root: Path
    data: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def check(self, codes: CaseCodes) -> Any:
        from expediente_web.intake.importer import FileCheck

        check = FileCheck("evidence and comments", "extras")
        check.rows = sum(len(v) for v in self.data.values())
        for problem in self.problems:
            check.add(problem, 10_000)
        for n, item in enumerate(self.data.get("items", []), 1):
            sha = str(item.get("sha256") or "")
            if not (self.root / "evidence" / "files" / sha).is_file():
                check.add(Problem(n, "items.sha256", ProblemCode.MALFORMED_FILE,
                                  f"evidence/files/{sha} is missing"), 10_000)
        return check

    def write(self, case: Case, actor: Any) -> dict[str, int]:
        """Create the items (storing their files), custody events, excerpts, citations and
        comments; one audit entry."""
        from expediente_web.evidence import store
        from expediente_web.evidence.models import Citation, CustodyEvent, EvidenceItem, Excerpt
        from expediente_web.records.models import Comment, Testimony

        counts: dict[str, int] = {}
        items: dict[str, EvidenceItem] = {}
        for entry in self.data.get("items", []):
            with open(self.root / "evidence" / "files" / entry["sha256"], "rb") as handle:
                store.store(handle)
            source = case.sources.filter(code=entry.get("source_code")).first() if entry.get(
                "source_code") else None
            items[entry["uid"]] = EvidenceItem.objects.create(
                uid=entry["uid"], case=case, source=source, sha256=entry["sha256"],
                size=entry["size"], filename=entry["filename"],
                media_type=entry.get("media_type") or "", kind=entry.get("kind") or
                "evidence.document", title=entry.get("title") or "",
                description=entry.get("description") or "",
                parent=items.get(entry.get("parent_uid") or ""),
                transformation=entry.get("transformation") or "",
                deleted_at=parse_datetime(entry["deleted_at"]) if entry.get("deleted_at")
                else None,
                deleted_reason=entry.get("deleted_reason") or "",
            )
        counts["evidence_items"] = len(items)
        users = get_user_model()

        def user(name: str | None) -> Any:
            if not name:
                return None
            found = users.objects.filter(username=name).first()
            if found is None:  # an author from the exporting database: a login-less account
                found = users(username=name)
                found.set_unusable_password()
                found.save()
            return found

        custody = [
            CustodyEvent(
                item=items[e["item_uid"]], action=e["action"], at=parse_datetime(e["at"]),
                actor=user(e.get("actor")), actor_name=e.get("actor_name") or "",
                from_party=e.get("from_party") or "", to_party=e.get("to_party") or "",
                place=e.get("place") or "", hash_observed=e.get("hash_observed") or "",
                purpose=e.get("purpose") or "",
            )
            for e in self.data.get("custody", [])
        ]
        CustodyEvent.objects.bulk_create(custody)
        counts["custody_events"] = len(custody)
        excerpts: dict[str, Excerpt] = {}
        for e in self.data.get("excerpts", []):
            excerpts[e["uid"]] = Excerpt.objects.create(
                uid=e["uid"], case=case,
                testimony=Testimony.objects.get(uid=e["testimony_uid"])
                if e.get("testimony_uid") else None,
                item=items.get(e.get("item_uid") or ""),
                start=e.get("start"), end=e.get("end"), page=e.get("page"),
                quote=e.get("quote") or "",
            )
        counts["excerpts"] = len(excerpts)

        def target(ref: dict[str, str]) -> tuple[ContentType, int]:
            model = apps.get_model(ref["model"])
            return ContentType.objects.get_for_model(model), model.objects.get(uid=ref["uid"]).pk

        citations = []
        for e in self.data.get("citations", []):
            content_type, pk = target(e["target"])
            citations.append(Citation(excerpt=excerpts[e["excerpt_uid"]],
                                      target_type=content_type, target_id=pk))
        Citation.objects.bulk_create(citations)
        counts["citations"] = len(citations)
        comments: list[Comment] = []
        for e in self.data.get("comments", []):
            content_type, pk = target(e["target"])
            parent = e.get("parent")
            comments.append(
                Comment.objects.create(
                    case=case, author=user(e["author"]), target_type=content_type, target_id=pk,
                    parent=comments[parent] if parent is not None else None, body=e["body"],
                    deleted_at=parse_datetime(e["deleted_at"]) if e.get("deleted_at") else None,
                    deleted_reason=e.get("deleted_reason") or "",
                )
            )
        counts["comments"] = len(comments)
        counts["deleted"] = self._mark_deleted(case)
        chain.append(actor_name(actor), "import_evidence_and_comments", case_code=case.code,
                     object_type="case", object_id=case.code, payload={"created": counts})
        return counts


    def _mark_deleted(self, case: Case) -> int:
        """Soft-delete again the records the exporting database had soft-deleted."""
        marked = 0
        for entry in self.data.get("deleted", []):
            model = apps.get_model(entry["model"])
            key = {"code": entry["code"]} if "code" in entry else {"uid": entry["uid"]}
            marked += model.objects.filter(case=case, **key).update(
                deleted_at=parse_datetime(entry["deleted_at"]),
                deleted_reason=entry.get("deleted_reason") or "",
            )
        return marked


def scan(root: Path) -> Extras | None:
    """The extra files of a case directory, or None when it has none."""
    present = {k: root / v for k, v in FILES.items() if (root / v).is_file()}
    if not present:
        return None
    extras = Extras(root)
    for key, path in present.items():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            extras.problems.append(
                Problem(None, FILES[key], ProblemCode.MALFORMED_FILE, f"cannot read: {exc}"))
            continue
        if not isinstance(data, list):
            extras.problems.append(
                Problem(None, FILES[key], ProblemCode.MALFORMED_FILE, "must be a JSON list"))
            continue
        extras.data[key] = data
    return extras
