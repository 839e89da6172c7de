"""The element matrix: rows from the vocabulary, evidence, ratings and computed warnings."""

from __future__ import annotations

import pytest

from expediente.legal import Ladder
from expediente.legal.matrix import Evidence, Flag, MatrixError, build_matrix
from expediente.legal.sources import Source
from expediente.vocabularies import load_vocabularies

VOCAB = load_vocabularies()


def test_rows_are_the_contextual_elements_then_each_crimes_own_elements() -> None:
    matrix = build_matrix(VOCAB, ["art7.1.e", "art7.1.i"])
    ids = [row.spec.id for row in matrix.rows]
    assert ids[:8] == [
        "art7.contextual.1", "art7.contextual.1.a", "art7.contextual.1.b", "art7.contextual.1.c",
        "art7.contextual.1.d", "art7.contextual.1.e", "art7.contextual.2",
        "art7.1.e.1",
    ]  # fmt: skip
    # imprisonment: elements 1-3 (4 and 5 are the contextual elements, not repeated)
    assert [r.spec.id for r in matrix.group("art7.1.e")] == [
        "art7.1.e.1",
        "art7.1.e.2",
        "art7.1.e.3",
    ]
    # enforced disappearance: 1-6 with the alternative limbs of 1-3 under their element
    disappearance = [r.spec.id for r in matrix.group("art7.1.i")]
    assert disappearance[:3] == ["art7.1.i.1", "art7.1.i.1.a", "art7.1.i.1.b"]
    assert [i for i in disappearance if i.count(".") == 3] == [f"art7.1.i.{n}" for n in range(1, 7)]
    assert matrix.row("art7.1.i.1.a").spec.parent == "art7.1.i.1"
    assert matrix.row("art7.1.i.1.a").spec.label("es").startswith("Aprehendió, detuvo o secuestró")
    assert matrix.groups == ["art7.contextual", "art7.1.e", "art7.1.i"]


@pytest.mark.parametrize(
    ("crime", "own"),
    [("art7.1.a", 1), ("art7.1.b", 2), ("art7.1.c", 1), ("art7.1.d", 3), ("art7.1.e", 3),
     ("art7.1.f", 3), ("art7.1.g-1", 2), ("art7.1.g-2", 2), ("art7.1.g-3", 2), ("art7.1.g-4", 1),
     ("art7.1.g-5", 2), ("art7.1.g-6", 3), ("art7.1.h", 4), ("art7.1.i", 6), ("art7.1.j", 5),
     ("art7.1.k", 3)],
)  # fmt: skip
def test_each_crime_has_its_eoc_elements_less_the_two_contextual(crime: str, own: int) -> None:
    matrix = build_matrix(VOCAB, [crime], contextual=False)
    numbered = [r for r in matrix.group(crime) if r.spec.parent is None]
    assert len(numbered) == own
    assert [r.spec.number for r in numbered] == list(range(1, own + 1))


def test_modes_of_liability_for_a_suspect() -> None:
    matrix = build_matrix(VOCAB, [], modes=["art28.b"], contextual=False)
    assert [r.spec.id for r in matrix.rows] == [f"art28.b.{n}" for n in range(1, 8)]


def test_unknown_crimes_and_modes_are_refused_by_name() -> None:
    with pytest.raises(MatrixError, match=r"'art7\.1\.z' is not an art\. 7\(1\) crime") as info:
        build_matrix(VOCAB, ["art7.1.z", "art7.1.f.1"], modes=["art28.a.1"])
    assert "'art7.1.f.1'" in str(info.value) and "'art28.a.1' is not a mode" in str(info.value)


def test_a_rating_needs_reasoning_and_an_analyst() -> None:
    matrix = build_matrix(VOCAB, ["art7.1.f"])
    with pytest.raises(MatrixError, match="written reasoning"):
        matrix.assess("art7.1.f.1", Ladder.REASONABLE_BASIS, "  ", "ana")
    with pytest.raises(MatrixError, match="analyst"):
        matrix.assess("art7.1.f.1", Ladder.REASONABLE_BASIS, "Three survivors describe it.", "")
    with pytest.raises(MatrixError, match="not a rung"):
        matrix.assess("art7.1.f.1", 2, "x", "ana")  # type: ignore[arg-type]
    with pytest.raises(MatrixError, match="not in this matrix"):
        matrix.assess("art7.1.a.1", Ladder.REASONABLE_BASIS, "x", "ana")
    matrix.assess("art7.1.f.1", Ladder.REASONABLE_GROUNDS, " Three survivors describe it. ", "ana")
    assessment = matrix.row("art7.1.f.1").assessment
    assert (assessment.status, assessment.reasoning, assessment.analyst) == (
        Ladder.REASONABLE_GROUNDS, "Three survivors describe it.", "ana",
    )  # fmt: skip


def test_bad_evidence_is_refused() -> None:
    with pytest.raises(MatrixError, match="kind 'rumour'"):
        Evidence("rumour", "x")  # type: ignore[arg-type]
    with pytest.raises(MatrixError, match="stance"):
        Evidence("act", "x", stance="maybe")  # type: ignore[arg-type]
    with pytest.raises(MatrixError, match="reference"):
        Evidence("act", " ")


def flags_of(evidence: list[Evidence], sources: dict[str, Source] | None = None,
             status: Ladder = Ladder.NO_INFORMATION) -> frozenset[Flag]:  # fmt: skip
    matrix = build_matrix(VOCAB, ["art7.1.f"], sources=sources)
    for item in evidence:
        matrix.cite("art7.1.f.1", item)
    if status is not Ladder.NO_INFORMATION:
        matrix.assess("art7.1.f.1", status, "reasoning", "ana")
    return matrix.flags("art7.1.f.1")


def test_flags_computed_from_the_evidence() -> None:
    independent = {"A": Source("A"), "B": Source("B")}
    copies = {"A": Source("A"), "B": Source("B", derived_from=("A",))}
    assert flags_of([]) == set()
    assert flags_of([], status=Ladder.REASONABLE_BASIS) == {Flag.RATING_WITHOUT_EVIDENCE}
    assert flags_of([], status=Ladder.SOME_INFORMATION) == set()
    one = [Evidence("excerpt", "x1", source="A", witness="W-1"),
           Evidence("document", "d1", source="A")]  # fmt: skip
    assert flags_of(one, independent) == {Flag.SINGLE_SOURCE, Flag.ONE_WITNESS}
    two = [Evidence("act", "a1", source="A"), Evidence("act", "a2", source="B")]
    assert flags_of(two, independent) == set()
    assert flags_of(two, copies) == {Flag.SOURCES_NOT_INDEPENDENT}
    same_witness = [Evidence("excerpt", "x1", source="A", witness="W-1"),
                    Evidence("excerpt", "x2", source="B", witness="W-1")]  # fmt: skip
    assert flags_of(same_witness, independent) == {Flag.ONE_WITNESS}
    two_witnesses = [Evidence("excerpt", "x1", source="A", witness="W-1"),
                     Evidence("excerpt", "x2", source="B", witness="W-2")]  # fmt: skip
    assert flags_of(two_witnesses, independent) == set()
    against = [*two, Evidence("document", "autopsy", stance="contradicts", source="C")]
    assert flags_of(against, independent) == {Flag.CONTRADICTED}
    # a pattern indicator or estimate has no source: it adds no source to count
    assert flags_of([Evidence("pattern", "same-unit-same-method")]) == set()
    assert flags_of([Evidence("estimate", "mse-2017", stance="contradicts")],
                    status=Ladder.REASONABLE_BASIS) == {Flag.CONTRADICTED,
                                                        Flag.RATING_WITHOUT_EVIDENCE}  # fmt: skip


def test_every_flag_has_a_bilingual_vocabulary_term() -> None:
    for flag in Flag:
        term = VOCAB.term(flag.value)
        assert term.vocabulary == "element_flags"
        assert term.description["en"] and term.description["es"]


def test_independent_sources_and_citing_twice() -> None:
    sources = {"NGO": Source("NGO"), "PRESS": Source("PRESS", derived_from=("NGO",)),
               "INT": Source("INT")}  # fmt: skip
    matrix = build_matrix(VOCAB, ["art7.1.e"], sources=sources)
    item = Evidence("act", "a1", source="NGO")
    matrix.cite("art7.1.e.1", item)
    matrix.cite("art7.1.e.1", item)
    matrix.cite("art7.1.e.1", Evidence("act", "a2", source="PRESS"))
    assert len(matrix.row("art7.1.e.1").evidence) == 2
    assert matrix.independent_sources("art7.1.e.1") == 1
    matrix.cite("art7.1.e.1", Evidence("excerpt", "x9", source="INT", witness="W-3"))
    assert matrix.independent_sources("art7.1.e.1") == 2
    matrix.cite("art7.1.e.1", Evidence("document", "d5", source="NEW"))  # learnt on citing
    assert matrix.independent_sources("art7.1.e.1") == 3


def test_a_crime_is_only_as_supported_as_its_weakest_element() -> None:
    matrix = build_matrix(VOCAB, ["art7.1.i"])
    rb, rg = Ladder.REASONABLE_BASIS, Ladder.REASONABLE_GROUNDS
    for element in ["art7.1.i.2", "art7.1.i.3", "art7.1.i.4", "art7.1.i.5", "art7.1.i.6",
                    "art7.contextual.1", "art7.contextual.2"]:  # fmt: skip
        matrix.assess(element, rg, "r", "ana")
    # element 1 itself unrated, but its limb (b) (refusal to inform) is at reasonable basis
    matrix.assess("art7.1.i.1.b", rb, "the gate denied holding him", "ana")
    assert matrix.effective_status("art7.1.i.1") is rb
    assert matrix.group_status("art7.1.i") is rb
    matrix.assess("art7.contextual.2", Ladder.SOME_INFORMATION, "r", "ana")
    assert matrix.group_status("art7.1.i") is Ladder.SOME_INFORMATION  # the contextual cap
    with pytest.raises(MatrixError, match="no elements"):
        matrix.group_status("art7.1.a")


def test_a_special_intent_caps_its_element() -> None:
    matrix = build_matrix(VOCAB, ["art7.1.g-4"], contextual=False)
    matrix.assess("art7.1.g-4.1", Ladder.REASONABLE_GROUNDS, "confinement documented", "ana")
    assert matrix.effective_status("art7.1.g-4.1") is Ladder.NO_INFORMATION
    matrix.assess("art7.1.g-4.1.intent", Ladder.REASONABLE_BASIS, "statements of intent", "ana")
    assert matrix.effective_status("art7.1.g-4.1") is Ladder.REASONABLE_BASIS


def test_the_matrix_content_freezes_to_a_digest_that_follows_every_change() -> None:
    from expediente.legal.freeze import content_digest

    matrix = build_matrix(VOCAB, ["art7.1.e"], sources={"NGO": Source("NGO")})
    matrix.cite("art7.1.e.1", Evidence("act", "a1", source="NGO"))
    matrix.assess("art7.1.e.1", Ladder.REASONABLE_BASIS, "One list reports it.", "ana")
    content = matrix.as_content()
    first = content["rows"][7]  # type: ignore[index]
    assert first["element"] == "art7.1.e.1"
    assert first["status"] == "ladder.reasonable_basis"
    assert first["flags"] == ["flag.single_source"]
    digest = content_digest(content)
    assert content_digest(matrix.as_content()) == digest
    matrix.assess("art7.1.e.1", Ladder.REASONABLE_BASIS, "One list reports it, dated.", "ana")
    assert content_digest(matrix.as_content()) != digest
