"""Every service writes its record and exactly one audit entry, or neither."""

from __future__ import annotations

import io

import pytest
from django.db import transaction

from expediente_web.audit.models import AuditEntry
from expediente_web.cases.actions import do_create_case, do_create_source, do_set_membership
from expediente_web.cases.validation import InvalidInput
from expediente_web.evidence.actions import (
    do_cite_excerpt,
    do_create_excerpt,
    do_record_custody_event,
    do_store_evidence,
)
from expediente_web.records.actions import (
    do_add_comment,
    do_create_act,
    do_create_event,
    do_create_location,
    do_create_person,
    do_create_position,
    do_create_testimony,
    do_create_unit,
    do_delete_record,
    do_update_person,
)
from expediente_web.records.models import Act, Person

pytestmark = pytest.mark.django_db


def _last_entry() -> AuditEntry:
    return AuditEntry.objects.order_by("-seq").first()


def test_each_service_writes_exactly_one_audit_entry(case, documenter, owner, source, victim,
                                                     unit, testimony, audit_count, make_user):
    calls = [
        ("create_case", lambda: do_create_case(owner, "other", "Other case")),
        ("add_membership", lambda: do_set_membership(owner, case, make_user("new1"),
                                                     "role.viewer")),
        ("create_source", lambda: do_create_source(documenter, case, "SRC-02", "Prensa",
                                                   "source.press")),
        ("create_person", lambda: do_create_person(documenter, case, full_name="Juan Ruiz")),
        ("update_person", lambda: do_update_person(documenter, victim, occupation="docente")),
        ("create_location", lambda: do_create_location(documenter, case, "S1", "Sede",
                                                       "location.detention_site")),
        ("create_unit", lambda: do_create_unit(documenter, case, "U2", "Dirección",
                                               parent=unit)),
        ("create_position", lambda: do_create_position(documenter, case, victim, unit,
                                                       start="2016", end="2018-03")),
        ("create_event", lambda: do_create_event(documenter, case, "Redada", date="2017-05")),
        ("create_act", lambda: do_create_act(documenter, case, victim, "act.torture",
                                             date="2017-05-14")),
        ("create_testimony", lambda: do_create_testimony(documenter, case, "Relato.", "es")),
        ("store_evidence", lambda: do_store_evidence(documenter, case, io.BytesIO(b"doc one"),
                                                     "one.txt")),
        ("create_excerpt", lambda: do_create_excerpt(documenter, case, testimony=testimony,
                                                     start=0, end=10)),
        ("add_comment", lambda: do_add_comment(documenter, victim, "¿Misma persona?")),
        ("delete_record", lambda: do_delete_record(documenter, testimony, "duplicate entry")),
    ]
    for action, call in calls:
        before = audit_count()
        obj = call()
        assert audit_count() == before + 1, action
        entry = _last_entry()
        assert entry.action == action
        assert entry.actor in (documenter.username, owner.username)
        assert obj is not None


def test_custody_and_citation_are_audited(case, documenter, victim, testimony, audit_count):
    item = do_store_evidence(documenter, case, io.BytesIO(b"photo bytes"), "p.jpg",
                             kind="evidence.photo")
    before = audit_count()
    do_record_custody_event(documenter, item, "custody.copied", to_party="backup drive",
                            hash_observed=item.sha256)
    assert audit_count() == before + 1 and _last_entry().action == "record_custody_event"
    act = do_create_act(documenter, case, victim, "act.detention.arbitrary", date="2017-05")
    excerpt = do_create_excerpt(documenter, case, testimony=testimony, start=3, end=12)
    before = audit_count()
    do_cite_excerpt(documenter, excerpt, act)
    assert audit_count() == before + 1 and _last_entry().action == "cite_excerpt"
    with pytest.raises(InvalidInput, match="already cites"):
        do_cite_excerpt(documenter, excerpt, act)


def test_failed_write_leaves_neither_record_nor_entry(case, documenter, victim, audit_count):
    acts, entries = Act.objects.count(), audit_count()
    with pytest.raises(InvalidInput) as err:
        do_create_act(documenter, case, victim, "act.torture", methods=["method.nonsense"])
    assert err.value.field == "methods"
    assert (Act.objects.count(), audit_count()) == (acts, entries)


def test_an_error_after_the_write_rolls_back_the_entry_too(case, documenter, audit_count,
                                                          monkeypatch):
    import expediente_web.records.actions as actions

    def broken_append(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(actions, "record_write", broken_append)
    persons, entries = Person.objects.count(), audit_count()
    with pytest.raises(RuntimeError):
        do_create_person(documenter, case, full_name="Nadie Nunca")
    assert (Person.objects.count(), audit_count()) == (persons, entries)


def test_services_nest_inside_an_outer_transaction(case, documenter, audit_count):
    entries = audit_count()
    with pytest.raises(ValueError), transaction.atomic():
        do_create_person(documenter, case, full_name="Uno")
        do_create_person(documenter, case, full_name="Dos")
        assert audit_count() == entries + 2
        raise ValueError("abandon the batch")
    assert audit_count() == entries
    with transaction.atomic():
        do_create_person(documenter, case, full_name="Tres")
        do_create_person(documenter, case, full_name="Cuatro")
    from expediente_web.audit.chain import verify

    assert audit_count() == entries + 2
    assert verify() == []


def test_audit_payload_names_protected_fields_without_their_values(case, documenter, victim):
    entry = AuditEntry.objects.get(action="create_person", object_id=str(victim.uid))
    text = str(entry.payload)
    for secret in ("María", "Pérez", "12.345.678", "12345678", "0101", "Ficticia", "1985"):
        assert secret not in text
    assert "id_number" in entry.payload["protected_changed"]
    assert entry.payload["fields"]["sex"] == "sex.female"
    do_update_person(documenter, victim, phone="+58 412 000 0000")
    update = _last_entry()
    # Old values are kept for plain fields only: a protected one is named, old and new unseen.
    assert update.payload == {"fields": {}, "before": {}, "protected_changed": ["phone"]}


def test_act_with_methods_period_measurements_and_involvements(case, documenter, victim, unit):
    perpetrator = do_create_person(documenter, case, full_name="Comandante Ficticio")
    act = do_create_act(
        documenter, case, victim, "act.torture", date="2017-05/2017-07",
        methods=["method.beating", "method.underground_cell", "method.beating"],
        outcome="outcome.released",
        measurements=[{"measure": "measure.weight_lost_kg", "value": 12.5},
                      {"measure": "measure.cell_depth_m", "value": 5, "unit": "m"}],
        involvements=[{"unit": unit, "degree": "involvement.direct"},
                      {"person": perpetrator, "unit": unit, "degree": "involvement.ordered"}],
    )
    act.refresh_from_db()
    assert act.methods == ["method.beating", "method.underground_cell"]
    assert (act.date_text, act.date_precision) == ("2017-05/2017-07", "month")
    assert str(act.date_earliest) == "2017-05-01" and str(act.date_latest) == "2017-07-31"
    assert sorted((m.measure, m.value, m.unit) for m in act.measurements.all()) == [
        ("measure.cell_depth_m", 5.0, "m"), ("measure.weight_lost_kg", 12.5, "kg")]
    assert act.involvements.count() == 2
    entry = _last_entry()
    assert entry.payload["involvements"][1]["degree"] == "involvement.ordered"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"act_type": "act.unknown"}, "act_type"),
        ({"act_type": "method.beating"}, "act_type"),  # a term, but of another vocabulary
        ({"date": "2017-02-30"}, "date"),
        ({"date": "sometime"}, "date"),
        ({"date": "2017-07/2017-05"}, "date"),
        ({"outcome": "outcome.great"}, "outcome"),
        ({"measurements": [{"measure": "measure.weight_lost_kg", "value": 3, "unit": "lb"}]},
         "measurements[1].unit"),
        ({"measurements": [{"measure": "measure.height", "value": 3}]},
         "measurements[1].measure"),
        ({"measurements": [{"measure": "measure.days_incommunicado", "value": "ten"}]},
         "measurements[1].value"),
        ({"involvements": [{"degree": "involvement.direct"}]}, "involvements[1]"),
        ({"involvements": [{"unit": None, "person": None}]}, "involvements[1]"),
    ],
)
def test_act_input_errors_name_the_field(case, documenter, victim, kwargs, field):
    args = {"act_type": "act.torture", **kwargs}
    with pytest.raises(InvalidInput) as err:
        do_create_act(documenter, case, victim, **args)
    assert err.value.field == field


def test_records_of_another_case_are_refused(case, documenter, owner, victim):
    other = do_create_case(owner, "other", "Other")
    stranger = do_create_person(owner, other, full_name="Otra Persona")
    with pytest.raises(InvalidInput, match="another case") as err:
        do_create_act(documenter, case, stranger, "act.torture")
    assert err.value.field == "victim"


def test_vocabulary_errors_suggest_the_term(case, documenter):
    with pytest.raises(InvalidInput, match=r"did you mean 'source\.press'"):
        do_create_source(documenter, case, "S9", "Diario", "Prensa")


def test_duplicate_codes_are_refused(case, documenter):
    do_create_location(documenter, case, "L1", "Uno", "location.site")
    with pytest.raises(InvalidInput) as err:
        do_create_location(documenter, case, "L1", "Otra", "location.site")
    assert err.value.field == "code"


def test_person_state_must_be_a_state(case, documenter, state_location):
    site = do_create_location(documenter, case, "SITE", "Sitio", "location.site",
                              parent=state_location)
    do_create_person(documenter, case, full_name="A B", state=state_location)
    with pytest.raises(InvalidInput) as err:
        do_create_person(documenter, case, full_name="C D", state=site)
    assert err.value.field == "state"


def test_unknown_person_field_is_named(case, documenter):
    with pytest.raises(InvalidInput) as err:
        do_create_person(documenter, case, full_name="A", cedula="1")
    assert err.value.field == "cedula"


def test_excerpt_span_is_checked_against_the_narrative(case, documenter, testimony):
    length = len(testimony.narrative)
    excerpt = do_create_excerpt(documenter, case, testimony=testimony, start=0, end=length)
    assert excerpt.quote == testimony.narrative
    for start, end in ((0, length + 1), (5, 5), (-1, 3), (10, 4)):
        with pytest.raises(InvalidInput):
            do_create_excerpt(documenter, case, testimony=testimony, start=start, end=end)
    with pytest.raises(InvalidInput):
        do_create_excerpt(documenter, case, testimony=testimony)


def test_comments_are_threaded_on_one_record(case, documenter, reviewer, victim, testimony):
    first = do_add_comment(reviewer, victim, "¿Es la misma persona que en SRC-02?")
    reply = do_add_comment(documenter, victim, "Sí, misma cédula.", parent=first)
    assert list(first.replies.all()) == [reply]
    assert reply.target == victim
    with pytest.raises(InvalidInput) as err:
        do_add_comment(documenter, testimony, "Fuera de hilo", parent=first)
    assert err.value.field == "parent"


def test_last_owner_cannot_step_down(case, owner):
    with pytest.raises(InvalidInput, match="last owner"):
        do_set_membership(owner, case, owner, "role.viewer")


def test_membership_changes_are_recorded_with_the_previous_role(case, owner, viewer):
    do_set_membership(owner, case, viewer, "role.reviewer")
    entry = _last_entry()
    assert entry.action == "change_membership"
    assert entry.payload == {"user": viewer.username, "role": "role.reviewer",
                             "previous_role": "role.viewer", "expires_at": None,
                             "previous_expires_at": None}


def test_update_act_and_add_perpetrators_and_facts(case, documenter, victim, unit, audit_count,
                                                   viewer):
    from expediente_web.cases.access import NotPermitted
    from expediente_web.records.actions import (
        do_add_involvement,
        do_add_measured_fact,
        do_update_act,
    )

    act = do_create_act(documenter, case, victim, "act.detention.arbitrary", date="2017")
    before = audit_count()
    do_update_act(documenter, act, act_type="act.torture", date="2017-05",
                  methods=["method.isolation"])
    do_add_involvement(documenter, act, unit=unit, degree="involvement.present")
    do_add_measured_fact(documenter, act, "measure.days_incommunicado", 21)
    assert audit_count() == before + 3
    act.refresh_from_db()
    assert (act.act_type, act.date_text, act.date_precision, act.methods) == (
        "act.torture", "2017-05", "month", ["method.isolation"])
    update = AuditEntry.objects.get(action="update_act")
    assert set(update.payload["fields"]) == {"act_type", "date_text", "date_precision",
                                             "date_earliest", "date_latest", "methods"}
    assert act.involvements.get().degree == "involvement.present"
    assert act.measurements.get().unit == "day"
    with pytest.raises(InvalidInput) as err:
        do_update_act(documenter, act, victim=victim)
    assert err.value.field == "victim"
    with pytest.raises(InvalidInput) as err:
        do_add_measured_fact(documenter, act, "measure.cell_depth_m", -3)
    assert err.value.field == "measurements[1].value"
    with pytest.raises(NotPermitted):
        do_update_act(viewer, act, outcome="outcome.released")
