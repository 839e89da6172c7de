"""Patterns in documented acts: counts, rates and indicators of *widespread* and *systematic*.

Input is a plain acts table (polars or pandas); see :mod:`expediente.patterns.acts`.
Methods are explained in ``docs/methodology/patterns.md``.
"""

from __future__ import annotations

from expediente.patterns.acts import PatternInputError, acts_frame
from expediente.patterns.counts import PERIODS, count_acts
from expediente.patterns.indicators import (
    Systematic,
    Widespread,
    gini,
    systematic_indicators,
    widespread_indicators,
)

__all__ = [
    "PERIODS",
    "PatternInputError",
    "Systematic",
    "Widespread",
    "acts_frame",
    "count_acts",
    "gini",
    "systematic_indicators",
    "widespread_indicators",
]
