"""The loader refuses broken vocabulary files and names the file and the term."""

from __future__ import annotations

from pathlib import Path

import pytest

from expediente.vocabularies import VocabularyError, load_vocabularies

GOOD = """id: colours
version: 1.0.0
label: {en: Colours, es: Colores}
terms:
  - {id: colour.red, en: Red, es: Rojo, aliases: {es: [colorado]}}
  - {id: colour.dark_red, parent: colour.red, en: Dark red, es: Rojo oscuro, refs: [shape.round]}
"""
SHAPES = """id: shapes
version: "2"
terms:
  - {id: shape.round, en: Round, es: Redondo}
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(*paths: Path) -> list[str]:
    with pytest.raises(VocabularyError) as info:
        load_vocabularies(paths)
    return info.value.problems


def test_good_files_load(tmp_path: Path) -> None:
    vocab = load_vocabularies([write(tmp_path, "c.yaml", GOOD), write(tmp_path, "s.yaml", SHAPES)])
    assert vocab.resolve("colours", "Colorado") == "colour.red"
    assert vocab.term("colour.dark_red").parent == "colour.red"
    assert vocab.versions == {"colours": "1.0.0", "shapes": "2"}


def test_duplicate_id_across_files(tmp_path: Path) -> None:
    other = SHAPES.replace("shape.round", "colour.red")
    problems = problems_of(write(tmp_path, "c.yaml", GOOD), write(tmp_path, "s.yaml", other))
    assert any(
        "s.yaml" in p and "'colour.red'" in p and "duplicate" in p and "c.yaml" in p
        for p in problems
    ), problems


def test_duplicate_id_in_one_file(tmp_path: Path) -> None:
    text = GOOD + "  - {id: colour.red, en: Red again, es: Rojo otra vez}\n"
    problems = problems_of(write(tmp_path, "c.yaml", text), write(tmp_path, "s.yaml", SHAPES))
    assert any("'colour.red'" in p and "duplicate" in p for p in problems)


@pytest.mark.parametrize(
    ("replace", "by", "expected"),
    [
        ("es: Rojo, ", "", "missing or empty 'es' label"),
        ("en: Red, ", "en: '  ', ", "missing or empty 'en' label"),
        ("parent: colour.red", "parent: colour.blue", "parent 'colour.blue' not found"),
        ("refs: [shape.round]", "refs: [shape.square]", "ref 'shape.square' not found"),
        ("version: 1.0.0\n", "", "missing version"),
        ("aliases: {es: [colorado]}", "aliases: [colorado]", "aliases must be"),
    ],
)
def test_invalid_term(tmp_path: Path, replace: str, by: str, expected: str) -> None:
    assert replace in GOOD
    text = GOOD.replace(replace, by, 1)
    problems = problems_of(write(tmp_path, "c.yaml", text), write(tmp_path, "s.yaml", SHAPES))
    assert any(expected in p and p.startswith("c.yaml") for p in problems), problems


def test_duplicate_vocabulary_id(tmp_path: Path) -> None:
    problems = problems_of(write(tmp_path, "a.yaml", SHAPES), write(tmp_path, "b.yaml", SHAPES))
    assert any("vocabulary id 'shapes' already defined" in p for p in problems)


def test_not_yaml_and_not_a_mapping(tmp_path: Path) -> None:
    problems = problems_of(
        write(tmp_path, "a.yaml", "id: [unclosed"), write(tmp_path, "b.yaml", "- 1")
    )
    assert any(p.startswith("a.yaml: not valid YAML") for p in problems)
    assert any(p.startswith("b.yaml: the file must be a mapping") for p in problems)


def test_empty_terms(tmp_path: Path) -> None:
    problems = problems_of(write(tmp_path, "a.yaml", "id: x\nversion: 1\nterms: []\n"))
    assert problems == ["a.yaml: vocabulary 'x': 'terms' must be a non-empty list"]


def test_all_problems_reported_at_once(tmp_path: Path) -> None:
    text = GOOD.replace("es: Rojo, ", "", 1).replace("parent: colour.red", "parent: nope")
    problems = problems_of(write(tmp_path, "c.yaml", text), write(tmp_path, "s.yaml", SHAPES))
    assert len(problems) == 2
    assert "2 problems" in str(VocabularyError(problems))


def test_ambiguous_label_resolves_to_nothing(tmp_path: Path) -> None:
    text = GOOD + "  - {id: colour.crimson, en: Crimson, es: Carmesí, aliases: {es: [colorado]}}\n"
    vocab = load_vocabularies([write(tmp_path, "c.yaml", text), write(tmp_path, "s.yaml", SHAPES)])
    assert vocab.resolve("colours", "colorado") is None
    assert vocab.resolve("colours", "carmesi") == "colour.crimson"
