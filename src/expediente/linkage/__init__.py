"""Probabilistic person linkage built for Spanish names.

Fellegi-Sunter record linkage with a Spanish naming front end (two surnames, compound and
abbreviated given names, particles, nicknames, accents, cédula numbers, partial dates),
array-based blocking, EM training improved by reviewer labels, constrained clustering,
explanations of every link, a review queue and several plausible clusterings. The output
(one row per person, one 0/1 column per source) is the input of multiple-systems
estimation.

Typical use::

    from expediente.linkage import LinkConfig, link_records
    result = link_records(records, LinkConfig(threshold=0.9))
    result.capture_history  # -> expediente.estimation

See ``docs/methodology/linkage.md``.
"""

from __future__ import annotations

from expediente.linkage.config import ConfigError, FieldSpec, LinkConfig, load_config
from expediente.linkage.metrics import LinkageMetrics, evaluate
from expediente.linkage.prepare import InputError
from expediente.linkage.resolve import LinkResult, link_records
from expediente.linkage.review import PairLabel

__all__ = [
    "ConfigError",
    "FieldSpec",
    "InputError",
    "LinkConfig",
    "LinkResult",
    "LinkageMetrics",
    "PairLabel",
    "evaluate",
    "link_records",
    "load_config",
]
