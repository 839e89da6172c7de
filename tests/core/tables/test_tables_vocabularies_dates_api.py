"""The public API of the table, vocabulary and date modules is pinned: changing it is a
decision that other parts of the project (the demo generator, the import) must follow."""

from __future__ import annotations

import expediente.dates
import expediente.tables
import expediente.vocabularies


def test_tables_api() -> None:
    assert sorted(expediente.tables.__all__) == sorted([
        "KINDS", "ActRow", "DryRunReport", "FieldSpec", "FieldType", "InvalidFileError",
        "InvolvementRow", "KindSpec", "Limits", "MappingError", "MeasurementRow", "Problem",
        "ProblemCode", "Record", "SourceRow",
        "TableMapping", "TableReader", "TestimonyRow", "ValidationReport", "Validator",
        "VictimRow", "check_file", "detect_format", "dry_run", "kind_spec", "load_mapping",
        "mapping_from_dict", "neutralise_formula", "open_table", "read_records", "validate",
    ])  # fmt: skip


def test_vocabularies_api() -> None:
    assert sorted(expediente.vocabularies.__all__) == sorted([
        "LANGUAGES", "Language", "Replacement", "Term", "UnknownTermError", "Vocabulary",
        "VocabularyError",
        "VocabularySet", "default_paths", "fold", "load_vocabularies",
    ])  # fmt: skip


def test_dates_api() -> None:
    assert sorted(expediente.dates.__all__) == sorted([
        "DateError", "DateFormat", "DateRange", "DateValue", "ImpossibleDateError",
        "MalformedDateError", "PartialDate", "Precision", "parse_date", "parse_partial_date",
    ])  # fmt: skip


def test_every_name_exists() -> None:
    for module in (expediente.tables, expediente.vocabularies, expediente.dates):
        for name in module.__all__:
            assert hasattr(module, name), (module.__name__, name)


def test_problem_codes_match_the_documented_list() -> None:
    assert [c.value for c in expediente.tables.ProblemCode] == [
        "unknown_term", "malformed_date", "impossible_date", "missing_required", "bad_encoding",
        "duplicate_row_id", "oversized_cell", "bad_number", "unknown_column", "malformed_file",
        "unknown_reference",
    ]  # fmt: skip
