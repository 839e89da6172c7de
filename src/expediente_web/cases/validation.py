"""Checks that service functions run on what a user gives them, failing with the field's name.

Every error a user can cause in a `do_*` service is an `InvalidInput` naming the field, raised
before anything is written (and, being inside the service's transaction, undoing anything that
was), so that the web, the API and the CLI can show it as it is.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from expediente.dates import NOT_A_DATE, DateError, parse_date, quote_for_message
from expediente.vocabularies import UnknownTermError, VocabularySet, load_vocabularies


class InvalidInput(ValidationError):
    """A value a user gave cannot be stored; `field` names where it was given.

    `message` is in the reader's language (gettext at the moment it is raised); `field` is an
    identifier and stays as it is.
    """

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
            raise InvalidInput(field, _("a term of %(vocabulary)s is required")
                               % {"vocabulary": vocabulary_id})
        return ""
    vocab = vocabularies()
    term = vocab.get(value)
    if term is None or term.vocabulary != vocabulary_id:
        suggestion = _suggest(vocab, vocabulary_id, value)
        values = {"value": repr(value), "vocabulary": vocabulary_id, "suggestion": suggestion}
        if suggestion:
            raise InvalidInput(field, _("%(value)s is not a term of %(vocabulary)s (did you mean "
                                        "%(suggestion)s?)") % values)
        raise InvalidInput(field, _("%(value)s is not a term of %(vocabulary)s") % values)
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
    return repr(found) if found else ""


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
        raise InvalidInput(field, date_message(exc)) from None
    return {
        f"{prefix}_text": str(value),
        f"{prefix}_precision": str(value.precision),
        f"{prefix}_earliest": value.earliest,
        f"{prefix}_latest": value.latest,
    }


def check_length(field: str, value: str, limit: int) -> str:
    if len(value) > limit:
        raise InvalidInput(field, _("longer than %(limit)s characters (%(length)s)")
                           % {"limit": limit, "length": len(value)})
    return value


def check_required(field: str, value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise InvalidInput(field, _("is required"))
    return value


# -- the analysis core's date errors, in the reader's language --------------------------------
# The core (which knows nothing of Django) says why a date cannot be in English; these are its
# reasons, word for word, and what gettext makes of them. A reason not listed here is shown as
# the core gives it (a test checks that every reason the core raises is listed).

_DATE_REASONS = {
    "year out of range": gettext_noop("year out of range"),
    "a day without a month": gettext_noop("a day without a month"),
    "the end is before the start": gettext_noop("the end is before the start"),
    "the year must have four digits": gettext_noop("the year must have four digits"),
    NOT_A_DATE: gettext_noop(
        "not a date in an accepted form (for example 2017, 2017-05, 14/05/2017, "
        "marzo de 2017, mediados de 2017, antes de 2018, around 2016)"
    ),
    "a part of a single day is not a period": gettext_noop(
        "a part of a single day is not a period"
    ),
    "the period reaches outside the calendar": gettext_noop(
        "the period reaches outside the calendar"
    ),
    "empty date": gettext_noop("empty date"),
    "more than two dates in a range": gettext_noop("more than two dates in a range"),
    "a range where a single date was expected": gettext_noop(
        "a range where a single date was expected"
    ),
}

_DATE_REASON_PATTERNS = (
    (re.compile(r"there is no month (?P<month>-?\d+)"),
     gettext_noop("there is no month %(month)s")),
    (re.compile(r"day (?P<day>-?\d+) does not exist in (?P<month>\d{4}-\d{2})"),
     gettext_noop("day %(day)s does not exist in %(month)s")),
    (re.compile(r"unknown month name (?P<name>.+)"), gettext_noop("unknown month name %(name)s")),
    (re.compile(r"the date is after today \((?P<today>\d{4}-\d{2}-\d{2})\)"),
     gettext_noop("the date is after today (%(today)s)")),
)


def date_reason(exc: DateError) -> str:
    """Why the core refused a date, in the active language (as the core says it when no
    translation is known)."""
    known = _DATE_REASONS.get(exc.reason)
    if known is not None:
        return _(known)
    for pattern, message in _DATE_REASON_PATTERNS:
        found = pattern.fullmatch(exc.reason)
        if found:
            return _(message) % found.groupdict()
    return exc.reason


def date_message(exc: DateError) -> str:
    """The core's `str(exc)` — the reason, then the text quoted — in the active language."""
    return f"{date_reason(exc)}: {quote_for_message(exc.text)}"
