"""The charts of a report's count tables, as coordinates that the templates write out as SVG.

A hidden count (fewer than the threshold, or hidden so that it cannot be recovered from the
total) draws no bar: a bar's length would give the count away. Its row shows the table's word
for it instead. Every label is text the template escapes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from expediente.legal.disclosure import Cell

__all__ = ["BarChart", "ColumnChart", "bar_chart", "column_chart"]

WIDTH = 640
ROW = 22
LABEL = 236
RIGHT = 60
COLUMN_HEIGHT = 180
COLUMN_TOP = 16
COLUMN_AXIS = 40


@dataclass(frozen=True)
class Bar:
    label: str
    y: float
    text_y: float
    width: float
    value: int | None
    reason: str
    value_x: float


@dataclass(frozen=True)
class BarChart:
    kind: str
    width: int
    height: int
    label_x: int
    left: int
    bar_height: int
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Column:
    label: str
    x: float
    y: float
    width: float
    height: float
    value: int | None
    reason: str
    label_x: float
    labelled: bool
    mark_y: float


@dataclass(frozen=True)
class ColumnChart:
    kind: str
    width: int
    height: int
    base_y: float
    label_y: float
    max_value: int
    columns: tuple[Column, ...]


def _short(label: str, most: int = 32) -> str:
    return label if len(label) <= most else label[: most - 1].rstrip() + "…"


def bar_chart(rows: Sequence[tuple[str, Cell]]) -> BarChart | None:
    """Horizontal bars, one per row; None when no count can be drawn."""
    shown = [c.value for _label, c in rows if c.value]
    if not shown:
        return None
    top = max(shown)
    plot = WIDTH - LABEL - RIGHT
    bars = []
    for i, (label, cell) in enumerate(rows):
        width = round(plot * (cell.value or 0) / top, 1)
        y = 4 + i * ROW
        bars.append(
            Bar(
                label=_short(label),
                y=y,
                text_y=y + ROW / 2 + 4,
                width=width,
                value=cell.value,
                reason=cell.reason,
                value_x=LABEL + 8 + width + 4,
            )
        )
    return BarChart("bars", WIDTH, 8 + len(rows) * ROW, LABEL, LABEL + 8, ROW - 6, tuple(bars))


def column_chart(rows: Sequence[tuple[str, Cell]]) -> ColumnChart | None:
    """Vertical columns over time, one per period; None when no count can be drawn."""
    shown = [c.value for _label, c in rows if c.value]
    if not shown:
        return None
    top = max(shown)
    n = len(rows)
    left, right = 8, 8
    step = (WIDTH - left - right) / n
    every = max(1, round(n / 12))
    base = COLUMN_TOP + COLUMN_HEIGHT
    columns = []
    for i, (label, cell) in enumerate(rows):
        height = round(COLUMN_HEIGHT * (cell.value or 0) / top, 1)
        x = round(left + i * step + step * 0.1, 1)
        columns.append(
            Column(
                label=label,
                x=x,
                y=round(base - height, 1),
                width=round(step * 0.8, 1),
                height=height,
                value=cell.value,
                reason=cell.reason,
                label_x=round(left + i * step + step / 2, 1),
                labelled=i % every == 0,
                mark_y=base - 4,
            )
        )
    return ColumnChart(
        "columns", WIDTH, int(base + COLUMN_AXIS), base, base + 16, top, tuple(columns)
    )
