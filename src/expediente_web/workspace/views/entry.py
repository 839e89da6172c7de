"""The guided entry of a violation: a new testimony, an excerpt marked in its narrative, and
from the excerpt the act with its victim, perpetrators, place, period and measured facts.

Only roles that write may enter (`WRITE_ROLES`). Persons are suggested by name only to roles
that see identities, each suggestion recorded as an identity view; a new victim or
perpetrator is checked for likely duplicates first (same ID number, similar name), and the
documenter picks one of them or confirms a new person.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from expediente.dates import DateError, parse_date
from expediente.linkage.folding import fold
from expediente_web.cases.access import WRITE_ROLES, NotPermitted
from expediente_web.cases.validation import InvalidInput
from expediente_web.evidence.access import access_excerpts
from expediente_web.evidence.actions import do_create_excerpt
from expediente_web.evidence.models import Excerpt
from expediente_web.records.access import (
    access_record_by_uid,
    access_records,
    find_persons_by_id_number,
)
from expediente_web.records.actions import do_create_testimony
from expediente_web.records.models import Location, Person, Testimony, Unit
from expediente_web.workspace.access import access_sources
from expediente_web.workspace.duplicates import Candidate, likely_duplicates
from expediente_web.workspace.entry_flow import (
    ActEntry,
    NewPerson,
    Perpetrator,
    enter_act,
)
from expediente_web.workspace.entry_forms import (
    PERPETRATOR_ROWS,
    ActForm,
    ExcerptForm,
    TestimonyForm,
    fact_field,
    measures,
)
from expediente_web.workspace.tree import natural
from expediente_web.workspace.views.common import Reader, reader

#: Most places and persons one suggestion list shows.
SUGGESTIONS = 12


def writer(request: HttpRequest, code: str) -> Reader:
    """The reader of a case page, refused unless their role writes the record."""
    r = reader(request, code)
    if r.role not in WRITE_ROLES:
        raise NotPermitted(f"{request.user} may not enter records in case {r.case.code}")
    return r


def _refused(form: Any, exc: InvalidInput) -> None:
    """A service's refusal, shown at its field (or above the form if the field is not one)."""
    name = exc.field if exc.field in form.fields else None
    form.add_error(name, exc.reason)


# -- a testimony ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def new_testimony(request: HttpRequest, code: str) -> HttpResponse:
    r = writer(request, code)
    sources = {s.code: s for s in access_sources(request.user, r.case)}
    choices = [(c, f"{c} — {s.name}") for c, s in sources.items()]
    form = TestimonyForm(request.POST if request.method == "POST" else None, sources=choices)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                testimony = do_create_testimony(
                    request.user,
                    r.case,
                    data["narrative"],
                    data["language"],
                    date=data["date"],
                    witness_name=data["witness_name"],
                    witness_contact=data["witness_contact"],
                    interviewer=data["interviewer"],
                    consent_scopes=data["consent_scopes"],
                    source=sources.get(data["source"]),
                )
            except InvalidInput as exc:
                _refused(form, exc)
            else:
                messages.success(
                    request, _("The testimony is recorded. Select a part of it to mark an excerpt.")
                )
                return redirect("workspace:testimony", code=r.case.code, uid=testimony.uid)
        status = 400
    response = r.render("workspace/entry_testimony.html", {"form": form})
    response.status_code = status
    return response


# -- an excerpt -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def new_excerpt(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    """GET: the narrative to select a span in; POST: the span becomes an excerpt, and the act
    form for it follows."""
    r = writer(request, code)
    testimony = access_record_by_uid(request.user, r.case, Testimony, uid)
    form = ExcerptForm(
        request.POST if request.method == "POST" else None, narrative=testimony.narrative
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                excerpt = do_create_excerpt(
                    request.user, r.case, testimony=testimony, start=data["start"], end=data["end"]
                )
            except InvalidInput as exc:
                _refused(form, exc)
            else:
                return redirect("workspace:entry-act", code=r.case.code, uid=excerpt.uid)
        status = 400
    response = r.render(
        "workspace/entry_excerpt.html", {"testimony": testimony, "excerpt_form": form}
    )
    response.status_code = status
    return response


# -- the act ----------------------------------------------------------------------------------


def _units(user: Any, case: Any) -> list[tuple[str, str]]:
    rows = access_records(user, case, Unit).only("uid", "name", "acronym", "code")
    units = sorted(rows, key=lambda u: natural(u.name))
    return [(str(u.uid), f"{u.name} ({u.acronym})" if u.acronym else u.name) for u in units]


def _by_uid(user: Any, case: Any, model: Any, uid: str, field: str, form: Any) -> Any:
    if not uid:
        return None
    try:
        return access_record_by_uid(user, case, model, uid)
    except Http404:
        form.add_error(field, _("This is not a record of the case; choose again."))
        return None


def _new_person(data: dict[str, Any], prefix: str, names: dict[str, str]) -> NewPerson:
    values = {k: data.get(f) for k, f in names.items() if data.get(f) not in (None, "")}
    if "full_name" in values:
        values["full_name"] = values["full_name"].strip()
    return NewPerson(values, dict(names))


VICTIM_FIELDS = {
    "full_name": "victim_full_name",
    "id_number": "victim_id_number",
    "sex": "victim_sex",
    "age": "victim_age",
}


@login_required
@require_http_methods(["GET", "POST"])
def new_act(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    r = writer(request, code)
    excerpt = access_excerpts(request.user, r.case).filter(uid=_uuid(uid)).first()
    if excerpt is None or excerpt.testimony_id is None:
        raise Http404(f"No testimony excerpt {uid} in case {r.case.code}")
    excerpt = Excerpt.objects.select_related("testimony", "testimony__source").get(pk=excerpt.pk)
    form = ActForm(
        request.POST if request.method == "POST" else None, units=_units(request.user, r.case)
    )
    context: dict[str, Any] = {"excerpt": excerpt, "form": form, "warnings": {}}
    status = 200
    if request.method == "POST":
        entry = _entry(request, r, form) if form.is_valid() else None
        if entry is not None:
            warnings = _duplicates(request, r, form, entry)
            if warnings:
                context["warnings"] = warnings
            else:
                try:
                    act = enter_act(request.user, r.case, excerpt, entry)
                except InvalidInput as exc:
                    _refused(form, exc)
                    status = 400
                else:
                    messages.success(request, _("The act is recorded and cites the excerpt."))
                    return redirect("workspace:act", code=r.case.code, uid=act.uid)
        else:
            status = 400
    context["chosen"] = _chosen(request, r, form)
    context["read_as"] = _read_as(form)
    response = r.render("workspace/entry_act.html", context)
    response.status_code = status
    return response


def _read_as(form: ActForm) -> str:
    """The canonical period the form's date was read as, shown back when the form returns."""
    text = (getattr(form, "cleaned_data", {}) or {}).get("date") or ""
    if not text or "date" in form.errors:
        return ""
    try:
        return str(parse_date(text))
    except DateError:
        return ""


def _uuid(text: str) -> str | None:
    import uuid

    try:
        return str(uuid.UUID(str(text)))
    except ValueError:
        return None


def _entry(request: HttpRequest, r: Reader, form: ActForm) -> ActEntry | None:
    """The form's values with their references resolved, or None (errors added to `form`)."""
    data = form.cleaned_data
    user, case = request.user, r.case
    location = _by_uid(user, case, Location, data["location"], "place_q", form)
    victim = _by_uid(user, case, Person, data["victim"], "victim_full_name", form)
    new_place = None
    if data["new_place_name"].strip():
        new_place = {"name": data["new_place_name"].strip(), "kind": data["new_place_kind"]}
    new_victim = None if victim else _new_person(data, "victim_", VICTIM_FIELDS)
    entry = ActEntry(
        act_type=data["act_type"],
        methods=list(data["methods"]),
        date=data["date"],
        outcome=data["outcome"],
        description=data["description"],
        location=location,
        new_place=new_place,
        victim=victim,
        new_victim=new_victim,
    )
    for term in measures():
        name = fact_field(term.id)
        if data.get(name) is not None:
            entry.measurements.append((name, {"measure": term.id, "value": data[name]}))
    for n in range(1, PERPETRATOR_ROWS + 1):
        unit = _by_uid(user, case, Unit, data[f"p{n}_unit"], f"p{n}_unit", form)
        person = _by_uid(user, case, Person, data[f"p{n}_person"], f"p{n}_name", form)
        name = data[f"p{n}_name"].strip()
        if not (unit or person or name):
            continue
        new = None
        if person is None and name:
            new = NewPerson({"full_name": name}, {"full_name": f"p{n}_name"})
        entry.perpetrators.append(
            Perpetrator(n, person=person, unit=unit, new_person=new, degree=data[f"p{n}_degree"])
        )
    return None if form.errors else entry


def _duplicates(
    request: HttpRequest, r: Reader, form: ActForm, entry: ActEntry
) -> dict[str, list[Candidate]]:
    """Likely duplicates of each new person the documenter has not yet confirmed as new."""
    found: dict[str, list[Candidate]] = {}
    data = form.cleaned_data
    news: list[tuple[str, NewPerson | None, str]] = [
        ("victim", entry.new_victim, "victim_confirm_new")
    ]
    news += [(f"p{p.row}", p.new_person, f"p{p.row}_confirm_new") for p in entry.perpetrators]
    for key, new, confirm in news:
        if new is None or data.get(confirm):
            continue
        values = {k: str(v) for k, v in new.values.items() if k in ("full_name", "id_number")}
        candidates = likely_duplicates(request.user, r.case, values)
        for c in candidates:
            r.identities.label(c.person)
        if candidates:
            found[key] = candidates
    return found


def _chosen(request: HttpRequest, r: Reader, form: ActForm) -> dict[str, Any]:
    """The place and persons already picked, shown again when the form comes back."""
    if not form.is_bound:
        return {}
    data = form.data
    chosen: dict[str, Any] = {}
    place = _quiet(request, r, Location, data.get("location", ""))
    if place is not None:
        chosen["location"] = _with_path([place], r)[0]
    for key in ["victim", *[f"p{n}_person" for n in range(1, PERPETRATOR_ROWS + 1)]]:
        person = _quiet(request, r, Person, data.get(key, ""))
        if person is not None:
            chosen[key] = r.identities.label(person)
    return chosen


def _quiet(request: HttpRequest, r: Reader, model: Any, uid: str) -> Any:
    if not _uuid(uid):
        return None
    return access_records(request.user, r.case, model).filter(uid=uid).first()


# -- suggestions (htmx) -----------------------------------------------------------------------


def _with_path(places: list[Location], r: Reader) -> list[Location]:
    """Each place with `path`: the names of the places it lies in, from the top."""
    by_id = {
        loc.pk: loc
        for loc in access_records(r.request.user, r.case, Location).only("id", "name", "parent_id")
    }
    for place in places:
        names, seen, at = [], set(), place.parent_id
        while at in by_id and at not in seen:
            seen.add(at)
            names.append(by_id[at].name)
            at = by_id[at].parent_id
        place.path = " › ".join(reversed(names))  # type: ignore[attr-defined]
    return places


def matching_places(places: list[Location], text: str, limit: int = SUGGESTIONS) -> list[Location]:
    """Places whose name holds every word of `text`, accents and capitals aside; names that
    start with the text first."""
    words = fold(text).split()
    if not words:
        return []
    found = []
    for place in places:
        name = fold(place.name)
        if all(w in name for w in words):
            found.append((not name.startswith(words[0]), natural(place.name), place))
    found.sort(key=lambda f: (f[0], f[1]))
    return [f[2] for f in found[:limit]]


@login_required
@require_GET
def find_places(request: HttpRequest, code: str) -> HttpResponse:
    """Places of the case's location tree matching `place_q`, with their paths."""
    r = writer(request, code)
    text = request.GET.get("place_q", "")[:200]
    places = list(
        access_records(request.user, r.case, Location).only(
            "id", "uid", "name", "kind", "parent_id"
        )
    )
    found = _with_path(matching_places(places, text), r)
    return r.render("workspace/entry_places.html", {"places": found, "text": text})


@login_required
@require_GET
def find_people(request: HttpRequest, code: str) -> HttpResponse:
    """Persons of the case whose names (or ID number) match `<field>_q`, as choices for the
    form field `field` (`victim`, `p1_person`…). Names are shown only to roles that see
    identities, and what is shown is recorded."""
    from expediente_web.search.names import find_persons

    r = writer(request, code)
    fields = {"victim", *[f"p{n}_person" for n in range(1, PERPETRATOR_ROWS + 1)]}
    field = request.GET.get("field", "")
    if field not in fields:
        raise Http404("No such person field")
    query = "victim_q" if field == "victim" else f"{field.split('_')[0]}_q"
    text = request.GET.get(query, "").strip()[:200]
    persons: list[Person] = []
    if len(text) >= 2 and r.identities.visible:
        digits = sum(c.isdigit() for c in text)
        if digits >= 5 and digits >= sum(c.isalnum() for c in text) - 1:
            persons = list(find_persons_by_id_number(request.user, r.case, text)[:SUGGESTIONS])
        else:
            persons = [m.person for m in find_persons(r.case, text, limit=SUGGESTIONS)]
    persons = [r.identities.label(p) for p in persons[:SUGGESTIONS]]  # type: ignore[misc]
    return r.render(
        "workspace/entry_people.html", {"persons": persons, "field": field, "text": text}
    )
