"""The matrix's services: one audit entry per write, and refusals that write nothing."""

from __future__ import annotations

import pytest

from expediente_web.assessment import actions
from expediente_web.assessment.models import ElementCitation, ElementRating, Selection
from expediente_web.audit.models import AuditEntry
from expediente_web.cases.access import NotPermitted
from expediente_web.cases.validation import InvalidInput

pytestmark = pytest.mark.django_db

ELEMENT = "art7.1.e.1"


@pytest.fixture
def selected(case, analyst, record):
    actions.do_select_crime(analyst, case, "art7.1.e")
    return record


def _last() -> AuditEntry:
    return AuditEntry.objects.order_by("-seq").first()


def test_selecting_a_crime_writes_one_entry(case, analyst, record, entries):
    before = entries()
    selection = actions.do_select_crime(analyst, case, "art7.1.f")
    assert entries() == before + 1
    entry = _last()
    assert (entry.action, entry.object_id) == ("select_crime", str(selection.uid))
    assert entry.payload["fields"]["term"] == "art7.1.f"


@pytest.mark.parametrize("crime", ["art7.1.z", "art7.1.e.1", "art28.a", ""])
def test_an_unknown_crime_is_refused(case, analyst, crime, entries):
    before = entries()
    with pytest.raises(InvalidInput) as refused:
        actions.do_select_crime(analyst, case, crime)
    assert refused.value.field == "crime"
    assert entries() == before and not Selection.objects.exists()


def test_a_crime_is_selected_once(case, analyst, selected):
    with pytest.raises(InvalidInput, match="already selected"):
        actions.do_select_crime(analyst, case, "art7.1.e")


def test_citing_an_act_writes_one_entry_without_the_note(case, analyst, selected, entries):
    before = entries()
    citation = actions.do_cite_evidence(
        analyst, case, ELEMENT, "act", "supports", act=selected.act, note="Testigo Ficticio lo vio"
    )
    assert entries() == before + 1
    entry = _last()
    assert entry.action == "cite_evidence"
    assert entry.payload["fields"]["act"] == str(selected.act.uid)
    assert entry.payload["protected_changed"] == ["note"]
    assert "Testigo Ficticio" not in str(entry.payload)
    citation.refresh_from_db()
    assert citation.note == "Testigo Ficticio lo vio"


def test_notes_and_reasoning_are_not_stored_in_clear(case, analyst, selected):
    from django.db import connection

    actions.do_cite_evidence(
        analyst, case, ELEMENT, "act", "supports", act=selected.act, note="Nombre Secreto Uno"
    )
    actions.do_rate_element(
        analyst, case, ELEMENT, "ladder.some_information", "Lo dijo Nombre Secreto Dos"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM assessment_elementcitation")
        notes = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT reasoning FROM assessment_elementrating")
        reasons = [row[0] for row in cursor.fetchall()]
    assert notes and "Nombre Secreto" not in notes[0]
    assert reasons and "Nombre Secreto" not in reasons[0]


@pytest.mark.parametrize("kind", ["excerpt", "document", "pattern", "estimate"])
def test_every_kind_of_evidence_can_be_cited(case, analyst, selected, kind):
    from expediente_web.analyses.models import EstimateRun

    given = {
        "excerpt": {"excerpt": selected.excerpt},
        "document": {"item": selected.item},
        "pattern": {"indicator": "temporal_gini"},
        "estimate": {
            "estimate": EstimateRun.objects.create(
                case=case, actor="ana_analyst", method="loglinear", parameters={}, result={}
            )
        },
    }[kind]
    citation = actions.do_cite_evidence(analyst, case, ELEMENT, kind, "contradicts", **given)
    assert citation.kind == kind and citation.ref


def test_an_unknown_element_is_refused(case, analyst, selected, entries):
    before = entries()
    for element in ("art7.1.f.1", "art7.1.e.9", "<script>", "art28.a.1"):
        with pytest.raises(InvalidInput) as refused:
            actions.do_cite_evidence(analyst, case, element, "act", "supports", act=selected.act)
        assert refused.value.field == "element"
        with pytest.raises(InvalidInput):
            actions.do_rate_element(analyst, case, element, "ladder.reasonable_basis", "Porque")
    assert entries() == before
    assert not ElementCitation.objects.exists() and not ElementRating.objects.exists()


def test_unknown_evidence_is_refused(case, analyst, selected, entries):
    before = entries()
    cases = [
        ("act", {}, "act"),
        ("excerpt", {}, "excerpt"),
        ("document", {}, "item"),
        ("estimate", {}, "estimate"),
        ("pattern", {"indicator": "no_such_indicator"}, "indicator"),
    ]
    for kind, given, field in cases:
        with pytest.raises(InvalidInput) as refused:
            actions.do_cite_evidence(analyst, case, ELEMENT, kind, "supports", **given)
        assert refused.value.field == field
    with pytest.raises(InvalidInput) as refused:
        actions.do_cite_evidence(analyst, case, ELEMENT, "rumour", "supports")
    assert refused.value.field == "kind"
    with pytest.raises(InvalidInput) as refused:
        actions.do_cite_evidence(analyst, case, ELEMENT, "act", "maybe", act=selected.act)
    assert refused.value.field == "stance"
    assert entries() == before and not ElementCitation.objects.exists()


def test_evidence_of_another_case_is_refused(case, analyst, selected, other_case, entries):
    _, _, theirs = other_case
    before = entries()
    for kind, given, field in (
        ("act", {"act": theirs.act}, "act"),
        ("excerpt", {"excerpt": theirs.excerpt}, "excerpt"),
        ("document", {"item": theirs.item}, "item"),
    ):
        with pytest.raises(InvalidInput, match="another case") as refused:
            actions.do_cite_evidence(analyst, case, ELEMENT, kind, "supports", **given)
        assert refused.value.field == field
    assert entries() == before and not ElementCitation.objects.exists()


def test_a_deleted_act_is_refused(case, analyst, selected):
    from expediente_web.records.actions import do_delete_record

    do_delete_record(analyst, selected.act, "duplicado")
    with pytest.raises(InvalidInput, match="deleted"):
        actions.do_cite_evidence(analyst, case, ELEMENT, "act", "supports", act=selected.act)


def test_the_same_item_is_cited_once_per_stance(case, analyst, selected):
    actions.do_cite_evidence(analyst, case, ELEMENT, "act", "supports", act=selected.act)
    with pytest.raises(InvalidInput, match="already cited"):
        actions.do_cite_evidence(analyst, case, ELEMENT, "act", "supports", act=selected.act)


def test_withdrawing_is_a_soft_delete_with_a_reason(case, analyst, selected, entries):
    citation = actions.do_cite_evidence(analyst, case, ELEMENT, "act", "supports", act=selected.act)
    with pytest.raises(InvalidInput):
        actions.do_withdraw_citation(analyst, citation, "  ")
    before = entries()
    actions.do_withdraw_citation(analyst, citation, "Era otra víctima")
    assert entries() == before + 1
    citation.refresh_from_db()
    assert citation.deleted_at is not None and citation.deleted_reason == "Era otra víctima"
    assert "Era otra" not in str(_last().payload)
    assert not ElementCitation.objects.live().exists() and ElementCitation.objects.count() == 1
    with pytest.raises(InvalidInput, match="already withdrawn"):
        actions.do_withdraw_citation(analyst, citation, "otra vez")


def test_a_rating_needs_reasoning_and_a_rung(case, analyst, selected, entries):
    before = entries()
    with pytest.raises(InvalidInput) as refused:
        actions.do_rate_element(analyst, case, ELEMENT, "ladder.reasonable_grounds", "   ")
    assert refused.value.field == "reasoning"
    with pytest.raises(InvalidInput) as refused:
        actions.do_rate_element(analyst, case, ELEMENT, "ladder.proved", "Porque")
    assert refused.value.field == "status"
    assert entries() == before and not ElementRating.objects.exists()


def test_rating_again_keeps_the_history_in_the_audit_log(case, analyst, owner, selected):
    first = actions.do_rate_element(
        analyst, case, ELEMENT, "ladder.some_information", "Una lista lo menciona"
    )
    second = actions.do_rate_element(
        owner, case, ELEMENT, "ladder.reasonable_grounds", "Dos fuentes lo confirman"
    )
    assert first.pk == second.pk and ElementRating.objects.count() == 1
    entry = _last()
    assert entry.action == "rate_element"
    assert entry.payload["fields"]["status"] == "ladder.reasonable_grounds"
    assert entry.payload["before"]["status"] == "ladder.some_information"
    assert entry.payload["protected_changed"] == ["reasoning"]
    assert "fuentes" not in str(entry.payload)
    from expediente_web.assessment.access import rating_history

    history = rating_history(analyst, case, second)
    assert [h["status"] for h in history] == [
        "ladder.reasonable_grounds",
        "ladder.some_information",
    ]


@pytest.mark.parametrize("role", ["documenter", "reviewer", "viewer"])
def test_readers_may_not_write(case, selected, request, role, entries):
    user = request.getfixturevalue(role)
    before = entries()
    with pytest.raises(NotPermitted):
        actions.do_select_crime(user, case, "art7.1.f")
    with pytest.raises(NotPermitted):
        actions.do_cite_evidence(user, case, ELEMENT, "act", "supports", act=selected.act)
    with pytest.raises(NotPermitted):
        actions.do_rate_element(user, case, ELEMENT, "ladder.reasonable_basis", "Porque")
    assert entries() == before


def test_a_suspects_mode_and_its_elements(case, analyst, selected, entries):
    commander = selected.commander
    before = entries()
    selection = actions.do_select_mode(analyst, case, commander, "art28.a")
    assert entries() == before + 1 and selection.suspect == commander
    actions.do_cite_evidence(
        analyst, case, "art28.a.3", "act", "supports", act=selected.act, suspect=commander
    )
    actions.do_rate_element(
        analyst,
        case,
        "art28.a.3",
        "ladder.reasonable_basis",
        "Mandaba la unidad",
        suspect=commander,
    )
    # A mode's element is the suspect's, not the case's.
    with pytest.raises(InvalidInput):
        actions.do_cite_evidence(analyst, case, "art28.a.3", "act", "supports", act=selected.act)
    with pytest.raises(InvalidInput):
        actions.do_select_mode(analyst, case, commander, "art7.1.e")
    actions.do_drop_selection(analyst, selection, "No era comandante militar")
    with pytest.raises(InvalidInput):
        actions.do_cite_evidence(
            analyst, case, "art28.a.2", "act", "supports", act=selected.act, suspect=commander
        )


def test_a_suspect_of_another_case_is_refused(case, analyst, selected, other_case):
    _, _, theirs = other_case
    with pytest.raises(InvalidInput, match="another case"):
        actions.do_select_mode(analyst, case, theirs.commander, "art28.a")


def test_a_citation_carries_the_credibility_of_its_item_apart_from_its_sources_reliability(
    case, analyst, record, entries, as_user
):
    actions.do_select_crime(analyst, case, "art7.1.e")
    before = entries()
    with pytest.raises(InvalidInput) as refused:
        actions.do_cite_evidence(
            analyst, case, "art7.1.e.1", "act", "supports", act=record.act,
            credibility="credibility.beyond_doubt",
        )
    assert refused.value.field == "credibility" and entries() == before
    citation = actions.do_cite_evidence(
        analyst, case, "art7.1.e.1", "act", "supports", act=record.act,
        credibility="credibility.probably_true",
    )
    assert citation.credibility == "credibility.probably_true"
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.payload["fields"]["credibility"] == "credibility.probably_true"
    page = as_user(analyst).get(
        f"/cases/{case.code}/assessment/elements/art7.1.e.1/", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "Probably true" in page.content.decode()
