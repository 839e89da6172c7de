"""Dates of the demo situation: the period, the monthly intensity and partial-date text forms."""

from __future__ import annotations

import datetime as dt
import random
from itertools import accumulate

from expediente.demo.resources import load_data

MONTHS_ES = (
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
)


class Timeline:
    """The period of the situation, with months weighted by the intensity of repression."""

    def __init__(self) -> None:
        scenario = load_data("scenario")
        self.start = dt.date.fromisoformat(scenario["period"]["start"])
        self.end = dt.date.fromisoformat(scenario["period"]["end"])
        intensity: dict[str, float] = scenario.get("intensity", {})
        self.months: list[tuple[int, int]] = []
        weights: list[float] = []
        year, month = self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            self.months.append((year, month))
            weights.append(float(intensity.get(f"{year:04d}-{month:02d}", 1.0)))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        self._cum = list(accumulate(weights))

    def sample_day(self, rng: random.Random) -> dt.date:
        """Draw a day of the period, months weighted by intensity."""
        year, month = rng.choices(self.months, cum_weights=self._cum)[0]
        first = dt.date(year, month, 1)
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        return first + dt.timedelta(days=rng.randrange((following - first).days))


def month_text(day: dt.date) -> str:
    """``2017-05``."""
    return f"{day.year:04d}-{day.month:02d}"


def date_phrase(day: dt.date, precision: str) -> str:
    """A Spanish phrase for a date at a precision: 'el 3 de mayo de 2017', 'en mayo de 2017'."""
    if precision == "day":
        return f"el {day.day} de {MONTHS_ES[day.month - 1]} de {day.year}"
    if precision == "month":
        return f"en {MONTHS_ES[day.month - 1]} de {day.year}"
    return f"en {day.year}"


def years_between(earlier: dt.date, later: dt.date) -> int:
    """Whole years from `earlier` to `later` (an age)."""
    return later.year - earlier.year - ((later.month, later.day) < (earlier.month, earlier.day))
