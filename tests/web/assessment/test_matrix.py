"""The matrix as the pages read it: counts, independent sources, warnings, group status, facts."""

from __future__ import annotations

import pytest

from expediente.legal.ladder import Ladder
from expediente.legal.matrix import Flag
from expediente_web.assessment import actions
from expediente_web.assessment.facts import case_facts
from expediente_web.assessment.loading import load_matrix
from expediente_web.assessment.suspects import suspect_record

pytestmark = pytest.mark.django_db


def test_a_fresh_matrix_holds_the_contextual_elements_only(case, analyst, record):
    loaded = load_matrix(analyst, case)
    assert [g.id for g in loaded.groups] == ["art7.contextual"]
    assert {r.spec.id for r in loaded.groups[0].rows} >= {
        "art7.contextual.1",
        "art7.contextual.1.c",
        "art7.contextual.2",
    }


def test_counts_flags_and_group_status(case, analyst, record):
    actions.do_select_crime(analyst, case, "art7.1.e")
    element = "art7.1.e.1"
    actions.do_cite_evidence(analyst, case, element, "act", "supports", act=record.act)
    actions.do_cite_evidence(analyst, case, element, "excerpt", "supports", excerpt=record.excerpt)
    actions.do_cite_evidence(analyst, case, element, "act", "contradicts", act=record.linked_act)
    actions.do_rate_element(analyst, case, element, "ladder.reasonable_grounds", "Porque")
    row = load_matrix(analyst, case).row(element)
    assert (row.supporting, row.contradicting, row.independent) == (2, 1, 1)
    # Act and excerpt both come from SRC-A; the excerpt's testimony has one witness.
    assert set(row.flags) == {Flag.SINGLE_SOURCE, Flag.CONTRADICTED, Flag.ONE_WITNESS}
    assert row.status == Ladder.REASONABLE_GROUNDS
    groups = {g.id: g for g in load_matrix(analyst, case).groups}
    # The crime is as weak as its weakest element (and the unrated contextual elements).
    assert groups["art7.1.e"].status == Ladder.NO_INFORMATION


def test_two_sources_make_two_independent_sources(case, analyst, record):
    actions.do_select_crime(analyst, case, "art7.1.e")
    element = "art7.1.e.1"
    actions.do_cite_evidence(analyst, case, element, "act", "supports", act=record.act)
    actions.do_cite_evidence(analyst, case, element, "act", "supports", act=record.linked_act)
    row = load_matrix(analyst, case).row(element)
    assert row.independent == 2 and Flag.SINGLE_SOURCE not in row.flags


def test_a_rating_without_evidence_is_flagged_and_withdrawn_evidence_leaves(case, analyst, record):
    actions.do_select_crime(analyst, case, "art7.1.e")
    element = "art7.1.e.2"
    citation = actions.do_cite_evidence(analyst, case, element, "act", "supports", act=record.act)
    actions.do_rate_element(analyst, case, element, "ladder.reasonable_basis", "Porque")
    assert Flag.RATING_WITHOUT_EVIDENCE not in load_matrix(analyst, case).row(element).flags
    actions.do_withdraw_citation(analyst, citation, "No corresponde")
    row = load_matrix(analyst, case).row(element)
    assert row.supporting == 0 and Flag.RATING_WITHOUT_EVIDENCE in row.flags


def test_a_dropped_crime_leaves_the_matrix_and_comes_back_with_its_evidence(case, analyst, record):
    selection = actions.do_select_crime(analyst, case, "art7.1.e")
    actions.do_cite_evidence(analyst, case, "art7.1.e.1", "act", "supports", act=record.act)
    actions.do_drop_selection(analyst, selection, "Fuera del alcance")
    assert load_matrix(analyst, case).row("art7.1.e.1") is None
    actions.do_select_crime(analyst, case, "art7.1.e")
    assert load_matrix(analyst, case).row("art7.1.e.1").supporting == 1


def test_corroboration_matches_the_linked_victims_reports(case, analyst, record):
    facts = case_facts(analyst, case)
    # The linkage run resolves both of Ana's records into one person: SRC-A's May detention
    # and SRC-B's 2017 detention are one fact with two independent sources.
    assert facts.several >= 1
    fact = next(f for f in facts.facts if str(record.other_act.uid) in {a.id for a in f.acts})
    assert fact.sources == frozenset({"SRC-A", "SRC-B"}) and fact.independent_sources == 2
    assert {a.id for a in fact.acts} == {str(record.other_act.uid), str(record.linked_act.uid)}


def test_a_suspects_posts_and_linked_acts(case, analyst, record):
    found = suspect_record(analyst, case, record.commander)
    assert len(found.positions) == 2
    linked = {str(la.act.uid): la for la in found.linked}
    # Named in the act's involvement (ordered it) and his unit took part under his post.
    assert linked[str(record.act.uid)].degree == "involvement.ordered"
    assert linked[str(record.act.uid)].through is not None


def test_a_record_deleted_after_it_was_cited_no_longer_counts(case, analyst, record, as_user):
    from expediente_web.records.actions import do_delete_record

    actions.do_select_crime(analyst, case, "art7.1.e")
    actions.do_cite_evidence(analyst, case, "art7.1.e.1", "act", "supports", act=record.act)
    do_delete_record(analyst, record.act, "duplicado de otra fila")
    row = load_matrix(analyst, case).row("art7.1.e.1")
    assert row.supporting == 0 and len(row.citations) == 1
    page = as_user(analyst).get(
        f"/cases/{case.code}/assessment/elements/art7.1.e.1/", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "deleted since: not counted" in page.content.decode()


def test_a_source_that_retells_another_confirms_it_only_once(case, analyst, record, entries):
    from expediente_web.cases.actions import do_set_source_lineage
    from expediente_web.cases.models import Source

    actions.do_select_crime(analyst, case, "art7.1.e")
    element = "art7.1.e.1"
    actions.do_cite_evidence(analyst, case, element, "act", "supports", act=record.act)
    actions.do_cite_evidence(analyst, case, element, "act", "supports", act=record.linked_act)
    assert load_matrix(analyst, case).row(element).independent == 2
    before = entries()
    do_set_source_lineage(analyst, Source.objects.get(case=case, code="SRC-B"), ["SRC-A"])
    assert entries() == before + 1
    row = load_matrix(analyst, case).row(element)
    assert row.independent == 1 and Flag.SOURCES_NOT_INDEPENDENT in row.flags
    # A shared upstream outside the case's sources counts the same way.
    do_set_source_lineage(analyst, Source.objects.get(case=case, code="SRC-B"), [], "witness:W-1")
    assert load_matrix(analyst, case).row(element).independent == 2
    do_set_source_lineage(analyst, Source.objects.get(case=case, code="SRC-A"), [], "witness:W-1")
    assert Flag.SOURCES_NOT_INDEPENDENT in load_matrix(analyst, case).row(element).flags


@pytest.mark.parametrize(
    ("codes", "message"),
    [
        (["SRC-A"], "cannot draw on itself"),
        (["NOPE"], "has no source 'NOPE'"),
        (["SRC-B"], "would then draw on itself"),
    ],
)
def test_a_lineage_that_cannot_be_is_refused_and_changes_nothing(
    case, analyst, record, entries, codes, message
):
    from expediente_web.cases.actions import do_set_source_lineage
    from expediente_web.cases.models import Source
    from expediente_web.cases.validation import InvalidInput

    do_set_source_lineage(analyst, Source.objects.get(case=case, code="SRC-B"), ["SRC-A"])
    before = entries()
    with pytest.raises(InvalidInput, match=message) as refused:
        do_set_source_lineage(analyst, Source.objects.get(case=case, code="SRC-A"), codes)
    assert refused.value.field == "derived_from"
    assert Source.objects.get(case=case, code="SRC-A").derived_from == []
    assert entries() == before
