"""Permission-checked search: a member of a case searches that case, and only what they may read.

The hits are records of the case; what a hit shows of its text follows the reader's role (a
role that sees no identities gets the snippet with known names, numbers and dates replaced,
as exports do).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from expediente.search import Query, QueryError, Segment, parse_query, snippet
from expediente_web.cases.access import NotPermitted, can_view_protected, role_in
from expediente_web.cases.models import Case
from expediente_web.cases.validation import InvalidInput
from expediente_web.discussion.access import DISCUSSION_ROLES
from expediente_web.records.consent import shield_excerpt, shield_testimony, withheld_testimonies
from expediente_web.search import backends
from expediente_web.search.index import FACETS, MODELS, _text
from expediente_web.search.models import OBJECT_TYPES, SearchDocument

PAGE_SIZE = 20


@dataclass
class Hit:
    kind: str
    record: Any
    segments: list[Segment]

    @property
    def href(self) -> str:
        """The page of the record (an excerpt: its testimony's, at the excerpt)."""
        return record_href(self.kind, self.record)


PAGES = {"testimony": "workspace:testimony", "act": "workspace:act", "event": "workspace:event"}


def record_href(kind: str, record: Any) -> str:
    from django.urls import NoReverseMatch, reverse

    code = record.case.code if hasattr(record, "case") else ""
    try:
        if kind in PAGES:
            return reverse(PAGES[kind], args=[code, record.uid])
        if kind == "excerpt" and record.testimony_id:
            page = reverse(PAGES["testimony"], args=[code, record.testimony.uid])
            return f"{page}#excerpt-{record.uid}"
        if kind == "comment" and record.target_type.model in PAGES:
            target = MODELS[record.target_type.model].objects.filter(id=record.target_id).first()
            if target is not None:
                return reverse(PAGES[record.target_type.model], args=[code, target.uid])
    except NoReverseMatch:
        return ""
    return ""


@dataclass
class Results:
    query: Query | None
    text: str
    kinds: list[str]
    filters: dict[str, str]
    total: int
    page: Page
    hits: list[Hit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


class _Counted:
    """What the paginator pages over: the backend's count and a slice of its ids."""

    def __init__(self, query: Query | None, where: backends.Where, total: int) -> None:
        self.query, self.where, self.total = query, where, total

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, span: slice) -> list[int]:
        start, stop = span.start or 0, span.stop or self.total
        return backends.matching_ids(self.query, self.where, limit=stop - start, offset=start)


def clean_filters(raw: dict[str, str]) -> dict[str, str]:
    """The facet filters of a request: known facet names only, values as given (bounded)."""
    return {name: str(raw[name])[:128] for name in FACETS if raw.get(name)}


def access_search(user: Any, case: Case, text: str, *, kinds: list[str] | None = None,
                  filters: dict[str, str] | None = None, page: Any = 1,
                  page_size: int = PAGE_SIZE, with_facets: bool = True) -> Results:
    """Search the case for `text` (all words must match) with facet filters, one page of hits.

    Raises:
        Http404 (through `role_in` None): the user is not a member of the case.
        InvalidInput: a query that cannot be run, or an unknown kind of record.
    """
    role = role_in(user, case) if user is not None else None
    if user is not None and role is None:
        from django.http import Http404

        raise Http404(_("No case %(code)s") % {"code": repr(case.code)})
    kinds = [k for k in (kinds or []) if k]
    unknown = sorted(set(kinds) - set(OBJECT_TYPES))
    if unknown:
        raise InvalidInput("kind", _("unknown kind of record: %(kinds)s")
                           % {"kinds": ", ".join(unknown)})
    if role is not None and role not in DISCUSSION_ROLES:
        # The discussion is the team's own: a partner finds records, not comments.
        if kinds == ["comment"]:
            raise NotPermitted(_("role %(role)s may not read the discussion in case %(case)s")
                               % {"role": role, "case": case.code})
        kinds = [k for k in (kinds or OBJECT_TYPES) if k != "comment"]
    query: Query | None = None
    if text.strip():
        try:
            query = parse_query(text)
        except QueryError as exc:
            raise InvalidInput("q", query_problem(exc)) from None
    filters = clean_filters(filters or {})
    # A hit says that its record holds the words searched for: a testimony (or an excerpt of
    # it) whose words the reader may not read is not found by them. Browsing, without words,
    # lists it with the notice instead of its text.
    excluded = _consent_excluded(case, role) if query is not None else ()
    where = backends.Where(case.id, kinds, filters, excluded)
    total = backends.count(query, where)
    paged = Paginator(_Counted(query, where, total), page_size).get_page(page)
    ids = list(paged.object_list)
    documents = {d.id: d for d in SearchDocument.objects.filter(id__in=ids)}
    by_kind: dict[str, list[int]] = {}
    for doc_id in ids:
        doc = documents[doc_id]
        by_kind.setdefault(doc.object_type, []).append(doc.object_id)
    records = {(kind, r.id): r for kind, object_ids in by_kind.items()
               for r in _records(kind, object_ids)}
    redact = user is not None and not can_view_protected(user, case)
    hits: list[Hit] = []
    for doc_id in ids:
        doc = documents[doc_id]
        record = records.get((doc.object_type, doc.object_id))
        if record is None:
            continue
        if doc.object_type in ("testimony", "excerpt"):
            shielded = (shield_testimony(role, record) if doc.object_type == "testimony"
                        else shield_excerpt(role, record))
            if shielded.consent_withheld:
                hits.append(Hit(doc.object_type, record, [Segment(shielded.consent_withheld)]))
                continue
        shown = _text(doc.object_type, record)
        if redact:
            shown = redact_text(doc.object_type, record, shown)
        segments = snippet(shown, query) if query is not None else snippet(shown, _NOTHING)
        hits.append(Hit(doc.object_type, record, segments))
    facets = backends.facet_counts(query, where) if with_facets else {}
    return Results(query, text, kinds, filters, total, paged, hits, facets)


_NOTHING = Query(words=())


def _consent_excluded(case: Case, role: str | None) -> list[tuple[str, str, Any]]:
    """The testimonies, and the excerpts of them, whose words `role` may not read, as SQL."""
    from expediente_web.evidence.models import Excerpt

    withheld = withheld_testimonies(case, role)
    if withheld is None:
        return []
    testimonies = withheld.values("id").query.sql_with_params()
    excerpts = Excerpt.objects.filter(testimony__in=withheld).values("id").query.sql_with_params()
    return [("testimony", *testimonies), ("excerpt", *excerpts)]


def _records(kind: str, ids: list[int]) -> list[Any]:
    model = MODELS[kind]
    qs = model.objects.filter(id__in=ids).select_related("case")
    if kind == "excerpt":
        qs = qs.select_related("case", "testimony", "testimony__witness", "item")
    elif kind == "testimony":
        qs = qs.select_related("witness", "source")
    elif kind == "act":
        qs = qs.select_related("location", "source")
    elif kind == "comment":
        qs = qs.select_related("author", "target_type")
    elif kind == "event":
        qs = qs.select_related("location", "source")
    return list(qs)


def redact_text(kind: str, record: Any, text: str) -> str:
    """`text` with the protected values of the people the record names replaced by their
    pseudonyms: the witness of a testimony, the victims and perpetrators of the acts it bears
    on (the same people a pseudonymised export replaces)."""
    from expediente_web.intake.narrative_names import NameReplacer
    from expediente_web.protection.cipher import pseudonym

    replacer = NameReplacer()
    testimony = record if kind == "testimony" else getattr(record, "testimony", None)
    if testimony is not None:
        witness_code = (pseudonym("P", str(testimony.witness.uid)) if testimony.witness_id
                        else pseudonym("W", str(testimony.uid)))
        if testimony.witness_id:
            replacer.add_person(testimony.witness, witness_code)
        if testimony.witness_name:
            replacer.add_names([testimony.witness_name], witness_code)
        replacer.add_contact(testimony.witness_contact or "", witness_code)
    for person in _people_of(kind, record):
        replacer.add_person(person, pseudonym("P", str(person.uid)))
    return replacer.replace(text)


def _people_of(kind: str, record: Any) -> list[Any]:
    """Victims and perpetrators of the acts the record bears on."""
    from django.contrib.contenttypes.models import ContentType

    from expediente_web.evidence.models import Citation
    from expediente_web.records.models import Act, Person

    act_ct = ContentType.objects.get_for_model(Act)
    if kind == "act":
        acts = Act.objects.filter(id=record.id)
    elif kind == "event":
        acts = Act.objects.filter(event_id=record.id)
    elif kind == "excerpt":
        acts = Act.objects.filter(id__in=record.citations.filter(target_type=act_ct)
                                  .values("target_id"))
    elif kind == "testimony":
        acts = Act.objects.filter(id__in=Citation.objects.filter(
            target_type=act_ct, excerpt__testimony_id=record.id).values("target_id"))
    elif kind == "comment" and record.target_type.model in MODELS:
        target = MODELS[record.target_type.model].objects.filter(id=record.target_id).first()
        return _people_of(record.target_type.model, target) if target is not None else []
    else:
        return []
    return list(Person.objects.filter(
        Q(acts__in=acts) | Q(involvements__act__in=acts)).distinct())


#: A query with at least this many digits (and few letters) is looked up as an ID number.
ID_DIGITS = 5


def access_find_persons(user: Any, case: Case, text: str, *, limit: int = 50) -> list[Any]:
    """Persons of the case matching a name (or, for a number, an ID number), best first.

    Only roles that see identities may search by name; each search that shows people is an
    audit entry naming whose identities were shown (never the query, which is a name).

    Raises:
        NotPermitted: the user's role sees no identities.
        InvalidInput: an empty or overlong query.
    """
    from django.db import transaction

    from expediente_web.audit.record import actor_name
    from expediente_web.cases.access import NotPermitted
    from expediente_web.protection.cipher import blind_index
    from expediente_web.records.models import Person
    from expediente_web.search.names import Match, find_persons

    if user is not None and not can_view_protected(user, case):
        raise NotPermitted(_("%(user)s may not search people by name in case %(case)s: the role "
                             "sees no identities")
                           % {"user": getattr(user, "username", ""), "case": case.code})
    text = text.strip()
    if not text:
        raise InvalidInput("name", _("type a name, part of a name, a nickname or an ID number"))
    if len(text) > 200:
        raise InvalidInput("name", _("a name is at most 200 characters"))
    digits = sum(c.isdigit() for c in text)
    if digits >= ID_DIGITS and digits >= len([c for c in text if c.isalnum()]) - 1:
        found = Person.objects.live().filter(case=case,
                                             id_number_index=blind_index("id_number", text))
        matches = [Match(p, 100.0) for p in found[:limit]]
        how = "id_number"
    else:
        matches = find_persons(case, text, limit=limit)
        how = "name"
    if matches:
        from expediente_web.audit.chain import append

        with transaction.atomic():
            append(actor_name(user), "find_persons", case_code=case.code, object_type="case",
                   object_id=case.code, payload={"by": how, "identities_shown": [
                       str(m.person.uid) for m in matches]})
    return matches


# The analysis core says why a query cannot be run in English; these are its messages and what
# gettext makes of them (a message not listed is shown as the core gives it).
_QUERY_PROBLEMS = (
    (re.compile(r"the query is longer than (?P<limit>\d+) characters"),
     gettext_noop("the query is longer than %(limit)s characters")),
    (re.compile(r"a prefix needs at least (?P<letters>\d+) letters: (?P<word>.*)"),
     gettext_noop("a prefix needs at least %(letters)s letters: %(word)s")),
    (re.compile(r"the query has no word to search for"),
     gettext_noop("the query has no word to search for")),
    (re.compile(r"the query has more than (?P<limit>\d+) words"),
     gettext_noop("the query has more than %(limit)s words")),
)


def query_problem(exc: QueryError) -> str:
    """Why the core refused a query, in the active language."""
    said = str(exc)
    for pattern, message in _QUERY_PROBLEMS:
        found = pattern.fullmatch(said)
        if found:
            return _(message) % found.groupdict()
    return said
