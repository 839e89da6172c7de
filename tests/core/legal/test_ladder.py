"""The evidentiary ladder is ordered and matches its vocabulary rung for rung."""

from __future__ import annotations

import pytest

from expediente.legal import Ladder
from expediente.vocabularies import load_vocabularies


def test_order_of_the_rungs() -> None:
    assert (
        Ladder.NO_INFORMATION
        < Ladder.SOME_INFORMATION
        < Ladder.REASONABLE_BASIS
        < Ladder.REASONABLE_GROUNDS
        < Ladder.SUBSTANTIAL_GROUNDS
    )
    assert Ladder.REASONABLE_GROUNDS.meets(Ladder.REASONABLE_BASIS)
    assert not Ladder.SOME_INFORMATION.meets(Ladder.REASONABLE_BASIS)
    assert max(Ladder.SOME_INFORMATION, Ladder.REASONABLE_GROUNDS) is Ladder.REASONABLE_GROUNDS


def test_every_rung_is_a_vocabulary_term_in_the_same_order() -> None:
    terms = load_vocabularies().terms("assessment_ladder")
    assert [t.id for t in terms] == [rung.term_id for rung in Ladder]
    assert [t.attributes["rank"] for t in terms] == [int(rung) for rung in Ladder]


@pytest.mark.parametrize(
    ("rung", "en", "es"),
    [
        (Ladder.NO_INFORMATION, "No information", "Sin información"),
        (Ladder.SOME_INFORMATION, "Some information", "Alguna información"),
        (Ladder.REASONABLE_BASIS, "Reasonable basis to believe", "Fundamento razonable para creer"),
        (Ladder.REASONABLE_GROUNDS, "Reasonable grounds to believe", "Motivo razonable para creer"),
        (
            Ladder.SUBSTANTIAL_GROUNDS,
            "Substantial grounds to believe",
            "Motivos fundados para creer",
        ),
    ],
)
def test_labels(rung: Ladder, en: str, es: str) -> None:
    assert rung.label("en") == en
    assert rung.label("es") == es
    assert Ladder.from_term(rung.term_id) is rung


@pytest.mark.parametrize("bad", ["ladder.proved", "reasonable_basis", "", "ladder."])
def test_unknown_rung_is_refused_by_name(bad: str) -> None:
    with pytest.raises(ValueError, match="not a rung"):
        Ladder.from_term(bad)


def test_upper_rungs_point_to_the_standards_of_proof() -> None:
    vocab = load_vocabularies()
    assert vocab.term("ladder.reasonable_basis").refs == ("standard.reasonable_basis",)
    assert vocab.term("ladder.reasonable_grounds").refs == ("standard.reasonable_grounds",)
    assert vocab.term("ladder.substantial_grounds").refs == ("standard.substantial_grounds",)
    assert vocab.term("standard.reasonable_grounds").attributes["statute_ref"] == "58(1)"
