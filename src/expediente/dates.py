"""Partial dates and date ranges, as testimonies give them.

A witness remembers "March 1985" or "sometime in 2017": a date carries a precision
(day, month or year) and may be a range. The canonical text form is partial ISO 8601:
``1985``, ``1985-03``, ``1985-03-12``, and ``start/end`` for a range (``2017-05/2017-07``).

Besides the canonical form, :func:`parse_date` reads the forms NGO spreadsheets use:

* ``12/03/1985``, ``12-03-1985``, ``12.03.1985`` -- day first (``date_format="mdy"`` reads
  month first instead);
* ``03/1985``, ``3-1985`` -- month and year;
* month names in Spanish or English, full or abbreviated, with or without ``de``:
  ``marzo 1985``, ``marzo de 1985``, ``12 de marzo de 1985``, ``March 12, 1985``,
  ``12 Mar 1985``;
* ranges written ``A/B`` (ISO forms only, since ``/`` also separates day, month and
  year), or ``A - B``, ``A al B``, ``A to B``, an en or em dash, ``del A al B`` (any forms,
  each end written in full: ``del 3 de mayo de 2017 al 5 de junio de 2017``).

Two-digit years are refused as malformed: ``12/03/85`` could be 1885 or 1985.

Errors distinguish a *malformed* text (:class:`MalformedDateError`, nothing can be read)
from an *impossible* date (:class:`ImpossibleDateError`: 2017-02-30, month 13, an end
before its start, a date after ``today``).
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from calendar import monthrange
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Literal

__all__ = [
    "DateError",
    "DateFormat",
    "DateRange",
    "DateValue",
    "ImpossibleDateError",
    "MalformedDateError",
    "PartialDate",
    "Precision",
    "parse_date",
    "parse_partial_date",
]

DateFormat = Literal["iso", "dmy", "mdy"]
"""Hint for numeric dates with separators: day first (default) or month first."""


class Precision(StrEnum):
    """How much of a date is known; the values match the ``date_precision`` vocabulary."""

    YEAR = "year"
    MONTH = "month"
    DAY = "day"

    @property
    def term_id(self) -> str:
        """The ``date_precision`` vocabulary id, e.g. ``precision.day``."""
        return f"precision.{self.value}"


_PRECISION_RANK = {Precision.YEAR: 0, Precision.MONTH: 1, Precision.DAY: 2}


_QUOTED_CHARS = 40


def quote_for_message(text: str) -> str:
    """`text` quoted for a message, cut short when long: a message is one line of a report."""
    if len(text) <= _QUOTED_CHARS:
        return repr(text)
    return f"{text[:_QUOTED_CHARS]!r}… ({len(text):,} characters)"


class DateError(ValueError):
    """A date text that cannot be accepted; ``code`` is the import problem code."""

    code = "malformed_date"

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"{reason}: {quote_for_message(text)}")
        self.text = text
        self.reason = reason


class MalformedDateError(DateError):
    """The text is not a date in any accepted form."""

    code = "malformed_date"


class ImpossibleDateError(DateError):
    """The text is well formed but names no real date (or an end before its start)."""

    code = "impossible_date"


@dataclass(frozen=True, slots=True, order=False)
class PartialDate:
    """A calendar date known to the year, the month or the day.

    Build one through :meth:`of` (which checks the calendar) or :func:`parse_partial_date`.
    """

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def of(cls, year: int, month: int | None = None, day: int | None = None) -> PartialDate:
        """Check the parts against the calendar and build the date.

        Raises:
            ImpossibleDateError: month outside 1-12, day outside the month, day without
                month, or a year outside 1-9999.
        """
        text = _format_parts(year, month, day)
        if not 1 <= year <= 9999:
            raise ImpossibleDateError(text, "year out of range")
        if month is None:
            if day is not None:
                raise ImpossibleDateError(text, "a day without a month")
            return cls(year)
        if not 1 <= month <= 12:
            raise ImpossibleDateError(text, f"there is no month {month}")
        if day is not None and not 1 <= day <= monthrange(year, month)[1]:
            raise ImpossibleDateError(text, f"day {day} does not exist in {year:04d}-{month:02d}")
        return cls(year, month, day)

    @property
    def precision(self) -> Precision:
        """Day, month or year."""
        if self.day is not None:
            return Precision.DAY
        if self.month is not None:
            return Precision.MONTH
        return Precision.YEAR

    @property
    def earliest(self) -> _dt.date:
        """The first day this date may mean (for storage and sorting)."""
        return _dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def latest(self) -> _dt.date:
        """The last day this date may mean."""
        month = self.month or 12
        return _dt.date(self.year, month, self.day or monthrange(self.year, month)[1])

    @property
    def start(self) -> PartialDate:
        """The date itself (so a date and a range share an interface)."""
        return self

    @property
    def end(self) -> PartialDate:
        """The date itself (so a date and a range share an interface)."""
        return self

    @property
    def is_range(self) -> bool:
        """False: a single date."""
        return False

    def __str__(self) -> str:
        return _format_parts(self.year, self.month, self.day)


@dataclass(frozen=True, slots=True)
class DateRange:
    """A period between two partial dates, ``start`` not after ``end``."""

    start: PartialDate
    end: PartialDate

    def __post_init__(self) -> None:
        if self.end.latest < self.start.earliest:
            raise ImpossibleDateError(str(self), "the end is before the start")

    @property
    def precision(self) -> Precision:
        """The coarser precision of the two ends."""
        return min(self.start.precision, self.end.precision, key=_PRECISION_RANK.__getitem__)

    @property
    def earliest(self) -> _dt.date:
        """The first day the range may cover."""
        return self.start.earliest

    @property
    def latest(self) -> _dt.date:
        """The last day the range may cover."""
        return self.end.latest

    @property
    def is_range(self) -> bool:
        """True: a period."""
        return True

    def __str__(self) -> str:
        return f"{self.start}/{self.end}"


DateValue = PartialDate | DateRange
"""What a date cell holds: one partial date or a range."""


def _format_parts(year: int, month: int | None, day: int | None) -> str:
    text = f"{year:04d}"
    if month is not None:
        text += f"-{month:02d}"
        if day is not None:
            text += f"-{day:02d}"
    elif day is not None:
        text += f"-??-{day:02d}"
    return text


_MONTHS = {
    "enero": 1, "ene": 1, "january": 1, "jan": 1,
    "febrero": 2, "feb": 2, "february": 2,
    "marzo": 3, "mar": 3, "march": 3,
    "abril": 4, "abr": 4, "april": 4, "apr": 4,
    "mayo": 5, "may": 5,
    "junio": 6, "jun": 6, "june": 6,
    "julio": 7, "jul": 7, "july": 7,
    "agosto": 8, "ago": 8, "august": 8, "aug": 8,
    "septiembre": 9, "setiembre": 9, "sep": 9, "sept": 9, "set": 9, "september": 9,
    "octubre": 10, "oct": 10, "october": 10,
    "noviembre": 11, "nov": 11, "november": 11,
    "diciembre": 12, "dic": 12, "december": 12, "dec": 12,
}  # fmt: skip

_ISO = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_NUMERIC_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})")
_NUMERIC_MY = re.compile(r"(\d{1,2})[/.\-](\d{2,4})")
_MONTH_NAME = r"([a-z]+)\.?"
_NAMED_DMY = re.compile(rf"(\d{{1,2}})(?:\s+de)?\s+{_MONTH_NAME}(?:\s+de(?:l)?)?,?\s+(\d{{2,4}})")
_NAMED_MDY = re.compile(rf"{_MONTH_NAME}\s+(\d{{1,2}}),?\s+(\d{{2,4}})")
_NAMED_MY = re.compile(rf"{_MONTH_NAME}(?:\s+de(?:l)?)?,?\s+(\d{{2,4}})")
_RANGE_WORDS = re.compile(r"\s+(?:-|\u2013|\u2014|al|a|to|until|hasta)\s+")
_RANGE_PREFIX = re.compile(r"^(?:del|de|desde|from|between|entre)\s+")


def _fold(text: str) -> str:
    """Lower-case, strip accents and collapse blanks."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.lower().split())


def _year(text: str, raw: str) -> int:
    if len(text) != 4:
        raise MalformedDateError(raw, "the year must have four digits")
    return int(text)


def _month_name(name: str, raw: str) -> int:
    month = _MONTHS.get(name)
    if month is None:
        raise MalformedDateError(raw, f"unknown month name {quote_for_message(name)}")
    return month


def _parse_one(text: str, raw: str, date_format: DateFormat) -> PartialDate:
    """Parse one (folded) partial date in any accepted form."""
    m = _ISO.fullmatch(text)
    if m:
        return PartialDate.of(int(m[1]), int(m[2]) if m[2] else None, int(m[3]) if m[3] else None)
    if date_format != "iso":
        m = _NUMERIC_DMY.fullmatch(text)
        if m:
            first, second = int(m[1]), int(m[2])
            day, month = (second, first) if date_format == "mdy" else (first, second)
            return PartialDate.of(_year(m[3], raw), month, day)
        m = _NUMERIC_MY.fullmatch(text)
        if m:
            return PartialDate.of(_year(m[2], raw), int(m[1]))
        m = _NAMED_DMY.fullmatch(text)
        if m:
            return PartialDate.of(_year(m[3], raw), _month_name(m[2], raw), int(m[1]))
        m = _NAMED_MDY.fullmatch(text)
        if m:
            return PartialDate.of(_year(m[3], raw), _month_name(m[1], raw), int(m[2]))
        m = _NAMED_MY.fullmatch(text)
        if m:
            return PartialDate.of(_year(m[2], raw), _month_name(m[1], raw))
    raise MalformedDateError(raw, "not a date in an accepted form")


@lru_cache(maxsize=65_536)
def _parse_cached(text: str, date_format: DateFormat) -> DateValue:
    # Dates repeat a great deal in a case file, so a bounded cache pays for itself.
    m = _ISO.fullmatch(text)
    if m:  # the canonical form: no folding needed
        return PartialDate.of(int(m[1]), int(m[2]) if m[2] else None, int(m[3]) if m[3] else None)
    folded = _fold(text)
    if not folded:
        raise MalformedDateError(text, "empty date")
    if "/" in folded and folded[:4].isdigit() and folded[4:5] in ("-", "/", ""):
        left, _, right = folded.partition("/")
        if right and _ISO.fullmatch(left.strip()) and _ISO.fullmatch(right.strip()):
            return DateRange(
                _parse_one(left.strip(), text, "iso"), _parse_one(right.strip(), text, "iso")
            )
    unprefixed = _RANGE_PREFIX.sub("", folded)
    parts = _RANGE_WORDS.split(unprefixed)
    if len(parts) == 2:
        return DateRange(
            _parse_one(parts[0], text, date_format), _parse_one(parts[1], text, date_format)
        )
    if len(parts) > 2:
        raise MalformedDateError(text, "more than two dates in a range")
    return _parse_one(folded, text, date_format)


def parse_date(
    text: str, *, date_format: DateFormat = "dmy", today: _dt.date | None = None
) -> DateValue:
    """Parse a partial date or a range.

    Args:
        text: the cell text, e.g. ``1985-03``, ``12/03/1985``, ``marzo de 1985``,
            ``2017-05/2017-07``.
        date_format: ``"dmy"`` (default) reads ``01/02/2017`` as 1 February,
            ``"mdy"`` as 2 January, ``"iso"`` accepts only the canonical forms.
        today: when given, a date that starts after it is impossible.

    Returns:
        A :class:`PartialDate` or a :class:`DateRange`.

    Raises:
        MalformedDateError: the text is not a date in an accepted form.
        ImpossibleDateError: the date does not exist, the range ends before it starts,
            or the date lies in the future.
    """
    value = _parse_cached(text, date_format)
    if today is not None and value.earliest > today:
        raise ImpossibleDateError(text, f"the date is after today ({today.isoformat()})")
    return value


def parse_partial_date(
    text: str, *, date_format: DateFormat = "dmy", today: _dt.date | None = None
) -> PartialDate:
    """Parse a single partial date (no range), e.g. a birth date.

    Raises:
        MalformedDateError: not a date, or a range where one date was expected.
        ImpossibleDateError: as for :func:`parse_date`.
    """
    value = parse_date(text, date_format=date_format, today=today)
    if isinstance(value, DateRange):
        raise MalformedDateError(text, "a range where a single date was expected")
    return value
