"""Chains of command over time: the layout of a figure of who held which post in a unit and the
units above it, with the acts attributed to each unit period by period.

See :mod:`expediente.command.timeline` and ``docs/concepts/record.md`` (chains of command).
"""

from __future__ import annotations

from expediente.command.timeline import (
    ActCount,
    Bar,
    DatedAct,
    Lane,
    Level,
    Post,
    Segment,
    Tick,
    Timeline,
    TimelineInputError,
    lay_out,
)

__all__ = [
    "ActCount",
    "Bar",
    "DatedAct",
    "Lane",
    "Level",
    "Post",
    "Segment",
    "Tick",
    "Timeline",
    "TimelineInputError",
    "lay_out",
]
