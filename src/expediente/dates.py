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
  each end written in full: ``del 3 de mayo de 2017 al 5 de junio de 2017``, or the first
  end sharing the second's year or month: ``entre marzo y mayo de 2017``, ``del 3 al 5 de
  mayo de 2017``);
* approximate phrases in Spanish or English, read as a range with documented bounds
  (``docs/decisions/0302-partial-dates.md``): a part of a year or a month (``principios de
  2016``, ``mediados de 2017``, ``finales de marzo de 2017``, ``early 2017``, ``mid-2017``,
  ``late March 2017``), a date give or take (``aprox. 2016``, ``alrededor de 2016``,
  ``around 2016``, ``circa 2016``) and one side of a date (``antes de 2018``, ``después de
  mayo de 2017``, ``before 2018``, ``after May 2017``). Accents are optional.

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
_BETWEEN = re.compile(r"^(?:entre|between)\s+(.+?)\s+(?:y|and|e)\s+(.+)$")

NOT_A_DATE = (
    "not a date in an accepted form (for example 2017, 2017-05, 14/05/2017, "
    "marzo de 2017, mediados de 2017, antes de 2018, around 2016)"
)

# -- approximate phrases ----------------------------------------------------------------------
# Each phrase is read as a closed range; the bounds are a convention recorded in decision 0302.

#: Words before a date that say nothing about it ("a mediados de", "in early 2017").
_FILLER = re.compile(r"^(?:a|en|in|on|el|the)\s+")
_EARLY = (
    r"(?:principios|principio|inicios|inicio|comienzos|comienzo)\s+de(?:l)?|early|"
    r"(?:the\s+)?(?:beginning|start)\s+of"
)
_MIDDLE = r"(?:mediados|mitad)\s+de(?:l)?|mid-?|(?:the\s+)?middle\s+of"
_LATE = r"(?:finales|final|fines|fin)\s+de(?:l)?|late|(?:the\s+)?end\s+of"
_PARTS = (
    (re.compile(rf"^(?:{_EARLY})\s*(.+)$"), 0),
    (re.compile(rf"^(?:{_MIDDLE})\s*(.+)$"), 1),
    (re.compile(rf"^(?:{_LATE})\s*(.+)$"), 2),
)
_AROUND = re.compile(
    r"^(?:aproximadamente|approximately|alrededor\s+de(?:l)?|cerca\s+de(?:l)?|aprox|approx|"
    r"hacia|circa|ca|c|around|about|roughly)(?:\.\s*|\s+)(.+)$"
)
_BEFORE = re.compile(r"^(?:antes\s+de(?:l)?|previo\s+a(?:l)?|before|prior\s+to)\s+(.+)$")
_AFTER = re.compile(r"^(?:despues\s+de(?:l)?|luego\s+de(?:l)?|tras|after)\s+(.+)$")

#: Thirds of a year (months) and of a month (days) that "early", "mid" and "late" name.
_YEAR_THIRDS = ((1, 4), (5, 8), (9, 12))
_MONTH_THIRDS = ((1, 10), (11, 20), (21, 31))
#: How far "before" and "after" reach when the witness gives no other bound, in years.
OPEN_SIDE_YEARS = 10
#: "Around" a day reaches this many days either side; around a month or a year, one of them.
AROUND_DAYS = 7


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
    raise MalformedDateError(raw, NOT_A_DATE)


def _part_of(base: PartialDate, third: int, raw: str) -> DateRange:
    """The early, middle or late third of a year (by months) or of a month (by days)."""
    if base.precision is Precision.DAY:
        raise MalformedDateError(raw, "a part of a single day is not a period")
    if base.precision is Precision.YEAR:
        first, last = _YEAR_THIRDS[third]
        return DateRange(PartialDate(base.year, first), PartialDate(base.year, last))
    assert base.month is not None  # noqa: S101 (type narrowing for mypy; the invariant is set just above)
    first, last = _MONTH_THIRDS[third]
    last = min(last, monthrange(base.year, base.month)[1])
    return DateRange(
        PartialDate(base.year, base.month, first), PartialDate(base.year, base.month, last)
    )


def _shift(date: PartialDate, steps: int, raw: str) -> PartialDate:
    """`date` moved by `steps` of its own precision (years, months or days)."""
    try:
        if date.precision is Precision.YEAR:
            return PartialDate.of(date.year + steps)
        if date.precision is Precision.MONTH:
            assert date.month is not None  # noqa: S101 (type narrowing for mypy; the invariant is set just above)
            index = date.year * 12 + date.month - 1 + steps
            return PartialDate.of(index // 12, index % 12 + 1)
        moved = date.earliest + _dt.timedelta(days=steps)
    except (OverflowError, ImpossibleDateError):
        raise ImpossibleDateError(raw, "the period reaches outside the calendar") from None
    return PartialDate(moved.year, moved.month, moved.day)


def _years_in(date: PartialDate) -> int:
    """How many steps of the date's precision make `OPEN_SIDE_YEARS` years."""
    if date.precision is Precision.YEAR:
        return OPEN_SIDE_YEARS
    if date.precision is Precision.MONTH:
        return OPEN_SIDE_YEARS * 12
    start = date.earliest
    later = start.year + OPEN_SIDE_YEARS
    end = _dt.date(later, start.month, min(start.day, monthrange(later, start.month)[1]))
    return (end - start).days


def _parse_phrase(text: str, raw: str, date_format: DateFormat) -> DateValue | None:
    """An approximate phrase read as a range, or None when `text` is not one."""
    text = _FILLER.sub("", text)
    for pattern, third in _PARTS:
        m = pattern.fullmatch(text)
        if m:
            return _part_of(_parse_one(_FILLER.sub("", m[1]), raw, date_format), third, raw)
    m = _AROUND.fullmatch(text)
    if m:
        inner = _FILLER.sub("", m[1])
        found = _parse_phrase(inner, raw, date_format)
        if found is not None:  # "alrededor de mediados de 2017": the phrase is the estimate
            return found
        base = _parse_one(inner, raw, date_format)
        steps = AROUND_DAYS if base.precision is Precision.DAY else 1
        return DateRange(_shift(base, -steps, raw), _shift(base, steps, raw))
    m = _BEFORE.fullmatch(text)
    if m:
        base = _parse_one(_FILLER.sub("", m[1]), raw, date_format)
        return DateRange(_shift(base, -_years_in(base), raw), _shift(base, -1, raw))
    m = _AFTER.fullmatch(text)
    if m:
        base = _parse_one(_FILLER.sub("", m[1]), raw, date_format)
        return DateRange(_shift(base, 1, raw), _shift(base, _years_in(base), raw))
    return None


def _end(text: str, raw: str, date_format: DateFormat) -> DateValue:
    """One end of a range: a date or an approximate phrase."""
    phrase = _parse_phrase(text, raw, date_format)
    return phrase if phrase is not None else _parse_one(_FILLER.sub("", text), raw, date_format)


def _borrowing(left: str, right: DateValue, raw: str, date_format: DateFormat) -> DateValue:
    """The first end of a range, which may leave out the year (or month and year) it shares
    with the second: ``marzo`` in ``entre marzo y mayo de 2017``, ``3`` in ``del 3 al 5 de
    mayo de 2017``."""
    try:
        return _end(left, raw, date_format)
    except MalformedDateError:
        shared = right.start
        if left.isdigit() and len(left) <= 2 and shared.month is not None:
            return PartialDate.of(shared.year, shared.month, int(left))
        if not re.search(r"\d{4}", left):
            return _end(f"{left} {shared.year}", raw, date_format)
        raise


def _range(left: str, right: str, raw: str, date_format: DateFormat) -> DateRange:
    end = _end(right, raw, date_format)
    start = _borrowing(left, end, raw, date_format)
    return DateRange(start.start, end.end)


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
    if date_format != "iso":
        phrase = _parse_phrase(folded, text, date_format)
        if phrase is not None:
            return phrase
        between = _BETWEEN.fullmatch(folded)
        if between:
            return _range(between[1], between[2], text, date_format)
    unprefixed = _RANGE_PREFIX.sub("", folded)
    parts = _RANGE_WORDS.split(unprefixed)
    if len(parts) == 2:
        if date_format == "iso":
            return DateRange(
                _parse_one(parts[0], text, date_format), _parse_one(parts[1], text, date_format)
            )
        return _range(parts[0], parts[1], text, date_format)
    if len(parts) > 2:
        raise MalformedDateError(text, "more than two dates in a range")
    return _parse_one(
        _FILLER.sub("", folded) if date_format != "iso" else folded, text, date_format
    )


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
    if today is not None and value.latest > today and isinstance(value, DateRange):
        value = _until_today(value, text, today)
    return value


def _until_today(value: DateRange, text: str, today: _dt.date) -> DateRange:
    """An "after" phrase's reach cut at today: what a witness tells has already happened."""
    if not _AFTER.fullmatch(_FILLER.sub("", _fold(text))):
        return value
    precision = value.end.precision
    end = PartialDate(
        today.year,
        today.month if precision is not Precision.YEAR else None,
        today.day if precision is Precision.DAY else None,
    )
    return DateRange(value.start, end)


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
