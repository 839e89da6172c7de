"""docs/reference/vocabularies.md stays true to the data files."""

from __future__ import annotations

from pathlib import Path

from expediente.vocabularies import load_vocabularies

PAGE = Path(__file__).parents[3] / "docs" / "reference" / "vocabularies.md"


def test_page_lists_every_vocabulary_with_its_version() -> None:
    text = PAGE.read_text(encoding="utf-8")
    for vid, vocabulary in load_vocabularies().vocabularies.items():
        assert f"### `{vid}` —" in text, vid
        assert f"(version {vocabulary.version})" in text, vid


def test_page_lists_every_term_with_both_labels() -> None:
    text = PAGE.read_text(encoding="utf-8")
    element_types = {"conduct", "consequence", "circumstance", "mental", "element",
                     "alternative", "definition", "general_rule"}  # fmt: skip
    for term in load_vocabularies():
        kind = term.attributes.get("type")
        # Element-level terms are in the file, not on the page; the page lists the crimes,
        # the contextual elements and the modes.
        crime_contextual = kind == "contextual" and term.parent != "art7.contextual"
        if kind in element_types or crime_contextual:
            continue
        assert f"`{term.id}` | {term.en} | {term.es} |" in text, term.id
