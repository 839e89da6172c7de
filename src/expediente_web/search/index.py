"""Keeping the search index in step with the record.

`refresh` re-makes the documents of some records (and removes those of soft-deleted ones);
`reindex_case` re-makes a whole case's. Each document holds the terms of the record's text and
the facets of the acts it bears on: an act its own, a testimony or an excerpt those of the acts
citing it, an event those of its acts, a comment those of the record it is about.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q

from expediente.search import index_terms
from expediente_web.cases.models import Case
from expediente_web.evidence.models import Citation, Excerpt
from expediente_web.records.models import Act, Comment, Event, Involvement, Location, Testimony
from expediente_web.search.models import SearchDocument, SearchFacet

#: Most characters of index terms kept per document (PostgreSQL caps a tsvector near 1 MB).
MAX_TERMS_CHARS = 400_000
#: Facet names, in the order pages show them.
FACETS = ("act_type", "method", "year", "place", "unit", "source", "outcome")
#: A period longer than this many years gives no year facet (it would match every year).
MAX_YEARS = 5

MODELS: dict[str, Any] = {"testimony": Testimony, "excerpt": Excerpt, "comment": Comment,
                          "act": Act, "event": Event}


def _text(kind: str, obj: Any) -> str:
    if kind == "testimony":
        return "\n".join(p for p in (obj.narrative, obj.notes) if p)
    if kind == "excerpt":
        return obj.quote
    if kind == "comment":
        return obj.body
    if kind == "act":
        return "\n".join(p for p in (obj.description, obj.notes) if p)
    return "\n".join(p for p in (obj.title, obj.description, obj.notes) if p)


def _years(earliest: dt.date | None, latest: dt.date | None) -> list[str]:
    if earliest is None:
        return []
    last = latest.year if latest is not None else earliest.year
    if last - earliest.year >= MAX_YEARS:
        return []
    return [str(y) for y in range(earliest.year, last + 1)]


class _Facts:
    """What the facets of a set of documents need, fetched in a few queries.

    With `wanted` (kind → ids), only what those records bear on is fetched, so that a service
    refreshing one record does not read the whole case; without it, everything in the case.
    """

    def __init__(self, case: Case, wanted: dict[str, set[int]] | None = None) -> None:
        act_ct = ContentType.objects.get_for_model(Act)
        citations = Citation.objects.filter(target_type=act_ct, excerpt__case=case)
        excerpts = Excerpt.objects.filter(case=case, testimony__isnull=False)
        acts = Act.objects.live().filter(case=case)
        scoped = wanted is not None
        wanted = wanted or {}
        if scoped:
            citations = citations.filter(
                Q(excerpt_id__in=wanted.get("excerpt", ()))
                | Q(excerpt__testimony_id__in=wanted.get("testimony", ())))
            excerpts = excerpts.filter(testimony_id__in=wanted.get("testimony", ()))
            event_acts = acts.filter(event_id__in=wanted.get("event", ()))
        else:
            event_acts = acts.filter(event__isnull=False)
        self.excerpt_acts: dict[int, set[int]] = defaultdict(set)
        if not scoped or wanted.get("excerpt") or wanted.get("testimony"):
            for excerpt_id, act_id in citations.values_list("excerpt_id", "target_id"):
                self.excerpt_acts[excerpt_id].add(act_id)
        self.testimony_acts: dict[int, set[int]] = defaultdict(set)
        if self.excerpt_acts and (not scoped or wanted.get("testimony")):
            for excerpt_id, testimony_id in excerpts.values_list("id", "testimony_id"):
                self.testimony_acts[testimony_id] |= self.excerpt_acts.get(excerpt_id, set())
        self.event_acts: dict[int, set[int]] = defaultdict(set)
        if not scoped or wanted.get("event"):
            for act_id, event_id in event_acts.values_list("id", "event_id"):
                self.event_acts[event_id].add(act_id)
        self.parent: dict[int, int | None] = {}
        self.place_code: dict[int, str] = {}
        self.act_facets: dict[int, list[tuple[str, str]]] = {}
        if scoped:
            needed = set(wanted.get("act", ()))
            for group in (self.excerpt_acts, self.testimony_acts, self.event_acts):
                for ids in group.values():
                    needed |= ids
            if not needed:
                return
            acts = acts.filter(id__in=needed)
        for i, parent, code in Location.objects.filter(case=case).values_list(
                "id", "parent_id", "code"):
            self.parent[i], self.place_code[i] = parent, code
        units: dict[int, set[str]] = defaultdict(set)
        for act_id, code in Involvement.objects.filter(
                act__in=acts, unit__isnull=False).values_list("act_id", "unit__code"):
            units[act_id].add(code)
        for act in acts.select_related("source").only(
                "id", "act_type", "methods", "outcome", "location_id", "date_earliest",
                "date_latest", "source__code"):
            facets = [("act_type", act.act_type)]
            facets += [("method", m) for m in act.methods or () if isinstance(m, str)]
            facets += [("year", y) for y in _years(act.date_earliest, act.date_latest)]
            facets += [("place", p) for p in self._places(act.location_id)]
            facets += [("unit", u) for u in sorted(units.get(act.id, ()))]
            if act.outcome:
                facets.append(("outcome", act.outcome))
            if act.source is not None:
                facets.append(("source", act.source.code))
            self.act_facets[act.id] = facets

    def _places(self, location_id: int | None) -> list[str]:
        found: list[str] = []
        seen: set[int] = set()
        while location_id is not None and location_id not in seen:
            seen.add(location_id)
            found.append(self.place_code[location_id])
            location_id = self.parent.get(location_id)
        return found

    def of_acts(self, act_ids: Iterable[int]) -> set[tuple[str, str]]:
        return {f for act_id in act_ids for f in self.act_facets.get(act_id, ())}


def _facets(kind: str, obj: Any, facts: _Facts) -> set[tuple[str, str]]:
    if kind == "act":
        return set(facts.act_facets.get(obj.id, ()))
    if kind == "excerpt":
        found = facts.of_acts(facts.excerpt_acts.get(obj.id, ()))
    elif kind == "testimony":
        found = facts.of_acts(facts.testimony_acts.get(obj.id, ()))
        found |= {("year", y) for y in _years(obj.date_earliest, obj.date_latest)}
    elif kind == "event":
        found = facts.of_acts(facts.event_acts.get(obj.id, ()))
    else:  # a comment: the facets of what it is about
        target_kind = obj.target_type.model
        target = _live(target_kind, [obj.target_id])
        found = _facets(target_kind, target[0], facts) if target else set()
    source = getattr(obj, "source", None)
    if source is not None:
        found.add(("source", source.code))
    return {(name, value[:128]) for name, value in found}


def _live(kind: str, ids: Iterable[int]) -> list[Any]:
    model = MODELS.get(kind)
    if model is None:
        return []
    qs = model.objects.filter(id__in=list(ids))
    if hasattr(model, "deleted_at"):
        qs = qs.filter(deleted_at__isnull=True)
    if kind in ("testimony", "act", "event"):
        qs = qs.select_related("source")
    elif kind == "comment":
        qs = qs.select_related("target_type")
    return list(qs)


_deferred = threading.local()


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Within it, writes do not refresh the index: for a bulk import that re-indexes the case
    once at its end."""
    depth = getattr(_deferred, "depth", 0)
    _deferred.depth = depth + 1
    try:
        yield
    finally:
        _deferred.depth = depth


def is_deferred() -> bool:
    return getattr(_deferred, "depth", 0) > 0


def refresh(case: Case, wanted: dict[str, set[int]]) -> None:
    """Re-make the documents of these records (kind → ids); a soft-deleted one is removed."""
    if is_deferred():
        return
    wanted = {k: set(v) for k, v in wanted.items() if v and k in MODELS}
    if not wanted:
        return
    scope = {k: set(v) for k, v in wanted.items()}
    for comment in _live("comment", wanted.get("comment", ())):
        scope.setdefault(comment.target_type.model, set()).add(comment.target_id)
    facts = _Facts(case, scope)
    with transaction.atomic():
        for kind, ids in wanted.items():
            SearchDocument.objects.filter(object_type=kind, object_id__in=ids).delete()
            _write(case, kind, _live(kind, ids), facts)


def reindex_case(case: Case, batch_size: int = 2000) -> int:
    """Re-make every document of the case; the number made."""
    facts = _Facts(case)
    made = 0
    with transaction.atomic():
        SearchDocument.objects.filter(case=case).delete()
        for kind, model in MODELS.items():
            qs = model.objects.filter(case=case)
            if hasattr(model, "deleted_at"):
                qs = qs.filter(deleted_at__isnull=True)
            ids = list(qs.order_by("id").values_list("id", flat=True))
            for start in range(0, len(ids), batch_size):
                made += _write(case, kind, _live(kind, ids[start:start + batch_size]), facts)
        reindex_names(case, batch_size)
    return made


def reindex_names(case: Case, batch_size: int = 2000) -> None:
    """Re-make the name tokens of every person of the case (see `names.py`)."""
    from expediente_web.records.models import Person
    from expediente_web.search.models import NameToken
    from expediente_web.search.names import refresh_persons

    NameToken.objects.filter(case=case).delete()
    ids = list(Person.objects.live().filter(case=case).order_by("id")
               .values_list("id", flat=True))
    for start in range(0, len(ids), batch_size):
        refresh_persons(Person.objects.filter(id__in=ids[start:start + batch_size]))


def _write(case: Case, kind: str, objects: list[Any], facts: _Facts) -> int:
    documents, facet_sets = [], []
    for obj in objects:
        terms = index_terms(_text(kind, obj))[:MAX_TERMS_CHARS]
        if not terms:
            continue
        documents.append(SearchDocument(case=case, object_type=kind, object_id=obj.id,
                                        terms=terms))
        facet_sets.append(_facets(kind, obj, facts))
    SearchDocument.objects.bulk_create(documents)
    if connection_needs_ids(documents):
        lookup = dict(SearchDocument.objects.filter(
            object_type=kind, object_id__in=[d.object_id for d in documents]
        ).values_list("object_id", "id"))
        for document in documents:
            document.id = lookup[document.object_id]
    SearchFacet.objects.bulk_create([
        SearchFacet(document_id=document.id, facet=name, value=value)
        for document, facets in zip(documents, facet_sets, strict=True)
        for name, value in sorted(facets)
    ])
    return len(documents)


def connection_needs_ids(documents: list[SearchDocument]) -> bool:
    """bulk_create sets ids on SQLite ≥ 3.35 and PostgreSQL; fetch them where it did not."""
    return any(d.id is None for d in documents)
