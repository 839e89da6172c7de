"""Turning one cell's text into a typed value, or into a problem."""

from __future__ import annotations

import datetime as _dt
import difflib
import math
import re
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from expediente.dates import (
    DateError,
    DateFormat,
    parse_date,
    parse_partial_date,
    quote_for_message,
)
from expediente.tables.kinds import FieldSpec, FieldType
from expediente.tables.problems import ProblemCode
from expediente.vocabularies import VocabularySet, fold

__all__ = ["EMPTY", "CellError", "Converter", "make_converter", "neutralise_formula"]

EMPTY: Any = object()
"""Returned by a converter when a mapping says a raw value means 'no value'."""

Converter = Callable[[str], Any]

_CACHE_LIMIT = 20_000  # distinct raw values remembered per column: memory stays bounded
_LANGUAGE = re.compile(r"[a-z]{2,3}")
_LANGUAGE_NAMES = {
    "espanol": "es", "castellano": "es", "spanish": "es",
    "ingles": "en", "english": "en",
    "portugues": "pt", "portuguese": "pt",
    "frances": "fr", "french": "fr",
}  # fmt: skip
_AGE_MAX = 130


class CellError(Exception):
    """A cell that cannot be converted; becomes a Problem with ``code``."""

    def __init__(self, code: ProblemCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def neutralise_formula(value: str) -> str:
    """Make a text safe to write into a CSV or XLSX cell that a spreadsheet will open.

    Spreadsheet programs run cells that start with ``=``, ``+``, ``-``, ``@`` (or a tab or
    carriage return before them) as formulas, so ``=HYPERLINK(...)`` in a victim's name
    could exfiltrate data when an exported list is opened. Such cells get a leading
    apostrophe, which spreadsheets show as text. Import keeps cells verbatim; exports
    call this.
    """
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


def make_converter(
    spec: FieldSpec,
    vocabularies: VocabularySet,
    value_map: Mapping[str, str | None],
    date_format: DateFormat,
    today: _dt.date | None,
    unmapped: Counter[str] | None = None,
) -> Converter | None:
    """The converter for one column, or None for plain text (kept as it is)."""
    kind = spec.type
    if kind in (FieldType.TEXT, FieldType.LONG_TEXT):
        return None
    if kind is FieldType.DATE:
        return _date_converter(parse_date, date_format, today)
    if kind is FieldType.PARTIAL_DATE:
        return _date_converter(parse_partial_date, date_format, today)
    if kind is FieldType.INTEGER:
        return _integer
    if kind is FieldType.DECIMAL:
        return _decimal
    if kind is FieldType.LANGUAGE:
        return _language_converter(value_map)
    if kind is FieldType.IDS:
        return _ids
    assert spec.vocabulary is not None  # noqa: S101 (type narrowing for mypy; the invariant is set just above)
    single = _term_converter(
        spec.vocabulary, vocabularies, value_map, kind is FieldType.TERM_OR_TEXT, unmapped
    )
    if kind is FieldType.TERMS:
        return _terms_converter(single)
    return single


def _date_converter(
    parse: Callable[..., Any], date_format: DateFormat, today: _dt.date | None
) -> Converter:
    def convert(cell: str) -> Any:
        try:
            return parse(cell, date_format=date_format, today=today)
        except DateError as exc:
            raise CellError(
                ProblemCode(exc.code), f"{exc.reason}: {quote_for_message(cell)}"
            ) from None

    return convert


def _integer(cell: str) -> int:
    try:
        value = int(cell)
    except ValueError:
        try:
            number = float(cell.replace(",", "."))
        except ValueError:
            raise CellError(
                ProblemCode.BAD_NUMBER, f"not a whole number: {quote_for_message(cell)}"
            ) from None
        if not number.is_integer():
            raise CellError(
                ProblemCode.BAD_NUMBER, f"not a whole number: {quote_for_message(cell)}"
            ) from None
        value = int(number)
    if value < 0 or value > 100_000:
        raise CellError(ProblemCode.BAD_NUMBER, f"out of range: {quote_for_message(cell)}")
    return value


def _decimal(cell: str) -> float:
    text = cell
    if "," in text:
        if "." in text:  # 1.234,5 or 1,234.5: too ambiguous to guess
            raise CellError(
                ProblemCode.BAD_NUMBER,
                f"ambiguous number {quote_for_message(cell)}: use one decimal mark",
            )
        text = text.replace(",", ".")  # Spanish decimal comma
    try:
        value = float(text)
    except ValueError:
        raise CellError(
            ProblemCode.BAD_NUMBER, f"not a number: {quote_for_message(cell)}"
        ) from None
    if not math.isfinite(value) or value < 0:
        raise CellError(ProblemCode.BAD_NUMBER, f"must be zero or more: {quote_for_message(cell)}")
    return value


def _ids(cell: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p.strip() for p in cell.split(";") if p.strip()))


def _language_converter(value_map: Mapping[str, str | None]) -> Converter:
    def convert(cell: str) -> Any:
        if cell in value_map:
            return EMPTY if value_map[cell] is None else value_map[cell]
        code = fold(cell)
        code = _LANGUAGE_NAMES.get(code, code)
        if _LANGUAGE.fullmatch(code):
            return code
        raise CellError(
            ProblemCode.UNKNOWN_TERM,
            f"{quote_for_message(cell)} is not a language code such as 'es' or 'en'",
        )

    return convert


def _term_converter(
    vocabulary: str,
    vocabularies: VocabularySet,
    value_map: Mapping[str, str | None],
    or_text: bool,
    unmapped: Counter[str] | None,
) -> Converter:
    cache: dict[str, Any] = {}
    resolve = vocabularies.resolve

    def lookup(cell: str) -> Any:
        if cell in value_map:
            found = value_map[cell]
            return EMPTY if found is None else found
        folded = fold(cell)
        if folded in value_map:
            found = value_map[folded]
            return EMPTY if found is None else found
        found = resolve(vocabulary, cell)
        if found is not None:
            return found
        if or_text:
            return cell
        return CellError(ProblemCode.UNKNOWN_TERM, _unknown_message(cell, vocabulary, vocabularies))

    def convert(cell: str) -> Any:
        result = cache.get(cell)
        if result is None:
            result = lookup(cell)
            if len(cache) < _CACHE_LIMIT:
                cache[cell] = result
        if isinstance(result, CellError):
            if unmapped is not None:
                unmapped[cell] += 1
            raise result
        return result

    return convert


def _terms_converter(single: Converter) -> Converter:
    def convert(cell: str) -> Any:
        ids: list[str] = []
        errors: list[str] = []
        for part in cell.split(";"):
            part = part.strip()
            if not part:
                continue
            try:
                value = single(part)
            except CellError as exc:
                errors.append(exc.message)
                continue
            if value is not EMPTY and value not in ids:
                ids.append(value)
        if errors:
            raise CellError(ProblemCode.UNKNOWN_TERM, "; ".join(errors))
        return tuple(ids)

    return convert


def _unknown_message(cell: str, vocabulary: str, vocabularies: VocabularySet) -> str:
    terms = vocabularies.terms(vocabulary)
    names = {fold(t.en): t.id for t in terms} | {fold(t.es): t.id for t in terms}
    names |= {t.id: t.id for t in terms}
    close = difflib.get_close_matches(fold(cell), list(names), n=1, cutoff=0.75)
    hint = f" (did you mean {names[close[0]]!r}?)" if close else ""
    return (
        f"{quote_for_message(cell)} is not a term of the {vocabulary!r} vocabulary{hint}; "
        "use a term id or map the value in the mapping file"
    )
