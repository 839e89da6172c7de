"""Independent sources and the matching of reports into facts, checked by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from expediente.legal.corroboration import ReportedAct, corroborate, same_family
from expediente.legal.sources import Source, independent_count, independent_groups
from expediente.vocabularies import load_vocabularies

D = dt.date


def test_copies_and_shared_origins_are_one_source() -> None:
    sources = {
        "NGO": Source("NGO", "source.ngo_list"),
        "PRESS": Source("PRESS", "source.press", derived_from=("NGO",)),  # retells the list
        "LIST2": Source("LIST2", "source.ngo_list", derived_from=("X",)),  # X is not in the case
        "LIST3": Source("LIST3", "source.ngo_list", derived_from=("X",)),
        "INT-1": Source("INT-1", "source.interview", origin="witness:W-7"),
        "HEAR": Source("HEAR", "source.hearing", origin="witness:W-7"),  # same witness again
        "INT-2": Source("INT-2", "source.interview", origin="witness:W-8"),
    }
    groups = independent_groups(sources, sources)
    assert groups == [
        frozenset({"HEAR", "INT-1"}),
        frozenset({"INT-2"}),
        frozenset({"LIST2", "LIST3"}),
        frozenset({"NGO", "PRESS"}),
    ]
    assert independent_count(["NGO", "PRESS"], sources) == 1
    assert independent_count(["NGO", "INT-2"], sources) == 2
    assert independent_count([], sources) == 0


def test_a_chain_of_copies_is_one_source_and_cycles_end() -> None:
    sources = {
        "A": Source("A", derived_from=("B",)),
        "B": Source("B", derived_from=("C",)),
        "C": Source("C", derived_from=("A",)),  # a cycle must not loop
        "D": Source("D"),
    }
    assert independent_count(["A", "C", "D"], sources) == 2
    assert independent_count(["UNKNOWN-1", "UNKNOWN-2"], {}) == 2


def act(id_: str, source: str, victim: str = "P1", kind: str = "act.detention.arrest",
        lo: D | None = None, hi: D | None = None) -> ReportedAct:  # fmt: skip
    return ReportedAct(id_, source, victim, kind, lo, hi)


def test_three_reports_of_one_detention_by_two_independent_sources() -> None:
    sources = {"NGO": Source("NGO"), "PRESS": Source("PRESS", derived_from=("NGO",)),
               "INT": Source("INT")}  # fmt: skip
    facts = corroborate(
        [
            act("a1", "NGO", lo=D(2017, 5, 1), hi=D(2017, 5, 31)),  # "May 2017"
            act("a2", "PRESS", lo=D(2017, 5, 3), hi=D(2017, 5, 3)),
            act("a3", "INT", lo=D(2017, 5, 3), hi=D(2017, 5, 20)),
            act("a4", "NGO", victim="P2", lo=D(2017, 5, 3), hi=D(2017, 5, 3)),
        ],
        sources,
    )
    assert [(sorted(a.id for a in f.acts), f.independent_sources) for f in facts] == [
        (["a1", "a2", "a3"], 2),
        (["a4"], 1),
    ]
    first = facts[0]
    assert first.sources == {"NGO", "PRESS", "INT"}
    assert (first.earliest, first.latest) == (D(2017, 5, 3), D(2017, 5, 3))


def test_two_detentions_months_apart_stay_two_facts() -> None:
    facts = corroborate(
        [
            act("a1", "S1", lo=D(2017, 3, 5), hi=D(2017, 3, 6)),
            act("a2", "S2", lo=D(2017, 9, 10), hi=D(2017, 9, 12)),
        ]
    )
    assert len(facts) == 2
    assert all(f.independent_sources == 1 and not f.ambiguous for f in facts)


def test_a_vague_report_does_not_join_two_distinct_facts() -> None:
    facts = corroborate(
        [
            act("march", "S1", lo=D(2017, 3, 5), hi=D(2017, 3, 6)),
            act("sept", "S2", lo=D(2017, 9, 10), hi=D(2017, 9, 12)),
            act("year", "S3", lo=D(2017, 1, 1), hi=D(2017, 12, 31)),  # "2017": either one
        ]
    )
    assert sorted(sorted(a.id for a in f.acts) for f in facts) == [["march"], ["sept"], ["year"]]
    assert [f.ambiguous for f in facts if f.acts[0].id == "year"] == [True]


def test_a_vague_report_joins_the_only_fact_it_can_be() -> None:
    facts = corroborate(
        [
            act("day", "S1", lo=D(2017, 3, 5), hi=D(2017, 3, 5)),
            act("undated", "S2"),
            act("year", "S3", lo=D(2017, 1, 1), hi=D(2017, 12, 31)),
        ]
    )
    assert len(facts) == 1
    assert facts[0].independent_sources == 3 and not facts[0].ambiguous


def test_types_match_exactly_unless_the_vocabulary_family_is_used() -> None:
    reports = [
        act("a1", "S1", kind="act.detention.arrest", lo=D(2017, 5, 3), hi=D(2017, 5, 3)),
        act("a2", "S2", kind="act.detention.arbitrary", lo=D(2017, 5, 3), hi=D(2017, 5, 3)),
        act("a3", "S3", kind="act.torture", lo=D(2017, 5, 3), hi=D(2017, 5, 3)),
    ]
    assert len(corroborate(reports)) == 3
    family = corroborate(reports, compatible=same_family(load_vocabularies()))
    assert sorted(sorted(a.id for a in f.acts) for f in family) == [["a1", "a2"], ["a3"]]
    assert [f.act_types for f in family if len(f.acts) == 2] == [
        ("act.detention.arrest", "act.detention.arbitrary")
    ]


def test_slack_days_lets_near_dates_match() -> None:
    reports = [act("a1", "S1", lo=D(2017, 5, 3), hi=D(2017, 5, 3)),
               act("a2", "S2", lo=D(2017, 5, 5), hi=D(2017, 5, 5))]  # fmt: skip
    assert len(corroborate(reports)) == 2
    assert len(corroborate(reports, slack_days=2)) == 1


def test_bad_reports_are_refused() -> None:
    with pytest.raises(ValueError, match="before its earliest"):
        act("bad", "S1", lo=D(2017, 5, 3), hi=D(2017, 5, 1))
    with pytest.raises(ValueError, match="appears twice"):
        corroborate([act("a1", "S1"), act("a1", "S2")])
