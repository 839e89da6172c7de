"""The chain-of-command layout: bars split into certain and possible days, acts counted in the
period that certainly or possibly holds them, an axis that fits what it shows."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from expediente.command import DatedAct, Level, Post, TimelineInputError, lay_out

D = dt.date
TODAY = D(2026, 12, 1)
CHAIN = [Level("cell", "Brigada"), Level("region", "Dirección regional")]


def post(key="p", level="cell", **dates):
    return Post(key=key, level=level, holder=f"h-{key}", label=key.upper(), **dates)


def year(y):
    return {"earliest": D(y, 1, 1), "latest": D(y, 12, 31)}


def test_a_post_from_a_year_to_a_month_is_possible_at_both_ends_and_certain_between():
    # "from 2016" to "2018-06": certainly held from 31 Dec 2016 to 1 Jun 2018.
    p = post(
        start_earliest=D(2016, 1, 1),
        start_latest=D(2016, 12, 31),
        end_earliest=D(2018, 6, 1),
        end_latest=D(2018, 6, 30),
    )
    t = lay_out(CHAIN, [p], today=TODAY)
    (bar,) = t.lanes[0].bars
    assert [(s.start, s.end, s.certain) for s in bar.segments] == [
        (D(2016, 1, 1), D(2016, 12, 30), False),
        (D(2016, 12, 31), D(2018, 6, 1), True),
        (D(2018, 6, 2), D(2018, 6, 30), False),
    ]
    assert bar.certain == (D(2016, 12, 31), D(2018, 6, 1))
    # Segments touch: the certain part starts where the possible one ends.
    first, middle, last = bar.segments
    assert first.x + first.width == pytest.approx(middle.x, abs=0.2)
    assert middle.x + middle.width == pytest.approx(last.x, abs=0.2)


def test_a_post_whose_bounds_overlap_has_no_certain_day():
    # Began sometime in 2016 and ended sometime in 2016: no day is certain.
    p = post(
        start_earliest=D(2016, 1, 1),
        start_latest=D(2016, 12, 31),
        end_earliest=D(2016, 1, 1),
        end_latest=D(2016, 12, 31),
    )
    (bar,) = lay_out(CHAIN, [p], today=TODAY).lanes[0].bars
    assert [s.certain for s in bar.segments] == [False]
    assert bar.certain is None
    assert bar.possible == (D(2016, 1, 1), D(2016, 12, 31))


def test_a_post_of_exact_days_is_all_certain():
    p = post(
        start_earliest=D(2017, 3, 4),
        start_latest=D(2017, 3, 4),
        end_earliest=D(2017, 9, 30),
        end_latest=D(2017, 9, 30),
    )
    (bar,) = lay_out(CHAIN, [p], today=TODAY).lanes[0].bars
    assert [(s.start, s.end, s.certain) for s in bar.segments] == [
        (D(2017, 3, 4), D(2017, 9, 30), True)
    ]


def test_a_post_still_held_runs_certainly_to_today():
    p = post(start_earliest=D(2025, 2, 1), start_latest=D(2025, 2, 28), open_end=True)
    t = lay_out(CHAIN, [p], today=TODAY)
    (bar,) = t.lanes[0].bars
    assert bar.segments[-1].certain and bar.segments[-1].end == TODAY
    assert t.start == D(2025, 2, 1) and t.end == D(2026, 12, 31)
    assert t.step == "month"


def test_a_post_with_an_unreadable_date_is_not_drawn_but_kept():
    good = post("a", start_earliest=D(2017, 1, 1), start_latest=D(2017, 1, 1), open_end=True)
    unread = post("b")  # a start was recorded but has no bounds
    t = lay_out(CHAIN, [good, unread], today=TODAY)
    assert [b.post.key for b in t.lanes[0].bars] == ["a"]
    assert t.unplaced == (unread,)


def test_nothing_dated_gives_no_figure():
    assert lay_out(CHAIN, [post()], [DatedAct("x", "cell", None, None)], today=TODAY) is None


def test_acts_are_counted_certainly_inside_a_period_or_possibly_overlapping_it():
    p = post(
        start_earliest=D(2017, 1, 1),
        start_latest=D(2017, 1, 1),
        end_earliest=D(2017, 12, 31),
        end_latest=D(2017, 12, 31),
    )
    acts = [
        DatedAct("day", "cell", D(2017, 5, 14), D(2017, 5, 14)),
        DatedAct("month", "cell", D(2017, 5, 1), D(2017, 5, 31)),
        DatedAct("month", "cell", D(2017, 5, 1), D(2017, 5, 31)),  # named twice: counted once
        DatedAct("year", "cell", D(2017, 1, 1), D(2017, 12, 31)),
        DatedAct("june", "region", D(2017, 6, 1), D(2017, 6, 30)),
        DatedAct("undated", "cell", None, None),
    ]
    t = lay_out(CHAIN, [p], acts, today=TODAY)
    assert t.step == "month"
    cell, region = t.lanes
    by_month = {c.start: (c.certain, c.possible) for c in cell.counts}
    assert by_month[D(2017, 5, 1)] == (2, 1)
    assert by_month[D(2017, 1, 1)] == (0, 1)  # the act of "2017" is possibly in January
    assert len(cell.counts) == 12
    assert cell.undated == 1
    assert [(c.start, c.certain, c.possible) for c in region.counts] == [(D(2017, 6, 1), 1, 0)]
    assert t.most == 3
    may = next(c for c in cell.counts if c.start == D(2017, 5, 1))
    assert may.certain_height + may.possible_height == pytest.approx(24, abs=0.2)
    # The tallest column leaves room above it for its count, inside the lane.
    assert cell.y + 20 <= may.count_y - 8 and may.baseline < cell.y + cell.height
    assert may.counted


def test_a_long_span_counts_per_year_and_thins_its_labels():
    acts = [DatedAct(str(y), "cell", D(y, 3, 1), D(y, 3, 1)) for y in range(1990, 2021)]
    t = lay_out(CHAIN, [], acts, today=TODAY, width=390)
    assert t.step == "year"
    assert [c.start.year for c in t.lanes[0].counts] == list(range(1990, 2021))
    labelled = [tick.x for tick in t.ticks if tick.labelled]
    assert len(labelled) < len(t.ticks)
    assert min(b - a for a, b in itertools.pairwise(labelled)) >= 38
    assert all(t.left <= tick.x <= t.right for tick in t.ticks)
    assert all(tick.label_x + 4 * 6.2 <= t.width for tick in t.ticks if tick.labelled)


def test_a_window_cuts_posts_at_its_edges_and_leaves_acts_outside_uncounted():
    boss = post(
        "boss",
        level="region",
        start_earliest=D(2000, 1, 1),
        start_latest=D(2000, 1, 1),
        open_end=True,
    )
    before = post(
        "gone",
        level="region",
        start_earliest=D(1990, 1, 1),
        start_latest=D(1990, 1, 1),
        end_earliest=D(1995, 1, 1),
        end_latest=D(1995, 1, 1),
    )
    acts = [
        DatedAct("in", "region", D(2017, 2, 1), D(2017, 2, 1)),
        DatedAct("out", "region", D(2010, 2, 1), D(2010, 2, 1)),
    ]
    t = lay_out(CHAIN, [boss, before], acts, today=TODAY, window=(D(2016, 6, 1), D(2017, 8, 1)))
    region = t.lanes[1]
    (bar,) = region.bars
    assert bar.post.key == "boss"
    assert bar.segments[0].start == D(2016, 6, 1) and bar.segments[-1].end == D(2017, 8, 31)
    assert bar.clipped_start and bar.clipped_end
    assert region.outside == 1 and sum(c.total for c in region.counts) == 1


def test_a_lane_with_nothing_says_so_and_lanes_do_not_overlap():
    p = post(start_earliest=D(2017, 1, 1), start_latest=D(2017, 1, 1), open_end=True)
    t = lay_out(CHAIN, [p], today=TODAY)
    cell, region = t.lanes
    assert cell.empty_y is None and region.empty_y is not None
    assert cell.y + cell.height <= region.y
    assert region.y + region.height <= t.height


def test_own_posts_come_first_in_their_lane():
    a = post("a", start_earliest=D(2015, 1, 1), start_latest=D(2015, 1, 1), open_end=True)
    mine = Post("m", "cell", "me", "ME", D(2017, 1, 1), D(2017, 1, 1), open_end=True, own=True)
    t = lay_out(CHAIN, [a, mine], today=TODAY)
    assert [b.post.key for b in t.lanes[0].bars] == ["m", "a"]


@pytest.mark.parametrize(
    "bad, message",
    [
        (post(level="nowhere", open_start=True, open_end=True), "level 'nowhere'"),
        (
            post(start_earliest=D(2017, 2, 1), start_latest=D(2017, 1, 1), open_end=True),
            "start earliest 2017-02-01 is after its latest",
        ),
        (
            post(
                start_earliest=D(2017, 1, 1),
                start_latest=D(2017, 1, 1),
                end_earliest=D(2016, 1, 1),
                end_latest=D(2016, 1, 1),
            ),
            "is before the start",
        ),
    ],
)
def test_bad_rows_are_refused_by_name(bad, message):
    with pytest.raises(TimelineInputError, match=message) as caught:
        lay_out(CHAIN, [bad], today=TODAY)
    assert "post p" in str(caught.value)


def test_an_act_out_of_the_chain_or_backwards_is_refused():
    with pytest.raises(TimelineInputError, match="act x: level 'elsewhere'"):
        lay_out(CHAIN, [], [DatedAct("x", "elsewhere", D(2017, 1, 1), D(2017, 1, 1))], today=TODAY)
    with pytest.raises(TimelineInputError, match="act y: earliest"):
        lay_out(CHAIN, [], [DatedAct("y", "cell", D(2017, 2, 1), D(2017, 1, 1))], today=TODAY)
    with pytest.raises(TimelineInputError, match="at least one unit"):
        lay_out([], [], today=TODAY)


def test_a_label_stays_inside_the_figure():
    late = Post(
        "late",
        "cell",
        "h",
        "A rather long label for a post",
        D(2020, 11, 1),
        D(2020, 11, 1),
        open_end=True,
    )
    early = Post(
        "early", "cell", "h", "Short", D(2010, 1, 1), D(2010, 1, 1), D(2010, 6, 1), D(2010, 6, 1)
    )
    t = lay_out(CHAIN, [late, early], today=TODAY, width=340)
    bars = {b.post.key: b for b in t.lanes[0].bars}
    assert bars["early"].label_anchor == "start"
    assert bars["early"].label_x == bars["early"].segments[0].x
    late_bar = bars["late"]
    assert late_bar.label_anchor == "end"
    assert late_bar.label_x - len(late.label) * 6.2 >= t.left


def test_the_area_a_pointer_takes_covers_the_bar_and_its_label():
    p = post(start_earliest=D(2016, 1, 1), start_latest=D(2016, 12, 31), open_end=True)
    (bar,) = lay_out(CHAIN, [p], today=TODAY).lanes[0].bars
    x, y, width, height = bar.hit
    assert x <= bar.segments[0].x and x + width >= bar.segments[-1].x + bar.segments[-1].width
    assert y < bar.label_y < bar.y < y + height
    assert y + height == pytest.approx(bar.y + 10, abs=0.2)
