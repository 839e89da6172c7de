"""Exporting a whole case in the case-directory layout, so that importing it reproduces the case.

Identifying fields (names, ID numbers, birth dates, contact details) are written only with
`include_protected` for a user whose role may see them; otherwise a person's full name and ID
number are replaced by stable pseudonyms (the same in every export made with the same key ring),
the other identifying fields are left empty, and every protected value (names, ID number,
birth date, phone, address, a witness's contact) of a testimony's witness and of the victims
and perpetrators of the acts it supports is replaced by their pseudonym in its narrative, in the
forms people write them (best-effort, see `narrative_names`). Each export is one audit entry.

An act's involvements and measured facts travel on the act's row when they fit its columns
(one involvement without notes; at most one value of each of the three usual measures), and
otherwise all of them in the source's `involvements` and `measurements` tables.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from expediente import consent
from expediente_web.audit import chain
from expediente_web.audit.record import actor_name
from expediente_web.cases.access import EXPORT_ROLES, NotPermitted, can_view_protected, require_role
from expediente_web.cases.models import Case
from expediente_web.intake.extras import FILES, SHA256, is_link_excerpt, target_ref
from expediente_web.intake.narrative_names import PERSON_FIELDS, NameReplacer
from expediente_web.intake.sinks import FORMATS, LazySink, open_sink
from expediente_web.intake.structure import PERSON_PROTECTED, export_structure
from expediente_web.intake.writer import MEASURES
from expediente_web.protection.cipher import pseudonym

VICTIM_COLUMNS = (
    "record_id", "full_name", "given_names", "first_surname", "second_surname", "nickname",
    "id_number", "birth_date", "age", "sex", "occupation", "affiliation", "phone", "address",
    "state", "notes",
)
ACT_COLUMNS = (
    "record_id", "victim_record_id", "event_code", "act_type", "methods", "date",
    "location_code", "outcome", "unit_code", "perpetrator_record_id", "involvement",
    "weight_lost_kg", "days_incommunicado", "cell_depth_m", "description", "notes",
)
TESTIMONY_COLUMNS = (
    "record_id", "witness_record_id", "witness_name", "witness_phone", "date", "language",
    "interviewer", "consent_scope", "narrative", "act_record_ids", "notes",
)
INVOLVEMENT_COLUMNS = ("act_record_id", "unit_code", "perpetrator_record_id", "involvement",
                       "notes")
MEASUREMENT_COLUMNS = ("act_record_id", "measure", "value", "unit")
# measure term id → its unit, for the measures that have a column on the act row
_COLUMN_MEASURES = dict(MEASURES.values())
SOURCE_COLUMNS = ("record_id", "name", "kind", "reliability", "description")
CHUNK = 5_000

Progress = Callable[[int], None]


@dataclass
class ExportResult:
    """What an export wrote, and for whom: `withheld` counts the testimonies and excerpts left
    out because their witness's consent does not cover the recipient, and `reasons` how many
    testimonies lacked each scope."""

    out_dir: Path
    fmt: str
    include_protected: bool
    counts: dict[str, int] = field(default_factory=dict)
    recipient: str = "team"
    withheld: dict[str, int] = field(default_factory=dict)
    reasons: dict[str, int] = field(default_factory=dict)


class ConsentGate:
    """Which testimonies an export for one recipient may carry (`expediente.consent`): all of
    them for the case's own team; for anyone else only those whose witness consented to that
    recipient, in full (an export carries a testimony's words or not at all)."""

    def __init__(self, to: str) -> None:
        self.to = consent.recipient(to)
        self.withheld_ids: set[int] = set()
        self.withheld: dict[str, int] = {}
        self.reasons: dict[str, int] = {}

    @property
    def internal(self) -> bool:
        return self.to.internal

    def admits(self, testimony: Any) -> bool:
        """Whether the testimony goes in; counts it (and why) when it does not."""
        given = consent.release(testimony.consent_scopes, self.to)
        if given.testimony and given.words:
            return True
        self.withheld_ids.add(testimony.id)
        self.withheld["testimonies"] = self.withheld.get("testimonies", 0) + 1
        lacking = consent.missing(testimony.consent_scopes, self.to) or {consent.VERBATIM}
        for scope in sorted(lacking):
            self.reasons[scope] = self.reasons.get(scope, 0) + 1
        return False

    def notes(self, testimony: Any) -> str:
        return testimony.notes if consent.release(testimony.consent_scopes, self.to).notes else ""

    def count(self, what: str, n: int) -> None:
        if n:
            self.withheld[what] = self.withheld.get(what, 0) + n


class ExportError(Exception):
    """The export cannot be made (e.g. the output folder is not empty)."""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class Pseudonymiser:
    """The identifying fields of a person as an export writes them."""

    def __init__(self, include_protected: bool) -> None:
        self.include_protected = include_protected

    def person(self, p: Any) -> dict[str, str]:
        if self.include_protected:
            return {k: getattr(p, k) or "" for k in PERSON_PROTECTED}
        values = dict.fromkeys(PERSON_PROTECTED, "")
        values["full_name"] = pseudonym("P", str(p.uid))
        if p.id_number:
            values["id_number"] = pseudonym("ID", str(p.uid))
        return values

    def witness(self, t: Any, witness_uid: str | None) -> tuple[str, str]:
        """(witness_name, witness_phone)."""
        if self.include_protected:
            return t.witness_name or "", t.witness_contact or ""
        if not t.witness_name:
            return "", ""
        # A witness who is also a recorded person shares that person's pseudonym.
        return (pseudonym("P", witness_uid) if witness_uid else pseudonym("W", str(t.uid))), ""

    def narrative(self, t: Any, people: Any) -> str:
        """The narrative with every protected value of its witness (names, ID number, birth
        date, phone, address, the recorded contact) and of the victims and perpetrators of the
        acts it supports replaced by their pseudonyms (best-effort)."""
        replacer = NameReplacer()
        witness = people.persons.get(t.witness_id) if t.witness_id else None
        witness_pseudonym = self.witness(t, str(witness.uid) if witness else None)[0] or (
            pseudonym("W", str(t.uid)))
        if witness is not None:
            replacer.add_person(witness, pseudonym("P", str(witness.uid)))
        if t.witness_name:
            replacer.add_names([t.witness_name], witness_pseudonym)
        replacer.add_contact(getattr(t, "witness_contact", "") or "", witness_pseudonym)
        for person_id in people.named_of.get(t.id, []):
            person = people.persons.get(person_id)
            if person is not None:
                replacer.add_person(person, pseudonym("P", str(person.uid)))
        return replacer.replace(t.narrative)


def _rows(qs: Any) -> Iterator[Any]:
    return qs.iterator(chunk_size=CHUNK)


def _write_uids(out: Path, kind: str, code: str, pairs: list[tuple[str, str]]) -> None:
    path = out / "uids" / kind / f"{code}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(("record_id", "uid"))
        writer.writerows(pairs)


def _export_source(
    case: Case, source: Any, out: Path, fmt: str, masks: Pseudonymiser,
    progress: Progress | None, counts: dict[str, int], gate: ConsentGate,
) -> None:
    from expediente_web.evidence.models import Excerpt
    from expediente_web.records.models import Act, Involvement, MeasuredFact, Person, Testimony

    code = source.code
    persons = Person.objects.filter(case=case, source=source).select_related("state")
    uids: list[tuple[str, str]] = []
    with open_sink(out / "victims" / code, fmt, VICTIM_COLUMNS) as sink:
        for p in _rows(persons.order_by("id")):
            ids = masks.person(p)
            rid = p.source_record_id or str(p.uid)
            sink.write([
                rid, ids["full_name"], ids["given_names"], ids["first_surname"],
                ids["second_surname"], ids["nickname"], ids["id_number"], ids["birth_date"],
                _text(p.age), p.sex, p.occupation, p.affiliation, ids["phone"], ids["address"],
                p.state.code if p.state_id else "", p.notes,
            ])
            uids.append((rid, str(p.uid)))
            if progress and sink.rows % CHUNK == 0:
                progress(CHUNK)
        counts["victims"] = counts.get("victims", 0) + sink.rows
    _write_uids(out, "victims", code, uids)
    # The victim's row id and uid are read as plain columns: loading the victim itself would
    # decrypt all its protected fields for every act.
    # Plain columns, not model instances: loading each act's victim would decrypt all its
    # protected fields, and related managers per act cost more than the rows themselves.
    acts = (
        Act.objects.filter(case=case, source=source).order_by("id")
        .values_list("id", "uid", "source_record_id", "victim__source_record_id", "victim__uid",
                     "event__code", "act_type", "methods", "date_text", "location__code",
                     "outcome", "description", "notes")
    )
    uids = []
    with open_sink(out / "acts" / code, fmt, ACT_COLUMNS) as sink, \
            LazySink(out / "involvements" / code, fmt, INVOLVEMENT_COLUMNS) as more_involved, \
            LazySink(out / "measurements" / code, fmt, MEASUREMENT_COLUMNS) as more_measured:
        for chunk in _chunks(_rows(acts)):
            ids = [row[0] for row in chunk]
            facts: dict[int, list[tuple[str, float, str]]] = {}
            for act_id, measure, value, unit in MeasuredFact.objects.filter(act_id__in=ids) \
                    .order_by("id").values_list("act_id", "measure", "value", "unit"):
                facts.setdefault(act_id, []).append((measure, value, unit))
            involved: dict[int, list[tuple[str, str, str, str]]] = {}
            for act_id, unit, person, degree, notes in Involvement.objects.filter(
                    act_id__in=ids).order_by("id").values_list(
                        "act_id", "unit__code", "person__source_record_id", "degree", "notes"):
                involved.setdefault(act_id, []).append((unit or "", person or "", degree, notes))
            for (act_id, uid, rid, victim_rid, victim_uid, event, act_type, methods, date,
                 location, outcome, description, notes) in chunk:
                rid = rid or str(uid)
                on_row = _involvement_columns(involved.get(act_id, []))
                if on_row is None:
                    on_row = ("", "", "")
                    for unit, person, degree, inv_notes in involved[act_id]:
                        more_involved.write([rid, unit, person, degree, inv_notes])
                measured = _measure_columns(facts.get(act_id, []))
                if measured is None:
                    measured = {}
                    for measure, value, unit in facts[act_id]:
                        more_measured.write([rid, measure, _text(value), unit])
                sink.write([
                    rid, victim_rid or str(victim_uid), event or "", act_type,
                    ";".join(methods or []), date, location or "", outcome, *on_row,
                    *(_text(measured.get(measure)) for measure, _ in MEASURES.values()),
                    description, notes,
                ])
                uids.append((rid, str(uid)))
        counts["acts"] = counts.get("acts", 0) + sink.rows
        for name, extra in (("involvements", more_involved), ("measurements", more_measured)):
            if extra.rows:
                counts[name] = counts.get(name, 0) + extra.rows
    _write_uids(out, "acts", code, uids)
    testimonies = Testimony.objects.filter(case=case, source=source).annotate(
        witness_rid=F("witness__source_record_id"), witness_uid=F("witness__uid")
    )
    uids = []
    with open_sink(out / "testimonies" / code, fmt, TESTIMONY_COLUMNS) as sink:
        for whole in _chunks(_rows(testimonies.order_by("id"))):
            chunk = [t for t in whole if gate.admits(t)]
            if not chunk:
                continue
            links = _act_links(chunk, Excerpt)
            people = None if masks.include_protected else _people_named(chunk)
            for t in chunk:
                name, phone = masks.witness(t, str(t.witness_uid) if t.witness_id else None)
                rid = t.source_record_id or str(t.uid)
                narrative = t.narrative if people is None else masks.narrative(t, people)
                sink.write([
                    rid, t.witness_rid if t.witness_id else "", name, phone,
                    t.date_text, t.language, t.interviewer, ";".join(t.consent_scopes or []),
                    narrative, ";".join(links.get(t.id, [])), gate.notes(t),
                ])
                uids.append((rid, str(t.uid)))
        counts["testimonies"] = counts.get("testimonies", 0) + sink.rows
    _write_uids(out, "testimonies", code, uids)


def _involvement_columns(items: list[tuple[str, str, str, str]]) -> tuple[str, str, str] | None:
    """(unit_code, perpetrator_record_id, involvement) for the act row, or None when the
    act's involvements need the involvements table (several, or one with notes)."""
    if not items:
        return ("", "", "")
    if len(items) == 1 and not items[0][3]:
        return items[0][:3]
    return None


def _measure_columns(items: list[tuple[str, float, str]]) -> dict[str, float] | None:
    """Measure → value for the act row's three measure columns, or None when the act's
    facts need the measurements table (another measure or unit, or a measure twice)."""
    out: dict[str, float] = {}
    for measure, value, unit in items:
        if measure in out or _COLUMN_MEASURES.get(measure) != unit:
            return None
        out[measure] = value
    return out


@dataclass
class _People:
    """Who a chunk of testimonies may name: each testimony's witness and the victims of the
    acts it supports (cited by its excerpts) and the persons involved in those acts, with
    their decrypted protected fields."""

    persons: dict[int, Any]
    named_of: dict[int, list[int]]


def _people_named(testimonies: list[Any]) -> _People:
    """A handful of queries per chunk; only the persons named are loaded (and decrypted)."""
    from django.contrib.contenttypes.models import ContentType

    from expediente_web.evidence.models import Citation
    from expediente_web.records.models import Act, Involvement, Person

    act_type = ContentType.objects.get_for_model(Act)
    cites = list(
        Citation.objects.filter(excerpt__testimony_id__in=[t.id for t in testimonies],
                                target_type=act_type)
        .values_list("excerpt__testimony_id", "target_id")
    )
    victim_of_act = dict(Act.objects.filter(id__in={a for _, a in cites})
                         .values_list("id", "victim_id"))
    involved: dict[int, list[int]] = {}
    for act_id, person_id in Involvement.objects.filter(
            act_id__in=list(victim_of_act), person__isnull=False
    ).values_list("act_id", "person_id"):
        involved.setdefault(act_id, []).append(person_id)
    named_of: dict[int, list[int]] = {}
    for testimony_id, act_id in cites:
        for person in (victim_of_act.get(act_id), *involved.get(act_id, [])):
            if person is not None and person not in named_of.setdefault(testimony_id, []):
                named_of[testimony_id].append(person)
    wanted = {v for vs in named_of.values() for v in vs}
    wanted.update(t.witness_id for t in testimonies if t.witness_id)
    # Only the protected fields the replacer looks for are read (and decrypted).
    names = ("uid", *PERSON_FIELDS)
    # Instances, not values_list: a protected value decrypts only with its row's uid.
    persons = {
        p.id: SimpleNamespace(**{name: getattr(p, name) for name in names})
        for p in Person.objects.filter(id__in=wanted).only("id", *names)
    }
    return _People(persons, named_of)


def _chunks(items: Iterator[Any]) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _act_links(testimonies: list[Any], excerpt_model: Any) -> dict[int, list[str]]:
    """Testimony id → record ids of the acts citing its link excerpt (one query per chunk)."""
    from django.contrib.contenttypes.models import ContentType

    from expediente_web.evidence.models import Citation
    from expediente_web.records.models import Act

    lengths = {t.id: len(t.narrative) for t in testimonies}
    excerpts = [
        e for e in excerpt_model.objects.filter(testimony_id__in=list(lengths))
        if is_link_excerpt(e, lengths[e.testimony_id])
    ]
    if not excerpts:
        return {}
    testimony_of = {e.id: e.testimony_id for e in excerpts}
    act_type = ContentType.objects.get_for_model(Act)
    cites = list(Citation.objects.filter(excerpt_id__in=list(testimony_of), target_type=act_type)
                 .order_by("id").values_list("excerpt_id", "target_id"))
    record_ids = dict(Act.objects.filter(id__in=[t for _, t in cites])
                      .values_list("id", "source_record_id"))
    links: dict[int, list[str]] = {}
    for excerpt_id, act_id in cites:
        links.setdefault(testimony_of[excerpt_id], []).append(record_ids[act_id])
    return links


def _iso(value: Any) -> str | None:
    return value.isoformat() if value else None


def _export_extras(case: Case, out: Path, counts: dict[str, int], masks: Pseudonymiser,
                   gate: ConsentGate) -> None:
    from expediente_web.evidence.models import Citation, CustodyEvent, EvidenceItem, Excerpt
    from expediente_web.records.models import Comment

    items = list(EvidenceItem.objects.filter(case=case).select_related("source", "parent")
                 .order_by("id"))
    custody = list(CustodyEvent.objects.filter(item__case=case).select_related("item", "actor")
                   .order_by("at", "id"))
    excerpts = [
        e for e in Excerpt.objects.filter(case=case).select_related("testimony", "item")
        .order_by("id")
        if not is_link_excerpt(e, len(e.testimony.narrative) if e.testimony_id else None)
    ]
    # The excerpts of a testimony left out go with it, and so do the citations of them and the
    # comments on either (a comment may quote them).
    kept = [e for e in excerpts if e.testimony_id not in gate.withheld_ids]
    gate.count("excerpts", len(excerpts) - len(kept))
    excerpts = kept
    left_out_excerpts = set(
        Excerpt.objects.filter(testimony_id__in=gate.withheld_ids).values_list("id", flat=True)
    ) if gate.withheld_ids else set()
    quotes = _excerpt_quotes(excerpts, masks)
    citations = list(Citation.objects.filter(excerpt__in=excerpts).select_related("excerpt")
                     .order_by("id"))
    comments = list(Comment.objects.filter(case=case)
                    .select_related("author", "imported_author").order_by("id"))
    if gate.withheld_ids:
        comments = _comments_kept(comments, gate, left_out_excerpts)
    data: dict[str, list[dict[str, Any]]] = {
        "items": [
            {"uid": str(i.uid), "sha256": i.sha256, "size": i.size, "filename": i.filename,
             "media_type": i.media_type, "kind": i.kind, "title": i.title,
             "description": i.description, "source_code": i.source.code if i.source_id else None,
             "parent_uid": str(i.parent.uid) if i.parent_id else None,
             "transformation": i.transformation, "deleted_at": _iso(i.deleted_at),
             "deleted_reason": i.deleted_reason}
            for i in items
        ],
        "custody": [
            {"item_uid": str(c.item.uid), "action": c.action, "at": _iso(c.at),
             "actor": c.actor.username if c.actor_id else None, "actor_name": c.actor_name,
             "from_party": c.from_party, "to_party": c.to_party, "place": c.place,
             "hash_observed": c.hash_observed, "purpose": c.purpose}
            for c in custody
        ],
        "excerpts": [
            {"uid": str(e.uid), "testimony_uid": str(e.testimony.uid) if e.testimony_id else None,
             "item_uid": str(e.item.uid) if e.item_id else None, "start": e.start, "end": e.end,
             "page": e.page, "quote": quotes[e.id]}
            for e in excerpts
        ],
        "citations": [
            {"excerpt_uid": str(c.excerpt.uid), "target": target_ref(c.target)}
            for c in citations
        ],
    }
    data["deleted"] = _deleted(case, gate.withheld_ids)
    index = {c.id: n for n, c in enumerate(comments)}
    data["comments"] = [
        {"target": target_ref(c.target), "author": _author(c), "body": c.body,
         "parent": index.get(c.parent_id) if c.parent_id else None,
         "created_at": _iso(c.created_at), "deleted_at": _iso(c.deleted_at),
         "deleted_reason": c.deleted_reason}
        for c in comments
    ]
    for key, rel in FILES.items():
        if data[key]:
            path = out / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(data[key], ensure_ascii=False, indent=1), encoding="utf-8")
            counts[key if key != "items" else "evidence_items"] = len(data[key])
    for i in items:
        if not SHA256.fullmatch(i.sha256):
            raise ExportError(f"evidence item {i.uid} ({i.filename}) has {i.sha256!r} as its "
                              "SHA-256; run `expediente check`")
        target = out / "evidence" / "files" / i.sha256
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            _copy_verified(i.sha256, target, i)


def _copy_verified(sha256: str, target: Path, item: Any) -> None:
    """Copy an evidence file's plaintext out of the (encrypted) store, hashing it on the way:
    an export carries only files that are what their items say (a changed or missing file is
    refused, naming the item)."""
    from expediente_web.evidence.store import EvidenceUnreadable, PlainEvidence, open_evidence

    digest = hashlib.sha256()
    try:
        with open_evidence(sha256) as src, open(target, "xb") as dst:
            for chunk in src:
                digest.update(chunk)
                dst.write(chunk)
    except OSError as exc:
        raise ExportError(f"the file of evidence item {item.uid} ({item.filename}) cannot be "
                          f"read: {exc.strerror}; run `expediente check`") from None
    except PlainEvidence as exc:
        target.unlink(missing_ok=True)
        from expediente.fingerprints import file_sha256
        from expediente_web.evidence.store import path_for

        found = file_sha256(path_for(sha256))
        if found == sha256:
            raise ExportError(f"the file of evidence item {item.uid} ({item.filename}): {exc}") \
                from None
        raise ExportError(f"the file of evidence item {item.uid} ({item.filename}) has changed "
                          f"in the store (its SHA-256 is now {found}); run "
                          "`expediente check`") from None
    except EvidenceUnreadable as exc:
        target.unlink(missing_ok=True)
        raise ExportError(f"the file of evidence item {item.uid} ({item.filename}) has changed "
                          f"in the store: {exc}; run `expediente check`") from None
    if digest.hexdigest() != item.sha256:
        raise ExportError(f"the file of evidence item {item.uid} ({item.filename}) has changed "
                          f"in the store (its SHA-256 is now {digest.hexdigest()}); run "
                          "`expediente check`")


def _author(comment: Any) -> str:
    """A comment's author as exported: the account's name, or the name an import kept."""
    try:
        return comment.imported_author.name
    except ObjectDoesNotExist:
        return comment.author.username


def _excerpt_quotes(excerpts: list[Any], masks: Pseudonymiser) -> dict[int, str]:
    """Each excerpt's quote; pseudonymised like its testimony's narrative, since a quote is a
    span of it and would otherwise show the names that the narrative hides."""
    if masks.include_protected:
        return {e.id: e.quote for e in excerpts}
    spans = [e for e in excerpts if e.testimony_id and e.quote]
    people = _people_named(list({e.testimony_id: e.testimony for e in spans}.values()))
    quotes = {e.id: e.quote for e in excerpts}
    for e in spans:
        t = e.testimony
        span = SimpleNamespace(id=t.id, uid=t.uid, witness_id=t.witness_id,
                               witness_name=t.witness_name, witness_contact=t.witness_contact,
                               narrative=e.quote)
        quotes[e.id] = masks.narrative(span, people)
    return quotes


def _comments_kept(comments: list[Any], gate: ConsentGate, excerpts: set[int]) -> list[Any]:
    """The comments not on a testimony (or an excerpt of one) left out, nor replies to one."""
    from django.contrib.contenttypes.models import ContentType

    from expediente_web.evidence.models import Excerpt
    from expediente_web.records.models import Testimony

    testimony_type = ContentType.objects.get_for_model(Testimony).pk
    excerpt_type = ContentType.objects.get_for_model(Excerpt).pk
    dropped: set[int] = set()
    kept = []
    for c in comments:
        if (c.parent_id in dropped
                or (c.target_type_id == testimony_type and c.target_id in gate.withheld_ids)
                or (c.target_type_id == excerpt_type and c.target_id in excerpts)):
            dropped.add(c.id)
            continue
        kept.append(c)
    gate.count("comments", len(dropped))
    return kept


def _deleted(case: Case, left_out: set[int] | None = None) -> list[dict[str, Any]]:
    """Soft-deleted records (exported like the others) with when and why they were deleted;
    not the testimonies `left_out` of the export."""
    from expediente_web.cases.models import Source
    from expediente_web.records.models import (
        Act,
        Event,
        Location,
        Person,
        Position,
        Testimony,
        Unit,
    )

    out: list[dict[str, Any]] = [
        {"model": "cases.source", "code": s.code, "deleted_at": _iso(s.deleted_at),
         "deleted_reason": s.deleted_reason}
        for s in Source.objects.filter(case=case, deleted_at__isnull=False).order_by("id")
    ]
    for model in (Location, Unit, Person, Position, Event, Act, Testimony):
        rows = (model.objects.filter(case=case, deleted_at__isnull=False).order_by("id")
                .values_list("uid", "deleted_at", "deleted_reason"))
        if model is Testimony and left_out:
            rows = rows.exclude(id__in=left_out)
        out += [{"model": model._meta.label_lower, "uid": str(uid), "deleted_at": _iso(at),
                 "deleted_reason": reason} for uid, at, reason in rows]
    return out


def check_export_permission(case: Case, actor: Any, include_protected: bool) -> None:
    """Raise `NotPermitted` unless the actor may export (and see protected fields)."""
    if actor is not None:
        require_role(actor, case, EXPORT_ROLES, gettext_noop("export the case"))
    if include_protected and (actor is None or not can_view_protected(actor, case)):
        who = getattr(actor, "username", None)
        raise NotPermitted(
            _("%(user)s may not export protected fields of case %(case)s")
            % {"user": who, "case": case.code} if who else
            _("--include-protected needs --user: a user whose role in the case may see "
              "protected fields")
        )


def do_export_case(
    case: Case,
    out_dir: str | Path,
    *,
    fmt: str = "csv",
    include_protected: bool = False,
    actor: Any = None,
    progress: Progress | None = None,
    recipient: str = "team",
) -> ExportResult:
    """Write the whole case to `out_dir` (which must be empty or absent); one audit entry.

    `recipient` (an id of `expediente.consent.RECIPIENTS`) is whom the export is for: `team`,
    the case's own internal copy, carries every testimony; any other carries only the
    testimonies whose witness's consent covers that recipient, with their excerpts, and
    says in its manifest and README how many were left out and for want of which scope.

    The export is written into a temporary folder beside `out_dir` and renamed into place only
    once complete, manifest included: `out_dir` never holds half an export, and an export that
    fails leaves nothing behind (a process killed meanwhile may leave the hidden
    `.NAME.partial-…` folder, never a partial `out_dir`).

    Raises:
        NotPermitted: the actor may not export, or may not see protected fields.
        ExportError: the output folder is not empty, the format is unknown, or an evidence
            file is not what its item says.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    try:
        gate = ConsentGate(recipient)
    except consent.UnknownRecipient as exc:
        raise ExportError(str(exc)) from None
    if gate.to.publication and include_protected:
        raise ExportError(_("an export for the public never carries identifying data in clear; "
                            "leave out --include-protected"))
    check_export_permission(case, actor, include_protected)
    out = Path(out_dir)
    if out.is_symlink() or (out.exists() and (not out.is_dir() or any(out.iterdir()))):
        raise ExportError(f"{out} is not empty; export into a new or empty folder")
    made = [p for p in (out.parent, *out.parent.parents) if not p.exists()]
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        # Owner only (mkdtemp's 0700), like the data directory: even a pseudonymised export
        # holds free text (narratives, comments) and evidence files that may identify people.
        work = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    except OSError as exc:
        raise ExportError(f"{out} cannot be written: {exc.strerror}") from None
    result = ExportResult(out, fmt, include_protected, recipient=gate.to.id)
    try:
        with transaction.atomic():
            _write_export(case, work, out, fmt, include_protected, actor, progress, result, gate)
            _move_into_place(work, out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        for folder in made:  # innermost first
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    return result


def _move_into_place(work: Path, out: Path) -> None:
    """Rename the finished export onto `out` (absent, or an empty folder it replaces)."""
    try:
        os.rename(work, out)
    except OSError as exc:
        raise ExportError(f"{out} cannot be written ({exc.strerror}); export into a new or "
                          "empty folder") from None


def _write_export(case: Case, out: Path, final: Path, fmt: str, include_protected: bool,
                  actor: Any, progress: Progress | None, result: ExportResult,
                  gate: ConsentGate) -> None:
    masks = Pseudonymiser(include_protected)
    counts = result.counts
    structure = export_structure(case, masks.person)
    (out / "structure.json").write_text(
        json.dumps(structure, ensure_ascii=False, indent=1, default=str), encoding="utf-8"
    )
    counts["locations"] = len(structure["locations"])
    counts["units"] = len(structure["organizations"])
    counts["perpetrators"] = len(structure["persons"])
    sources = list(case.sources.order_by("code"))
    with open_sink(out / "sources", fmt, SOURCE_COLUMNS) as sink:
        for s in sources:
            sink.write([s.code, s.name, s.kind, s.reliability, s.description])
    counts["sources"] = len(sources)
    for source in sources:
        _export_source(case, source, out, fmt, masks, progress, counts, gate)
    _export_extras(case, out, counts, masks, gate)
    result.withheld, result.reasons = dict(gate.withheld), dict(gate.reasons)
    manifest = {
        "format": fmt,
        "case": case.code,
        "exported_at": timezone.now().isoformat(),
        "include_protected": include_protected,
        "pseudonymised": not include_protected,
        "counts": counts,
        "recipient": gate.to.id,
        "consent": {
            "rule": "internal copy: every testimony" if gate.internal else
            "only testimonies whose witness consented to this recipient",
            "needs": sorted(gate.to.needs),
            "withheld": result.withheld,
            "withheld_for_want_of": result.reasons,
        },
    }
    manifest_text = json.dumps(manifest, ensure_ascii=False, indent=1)
    (out / "manifest.json").write_text(manifest_text, encoding="utf-8")
    (out / "README.txt").write_text(_readme(case, include_protected, result), encoding="utf-8")
    chain.append(
        actor_name(actor), "export_case", case_code=case.code, object_type="case",
        object_id=case.code,
        payload={"format": fmt, "include_protected": include_protected, "counts": counts,
                 "recipient": gate.to.id, "withheld": result.withheld,
                 "out_dir": str(final),
                 "manifest_sha256": hashlib.sha256(manifest_text.encode()).hexdigest()},
    )


def consent_line(result: ExportResult) -> str:
    """What the export carries of the testimonies, and what it left out and why (counts)."""
    to = consent.recipient(result.recipient)
    if to.internal:
        return ("For the case's own team (internal use): every testimony is included, whatever "
                "its witness consented to share; do not pass it on outside the team.")
    n = result.withheld.get("testimonies", 0)
    said = (f"For {to.label} (--for {to.id}): only testimonies whose witness consented to it "
            f"({', '.join(sorted(to.needs))}"
            + (f", and {consent.VERBATIM} for their words" if to.publication else "") + "). ")
    if not n:
        return said + "No testimony was withheld."
    why = "; ".join(f"{k} not given: {v:,}" for k, v in sorted(result.reasons.items()))
    more = ", ".join(f"{v:,} {k}" for k, v in result.withheld.items() if k != "testimonies")
    return (said + f"Withheld: {n:,} testimon{'y' if n == 1 else 'ies'} ({why})"
            + (f", with {more}" if more else "") + ".")


def _readme(case: Case, include_protected: bool, result: ExportResult) -> str:
    protection = (
        "This export CONTAINS IDENTIFYING DATA of victims and witnesses in clear. Keep it "
        "encrypted and share it only with those entitled to see it."
        if include_protected else
        "Identifying fields are replaced by stable pseudonyms (P-…, ID-…, W-…) or left empty."
    )
    return (
        f"Expediente export of case {case.code}: {case.title}\n\n{protection}\n\n"
        f"{consent_line(result)}\n\n"
        "Layout: structure.json, sources, victims/<SOURCE>, acts/<SOURCE>, "
        "testimonies/<SOURCE>, uids/ (record ids to stable ids), evidence/ and comments.json.\n"
        "Import it with: expediente import DIR --case CODE\n"
    )
