"""Partial dates and ages as intervals of possible birth days.

A birth date may be known to the day, the month or the year; a source may give only the
age at the event. Each becomes an interval of day numbers ``[lo, hi]`` in which the birth
must lie, and intervals are compared instead of strings.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

_ISO = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*$")
_DMY = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")
_MY = re.compile(r"^\s*(\d{1,2})[/.-](\d{4})\s*$")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})\s*$")


def parse_partial(text: object) -> tuple[int, int | None, int | None] | None:
    """Parse ``1985``, ``1985-03``, ``1985-03-12``, ``12/03/1985``, ``03/1985``, ``19850312``.

    Returns (year, month or None, day or None), or None when the text is not a date (a
    range ``a/b`` returns its start).
    """
    if text is None:
        return None
    value = str(text).strip()
    if not value or value.lower() in {"nan", "none"}:
        return None
    month_year = _MY.match(value)
    if month_year:
        only_month, only_year = int(month_year.group(1)), int(month_year.group(2))
        valid = 1 <= only_month <= 12 and 1800 <= only_year <= 2100
        return (only_year, only_month, None) if valid else None
    if "/" in value and not _DMY.match(value):
        value = value.split("/", 1)[0]
    for pattern, order in ((_ISO, (0, 1, 2)), (_DMY, (2, 1, 0)), (_COMPACT, (0, 1, 2))):
        match = pattern.match(value)
        if match:
            groups = match.groups()
            year = int(groups[order[0]])
            month: int | None = int(groups[order[1]]) if groups[order[1]] else None
            day: int | None = int(groups[order[2]]) if groups[order[2]] else None
            if not 1800 <= year <= 2100 or (month and not 1 <= month <= 12):
                return None
            if day and month and not 1 <= day <= calendar.monthrange(year, month)[1]:
                return None
            return year, month, day
    return None


def _ordinal(year: int, month: int, day: int) -> int:
    return dt.date(year, month, day).toordinal()


def interval(parts: tuple[int, int | None, int | None]) -> tuple[int, int]:
    """Day-number interval covered by a partial date."""
    year, month, day = parts
    if month is None:
        return _ordinal(year, 1, 1), _ordinal(year, 12, 31)
    if day is None:
        return _ordinal(year, month, 1), _ordinal(year, month, calendar.monthrange(year, month)[1])
    value = _ordinal(year, month, day)
    return value, value


def date_interval(text: object) -> tuple[int, int] | None:
    """Day-number interval of a partial date or a range ``start/end`` (each partial)."""
    if text is None:
        return None
    value = str(text).strip()
    if "/" in value and not _DMY.match(value) and not _MY.match(value):
        start_text, _, end_text = value.partition("/")
        start, end = parse_partial(start_text), parse_partial(end_text)
        if start is None:
            return None
        lo = interval(start)[0]
        hi = interval(end)[1] if end is not None else interval(start)[1]
        return (lo, hi) if lo <= hi else None
    parts = parse_partial(value)
    return interval(parts) if parts is not None else None


def birth_interval(
    birth_date: object = None, age: object = None, event_date: object = None
) -> tuple[int, int] | None:
    """Interval of possible birth days from a partial birth date, or age at an event.

    A birth date wins over an age. An age ``a`` at an event in interval ``[e0, e1]`` means a
    birth after ``e0 - (a + 1)`` years and no later than ``e1 - a`` years.
    """
    parts = parse_partial(birth_date)
    if parts is not None:
        return interval(parts)
    found = re.search(r"\d+(?:\.\d+)?", str(age)) if age is not None else None
    if found is None:
        return None
    years = int(float(found.group()))
    event = parse_partial(event_date)
    if event is None or not 0 <= years <= 120:
        return None
    e0, e1 = interval(event)
    days_per_year = 365.2425
    return int(e0 - (years + 1) * days_per_year) + 1, int(e1 - years * days_per_year)
