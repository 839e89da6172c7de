"""The examination's services: one audit entry per write, refusals that name the field and write
nothing, the free texts encrypted at rest and out of the audit log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from expediente_web.audit.models import AuditEntry
from expediente_web.cases.access import NotPermitted
from expediente_web.cases.validation import InvalidInput
from expediente_web.examination import actions
from expediente_web.examination.models import (
    Attack,
    AttackAct,
    Intervention,
    JurisdictionBasis,
    NationalProceeding,
    SectionAssessment,
)

pytestmark = pytest.mark.django_db


def _last() -> AuditEntry:
    return AuditEntry.objects.order_by("-seq").first()


def _stored(model, pk, column):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {model._meta.db_table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_an_attack_is_recorded_with_one_entry_and_its_texts_sealed(case, analyst, record, entries):
    before = entries()
    attack = actions.do_create_attack(
        analyst,
        case,
        "Persecución de opositores",
        description="Detenciones de Ana Ficticia",
        period="entre marzo y mayo de 2017",
        places=[record.state],
        population="Opositores reales o percibidos",
        population_groups=["affiliation.opposition_party", "affiliation.protester"],
        policy_indicators=["Discurso del ministro ficticio", "", "Mismo método en tres estados"],
    )
    assert entries() == before + 1
    entry = _last()
    assert (entry.action, entry.object_id) == ("create_attack", str(attack.uid))
    assert entry.payload["fields"]["period_text"] == "2017-03/2017-05"
    assert entry.payload["fields"]["places"] == [str(record.state.uid)]
    assert set(entry.payload["protected_changed"]) >= {"description", "policy_indicators"}
    assert "Ana Ficticia" not in str(entry.payload) and "ministro" not in str(entry.payload)
    assert "Ana Ficticia" not in _stored(Attack, attack.pk, "description")
    fresh = Attack.objects.get(pk=attack.pk)
    assert fresh.indicators == ["Discurso del ministro ficticio", "Mismo método en tres estados"]
    assert fresh.period_earliest == dt.date(2017, 3, 1) and fresh.period_latest == dt.date(
        2017, 5, 31
    )


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"period": "2017-02-30"}, "period"),
        ({"period": "mañana de 2017"}, "period"),
        ({"population_groups": ["affiliation.martians"]}, "population_groups"),
        ({"title": ""}, "title"),
    ],
)
def test_a_bad_attack_is_refused_at_its_field(case, analyst, record, entries, given, field):
    values = {"title": "Ataque", **given}
    title = values.pop("title")
    before = entries()
    with pytest.raises(InvalidInput) as refused:
        actions.do_create_attack(analyst, case, title, **values)
    assert refused.value.field == field
    assert entries() == before and not Attack.objects.exists()


def test_a_place_of_another_case_is_refused(case, analyst, record, other_case, entries):
    _other, _stranger, elsewhere = other_case
    before = entries()
    with pytest.raises(InvalidInput) as refused:
        actions.do_create_attack(analyst, case, "Ataque", places=[elsewhere.state])
    assert refused.value.field == "places" and "another case" in refused.value.reason
    assert entries() == before and not Attack.objects.exists()


def test_linking_acts_is_one_entry_and_an_act_of_another_case_writes_nothing(
    case, analyst, record, other_case, entries
):
    attack = actions.do_create_attack(analyst, case, "Ataque")
    _other, _stranger, elsewhere = other_case
    before = entries()
    with pytest.raises(InvalidInput) as refused:
        actions.do_link_acts(analyst, attack, [record.act, elsewhere.act])
    assert refused.value.field == "acts" and str(elsewhere.act.uid) in refused.value.reason
    assert entries() == before and not AttackAct.objects.exists()
    made = actions.do_link_acts(analyst, attack, [record.act, record.other_act, record.act])
    assert len(made) == 2 and entries() == before + 1
    assert _last().payload["fields"]["acts"] == [str(record.act.uid), str(record.other_act.uid)]
    again = actions.do_link_acts(analyst, attack, [record.act, record.linked_act])
    assert [link.act for link in again] == [record.linked_act]
    assert _last().payload["already_linked"] == 1


def test_an_act_is_unlinked_with_a_reason_and_stays_stored(case, analyst, record, entries):
    attack = actions.do_create_attack(analyst, case, "Ataque")
    (link,) = actions.do_link_acts(analyst, attack, [record.act])
    with pytest.raises(InvalidInput) as refused:
        actions.do_unlink_act(analyst, link, "  ")
    assert refused.value.field == "reason"
    before = entries()
    actions.do_unlink_act(analyst, link, "otra operación")
    assert entries() == before + 1 and _last().action == "unlink_act"
    assert AttackAct.objects.get(pk=link.pk).deleted_at is not None
    assert not AttackAct.objects.live().exists()
    with pytest.raises(InvalidInput, match="already unlinked"):
        actions.do_unlink_act(analyst, link, "otra vez")
    # Linked again: a new live link, the old one kept.
    actions.do_link_acts(analyst, attack, [record.act])
    assert AttackAct.objects.count() == 2


def test_documenters_reviewers_and_partners_do_not_write(
    case, record, documenter, reviewer, partner, entries
):
    before = entries()
    for user in (documenter, reviewer, partner):
        with pytest.raises(NotPermitted):
            actions.do_create_attack(user, case, "Ataque")
        with pytest.raises(NotPermitted):
            actions.do_write_assessment(user, case, "gravity", "Texto")
    assert entries() == before and not Attack.objects.exists()


def test_an_intervention_is_recorded_with_whom_it_notified(case, analyst, record, entries):
    before = entries()
    found = actions.do_record_intervention(
        analyst,
        case,
        "intervention.habeas_corpus",
        date="2017-05-20",
        filed_by="Abogada Ficticia",
        notified_unit=record.unit,
        notified_person=record.commander,
        notified_authority="Tribunal Ficticio de Control",
        acts=[record.act],
        victims=[record.victim],
        summary="Presentar a la detenida",
        response="response.denied",
        response_date="2017-06",
        response_detail="Se negó la detención",
    )
    assert entries() == before + 1
    entry = _last()
    assert entry.action == "record_intervention"
    fields = entry.payload["fields"]
    assert fields["kind"] == "intervention.habeas_corpus"
    assert fields["notified_person"] == str(record.commander.uid)
    assert fields["acts"] == [str(record.act.uid)] and fields["victims"] == [str(record.victim.uid)]
    assert "Abogada" not in str(entry.payload) and "filed_by" in entry.payload["protected_changed"]
    assert "Abogada" not in _stored(Intervention, found.pk, "filed_by")
    assert list(found.acts.all()) == [record.act]


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"kind": "intervention.prayer"}, "kind"),
        ({"kind": ""}, "kind"),
        ({"date": "32/05/2017"}, "date"),
        ({"response": "response.maybe"}, "response"),
        ({"response_date": "2017-06"}, "response"),
        ({"date": "2017-06", "response": "response.denied", "response_date": "2017-01"},
         "response_date"),
    ],
)  # fmt: skip
def test_a_bad_intervention_is_refused_at_its_field(case, analyst, record, entries, given, field):
    values = {"kind": "intervention.habeas_corpus", **given}
    kind = values.pop("kind")
    before = entries()
    with pytest.raises(InvalidInput) as refused:
        actions.do_record_intervention(analyst, case, kind, **values)
    assert refused.value.field == field
    assert entries() == before and not Intervention.objects.exists()


def test_an_intervention_about_another_cases_records_writes_nothing(
    case, analyst, record, other_case, entries
):
    _other, _stranger, elsewhere = other_case
    before = entries()
    for given, field in (
        ({"acts": [record.act, elsewhere.act]}, "acts"),
        ({"victims": [elsewhere.victim]}, "victims"),
        ({"notified_unit": elsewhere.unit}, "notified_unit"),
        ({"notified_person": elsewhere.commander}, "notified_person"),
    ):
        with pytest.raises(InvalidInput) as refused:
            actions.do_record_intervention(analyst, case, "intervention.press", **given)
        assert refused.value.field == field
    assert entries() == before and not Intervention.objects.exists()


def test_a_proceeding_is_recorded_with_its_indicators(case, analyst, record, entries):
    before = entries()
    found = actions.do_record_proceeding(
        analyst,
        case,
        "Tribunal Ficticio Primero",
        "proceeding.charges",
        case_number="TF-2018-001",
        accused=[record.commander],
        accused_text="Dos funcionarios de bajo rango",
        charges="Trato cruel",
        acts=[record.act],
        opened="2018-02",
        indicators=["complementarity.low_level_only", "complementarity.sexual_crimes_omitted"],
        notes="Sin diligencias desde 2019",
    )
    assert entries() == before + 1
    fields = _last().payload["fields"]
    assert fields["status"] == "proceeding.charges" and fields["opened_text"] == "2018-02"
    assert fields["indicators"] == [
        "complementarity.low_level_only",
        "complementarity.sexual_crimes_omitted",
    ]
    assert fields["accused"] == [str(record.commander.uid)]
    assert "Trato cruel" not in _stored(NationalProceeding, found.pk, "charges")


@pytest.mark.parametrize(
    ("given", "field"),
    [
        ({"status": "proceeding.maybe"}, "status"),
        ({"court": " "}, "court"),
        ({"indicators": ["complementarity.nonsense"]}, "indicators"),
        ({"indicators": ["complementarity.no_proceeding"]}, "indicators"),
        ({"opened": "2017-13"}, "opened"),
        ({"status_date": "dentro de poco"}, "status_date"),
    ],
)
def test_a_bad_proceeding_is_refused_at_its_field(case, analyst, record, entries, given, field):
    values = {"court": "Tribunal", "status": "proceeding.investigation", **given}
    court, status = values.pop("court"), values.pop("status")
    before = entries()
    with pytest.raises(InvalidInput) as refused:
        actions.do_record_proceeding(analyst, case, court, status, **values)
    assert refused.value.field == field
    assert entries() == before and not NationalProceeding.objects.exists()


def test_a_proceeding_of_another_cases_acts_is_refused(case, analyst, record, other_case):
    _other, _stranger, elsewhere = other_case
    with pytest.raises(InvalidInput) as refused:
        actions.do_record_proceeding(
            analyst, case, "Tribunal", "proceeding.trial", acts=[elsewhere.act]
        )
    assert refused.value.field == "acts"
    with pytest.raises(InvalidInput) as refused:
        actions.do_record_proceeding(
            analyst, case, "Tribunal", "proceeding.trial", accused=[elsewhere.commander]
        )
    assert refused.value.field == "accused"
    assert not NationalProceeding.objects.exists()


def test_deleting_needs_a_reason_and_keeps_the_row(case, analyst, record, entries):
    found = actions.do_record_proceeding(analyst, case, "Tribunal", "proceeding.archived")
    attack = actions.do_create_attack(analyst, case, "Ataque")
    intervention = actions.do_record_intervention(analyst, case, "intervention.press")
    for service, row in (
        (actions.do_delete_proceeding, found),
        (actions.do_delete_attack, attack),
        (actions.do_delete_intervention, intervention),
    ):
        with pytest.raises(InvalidInput):
            service(analyst, row, "")
        before = entries()
        service(analyst, row, "registrado por error")
        assert entries() == before + 1
        assert type(row).objects.get(pk=row.pk).deleted_at is not None
        assert "deleted_reason" in _last().payload["protected_changed"]


def test_the_jurisdiction_basis_is_set_once_per_case_with_its_history(case, analyst, entries):
    before = entries()
    actions.do_set_jurisdiction(analyst, case, "2002-07-01", ["jurisdiction.territorial"])
    actions.do_set_jurisdiction(
        analyst, case, "1 de julio de 2002", ["jurisdiction.territorial", "jurisdiction.personal"],
        notes="Ratificación del 7 de junio de 2000",
    )  # fmt: skip
    assert entries() == before + 2 and JurisdictionBasis.objects.count() == 1
    entry = _last()
    assert entry.action == "set_jurisdiction"
    assert entry.payload["before"] == {
        "entry_into_force": "2002-07-01",
        "bases": ["jurisdiction.territorial"],
    }
    assert entry.payload["fields"]["bases"] == ["jurisdiction.territorial", "jurisdiction.personal"]


@pytest.mark.parametrize(
    ("day", "bases", "field"),
    [
        ("2002-07", ["jurisdiction.territorial"], "entry_into_force"),
        ("2002", ["jurisdiction.territorial"], "entry_into_force"),
        ("2002-02-30", ["jurisdiction.territorial"], "entry_into_force"),
        ("", ["jurisdiction.territorial"], "entry_into_force"),
        ("2002-07-01", [], "bases"),
        ("2002-07-01", ["jurisdiction.universal"], "bases"),
    ],
)
def test_a_bad_jurisdiction_basis_is_refused(case, analyst, entries, day, bases, field):
    before = entries()
    with pytest.raises(InvalidInput) as refused:
        actions.do_set_jurisdiction(analyst, case, day, bases)
    assert refused.value.field == field
    assert entries() == before and not JurisdictionBasis.objects.exists()


def test_a_written_assessment_is_sealed_and_rewritten_in_place(case, analyst, owner, entries):
    before = entries()
    actions.do_write_assessment(analyst, case, "impact", "Terror en la comunidad ficticia")
    row = actions.do_write_assessment(owner, case, "impact", "Exilio de familias ficticias")
    assert entries() == before + 2 and SectionAssessment.objects.count() == 1
    entry = _last()
    assert entry.payload["rewritten"] is True and entry.payload["protected_changed"] == ["text"]
    assert "Exilio" not in str(entry.payload)
    assert "Exilio" not in _stored(SectionAssessment, row.pk, "text")
    assert SectionAssessment.objects.get().author_name == owner.username
    with pytest.raises(InvalidInput) as refused:
        actions.do_write_assessment(analyst, case, "vibes", "Texto")
    assert refused.value.field == "section"
    with pytest.raises(InvalidInput) as refused:
        actions.do_write_assessment(analyst, case, "impact", "   ")
    assert refused.value.field == "text"


def test_a_response_is_recorded_later_with_the_one_it_replaced(case, analyst, record, entries):
    found = actions.do_record_intervention(
        analyst, case, "intervention.habeas_corpus", date="2017-05-20"
    )
    before = entries()
    actions.do_record_response(
        analyst, found, "response.granted_not_complied", date="2017-06-02", detail="Orden ignorada"
    )
    assert entries() == before + 1
    entry = _last()
    assert entry.action == "record_response"
    assert entry.payload["before"] == {"response": "", "response_date_text": ""}
    assert entry.payload["fields"]["response"] == "response.granted_not_complied"
    assert "Orden" not in str(entry.payload)
    fresh = Intervention.objects.get(pk=found.pk)
    assert fresh.response_date_earliest == dt.date(2017, 6, 2)
    assert fresh.response_detail == "Orden ignorada"
    for given, field in (
        ({"response": "response.perhaps"}, "response"),
        ({"response": ""}, "response"),
        ({"response": "response.denied", "date": "2017-04"}, "response_date"),
        ({"response": "response.denied", "date": "31/02/2017"}, "response_date"),
    ):
        response = given.pop("response")
        with pytest.raises(InvalidInput) as refused:
            actions.do_record_response(analyst, found, response, **given)
        assert refused.value.field == field
    assert entries() == before + 1
    assert Intervention.objects.get(pk=found.pk).response == "response.granted_not_complied"
