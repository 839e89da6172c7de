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


@pytest.mark.parametrize(
    ("term_extra", "expected"),
    [
        ("description: {en: Only English}", "description has no 'es' text"),
        ("description: Only English", "description must be {en: ..., es: ...}"),
        ("description: {en: A, es: '  '}", "description has no 'es' text"),
        ("evidence_hints: [only English]", "evidence_hints must be {en: [...], es: [...]}"),
        (
            "evidence_hints: {en: [a, b], es: [a]}",
            "differ in number between languages (en 2, es 1)",
        ),
        ("evidence_hints: {en: [a]}", "evidence_hints has no 'es' list"),
        ("evidence_hints: {en: [a], es: [a], fr: [a]}", "unknown language 'fr'"),
    ],
)
def test_descriptions_and_hints_need_both_languages(
    tmp_path: Path, term_extra: str, expected: str
) -> None:
    text = GOOD + "  - {id: colour.blue, en: Blue, es: Azul, " + term_extra + "}\n"
    problems = problems_of(write(tmp_path, "c.yaml", text), write(tmp_path, "s.yaml", SHAPES))
    assert any(p.startswith("c.yaml: term 'colour.blue'") and expected in p for p in problems), (
        problems
    )


def test_bilingual_description_and_hints_load(tmp_path: Path) -> None:
    text = GOOD + (
        "  - {id: colour.blue, en: Blue, es: Azul, description: {en: Sky, es: Cielo},\n"
        "     evidence_hints: {en: [photo, paint], es: [foto, pintura]}}\n"
    )
    vocab = load_vocabularies([write(tmp_path, "c.yaml", text), write(tmp_path, "s.yaml", SHAPES)])
    blue = vocab.term("colour.blue")
    assert blue.description == {"en": "Sky", "es": "Cielo"}
    assert blue.hints("es") == ("foto", "pintura")
    assert blue.hints("fr") == ("photo", "paint")
    assert "evidence_hints" not in blue.attributes


def test_required_fields_are_enforced_per_term(tmp_path: Path) -> None:
    text = GOOD.replace("terms:\n", "required: [description]\nterms:\n", 1)
    problems = problems_of(write(tmp_path, "c.yaml", text), write(tmp_path, "s.yaml", SHAPES))
    assert sorted(p for p in problems if "required" in p) == [
        "c.yaml: term 'colour.dark_red': missing description (required by 'colours', in both "
        "languages)",
        "c.yaml: term 'colour.red': missing description (required by 'colours', in both languages)",
    ]
    bad = GOOD.replace("terms:\n", "required: [colour]\nterms:\n", 1)
    problems = problems_of(write(tmp_path, "c.yaml", bad), write(tmp_path, "s.yaml", SHAPES))
    assert any("'required' may list only" in p for p in problems)


REPLACED = """replaced:
  - {id: colour.scarlet, replaced_by: colour.red, since: 1.1.0,
     reason: {en: Scarlet was a shade of red, es: El escarlata era un tono de rojo}}
"""


def test_a_replaced_id_still_resolves_and_says_so(tmp_path: Path) -> None:
    vocab = load_vocabularies(
        [write(tmp_path, "c.yaml", GOOD + REPLACED), write(tmp_path, "s.yaml", SHAPES)]
    )
    assert vocab.resolve("colours", "colour.scarlet") == "colour.red"
    replacement = vocab.replacement("colour.scarlet")
    assert replacement is not None
    assert (replacement.new_id, replacement.since) == ("colour.red", "1.1.0")
    assert replacement.reason["es"] == "El escarlata era un tono de rojo"
    assert vocab.replacement("colour.red") is None
    assert "colour.scarlet" not in vocab
    assert vocab.resolve("shapes", "colour.scarlet") is None  # only in its own vocabulary


@pytest.mark.parametrize(
    ("replace", "by", "expected"),
    [
        ("colour.scarlet, replaced_by", "colour.dark_red, replaced_by", "is still a term"),
        ("replaced_by: colour.red", "replaced_by: colour.pink", "'colour.pink' is not a term"),
        ("replaced_by: colour.red", "replaced_by: shape.round", "is not a term of 'colours'"),
        (", since: 1.1.0", "", "needs 'since'"),
        ("es: El escarlata era un tono de rojo", "fr: x", "reason has no 'es' text"),
    ],
)
def test_bad_replacements_are_refused(tmp_path: Path, replace: str, by: str, expected: str) -> None:
    text = GOOD + REPLACED.replace(replace, by, 1)
    problems = problems_of(write(tmp_path, "c.yaml", text), write(tmp_path, "s.yaml", SHAPES))
    assert any(p.startswith("c.yaml") and expected in p for p in problems), problems
