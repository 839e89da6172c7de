"""Matching raw values from source files onto term ids."""

from __future__ import annotations

import pytest

from expediente.vocabularies import UnknownTermError, fold, load_vocabularies


@pytest.mark.parametrize(
    ("vocabulary", "raw", "expected"),
    [
        ("act_types", "act.torture", "act.torture"),
        ("act_types", "ACT.TORTURE", "act.torture"),
        ("act_types", "Torture", "act.torture"),
        ("act_types", "tortura", "act.torture"),
        ("act_types", "Detención arbitraria", "act.detention.arbitrary"),
        ("act_types", "detencion   ARBITRARIA", "act.detention.arbitrary"),
        ("act_types", "arbitrary arrest", "act.detention.arbitrary"),
        ("methods", "descargas electricas", "method.electric_shock"),
        ("methods", "golpiza", "method.beating"),
        ("sex", "F", "sex.female"),
        ("sex", "Masculino", "sex.male"),
        ("outcomes", "Liberada", "outcome.released"),
        ("involvement", "ordenó", "involvement.ordered"),
        ("act_types", "something else", None),
        ("act_types", "", None),
        ("act_types", "method.beating", None),  # an id of another vocabulary
    ],
)
def test_resolve(vocabulary: str, raw: str, expected: str | None) -> None:
    assert load_vocabularies().resolve(vocabulary, raw) == expected


def test_unknown_vocabulary_raises() -> None:
    vocab = load_vocabularies()
    with pytest.raises(UnknownTermError, match="nope"):
        vocab.resolve("nope", "x")
    with pytest.raises(UnknownTermError, match=r"act\.nope"):
        vocab.term("act.nope")
    assert vocab.get("act.nope") is None


def test_labels_in_both_languages() -> None:
    vocab = load_vocabularies()
    assert vocab.label("act.torture", "en") == "Torture"
    assert vocab.label("act.torture", "es") == "Tortura"
    assert vocab.label("act.torture", "fr") == "Torture"  # falls back to English


def test_fold() -> None:
    assert fold("  Detención   ARBITRARIA ") == "detencion arbitraria"
    assert fold("Núñez") == fold("nunez")


def test_resolver_index_matches_resolve() -> None:
    vocab = load_vocabularies()
    index = vocab.resolver("sex")
    assert index["sex.female"] == "sex.female"
    assert index[fold("Femenino")] == "sex.female"
