"""Evidence metadata, custody, excerpts, citations and comments in a case directory.

The export writes them as JSON next to the case tables, and the evidence files themselves by
hash; importing the directory restores them. Records are named by their `uid` (kept across
export and import), so a citation or comment finds its target in the new database.

    DIR/evidence/items.json      DIR/evidence/custody.json    DIR/evidence/excerpts.json
    DIR/evidence/citations.json  DIR/comments.json            DIR/evidence/files/<sha256>
    DIR/deleted.json             soft-deleted records: which, when and why

A case directory is untrusted input, checked entry by entry before anything is written:

- an item's `sha256` is a SHA-256 (64 lowercase hex digits), never a path; its file is read
  from `evidence/files/` inside the directory, never through a link, and hashed: a file whose
  content is not the claimed hash (or size) is refused;
- every reference (an excerpt's testimony, a citation's or comment's target, a deleted record)
  resolves inside the case being imported, to a model that may be named there;
- a comment's author and a custody event's actor are kept as the text the directory gives,
  never linked to an account of this database (see `ImportedAuthor`).

Every problem is reported with its file, entry (row = position in the list, from 1) and field;
a directory with any problem writes nothing, neither records nor evidence files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils.dateparse import parse_datetime

from expediente.tables.json_depth import TooDeep
from expediente.tables.json_depth import loads as bounded_loads
from expediente.tables.problems import Problem, ProblemCode
from expediente_web.audit import chain
from expediente_web.audit.record import actor_name
from expediente_web.audit.rows import RowSet
from expediente_web.cases.actions import RESERVED_USERNAME
from expediente_web.cases.models import Case
from expediente_web.intake.folder_files import OutsideFolder, open_inside
from expediente_web.intake.references import CaseCodes

FILES = {
    "items": "evidence/items.json",
    "custody": "evidence/custody.json",
    "excerpts": "evidence/excerpts.json",
    "citations": "evidence/citations.json",
    "comments": "comments.json",
    "deleted": "deleted.json",
}

SHA256 = re.compile(r"[0-9a-f]{64}")

TARGET_MODELS = frozenset({
    "records.location", "records.unit", "records.person", "records.position", "records.event",
    "records.act", "records.testimony", "evidence.evidenceitem", "evidence.excerpt",
})
"""What a citation or comment may name as its target: the records of a case that have a uid."""

DELETED_MODELS = {
    "cases.source": "code", "records.location": "uid", "records.unit": "uid",
    "records.person": "uid", "records.position": "uid", "records.event": "uid",
    "records.act": "uid", "records.testimony": "uid",
}
"""What `deleted.json` may mark deleted again, and the key that names it."""

# Where a case directory declares the uids of the records it brings (see `_declared`).
_STRUCTURE_MODELS = {"locations": "records.location", "organizations": "records.unit",
                     "persons": "records.person", "positions": "records.position",
                     "events": "records.event"}
_UID_TABLE_MODELS = {"victims": "records.person", "acts": "records.act",
                     "testimonies": "records.testimony"}

IMPORTED_ACCOUNT = RESERVED_USERNAME
"""The account that an imported comment's `author` column points to, since a comment must have
one: it cannot log in, is inactive, and its name is not a name anyone chose. Who wrote the
comment is the text of its `ImportedAuthor`."""

_SHOWN = 80  # characters of a bad value quoted in a problem


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


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"


def _is_uid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return isinstance(value, str)


def _datetime(value: Any) -> dt.datetime | None:
    """An aware datetime from ISO text; None for anything else."""
    if not isinstance(value, str):
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        return None
    if parsed is None or parsed.tzinfo is None:
        return None
    return parsed


@dataclass
class _File:
    """The entries of one extra file and the problems found in them."""

    key: str
    entries: list[Any]
    problems: list[Problem] = field(default_factory=list)

    @property
    def name(self) -> str:
        return FILES[self.key]

    def add(self, row: int | None, column: str | None, message: str,
            code: ProblemCode = ProblemCode.MALFORMED_FILE) -> None:
        self.problems.append(Problem(row, column, code, message))

    def objects(self) -> Iterable[tuple[int, dict[str, Any]]]:
        """(position from 1, entry) for the entries that are objects; a problem for others."""
        for n, entry in enumerate(self.entries, 1):
            if isinstance(entry, dict):
                yield n, entry
            else:
                self.add(n, None, "expected a JSON object")


class _Fields:
    """Typed reads of one entry's fields, each failure a problem of that entry and field."""

    def __init__(self, file: _File, n: int, entry: dict[str, Any]) -> None:
        self.file, self.n, self.entry = file, n, entry
        self.ok = True

    def skip(self) -> None:
        """Leave the entry out without a problem of its own: it names an entry that has one."""
        self.ok = False

    def fail(self, column: str, message: str,
             code: ProblemCode = ProblemCode.MALFORMED_FILE) -> None:
        self.ok = False
        self.file.add(self.n, column, message, code)

    def text(self, name: str, max_chars: int | None = None, *, required: bool = False) -> str:
        value = self.entry.get(name)
        if value is None or value == "":
            if required:
                self.fail(name, f"{name} is required", ProblemCode.MISSING_REQUIRED)
            return ""
        if not isinstance(value, str):
            self.fail(name, f"expected text, found {_shown(value)}")
            return ""
        if max_chars is not None and len(value) > max_chars:
            self.fail(name, f"longer than {max_chars} characters", ProblemCode.OVERSIZED_CELL)
            return ""
        return value

    def count(self, name: str, *, required: bool = False) -> int | None:
        value = self.entry.get(name)
        if value is None:
            if required:
                self.fail(name, f"{name} is required", ProblemCode.MISSING_REQUIRED)
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.fail(name, f"expected a whole number, 0 or more, found {_shown(value)}",
                      ProblemCode.BAD_NUMBER)
            return None
        return value

    def when(self, name: str, *, required: bool = False) -> dt.datetime | None:
        value = self.entry.get(name)
        if value is None or value == "":
            if required:
                self.fail(name, f"{name} is required", ProblemCode.MISSING_REQUIRED)
            return None
        parsed = _datetime(value)
        if parsed is None:
            self.fail(name, f"{_shown(value)} is not a date and time with a time zone (ISO "
                            "8601)", ProblemCode.MALFORMED_DATE)
        return parsed

    def uid(self, name: str, *, required: bool = False) -> str | None:
        value = self.entry.get(name)
        if value is None or value == "":
            if required:
                self.fail(name, f"{name} is required", ProblemCode.MISSING_REQUIRED)
            return None
        if not _is_uid(value):
            self.fail(name, f"{_shown(value)} is not a uid (a UUID)")
            return None
        return str(uuid.UUID(value))

    def sha256(self, name: str, *, required: bool = False) -> str:
        value = self.entry.get(name)
        if value is None or value == "":
            if required:
                self.fail(name, f"{name} is required", ProblemCode.MISSING_REQUIRED)
            return ""
        if not isinstance(value, str) or not SHA256.fullmatch(value):
            self.fail(name, f"{_shown(value)} is not a SHA-256 (64 lowercase hexadecimal "
                            "digits)")
            return ""
        return value

    def ref(self, name: str, allowed: Iterable[str]) -> tuple[str, str] | None:
        """(model label, uid) of a `{"model": …, "uid": …}` reference."""
        value = self.entry.get(name)
        if not isinstance(value, dict):
            self.fail(name, "expected an object with model and uid",
                      ProblemCode.MISSING_REQUIRED if value is None else
                      ProblemCode.MALFORMED_FILE)
            return None
        model = value.get("model")
        if model not in allowed:
            self.fail(f"{name}.model", f"{_shown(model)} is not a record of a case that may "
                      f"be named here ({', '.join(sorted(allowed))})",
                      ProblemCode.UNKNOWN_REFERENCE)
            return None
        uid = value.get("uid")
        if not _is_uid(uid):
            self.fail(f"{name}.uid", f"{_shown(uid)} is not a uid (a UUID)")
            return None
        return str(model), str(uuid.UUID(uid))


@dataclass
class _Item:
    n: int
    uid: str
    sha256: str
    size: int
    values: dict[str, Any]
    source_code: str
    parent_uid: str | None


@dataclass
class _Plan:
    """The checked entries, ready to write."""

    items: list[_Item] = field(default_factory=list)
    custody: list[tuple[int, str, dict[str, Any]]] = field(default_factory=list)
    excerpts: list[tuple[int, str, str | None, str | None, dict[str, Any]]] = field(
        default_factory=list)
    citations: list[tuple[int, str, tuple[str, str]]] = field(default_factory=list)
    comments: list[tuple[int, tuple[str, str], str, int | None, dict[str, Any]]] = field(
        default_factory=list)
    deleted: list[tuple[int, str, str, dict[str, Any]]] = field(default_factory=list)
    """(position, model, key value, fields)"""


@dataclass
class Extras:
    """The parsed extra files of a case directory."""

    root: Path
    files: dict[str, _File] = field(default_factory=dict)
    unreadable: dict[str, Problem] = field(default_factory=dict)
    plan: _Plan = field(default_factory=_Plan)
    listed: dict[str, set[str]] = field(default_factory=dict)
    new_files: list[Path] = field(default_factory=list)
    """Evidence files this import added to the store (removed again if it fails)."""

    @property
    def data(self) -> dict[str, list[Any]]:
        return {k: f.entries for k, f in self.files.items()}

    # -- checking ------------------------------------------------------------------------------

    def check(self, codes: CaseCodes, case: Case | None = None,
              structure: dict[str, Any] | None = None) -> list[Any]:
        """Check every entry of every extra file; one `FileCheck` per file present.

        References to records resolve in `case` (already stored) or among the records this
        directory brings (its structure, its uid files, its items and excerpts)."""
        from expediente_web.intake.importer import FileCheck

        self.plan = _Plan()
        known = _Known(self.root, case, structure, self._wanted())
        self._check_items(codes)
        known.add("evidence.evidenceitem", (i.uid for i in self.plan.items))
        item_uids = {i.uid for i in self.plan.items}
        self._check_custody(item_uids)
        self._check_excerpts(known, item_uids)
        known.add("evidence.excerpt", (e[1] for e in self.plan.excerpts))
        self._check_citations(known)
        self._check_comments(known)
        self._check_deleted(known, codes)
        checks = []
        for key, rel in FILES.items():
            if key in self.unreadable:
                check = FileCheck(rel, "extras")
                check.add(self.unreadable[key], 10_000)
                checks.append(check)
            elif key in self.files:
                check = FileCheck(rel, "extras")
                check.rows = len(self.files[key].entries)
                for problem in self.files[key].problems:
                    check.add(problem, 10_000)
                checks.append(check)
        return checks

    def _unknown(self, f: _Fields, column: str, uid: str, key: str, what: str) -> None:
        """A reference to an entry of another extra file that is not planned: a problem,
        unless that entry is listed and has its own problem (reported there)."""
        if key not in self.listed:
            self.listed[key] = {str(e.get("uid")) for e in self._file(key).entries
                                if isinstance(e, dict)}
        if uid in self.listed[key]:
            f.skip()
        else:
            f.fail(column, f"{uid} is not {what}", ProblemCode.UNKNOWN_REFERENCE)

    def _file(self, key: str) -> _File:
        return self.files.get(key) or _File(key, [])

    def _wanted(self) -> dict[str, set[str]]:
        """Model label → the uids the extra files refer to (to look up only those)."""
        wanted: dict[str, set[str]] = {}

        def want(model: Any, uid: Any) -> None:
            if isinstance(model, str) and _is_uid(uid):
                wanted.setdefault(model, set()).add(str(uuid.UUID(uid)))

        for e in self._file("excerpts").entries:
            if isinstance(e, dict):
                want("records.testimony", e.get("testimony_uid"))
        for key in ("citations", "comments"):
            for e in self._file(key).entries:
                if isinstance(e, dict) and isinstance(e.get("target"), dict):
                    want(e["target"].get("model"), e["target"].get("uid"))
        for e in self._file("deleted").entries:
            if isinstance(e, dict) and DELETED_MODELS.get(str(e.get("model"))) == "uid":
                want(e["model"], e.get("uid"))
        return wanted

    def _check_items(self, codes: CaseCodes) -> None:
        file = self._file("items")
        seen: set[str] = set()
        hashed: dict[str, tuple[str, int] | str] = {}
        limit = settings.EXPEDIENTE_MAX_UPLOAD_BYTES
        for n, entry in file.objects():
            f = _Fields(file, n, entry)
            uid = f.uid("uid", required=True)
            if uid is not None:
                if uid in seen:
                    f.fail("uid", f"uid {uid} appears on an earlier entry",
                           ProblemCode.DUPLICATE_ROW_ID)
                seen.add(uid)
            sha = f.sha256("sha256", required=True)
            size = f.count("size", required=True)
            values = {
                "filename": f.text("filename", 300, required=True),
                "media_type": f.text("media_type", 100),
                "kind": f.text("kind", 64) or "evidence.document",
                "title": f.text("title", 300),
                "description": f.text("description"),
                "transformation": f.text("transformation", 200),
                "deleted_at": f.when("deleted_at"),
                "deleted_reason": f.text("deleted_reason"),
            }
            source_code = f.text("source_code", 64)
            if source_code and source_code not in codes.sources:
                f.fail("source_code", f"source {source_code!r} is not a source of the case",
                       ProblemCode.UNKNOWN_REFERENCE)
            parent = f.uid("parent_uid")
            if parent is not None and parent not in {i.uid for i in self.plan.items}:
                f.fail("parent_uid", f"item {parent} is not an earlier item of this file",
                       ProblemCode.UNKNOWN_REFERENCE)
            if sha:
                if sha not in hashed:
                    hashed[sha] = _hash_file(self.root, sha, limit)
                found = hashed[sha]
                if isinstance(found, str):
                    f.fail("sha256", found)
                elif found[0] != sha:
                    f.fail("sha256", f"evidence/files/{sha} holds content whose SHA-256 is "
                                     f"{found[0]}, not the one claimed")
                elif size is not None and found[1] != size:
                    f.fail("size", f"evidence/files/{sha} has {found[1]:,} bytes, not {size:,}")
            if f.ok and uid is not None and size is not None:
                self.plan.items.append(_Item(n, uid, sha, size, values, source_code, parent))

    def _check_custody(self, item_uids: set[str]) -> None:
        file = self._file("custody")
        for n, entry in file.objects():
            f = _Fields(file, n, entry)
            item = f.uid("item_uid", required=True)
            if item is not None and item not in item_uids:
                self._unknown(f, "item_uid", item, "items", "an item of evidence/items.json")
            # The actor is kept as text: a name from the exporting database, not an account.
            who = f.text("actor_name", 200) or f.text("actor", 200)
            values = {
                "action": f.text("action", 64, required=True),
                "at": f.when("at", required=True),
                "actor_name": who,
                "from_party": f.text("from_party", 200),
                "to_party": f.text("to_party", 200),
                "place": f.text("place", 200),
                "hash_observed": f.sha256("hash_observed"),
                "purpose": f.text("purpose"),
            }
            if f.ok and item is not None:
                self.plan.custody.append((n, item, values))

    def _check_excerpts(self, known: _Known, item_uids: set[str]) -> None:
        file = self._file("excerpts")
        seen: set[str] = set()
        for n, entry in file.objects():
            f = _Fields(file, n, entry)
            uid = f.uid("uid", required=True)
            if uid is not None:
                if uid in seen:
                    f.fail("uid", f"uid {uid} appears on an earlier entry",
                           ProblemCode.DUPLICATE_ROW_ID)
                seen.add(uid)
            testimony = f.uid("testimony_uid")
            item = f.uid("item_uid")
            if (testimony is None) == (item is None) and f.ok:
                f.fail("testimony_uid", "an excerpt is of one testimony or of one evidence "
                                        "item (testimony_uid or item_uid)")
            if testimony is not None and not known.has("records.testimony", testimony):
                f.fail("testimony_uid", f"testimony {testimony} is not a testimony of this "
                       "case", ProblemCode.UNKNOWN_REFERENCE)
            if item is not None and item not in item_uids:
                self._unknown(f, "item_uid", item, "items", "an item of evidence/items.json")
            values = {"start": f.count("start"), "end": f.count("end"),
                      "page": f.count("page"), "quote": f.text("quote")}
            if (values["start"] is not None and values["end"] is not None
                    and values["start"] > values["end"]):
                f.fail("end", f"the span ends ({values['end']}) before it starts "
                              f"({values['start']})")
            if f.ok and uid is not None:
                self.plan.excerpts.append((n, uid, testimony, item, values))

    def _check_citations(self, known: _Known) -> None:
        file = self._file("citations")
        excerpts = {e[1] for e in self.plan.excerpts}
        seen: set[tuple[str, str, str]] = set()
        for n, entry in file.objects():
            f = _Fields(file, n, entry)
            excerpt = f.uid("excerpt_uid", required=True)
            if excerpt is not None and excerpt not in excerpts:
                self._unknown(f, "excerpt_uid", excerpt, "excerpts",
                              "an excerpt of evidence/excerpts.json")
            target = f.ref("target", TARGET_MODELS)
            if target is not None and not known.has(*target):
                f.fail("target.uid", f"{target[0]} {target[1]} is not a record of this case",
                       ProblemCode.UNKNOWN_REFERENCE)
            if f.ok and excerpt is not None and target is not None:
                if (excerpt, *target) in seen:
                    f.fail("target", "this excerpt already cites this record on an earlier "
                           "entry", ProblemCode.DUPLICATE_ROW_ID)
                    continue
                seen.add((excerpt, *target))
                self.plan.citations.append((n, excerpt, target))

    def _check_comments(self, known: _Known) -> None:
        file = self._file("comments")
        targets: dict[int, tuple[str, str] | None] = {}
        for n, entry in file.objects():
            f = _Fields(file, n, entry)
            target = f.ref("target", TARGET_MODELS)
            if target is not None and not known.has(*target):
                f.fail("target.uid", f"{target[0]} {target[1]} is not a record of this case",
                       ProblemCode.UNKNOWN_REFERENCE)
            targets[n - 1] = target
            author = f.text("author", 200, required=True)
            values = {"body": f.text("body", 20_000, required=True),
                      "deleted_at": f.when("deleted_at"),
                      "deleted_reason": f.text("deleted_reason")}
            parent = entry.get("parent")
            if parent is not None:
                if isinstance(parent, bool) or not isinstance(parent, int) or not (
                        0 <= parent < n - 1):
                    f.fail("parent", f"{_shown(parent)} is not the position (from 0) of an "
                                     "earlier comment", ProblemCode.UNKNOWN_REFERENCE)
                elif targets.get(parent) != target:
                    f.fail("parent", "a reply must be on the same record as its parent comment",
                           ProblemCode.UNKNOWN_REFERENCE)
            if f.ok and target is not None:
                self.plan.comments.append((n, target, author, parent, values))

    def _check_deleted(self, known: _Known, codes: CaseCodes) -> None:
        file = self._file("deleted")
        for n, entry in file.objects():
            f = _Fields(file, n, entry)
            model = entry.get("model")
            key = DELETED_MODELS.get(model) if isinstance(model, str) else None
            if key is None:
                f.fail("model", f"{_shown(model)} is not a record of a case that may be "
                                f"deleted here ({', '.join(sorted(DELETED_MODELS))})",
                       ProblemCode.UNKNOWN_REFERENCE)
                continue
            value: str | None
            if key == "code":
                value = f.text("code", 64, required=True)
                if value and value not in codes.sources:
                    f.fail("code", f"source {value!r} is not a source of this case",
                           ProblemCode.UNKNOWN_REFERENCE)
            else:
                value = f.uid("uid", required=True)
                if value is not None and not known.has(model, value):
                    f.fail("uid", f"{model} {value} is not a record of this case",
                           ProblemCode.UNKNOWN_REFERENCE)
            values = {"deleted_at": f.when("deleted_at", required=True),
                      "deleted_reason": f.text("deleted_reason")}
            if f.ok and value:
                self.plan.deleted.append((n, model, value, values))

    # -- writing -------------------------------------------------------------------------------

    def write(self, case: Case, actor: Any, checks: list[Any]) -> dict[str, int] | None:
        """Create the checked items (storing their files), custody events, excerpts,
        citations and comments; one audit entry. Call after `check` found no problem, inside
        the import's transaction, once the directory's tables are written.

        Returns None, with the problems added to `checks`, when a reference does not resolve
        in the stored case after all (nothing is written then: the caller rolls back)."""
        from expediente_web.evidence import store
        from expediente_web.evidence.models import Citation, CustodyEvent, EvidenceItem, Excerpt
        from expediente_web.records.models import Comment

        plan = self.plan
        by_name = {c.name: c for c in checks}

        def problem(key: str, n: int, column: str, message: str) -> None:
            by_name[FILES[key]].add(Problem(n, column, ProblemCode.UNKNOWN_REFERENCE, message),
                                    10_000)

        stored_pk = _stored_pks(case, self._wanted())
        fresh = {"evidence.evidenceitem", "evidence.excerpt"}

        def resolvable(model: str, uid: str) -> bool:
            return uid in stored_pk.get(model, {}) or (
                model == "evidence.evidenceitem" and uid in {i.uid for i in plan.items}) or (
                model == "evidence.excerpt" and uid in {e[1] for e in plan.excerpts})

        for n, _, testimony, _, _ in plan.excerpts:
            if testimony is not None and testimony not in stored_pk.get("records.testimony", {}):
                problem("excerpts", n, "testimony_uid",
                        f"testimony {testimony} is not a testimony of this case")
        for key, entries in (("citations", [(c[0], c[2]) for c in plan.citations]),
                             ("comments", [(c[0], c[1]) for c in plan.comments])):
            for n, (model, uid) in entries:
                if not resolvable(model, uid):
                    problem(key, n, "target.uid", f"{model} {uid} is not a record of this case")
        for n, model, value, _ in plan.deleted:
            if DELETED_MODELS[model] == "uid" and value not in stored_pk.get(model, {}):
                problem("deleted", n, "uid", f"{model} {value} is not a record of this case")
        author_account = _imported_account() if plan.comments else None
        if author_account is None and plan.comments:
            problem("comments", plan.comments[0][0], "author",
                    f"this database has a login account named {IMPORTED_ACCOUNT!r}; imported "
                    "comments are kept under that name, so it must be the login-less account "
                    "the import creates: rename the other account first")
        if any(not c.ok for c in checks):
            return None

        counts: dict[str, int] = {}
        items: dict[str, EvidenceItem] = {}
        sources = {s.code: s for s in case.sources.all()}
        for item in plan.items:
            try:
                with open_inside(self.root, f"evidence/files/{item.sha256}") as handle:
                    stored = store.store(handle)
            except (OutsideFolder, OSError, store.TooLarge) as exc:
                problem("items", item.n, "sha256", f"evidence/files/{item.sha256}: {exc}")
                return None
            if stored.new:
                self.new_files.append(stored.path)
            if stored.sha256 != item.sha256 or stored.size != item.size:
                # The file changed since it was checked: refuse, as if seen then.
                problem("items", item.n, "sha256",
                        f"evidence/files/{item.sha256} changed while it was imported (its "
                        f"SHA-256 is now {stored.sha256})")
                return None
            items[item.uid] = EvidenceItem.objects.create(
                uid=item.uid, case=case, source=sources.get(item.source_code),
                sha256=stored.sha256, size=stored.size,
                parent=items.get(item.parent_uid or ""), **item.values,
            )
        counts["evidence_items"] = len(items)
        custody = [CustodyEvent(item=items[uid], actor=None, **values)
                   for _, uid, values in plan.custody]
        CustodyEvent.objects.bulk_create(custody)
        counts["custody_events"] = len(custody)
        testimonies = stored_pk.get("records.testimony", {})
        excerpts: dict[str, Excerpt] = {}
        for _, uid, testimony, item_uid, values in plan.excerpts:
            excerpts[uid] = Excerpt.objects.create(
                uid=uid, case=case, testimony_id=testimonies[testimony] if testimony else None,
                item=items.get(item_uid or ""), **values,
            )
        counts["excerpts"] = len(excerpts)
        new_pks = {"evidence.evidenceitem": {u: o.pk for u, o in items.items()},
                   "evidence.excerpt": {u: o.pk for u, o in excerpts.items()}}

        def target(model: str, uid: str) -> tuple[ContentType, int]:
            pks = stored_pk.get(model, {})
            pk = pks[uid] if uid in pks or model not in fresh else new_pks[model][uid]
            return ContentType.objects.get_for_model(apps.get_model(model)), pk

        citations = []
        for _, excerpt, ref in plan.citations:
            content_type, pk = target(*ref)
            citations.append(Citation(excerpt=excerpts[excerpt], target_type=content_type,
                                      target_id=pk))
        Citation.objects.bulk_create(citations)
        counts["citations"] = len(citations)
        comments = self._write_comments(case, author_account, target, Comment)
        counts["comments"] = len(comments)
        # The digests of every row written here, so that `audit verify --records` knows them.
        written = RowSet().add_objects([*items.values(), *excerpts.values(), *comments,
                                        *citations])
        written.add_queryset(CustodyEvent.objects.filter(item__in=list(items.values())))
        counts["deleted"] = self._mark_deleted(case, written)
        chain.append(actor_name(actor), "import_evidence_and_comments", case_code=case.code,
                     object_type="case", object_id=case.code,
                     payload={"created": counts,
                              "evidence_sha256": sorted({i.sha256 for i in plan.items}),
                              "evidence": {i.uid: i.sha256 for i in plan.items}},
                     rows=written)
        return counts

    def _write_comments(self, case: Case, account: Any, target: Any, model: Any) -> list[Any]:
        from expediente_web.intake.models import ImportedAuthor

        comments: list[Any] = []
        for _, ref, author, parent, values in self.plan.comments:
            content_type, pk = target(*ref)
            comment = model.objects.create(
                case=case, author=account, target_type=content_type, target_id=pk,
                parent=comments[parent] if parent is not None else None, **values,
            )
            ImportedAuthor.objects.create(comment=comment, name=author)
            comments.append(comment)
        return comments

    def _mark_deleted(self, case: Case, written: RowSet) -> int:
        """Soft-delete again the records the exporting database had soft-deleted (their rows
        join `written`, as they are afterwards)."""
        marked = 0
        for _, label, value, values in self.plan.deleted:
            model = apps.get_model(label)
            key = {DELETED_MODELS[label]: value}
            ids = list(model.objects.filter(case=case, **key).values_list("pk", flat=True))
            marked += model.objects.filter(pk__in=ids).update(**values)
            written.add(label, ids)
        return marked

    def discard_new_files(self) -> None:
        """Remove the evidence files this import stored, once it is rolled back; a file that
        a committed item names (stored by another import meanwhile) stays."""
        from expediente_web.evidence.models import EvidenceItem

        for path in self.new_files:
            if not EvidenceItem.objects.filter(sha256=path.name).exists():
                path.unlink(missing_ok=True)
        self.new_files.clear()


class _Known:
    """The records a reference may name: those of the case already stored, and those the
    directory brings (declared by uid in its structure, uid files, items and excerpts)."""

    def __init__(self, root: Path, case: Case | None, structure: dict[str, Any] | None,
                 wanted: dict[str, set[str]]) -> None:
        self.uids: dict[str, set[str]] = {m: set(p) for m, p in _stored_pks(case,
                                                                              wanted).items()}
        self._declared(root, structure, wanted)

    def add(self, model: str, uids: Iterable[str]) -> None:
        self.uids.setdefault(model, set()).update(uids)

    def has(self, model: str, uid: str) -> bool:
        return uid in self.uids.get(model, ())

    def _declared(self, root: Path, structure: dict[str, Any] | None,
                  wanted: dict[str, set[str]]) -> None:
        import csv

        for section, model in _STRUCTURE_MODELS.items():
            items = (structure or {}).get(section) or []
            if isinstance(items, list):
                self.add(model, (str(i["uid"]) for i in items
                                 if isinstance(i, dict) and _is_uid(i.get("uid"))))
        for kind, model in _UID_TABLE_MODELS.items():
            want = wanted.get(model)
            folder = root / "uids" / kind
            if not want or not folder.is_dir() or folder.is_symlink():
                continue
            for path in sorted(folder.glob("*.csv")):
                try:
                    with open_inside(root, f"uids/{kind}/{path.name}") as raw, open(
                            raw.fileno(), encoding="utf-8", newline="", closefd=False) as text:
                        self.add(model, (row["uid"] for row in csv.DictReader(text)
                                         if row.get("uid") in want))
                except (OutsideFolder, OSError, UnicodeDecodeError, csv.Error, KeyError):
                    continue  # reported by the uid check


def _stored_pks(case: Case | None, wanted: dict[str, set[str]]) -> dict[str, dict[str, int]]:
    """Model label → uid → pk of the wanted records stored in `case` (none for no case)."""
    found: dict[str, dict[str, int]] = {}
    if case is None:
        return found
    for label, uids in wanted.items():
        if label not in TARGET_MODELS and DELETED_MODELS.get(label) != "uid":
            continue
        model = apps.get_model(label)
        values = list(uids)
        for start in range(0, len(values), 2_000):
            rows = model.objects.filter(case=case, uid__in=values[start:start + 2_000])
            found.setdefault(label, {}).update(
                (str(u), pk) for u, pk in rows.values_list("uid", "pk"))
    return found


def _hash_file(root: Path, sha: str, limit: int) -> tuple[str, int] | str:
    """(SHA-256, size) of `evidence/files/<sha>` read from inside the folder, or a problem."""
    digest = hashlib.sha256()
    size = 0
    try:
        with open_inside(root, f"evidence/files/{sha}") as handle:
            while chunk := handle.read(1 << 20):
                size += len(chunk)
                if size > limit:
                    return (f"evidence/files/{sha} is larger than the limit of {limit:,} bytes "
                            "(EXPEDIENTE_MAX_UPLOAD_MB)")
                digest.update(chunk)
    except OutsideFolder as exc:
        return str(exc)
    except OSError as exc:
        return f"evidence/files/{sha} cannot be read: {exc.strerror}"
    return digest.hexdigest(), size


def _imported_account() -> Any:
    """The login-less account imported comments point to (created on first use), or None when
    an account of that name exists that could log in."""
    from django.contrib.auth import get_user_model

    users = get_user_model()
    found = users.objects.filter(username=IMPORTED_ACCOUNT).first()
    if found is None:
        found = users(username=IMPORTED_ACCOUNT, is_active=False)
        found.set_unusable_password()
        found.save()
        return found
    if found.is_active or found.has_usable_password() or found.is_staff or found.is_superuser:
        return None
    return found


def read_json(root: Path, relative: str) -> tuple[Any, Problem | None]:
    """A JSON file of the case folder, read from inside it, its nesting bounded."""
    try:
        with open_inside(root, relative) as handle:
            text = handle.read().decode("utf-8")
        return bounded_loads(text), None
    except OutsideFolder as exc:
        message = str(exc)
    except UnicodeDecodeError as exc:
        return None, Problem(None, None, ProblemCode.BAD_ENCODING, f"not UTF-8: {exc}")
    except TooDeep as exc:
        message = str(exc)
    except (OSError, json.JSONDecodeError) as exc:
        message = f"cannot read: {exc}"
    return None, Problem(None, None, ProblemCode.MALFORMED_FILE, message)


def scan(root: Path) -> Extras | None:
    """The extra files of a case directory, or None when it has none."""
    present = {k: v for k, v in FILES.items() if (root / v).is_file() or (root / v).is_symlink()}
    if not present:
        return None
    extras = Extras(root)
    for key, rel in present.items():
        data, problem = read_json(root, rel)
        if problem is None and not isinstance(data, list):
            problem = Problem(None, None, ProblemCode.MALFORMED_FILE, "must be a JSON list")
        if problem is not None:
            extras.unreadable[key] = problem
            continue
        extras.files[key] = _File(key, data)
    return extras
