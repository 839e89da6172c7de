"""Horizontal bar charts drawn on the server as SVG: one row per bar, its label above it and its
count beside it, each row a link to the acts behind it.

The geometry and the rows are written here, every text escaped (a label is never markup): a
template loop over every bar cost more than the rest of the page.
The drawing is 320 units wide and scales with the column it sits in (up to 26rem), so that a
phone (390 px) shows it at about its own size and its text stays readable.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any
from urllib.parse import urlencode

from django.utils.safestring import SafeString

from expediente_web.dashboard.access import Bar
from expediente_web.workspace.templatetags.records import number

WIDTH = 320
ROW = 40  # height of one row: its label, then its bar
BAR_TOP = 19
BAR_HEIGHT = 14
COUNT_ROOM = 66  # room right of the longest bar for its count
LABEL_CHARS = 44  # longer labels are cut with "…" (the full one is the row's title)


@dataclass
class Row:
    """One row; coordinates are strings already, so that the template does not format them as
    numbers of the reader's language (1.200) nor spend time doing it."""

    label: str
    title: str
    count: int
    shown: str  # the count as the reader's language writes it
    share: str  # percent of the chart's total, as the reader's language writes it
    href: str
    y: str
    bar_y: str
    text_y: str
    count_y: str
    width: str
    count_x: str


@dataclass
class Chart:
    slug: str
    rows: list[Row]
    height: str
    width: str = str(WIDTH)

    def svg_rows(self) -> SafeString:
        """The rows of the drawing: each a link (a group, for a bar without a filter) holding
        its title, its label, its bar and its count."""
        drawn = []
        for r in self.rows:
            inside = (
                f"<title>{escape(r.title)}: {escape(r.shown)} ({escape(r.share)} %)</title>"
                f'<rect class="bar-hit" x="0" y="{r.y}" width="{self.width}" height="{ROW - 2}">'
                f'</rect><text class="bar-label" x="0" y="{r.text_y}">{escape(r.label)}</text>'
                f'<rect class="bar" x="0" y="{r.bar_y}" width="{r.width}" height="{BAR_HEIGHT}" '
                f'rx="2"></rect><text class="bar-count" x="{r.count_x}" y="{r.count_y}">'
                f"{escape(r.shown)}</text>"
            )
            if r.href:
                drawn.append(f'<a href="{escape(r.href)}" class="bar-link">{inside}</a>')
            else:
                drawn.append(f"<g>{inside}</g>")
        return _written("\n".join(drawn))

    def table_rows(self) -> SafeString:
        """The same figures as rows of a table, each label a link."""
        rows = []
        for r in self.rows:
            label = (
                f'<a href="{escape(r.href)}">{escape(r.title)}</a>' if r.href else escape(r.title)
            )
            rows.append(
                f'<tr><td>{label}</td><td class="num">{escape(r.shown)}</td>'
                f'<td class="num">{escape(r.share)}</td></tr>'
            )
        return _written("\n".join(rows))


def _written(markup: str) -> SafeString:
    """Markup built above: every text in it went through `escape` (the coordinates are numbers
    this module wrote). One escape per text, not Django's per-argument `format_html`: a chart
    of the large demo case has some seventy rows of fifteen values."""
    return SafeString(markup)


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
        top = i * ROW
        rows.append(
            Row(
                label=label,
                title=bar.title or bar.label,
                count=bar.count,
                shown=number(bar.count),
                share=number(round(100 * bar.count / whole, 1) if whole else 0.0),
                href=f"{acts_url}?{urlencode(bar.query)}" if bar.query else "",
                y=str(top),
                bar_y=str(top + BAR_TOP),
                text_y=str(top + 14),
                count_y=str(top + BAR_TOP + 12),
                width=str(width),
                count_x=str(width + 6),
            )
        )
    return Chart(slug=slug, rows=rows, height=str(max(len(rows), 1) * ROW))


def labelled(bars: list[Bar], label: Any) -> list[Bar]:
    """The bars with their labels replaced by `label(bar)`."""
    for bar in bars:
        bar.label = str(label(bar))
    return bars
