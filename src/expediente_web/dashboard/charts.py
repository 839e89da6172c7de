"""Horizontal bar charts drawn on the server as SVG: one row per bar, its label above it and its
count beside it, each row a link to the acts behind it.

The geometry is computed here and the template writes it (autoescaped: a label is never markup).
The drawing is 360 units wide and scales with the column it sits in, so that a phone (390 px)
shows it at about its own size and its text stays readable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from expediente_web.dashboard.access import Bar

WIDTH = 360
ROW = 40  # height of one row: its label, then its bar
BAR_TOP = 19
BAR_HEIGHT = 14
COUNT_ROOM = 64  # room right of the longest bar for its count
LABEL_CHARS = 46  # longer labels are cut with "…" (the full one is the row's title)


@dataclass
class Row:
    label: str
    title: str
    count: int
    share: float  # of the chart's total, 0–100
    href: str
    y: int
    bar_y: int
    text_y: int
    width: int
    count_x: int


@dataclass
class Chart:
    slug: str
    rows: list[Row]
    height: int
    width: int = WIDTH


def chart(slug: str, bars: list[Bar], acts_url: str, total: int | None = None) -> Chart:
    """The chart of `bars`; each row links to `acts_url` with the bar's filter. `total` is what
    the shares are of (the sum of the bars when not given)."""
    most = max((b.count for b in bars), default=0)
    whole = total if total is not None else sum(b.count for b in bars)
    room = WIDTH - COUNT_ROOM
    rows = []
    for i, bar in enumerate(bars):
        width = round(room * bar.count / most) if most else 0
        if bar.count and width < 2:
            width = 2
        label = bar.label if len(bar.label) <= LABEL_CHARS else bar.label[: LABEL_CHARS - 1] + "…"
        rows.append(
            Row(
                label=label,
                title=bar.title or bar.label,
                count=bar.count,
                share=round(100 * bar.count / whole, 1) if whole else 0.0,
                href=f"{acts_url}?{urlencode(bar.query)}" if bar.query else "",
                y=i * ROW,
                bar_y=i * ROW + BAR_TOP,
                text_y=i * ROW + 14,
                width=width,
                count_x=width + 6,
            )
        )
    return Chart(slug=slug, rows=rows, height=max(len(rows), 1) * ROW)


def labelled(bars: list[Bar], label: Any) -> list[Bar]:
    """The bars with their labels replaced by `label(bar)`."""
    for bar in bars:
        bar.label = str(label(bar))
    return bars
