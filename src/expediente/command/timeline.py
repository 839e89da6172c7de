"""The layout of a chain-of-command figure: a time axis, one lane per unit level (a unit, its
parent, …), one bar per post held in it, and the acts attributed to the unit counted period by
period.

Posts and acts have imprecise dates: a post "from 2016" began some day between 1 January and 31
December 2016. A bar therefore has a *certain* part — the days the post was held under every
reading of its dates (from the latest possible start to the earliest possible end) — and
*possible* parts on either side, where some reading of the dates puts it. A post whose bounds
overlap so much that no day is certain is possible all along. Acts are counted the same way: an
act is *certainly* in a period when both its bounds fall inside it and *possibly* there when its
bounds only overlap it (an act of "2017" is possibly in May 2017, certainly in 2017).

Input is plain rows (:class:`Level`, :class:`Post`, :class:`DatedAct`); output is a
:class:`Timeline` of positions in pixels that any renderer (SVG, a PDF report) draws as it is.
Nothing here knows about a database, a person's name or a web page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

Step = Literal["year", "month"]
Anchor = Literal["start", "end"]

#: Above this many days the acts are counted per year, else per month.
YEARLY_ABOVE_DAYS = 3 * 366

PAD_X = 8.0
AXIS_H = 22.0
HEADER_H = 20.0
HISTOGRAM_H = 40.0
#: The tallest column of acts; the room above it takes the column's count.
COLUMN_H = 24.0
#: Columns narrower than this carry no count (their title and the table still do).
MIN_COUNTED_W = 12.0
ROW_H = 28.0
BAR_H = 10.0
LANE_GAP = 10.0
#: The width of one character of a label at 11 px, an average of a sans-serif face, to keep a
#: label inside the figure.
CHAR_W = 6.2
#: Tick labels closer than this are thinned out (every 2nd, 5th, 10th … labelled).
MIN_LABEL_GAP = {"year": 38.0, "month": 60.0}
#: The longest tick label, in characters ("2017", "sept. 2017").
LABEL_CHARS = {"year": 4, "month": 10}


class TimelineInputError(ValueError):
    """A row that cannot be placed on a time axis, named by its key and field."""


@dataclass(frozen=True)
class Level:
    """One unit of the chain: `key` identifies it (for links), `label` is what to write."""

    key: str
    label: str


@dataclass(frozen=True)
class Post:
    """A post held in the unit of `level`, with the bounds of its start and end.

    `open_start`: no start is recorded (held since before anything the figure shows);
    `open_end`: no end is recorded (still held on `today`). A post whose recorded start or end
    has no bounds (a date that could not be read) is not drawn: it is in `Timeline.unplaced`.
    `own`: the post belongs to the person a page is about (drawn apart from their superiors).
    """

    key: str
    level: str
    holder: str
    label: str
    start_earliest: dt.date | None = None
    start_latest: dt.date | None = None
    end_earliest: dt.date | None = None
    end_latest: dt.date | None = None
    open_start: bool = False
    open_end: bool = False
    own: bool = False

    @property
    def placeable(self) -> bool:
        starts = self.open_start or (
            self.start_earliest is not None and self.start_latest is not None
        )
        ends = self.open_end or (self.end_earliest is not None and self.end_latest is not None)
        return starts and ends


@dataclass(frozen=True)
class DatedAct:
    """An act attributed to the unit of `level` (`key` identifies the act: counted once per
    unit however many times it names the unit), between its date bounds (None: undated)."""

    key: str
    level: str
    earliest: dt.date | None
    latest: dt.date | None


@dataclass(frozen=True)
class Segment:
    """A part of a bar: the days `start`–`end` (inclusive), certainly or possibly held."""

    start: dt.date
    end: dt.date
    certain: bool
    x: float
    width: float


@dataclass(frozen=True)
class Bar:
    post: Post
    y: float
    label_y: float
    label_x: float
    label_anchor: Anchor
    segments: tuple[Segment, ...]
    #: The certain days (None: no day is certain) and the whole possible span, as drawn.
    certain: tuple[dt.date, dt.date] | None
    possible: tuple[dt.date, dt.date]
    clipped_start: bool
    clipped_end: bool

    @property
    def hit(self) -> tuple[float, float, float, float]:
        """(x, y, width, height) of the area a pointer takes for the bar: its row from the
        label's line to the bar, across the bar and (as estimated) its label."""
        text = len(self.post.label) * CHAR_W
        label_from = self.label_x if self.label_anchor == "start" else self.label_x - text
        left = min(self.segments[0].x, label_from)
        right = max(self.segments[-1].x + self.segments[-1].width, label_from + text)
        top = self.label_y - 11
        return _r(left), _r(top), _r(right - left), _r(self.y + BAR_H - top)


@dataclass(frozen=True)
class ActCount:
    """The acts of one unit in one period: `certain` entirely inside it, `possible` only
    overlapping it; heights are in pixels, drawn up from `baseline`."""

    start: dt.date
    end: dt.date
    certain: int
    possible: int
    x: float
    width: float
    baseline: float
    certain_height: float
    possible_height: float

    @property
    def total(self) -> int:
        return self.certain + self.possible

    @property
    def certain_y(self) -> float:
        """The top of the column of acts certainly in the period."""
        return _r(self.baseline - self.certain_height)

    @property
    def possible_y(self) -> float:
        """The top of the column of acts possibly in the period (drawn above the certain)."""
        return _r(self.baseline - self.certain_height - self.possible_height)

    @property
    def counted(self) -> bool:
        """Whether the column is wide enough to write its count above it."""
        return self.width >= MIN_COUNTED_W

    @property
    def count_x(self) -> float:
        return _r(self.x + self.width / 2)

    @property
    def count_y(self) -> float:
        return _r(self.possible_y - 2)


@dataclass(frozen=True)
class Lane:
    level: Level
    y: float
    height: float
    label_y: float
    bars: tuple[Bar, ...]
    counts: tuple[ActCount, ...]
    #: Acts of this unit without dates, and dated acts outside the axis.
    undated: int
    outside: int
    #: Where a lane with neither posts nor counted acts writes that it has none.
    empty_y: float | None


@dataclass(frozen=True)
class Tick:
    when: dt.date
    x: float
    labelled: bool

    @property
    def label_x(self) -> float:
        return _r(self.x + 3)


@dataclass(frozen=True)
class Timeline:
    width: float
    height: float
    left: float
    right: float
    start: dt.date
    end: dt.date
    step: Step
    ticks: tuple[Tick, ...]
    lanes: tuple[Lane, ...]
    unplaced: tuple[Post, ...]
    top: float
    most: int

    @property
    def tick_top(self) -> float:
        return self.top - 6

    @property
    def bar_height(self) -> float:
        return BAR_H

    def x(self, day: dt.date) -> float:
        """The left edge of a day on the axis."""
        days = (self.end - self.start).days + 1
        return _r(self.left + (day - self.start).days / days * (self.right - self.left))


def _r(value: float) -> float:
    return round(value, 1)


def _check(post: Post, known: set[str]) -> None:
    if post.level not in known:
        raise TimelineInputError(f"post {post.key}: level {post.level!r} is not in the chain")
    pairs = (
        ("start", post.start_earliest, post.start_latest),
        ("end", post.end_earliest, post.end_latest),
    )
    for name, earliest, latest in pairs:
        if earliest is not None and latest is not None and earliest > latest:
            raise TimelineInputError(
                f"post {post.key}: {name} earliest {earliest} is after its latest {latest}"
            )
    if (
        post.start_earliest is not None
        and post.end_latest is not None
        and post.end_latest < post.start_earliest
    ):
        raise TimelineInputError(
            f"post {post.key}: end {post.end_latest} is before the start {post.start_earliest}"
        )


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def periods(start: dt.date, end: dt.date, step: Step) -> list[tuple[dt.date, dt.date]]:
    """The years or months from the one holding `start` to the one holding `end`."""
    out: list[tuple[dt.date, dt.date]] = []
    if step == "year":
        for year in range(start.year, end.year + 1):
            out.append((dt.date(year, 1, 1), dt.date(year, 12, 31)))
        return out
    current = _month_start(start)
    while current <= end:
        out.append((current, _month_end(current)))
        current = _month_end(current) + dt.timedelta(days=1)
    return out


def _span(post: Post, floor: dt.date, today: dt.date) -> tuple[dt.date, dt.date, dt.date, dt.date]:
    """(start earliest, start latest, end earliest, end latest) with open ends filled in."""
    if post.open_start:
        se = sl = floor
    else:
        if post.start_earliest is None or post.start_latest is None:
            raise TimelineInputError(f"post {post.key}: its start has no bounds")
        se, sl = post.start_earliest, post.start_latest
    if post.open_end:
        ee = el = max(today, sl)
    else:
        if post.end_earliest is None or post.end_latest is None:
            raise TimelineInputError(f"post {post.key}: its end has no bounds")
        ee, el = post.end_earliest, post.end_latest
    return se, sl, ee, el


Piece = tuple[dt.date, dt.date, bool]


def _pieces(se: dt.date, sl: dt.date, ee: dt.date, el: dt.date) -> list[Piece]:
    one = dt.timedelta(days=1)
    if sl > ee:  # no day is held under every reading of the dates
        return [(se, el, False)]
    out: list[Piece] = []
    if se < sl:
        out.append((se, sl - one, False))
    out.append((sl, ee, True))
    if ee < el:
        out.append((ee + one, el, False))
    return out


def _label_at(chars: int, x0: float, x1: float, right: float) -> tuple[float, Anchor]:
    """Where a bar's label goes: from the bar's start if it fits before the right edge, else
    ending at the bar's end, else from the left edge (the label has its own line)."""
    text = chars * CHAR_W
    if x0 + text <= right:
        return _r(x0), "start"
    if x1 - text >= PAD_X:
        return _r(x1), "end"
    return PAD_X, "start"


def lay_out(
    levels: Sequence[Level],
    posts: Iterable[Post],
    acts: Iterable[DatedAct] = (),
    *,
    today: dt.date,
    width: float = 720.0,
    window: tuple[dt.date, dt.date] | None = None,
) -> Timeline | None:
    """The figure of `levels` (nearest first) with their posts and acts; None when nothing in
    it has a date to place on an axis.

    The axis runs over every placed post and dated act (to `today` when a post is still held),
    widened to whole years or months; `window` fixes it instead, and what lies outside is cut
    at its edges (posts) or counted as outside (acts).
    """
    if not levels:
        raise TimelineInputError("a chain of command needs at least one unit")
    known = {level.key for level in levels}
    if len(known) != len(levels):
        raise TimelineInputError("a unit appears twice in the chain")
    posts = list(posts)
    acts = list(acts)
    for post in posts:
        _check(post, known)
    for act in acts:
        if act.level not in known:
            raise TimelineInputError(f"act {act.key}: level {act.level!r} is not in the chain")
        if act.earliest is not None and act.latest is not None and act.earliest > act.latest:
            raise TimelineInputError(
                f"act {act.key}: earliest {act.earliest} is after its latest {act.latest}"
            )
    placed = [p for p in posts if p.placeable]
    unplaced = tuple(p for p in posts if not p.placeable)
    dated = [a for a in acts if a.earliest is not None and a.latest is not None]

    if window is not None:
        if window[0] > window[1]:
            raise TimelineInputError(f"window starts {window[0]} after it ends {window[1]}")
        first, last = window
    else:
        starts: list[dt.date] = [p.start_earliest for p in placed if p.start_earliest]
        ends: list[dt.date] = [p.end_latest for p in placed if p.end_latest and not p.open_end]
        if any(p.open_end for p in placed):
            ends.append(today)
        starts += [a.earliest for a in dated if a.earliest]
        ends += [a.latest for a in dated if a.latest]
        if not starts and not ends:
            return None
        first = min(starts) if starts else min(ends) - dt.timedelta(days=365)
        last = max(ends) if ends else max(starts)
        last = max(last, first)
    step: Step = "year" if (last - first).days > YEARLY_ABOVE_DAYS else "month"
    bins = periods(first, last, step)
    start, end = bins[0][0], bins[-1][1]
    right = width - PAD_X
    axis = Timeline(
        width=width,
        height=0.0,
        left=PAD_X,
        right=right,
        start=start,
        end=end,
        step=step,
        ticks=(),
        lanes=(),
        unplaced=unplaced,
        top=AXIS_H,
        most=0,
    )

    gap = (right - PAD_X) / len(bins)
    stride = 1
    for stride in (1, 2, 3, 5, 10, 20, 50, 100):
        if gap * stride >= MIN_LABEL_GAP[step]:
            break
    room = right - LABEL_CHARS[step] * CHAR_W - 3  # a label must end inside the figure
    ticks = tuple(
        Tick(when=b[0], x=axis.x(b[0]), labelled=(i % stride == 0 and axis.x(b[0]) <= room))
        for i, b in enumerate(bins)
    )

    counted: dict[str, list[tuple[dt.date, dt.date, int, int]]] = {}
    undated: dict[str, int] = {}
    outside: dict[str, int] = {}
    seen: set[tuple[str, str]] = set()
    by_level: dict[str, list[tuple[dt.date, dt.date]]] = {}
    for act in acts:
        if (act.key, act.level) in seen:
            continue
        seen.add((act.key, act.level))
        if act.earliest is None or act.latest is None:
            undated[act.level] = undated.get(act.level, 0) + 1
        elif act.latest < start or act.earliest > end:
            outside[act.level] = outside.get(act.level, 0) + 1
        else:
            by_level.setdefault(act.level, []).append((act.earliest, act.latest))
    most = 0
    for key, rows in by_level.items():
        line = []
        for b_start, b_end in bins:
            certain = possible = 0
            for earliest, latest in rows:
                if earliest >= b_start and latest <= b_end:
                    certain += 1
                elif earliest <= b_end and latest >= b_start:
                    possible += 1
            line.append((b_start, b_end, certain, possible))
            most = max(most, certain + possible)
        counted[key] = line

    lanes: list[Lane] = []
    y = AXIS_H
    one = dt.timedelta(days=1)
    for level in levels:
        lane_y = y
        y += HEADER_H
        counts: list[ActCount] = []
        if level.key in counted:
            baseline = y + HISTOGRAM_H - 4
            for b_start, b_end, certain, possible in counted[level.key]:
                if certain + possible == 0:
                    continue
                x0, x1 = axis.x(b_start), axis.x(b_end + one)
                scale = COLUMN_H / most
                counts.append(
                    ActCount(
                        start=b_start,
                        end=b_end,
                        certain=certain,
                        possible=possible,
                        x=_r(x0 + 1),
                        width=_r(max(x1 - x0 - 2, 1.0)),
                        baseline=_r(baseline),
                        certain_height=_r(certain * scale),
                        possible_height=_r(possible * scale),
                    )
                )
            y += HISTOGRAM_H
        bars: list[Bar] = []
        mine = [p for p in placed if p.level == level.key]
        mine.sort(key=lambda p: (not p.own, p.start_earliest or dt.date.min, p.key))
        for post in mine:
            se, sl, ee, el = _span(post, start, today)
            if el < start or se > end:
                continue  # wholly outside the window
            pieces = []
            for a, b, certain in _pieces(se, sl, ee, el):
                a, b = max(a, start), min(b, end)
                if a <= b:
                    pieces.append((a, b, certain))
            segments = tuple(
                Segment(
                    start=a,
                    end=b,
                    certain=certain,
                    x=axis.x(a),
                    width=_r(max(axis.x(b + one) - axis.x(a), 1.5)),
                )
                for a, b, certain in pieces
            )
            sure = [(a, b) for a, b, c in pieces if c]
            x0 = segments[0].x
            x1 = segments[-1].x + segments[-1].width
            label_x, anchor = _label_at(len(post.label), x0, x1, right)
            bars.append(
                Bar(
                    post=post,
                    y=_r(y + ROW_H - BAR_H - 4),
                    label_y=_r(y + 11),
                    label_x=label_x,
                    label_anchor=anchor,
                    segments=segments,
                    certain=(sure[0][0], sure[-1][1]) if sure else None,
                    possible=(pieces[0][0], pieces[-1][1]),
                    clipped_start=se < start or post.open_start,
                    clipped_end=el > end,
                )
            )
            y += ROW_H
        empty_y = None
        if not bars and not counts:
            empty_y = _r(y + 12)
            y += ROW_H * 0.7
        y += LANE_GAP
        lanes.append(
            Lane(
                level=level,
                y=_r(lane_y),
                height=_r(y - lane_y - LANE_GAP / 2),
                label_y=_r(lane_y + 14),
                bars=tuple(bars),
                counts=tuple(counts),
                undated=undated.get(level.key, 0),
                outside=outside.get(level.key, 0),
                empty_y=empty_y,
            )
        )
    return Timeline(
        width=width,
        height=_r(y),
        left=PAD_X,
        right=right,
        start=start,
        end=end,
        step=step,
        ticks=ticks,
        lanes=tuple(lanes),
        unplaced=unplaced,
        top=AXIS_H,
        most=most,
    )
