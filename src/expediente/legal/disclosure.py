"""Disclosure control for public tables: k-anonymity and small-cell suppression.

A public edition describes victims without naming them, but a combination of ordinary
facts can still single a person out: the only woman aged 60-69 detained in Apure in
March 2017 is known to her neighbours. :func:`k_anonymity` groups the described victims
by their quasi-identifiers (age band, sex, state and date, the date coarsened to a month
or a year) and reports every group smaller than ``k``.

:func:`suppress_table` hides the counts of a table that fall below the threshold (1-4
for the default of 5) and, where a row or column total is published, hides one more cell
so that no hidden count can be recovered by subtraction (secondary suppression). Totals
below the threshold are hidden too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

__all__ = [
    "Cell",
    "KAnonymityReport",
    "QuasiIdentifiers",
    "SuppressedTable",
    "age_band",
    "coarsen_date",
    "k_anonymity",
    "suppress_counts",
    "suppress_table",
]

DateLevel = Literal["day", "month", "year"]
R = TypeVar("R", bound=Hashable)
C = TypeVar("C", bound=Hashable)

THRESHOLD = 5


@dataclass(frozen=True, slots=True)
class QuasiIdentifiers:
    """What a public table may reveal about one victim (None: not recorded)."""

    age_band: str | None = None
    sex: str | None = None
    state: str | None = None
    date: str | None = None
    """A partial ISO date (``2017``, ``2017-03``, ``2017-03-12``) or a range ``a/b``."""


def age_band(age: int | None, width: int = 10) -> str | None:
    """The band of an age: ``age_band(34) == "30-39"``; 80 and over is ``"80+"``.

    Raises:
        ValueError: a negative age or a width below 1.
    """
    if age is None:
        return None
    if age < 0 or width < 1:
        raise ValueError(f"cannot band the age {age} with width {width}")
    if age >= 80:
        return "80+"
    low = (age // width) * width
    return f"{low}-{min(low + width - 1, 79)}"


def coarsen_date(value: str | None, level: DateLevel) -> str | None:
    """A partial ISO date cut to ``level`` (a range is cut at its start, marked ``~``).

    >>> coarsen_date("2017-03-12", "month")
    '2017-03'
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    prefix = ""
    if "/" in text:
        start, end = text.split("/", 1)
        keep = {"day": 10, "month": 7, "year": 4}[level]
        if start[:keep] == end[:keep]:
            text = start
        else:
            text, prefix = start, "~"
    keep = {"day": 10, "month": 7, "year": 4}[level]
    return prefix + text[:keep]


@dataclass(frozen=True, slots=True)
class KAnonymityReport:
    k: int
    """The size of the smallest group (0 when there are no records)."""
    required: int
    groups: Mapping[tuple[str | None, ...], int]
    risky: Mapping[tuple[str | None, ...], int]
    """The groups smaller than ``required``: each combination singles out few people."""

    @property
    def ok(self) -> bool:
        return not self.risky


def k_anonymity(
    records: Iterable[QuasiIdentifiers],
    *,
    required: int = THRESHOLD,
    date_level: DateLevel = "month",
) -> KAnonymityReport:
    """Group records by (age band, sex, state, date at ``date_level``) and find small groups.

    A missing value is a value of its own (it is what the table would show).
    """
    if required < 1:
        raise ValueError("k must be at least 1")
    groups: Counter[tuple[str | None, ...]] = Counter(
        (r.age_band, r.sex, r.state, coarsen_date(r.date, date_level)) for r in records
    )
    risky = {key: n for key, n in groups.items() if n < required}
    return KAnonymityReport(
        k=min(groups.values()) if groups else 0,
        required=required,
        groups=dict(sorted(groups.items(), key=lambda kv: tuple(str(x) for x in kv[0]))),
        risky=dict(sorted(risky.items(), key=lambda kv: tuple(str(x) for x in kv[0]))),
    )


@dataclass(frozen=True, slots=True)
class Cell:
    """A published count, or a hidden one."""

    value: int | None
    """The count, or None when it is suppressed."""
    reason: Literal["", "small", "secondary"] = ""

    @property
    def suppressed(self) -> bool:
        return self.value is None

    def display(self, threshold: int = THRESHOLD) -> str:
        """``"12"``, or ``"<5"`` for a small count and ``"*"`` for a secondary one."""
        if self.value is not None:
            return str(self.value)
        return f"<{threshold}" if self.reason == "small" else "*"


@dataclass(frozen=True, slots=True)
class SuppressedTable:
    cells: Mapping[tuple[Any, Any], Cell]
    row_totals: Mapping[Any, Cell]
    column_totals: Mapping[Any, Cell]
    total: Cell


def _small(n: int, threshold: int) -> bool:
    return 0 < n < threshold


def suppress_table(
    table: Mapping[R, Mapping[C, int]], *, threshold: int = THRESHOLD, with_totals: bool = True
) -> SuppressedTable:
    """Suppress the small cells of a two-way table of counts.

    Args:
        table: ``{row: {column: count}}``; a missing cell counts as 0.
        threshold: counts from 1 to ``threshold - 1`` are hidden (zeros are shown).
        with_totals: the table publishes row and column totals, so secondary suppression
            is needed wherever a row or column has exactly one hidden cell.
    """
    rows = list(table)
    columns = list(dict.fromkeys(c for r in rows for c in table[r]))
    counts = {(r, c): int(table[r].get(c, 0)) for r in rows for c in columns}
    for key, n in counts.items():
        if n < 0:
            raise ValueError(f"count {key!r} is negative")
    hidden: dict[tuple[Hashable, Hashable], str] = {
        key: "small" for key, n in counts.items() if _small(n, threshold)
    }
    if with_totals:
        changed = True
        while changed:
            changed = False
            lines = [[(r, c) for c in columns] for r in rows] + [
                [(r, c) for r in rows] for c in columns
            ]
            for line in lines:
                in_line = [k for k in line if k in hidden]
                if len(in_line) != 1:
                    continue
                candidates = [k for k in line if k not in hidden]
                if not candidates:
                    continue
                # the smallest other count hides it best; prefer a non-zero one
                pick = min(candidates, key=lambda k: (counts[k] == 0, counts[k]))
                hidden[pick] = "secondary"
                changed = True
    cells = {
        key: Cell(None, hidden[key]) if key in hidden else Cell(n)  # type: ignore[arg-type]
        for key, n in counts.items()
    }

    def total_cell(n: int) -> Cell:
        return Cell(None, "small") if _small(n, threshold) else Cell(n)

    row_totals = {r: total_cell(sum(counts[(r, c)] for c in columns)) for r in rows}
    column_totals = {c: total_cell(sum(counts[(r, c)] for r in rows)) for c in columns}
    return SuppressedTable(cells, row_totals, column_totals, total_cell(sum(counts.values())))


def suppress_counts(
    counts: Mapping[R, int], *, threshold: int = THRESHOLD, with_total: bool = True
) -> dict[R, Cell]:
    """Suppress the small counts of a one-way table (with secondary suppression when its
    total is published)."""
    result = suppress_table({"": dict(counts)}, threshold=threshold, with_totals=with_total)
    return {key: result.cells[("", key)] for key in counts}
