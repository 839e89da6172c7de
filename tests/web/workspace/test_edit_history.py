"""Changing records in the browser: the edit forms post to the audited services, a bad value is
refused at its field and changes nothing, every record page shows its history (old → new per
field, protected fields only as "changed"), and a deleted record says so and can be restored."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from expediente_web.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def _url(record, name, obj, kind=None):
    kwargs = {"code": record.case.code, "uid": str(obj.uid)}
    if kind:
        kwargs["kind"] = kind
    return reverse(name, kwargs=kwargs)


def _act_form(act, **changes):
    data = {
        "act_type": act.act_type,
        "methods": list(act.methods),
        "date": act.date_text,
        "location": str(act.location.uid) if act.location else "",
        "event": str(act.event.uid) if act.event else "",
        "outcome": act.outcome,
        "description": act.description,
        "notes": act.notes,
    }
    data.update(changes)
    return data


def test_an_act_is_changed_and_its_page_shows_the_change(record, documenter, as_user):
    client = as_user(documenter)
    act = record.act
    response = client.post(
        _url(record, "workspace:act-edit", act),
        _act_form(act, outcome="outcome.still_detained", date="marzo de 2017"),
    )
    assert response.status_code == 302
    act.refresh_from_db()
    assert (act.outcome, act.date_text, act.date_precision) == (
        "outcome.still_detained",
        "2017-03",
        "month",
    )
    entry = AuditEntry.objects.filter(action="update_act").latest("seq")
    assert entry.actor == documenter.username
    assert entry.payload["before"]["outcome"] == "outcome.released"
    assert entry.payload["fields"]["outcome"] == "outcome.still_detained"
    page = client.get(_url(record, "workspace:act", act)).content.decode()
    history = page[page.index('class="history"') :]
    assert documenter.username in history
    # old → new, by the terms' labels in the reader's language (Spanish by default)
    assert "<del>Liberado" in history or "<del>Liberada" in history, history[:2000]
    assert "<del>14 de mayo de 2017</del>" in history
    assert "<ins>marzo de 2017</ins>" in history


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("date", "2017-02-30"),
        ("act_type", "act.no_such_type"),
        ("methods", ["method.nope"]),
        ("date", "2017-07/2017-05"),
    ],
)
def test_a_bad_value_is_refused_at_its_field_and_changes_nothing(
    record, documenter, as_user, field, value
):
    client = as_user(documenter)
    act = record.act
    before = AuditEntry.objects.count()
    response = client.post(
        _url(record, "workspace:act-edit", act),
        _act_form(act, outcome="outcome.killed", **{field: value}),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="id_{field}_errors"' in page
    act.refresh_from_db()
    assert act.outcome == "outcome.released"
    assert AuditEntry.objects.filter(action="update_act").count() == 0
    assert AuditEntry.objects.count() - before <= 0


def test_only_those_who_write_the_record_change_it(record, reviewer, viewer, as_user):
    for user in (reviewer, viewer):
        client = as_user(user)
        assert client.get(_url(record, "workspace:act-edit", record.act)).status_code == 403
        assert (
            client.post(
                _url(record, "workspace:act-edit", record.act),
                _act_form(record.act, outcome="outcome.killed"),
            ).status_code
            == 403
        )
    record.act.refresh_from_db()
    assert record.act.outcome == "outcome.released"


def test_protected_fields_are_edited_and_never_shown_in_the_history(record, documenter, as_user):
    client = as_user(documenter)
    person = record.victim
    edit = client.get(_url(record, "workspace:person-edit", person))
    assert edit.status_code == 200
    assert "V-10.000.001" in edit.content.decode()
    # showing the protected values in the form is recorded like any page that shows them
    view = AuditEntry.objects.filter(action="view_identities").latest("seq")
    assert view.object_id == "workspace:person-edit"
    assert str(person.uid) in view.payload["persons"]
    data = {
        "full_name": "Ana Ficticia Pérez Nueva",
        "id_number": "V-10.000.002",
        "birth_date": "1980-02",
        "sex": "sex.female",
        "age": "38",
        "occupation": person.occupation,
        "state": str(person.state.uid),
    }
    assert client.post(_url(record, "workspace:person-edit", person), data).status_code == 302
    person.refresh_from_db()
    assert (person.full_name, person.id_number, person.age) == (
        "Ana Ficticia Pérez Nueva",
        "V-10.000.002",
        38,
    )
    entry = AuditEntry.objects.filter(action="update_person").latest("seq")
    flat = str(entry.payload)
    assert "V-10.000" not in flat and "Ficticia" not in flat
    assert set(entry.payload["protected_changed"]) == {"full_name", "id_number"}
    page = client.get(_url(record, "workspace:person", person)).content.decode()
    history = page[page.index('class="history"') :]
    assert "V-10.000.001" not in history and "V-10.000.002" not in history
    assert "Nueva" not in history
    assert "<del>37</del> → <ins>38</ins>" in history


def test_a_person_form_has_no_protected_field_for_a_role_that_does_not_see_them(
    record, documenter, as_user, monkeypatch
):
    # Today every role that writes also sees identities; the form follows the identity policy
    # should that ever differ.
    from expediente_web.workspace import identities

    monkeypatch.setattr(identities, "can_view_protected", lambda user, case: False)
    page = as_user(documenter).get(_url(record, "workspace:person-edit", record.victim))
    assert page.status_code == 200
    text = page.content.decode()
    assert "V-10.000.001" not in text and 'name="id_number"' not in text


def test_a_testimony_change_keeps_its_excerpts_reading_as_quoted(record, documenter, as_user):
    client = as_user(documenter)
    t = record.testimony
    data = {
        "narrative": "Otro relato que ya no dice lo mismo.",
        "language": "es",
        "date": t.date_text,
        "interviewer": t.interviewer,
        "consent_scopes": list(t.consent_scopes),
        "witness_name": t.witness_name,
        "witness_contact": t.witness_contact,
    }
    response = client.post(_url(record, "workspace:testimony-edit", t), data)
    assert response.status_code == 400
    assert 'id="id_narrative_errors"' in response.content.decode()
    t.refresh_from_db()
    assert t.narrative.startswith("Me llamo Ana.")
    # Adding words after every excerpt keeps them where they are.
    data["narrative"] = t.narrative + " Lo conté después."
    assert client.post(_url(record, "workspace:testimony-edit", t), data).status_code == 302
    entry = AuditEntry.objects.filter(action="update_testimony").latest("seq")
    assert "Lo conté" not in str(entry.payload)  # the narrative is logged by its length
    assert entry.payload["lengths_changed"]["narrative"]["after"] == len(t.narrative) + 18


def test_events_units_and_places_are_changed_too(record, documenter, as_user):
    client = as_user(documenter)
    response = client.post(
        _url(record, "workspace:event-edit", record.event),
        {
            "title": "Detenciones de junio",
            "code": "EV-1",
            "date": "2017-06",
            "location": str(record.state.uid),
        },
    )
    assert response.status_code == 302
    record.event.refresh_from_db()
    assert (record.event.title, record.event.date_text) == ("Detenciones de junio", "2017-06")
    # A code another unit has is refused at the code.
    response = client.post(
        _url(record, "workspace:unit-edit", record.unit),
        {
            "name": "Dirección",
            "code": "ORG",
            "unit_type": "unit.intelligence",
            "parent": str(record.organization.uid),
        },
    )
    assert response.status_code == 400
    assert 'id="id_code_errors"' in response.content.decode()
    # A place cannot be put inside itself.
    response = client.post(
        _url(record, "workspace:location-edit", record.state),
        {
            "name": "Estado Norte",
            "code": "XX-1",
            "kind": "location.state",
            "parent": str(record.site.uid),
        },
    )
    assert response.status_code == 400
    assert 'id="id_parent_errors"' in response.content.decode()


def test_delete_with_a_reason_then_restore(record, documenter, viewer, as_user):
    client = as_user(documenter)
    act = record.other_act
    delete = _url(record, "workspace:record-delete", act, "act")
    assert client.post(delete, {"reason": ""}).status_code == 302
    act.refresh_from_db()
    assert act.deleted_at is None  # no reason, no deletion
    assert client.post(delete, {"reason": "Registro duplicado de a-1"}).status_code == 302
    act.refresh_from_db()
    assert act.deleted_at is not None
    listing = client.get(reverse("workspace:acts", kwargs={"code": record.case.code}))
    assert str(act.uid) not in listing.content.decode()
    page = client.get(_url(record, "workspace:act", act))
    assert page.status_code == 410
    text = page.content.decode()
    assert "Registro duplicado de a-1" in text and documenter.username in text
    assert _url(record, "workspace:record-restore", act, "act") in text
    # A viewer reads that it was deleted, and may not restore it.
    seen = as_user(viewer).get(_url(record, "workspace:act", act))
    assert seen.status_code == 410
    assert _url(record, "workspace:record-restore", act, "act") not in seen.content.decode()
    restore = _url(record, "workspace:record-restore", act, "act")
    assert as_user(viewer).post(restore, {}).status_code == 403
    client = as_user(documenter)
    assert client.post(restore, {"reason": "No era duplicado"}).status_code == 302
    act.refresh_from_db()
    assert act.deleted_at is None and act.deleted_reason == ""
    page = client.get(_url(record, "workspace:act", act)).content.decode()
    assert "No era duplicado" in page and "Registro duplicado de a-1" in page
    entry = AuditEntry.objects.latest("seq")
    assert entry.action != "restore_record" or entry.payload["deleted_reason"]


def test_hostile_text_in_a_change_is_inert_in_the_history(record, documenter, as_user):
    from support.workspace_data import HOSTILE

    client = as_user(documenter)
    response = client.post(
        _url(record, "workspace:act-edit", record.act),
        _act_form(record.act, description=HOSTILE, notes=HOSTILE),
    )
    assert response.status_code == 302
    page = client.get(_url(record, "workspace:act", record.act)).content.decode()
    assert HOSTILE not in page
    assert "<script>window.__pwned" not in page and "<img src=x" not in page
    history = client.get(_url(record, "workspace:record-history", record.act, "act"))
    assert history.status_code == 200
    assert "<script>window.__pwned" not in history.content.decode()


EDIT_BOUNDS = {
    "workspace:act-edit": ("act", 18),
    "workspace:person-edit": ("victim", 22),  # with the entry of the identities it shows
    "workspace:testimony-edit": ("testimony", 22),  # with the entry of the identities
    "workspace:event-edit": ("event", 16),
    "workspace:unit-edit": ("unit", 16),
    "workspace:location-edit": ("state", 16),
}


@pytest.mark.parametrize("name", sorted(EDIT_BOUNDS))
def test_edit_pages_make_a_bounded_number_of_queries(record, documenter, as_user, name):
    attr, bound = EDIT_BOUNDS[name]
    client = as_user(documenter)
    address = _url(record, name, getattr(record, attr))
    client.get(address)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    assert len(queries) <= bound, "\n".join(q["sql"][:160] for q in queries)


def test_history_queries_do_not_grow_with_the_number_of_changes(record, documenter, as_user):
    from expediente_web.records.actions import do_update_act

    client = as_user(documenter)
    act = record.act
    pages = [
        _url(record, "workspace:act", act),
        _url(record, "workspace:record-history", act, "act"),
    ]

    def count(address):
        client.get(address)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(address).status_code == 200
        return len(queries)

    do_update_act(documenter, act, notes="una", location=record.state)
    few = [count(p) for p in pages]
    for n in range(30):
        do_update_act(
            documenter, act, notes=f"cambio {n}", location=record.state if n % 2 else record.site
        )
    assert [count(p) for p in pages] == few
    assert few[1] <= 17
