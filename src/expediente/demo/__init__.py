"""Synthetic demo case generator: a fictional, clearly synthetic case with its ground truth.

Public API::

    from expediente.demo import generate, write_demo_case

    case = generate(seed=7, size="small")      # -> DemoCase (plain dataclasses, no Django)
    write_demo_case(case, "out/demo")          # -> the directory layout of the case tables

`generate(seed, size)` is deterministic: the same seed and size give byte-identical files.
`size="small"` gives a few hundred victims and about 1-2 thousand act records; `size="large"`
gives exactly 100,000 act records (with their victims, testimonies and sources).

The case is fictional: the people, units, sites and events are invented. Every record carries
the note ``SINTÉTICO / SYNTHETIC``. The ground truth (`DemoCase.truth`, written to `truth/`)
gives the true person behind every source record, the true unit behind every act record and the
true number of victims, documented or not, so record linkage and estimation can be scored.
"""

from __future__ import annotations

from expediente.demo.case import (
    SYNTHETIC_NOTE,
    DemoCase,
    Size,
    SourceData,
    SourceSpec,
    Table,
    Truth,
)
from expediente.demo.generator import generate
from expediente.demo.writer import write_demo_case

__all__ = [
    "SYNTHETIC_NOTE",
    "DemoCase",
    "Size",
    "SourceData",
    "SourceSpec",
    "Table",
    "Truth",
    "generate",
    "write_demo_case",
]
