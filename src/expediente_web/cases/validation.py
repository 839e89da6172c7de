"""Checks that service functions run on what a user gives them, failing with the field's name.

Every error a user can cause in a `do_*` service is an `InvalidInput` naming the field, raised
before anything is written (and, being inside the service's transaction, undoing anything that
was), so that the web, the API and the CLI can show it as it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError

from expediente.dates import DateError, parse_date
from expediente.vocabularies import UnknownTermError, VocabularySet, load_vocabularies


class InvalidInput(ValidationError):
    """A value a user gave cannot be stored; `field` names where it was given."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__({field: [message]})
        self.field = field
        self.reason = message

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}"


def vocabularies() -> VocabularySet:
    """The shipped vocabularies (validated and cached by the loader)."""
    return load_vocabularies()


def check_term(field: str, vocabulary_id: str, value: str, *, required: bool = False) -> str:
    """`value` if it is a term of `vocabulary_id`; blank allowed unless `required`."""
    if not value:
        if required:
            raise InvalidInput(field, f"a term of {vocabulary_id} is required")
        return ""
    vocab = vocabularies()
    term = vocab.get(value)
    if term is None or term.vocabulary != vocabulary_id:
        suggestion = _suggest(vocab, vocabulary_id, value)
        raise InvalidInput(field, f"{value!r} is not a term of {vocabulary_id}{suggestion}")
    return value


def check_terms(field: str, vocabulary_id: str, values: Iterable[str]) -> list[str]:
    """Each value checked with `check_term`, duplicates dropped, order kept."""
    seen: list[str] = []
    for value in values:
        check_term(field, vocabulary_id, value, required=True)
        if value not in seen:
            seen.append(value)
    return seen


def _suggest(vocab: VocabularySet, vocabulary_id: str, raw: str) -> str:
    try:
        found = vocab.resolve(vocabulary_id, raw)
    except UnknownTermError:
        return ""
    return f" (did you mean {found!r}?)" if found else ""


def period_fields(field: str, text: str, *, prefix: str = "date") -> dict[str, Any]:
    """The four stored columns of a partial date or range given as text.

    `"2017-05"` → `{date_text: "2017-05", date_precision: "month", date_earliest: 2017-05-01,
    date_latest: 2017-05-31}`. A range (`2017-05/2017-07`, text with a `/`) stores the coarser
    precision of its two ends; its text says it is a range.
    """
    if not text:
        return {f"{prefix}_text": "", f"{prefix}_precision": "", f"{prefix}_earliest": None,
                f"{prefix}_latest": None}
    try:
        value = parse_date(text, today=dt.date.today())
    except DateError as exc:
        raise InvalidInput(field, str(exc)) from None
    return {
        f"{prefix}_text": str(value),
        f"{prefix}_precision": str(value.precision),
        f"{prefix}_earliest": value.earliest,
        f"{prefix}_latest": value.latest,
    }


def check_length(field: str, value: str, limit: int) -> str:
    if len(value) > limit:
        raise InvalidInput(field, f"longer than {limit} characters ({len(value)})")
    return value


def check_required(field: str, value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise InvalidInput(field, "is required")
    return value
