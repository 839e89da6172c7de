"""The chart of an estimate's page: one row per stratum (and the total), drawn as server-side
SVG: the interval as a bar, the estimate as a dot, the people recorded as a tick.

Coordinates are computed here and the template only writes them out; every label is text the
template escapes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

WIDTH = 640
ROW = 28
LEFT = 150
RIGHT = 24
TOP = 8
AXIS = 34


@dataclass(frozen=True)
class ChartRow:
    label: str
    y: float
    y_top: float
    y_bottom: float
    recorded_x: float
    estimate_x: float
    lower_x: float
    upper_x: float
    recorded: float
    estimate: float
    lower: float
    upper: float
    total: bool


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    rows: tuple[ChartRow, ...]
    ticks: tuple[tuple[float, float], ...]
    axis_y: float
    left: int
    right: int

    @property
    def label_x(self) -> int:
        return self.left - 8

    @property
    def tick_y(self) -> float:
        return self.axis_y + 5

    @property
    def tick_label_y(self) -> float:
        return self.axis_y + 18


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    import math

    span = max(high - low, 1.0)
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value <= high + step / 2:
        ticks.append(value)
        value += step
    return ticks


def build_chart(rows: Sequence[dict[str, Any]]) -> Chart | None:
    """The chart of rows with ``label``, ``recorded``, ``estimate``, ``lower``, ``upper`` and
    ``total``; None when there is nothing to draw."""
    rows = [r for r in rows if r.get("lower") is not None and r.get("upper") is not None]
    if not rows:
        return None
    low = min(min(float(r["recorded"]), float(r["lower"])) for r in rows)
    high = max(float(r["upper"]) for r in rows)
    ticks = _nice_ticks(min(low, 0.0) if low < 0.2 * high else low * 0.9, high)
    start, end = ticks[0], max(ticks[-1], high)
    span = max(end - start, 1.0)
    plot = WIDTH - LEFT - RIGHT

    def x(value: float) -> float:
        return round(LEFT + (float(value) - start) / span * plot, 1)

    drawn = tuple(
        ChartRow(
            label=str(r["label"]), y=TOP + i * ROW + ROW / 2,
            y_top=TOP + i * ROW + ROW / 2 - 9, y_bottom=TOP + i * ROW + ROW / 2 + 9,
            recorded_x=x(r["recorded"]), estimate_x=x(r["estimate"]),
            lower_x=x(r["lower"]), upper_x=x(r["upper"]),
            recorded=float(r["recorded"]), estimate=float(r["estimate"]),
            lower=float(r["lower"]), upper=float(r["upper"]), total=bool(r.get("total")),
        )
        for i, r in enumerate(rows)
    )
    axis_y = TOP + len(rows) * ROW + 4
    return Chart(width=WIDTH, height=int(axis_y + AXIS), rows=drawn,
                 ticks=tuple((x(t), round(t)) for t in ticks if start <= t <= end),
                 axis_y=axis_y,
                 left=LEFT, right=WIDTH - RIGHT)
