"""Agreement of independent reviewers: Krippendorff's alpha, majority and dissent.

Krippendorff's alpha is written here from the published computation (K. Krippendorff,
"Computing Krippendorff's Alpha-Reliability", 2011): values pairable within a unit (at
least two coders rated it) fill a coincidence matrix ``o[c][k]``, each unit's pairs
weighted by ``1 / (m_u - 1)``; with the marginals ``n_c`` and their total ``n``,

    alpha = 1 - (n - 1) * sum(o[c][k] * d2(c, k)) / sum(n_c * n_k * d2(c, k)),

where ``d2`` is the metric of the level of measurement. For the ordinal ladder,
``d2(c, k) = (sum(n_g for g from c to k) - (n_c + n_k) / 2) ** 2``. Nominal and interval
metrics are provided for the tests against the paper's worked examples.

Alpha measures agreement across many units: for one element rated by three reviewers
it is not informative (over a single unit it is 0 or undefined), so per element the
consolidation reports the majority, the dissenting reviewers and the spread on the ladder,
and alpha is computed over all elements together (and over each crime's elements).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from expediente.legal.ladder import Ladder

__all__ = ["ElementConsensus", "Level", "PanelConsensus", "consolidate", "krippendorff_alpha"]

Level = Literal["nominal", "ordinal", "interval"]


def krippendorff_alpha(
    units: Sequence[Sequence[Hashable | None]], level: Level = "ordinal"
) -> float | None:
    """Krippendorff's alpha over ``units``, each a sequence of values by coder (None: missing).

    Ordinal and interval values must be ordered (numbers, or :class:`Ladder` rungs).
    Returns None when alpha is undefined: fewer than two pairable values, or no variation
    at all (every value the same, where agreement is perfect but cannot be told from chance).
    """
    if level not in ("nominal", "ordinal", "interval"):
        raise ValueError(f"unknown level of measurement {level!r}")
    coincidence: dict[tuple[Hashable, Hashable], float] = defaultdict(float)
    for unit in units:
        values = [v for v in unit if v is not None]
        m = len(values)
        if m < 2:
            continue
        weight = 1.0 / (m - 1)
        for i, c in enumerate(values):
            for j, k in enumerate(values):
                if i != j:
                    coincidence[(c, k)] += weight
    marginals: dict[Hashable, float] = defaultdict(float)
    for (c, _k), count in coincidence.items():
        marginals[c] += count
    n = sum(marginals.values())
    if n < 2 or len(marginals) < 2:
        return None
    values_sorted = sorted(marginals, key=_order_key) if level != "nominal" else list(marginals)

    def d2(c: Hashable, k: Hashable) -> float:
        if c == k:
            return 0.0
        if level == "nominal":
            return 1.0
        if level == "interval":
            return (float(c) - float(k)) ** 2  # type: ignore[arg-type]
        lo, hi = sorted((values_sorted.index(c), values_sorted.index(k)))
        between = sum(marginals[values_sorted[g]] for g in range(lo, hi + 1))
        return (between - (marginals[c] + marginals[k]) / 2.0) ** 2

    observed = sum(count * d2(c, k) for (c, k), count in coincidence.items())
    expected = sum(marginals[c] * marginals[k] * d2(c, k) for c in marginals for k in marginals)
    if expected == 0:
        return None
    return 1.0 - (n - 1) * observed / expected


def _order_key(value: Hashable) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"ordinal and interval values must be numbers, not {value!r}") from None


@dataclass(frozen=True, slots=True)
class ElementConsensus:
    """The reviewers' findings on one element, consolidated."""

    element_id: str
    findings: Mapping[str, Ladder]
    majority: Ladder | None
    """The rung more than half of the reviewers chose; None when no rung has a majority."""
    dissent: tuple[str, ...]
    """Reviewers whose finding differs from the majority (everyone, if there is none)."""
    median: Ladder
    """The lower median finding, a summary that exists even without a majority."""
    spread: int
    """Rungs between the lowest and the highest finding (0: unanimous)."""

    @property
    def unanimous(self) -> bool:
        return self.spread == 0


@dataclass(frozen=True, slots=True)
class PanelConsensus:
    elements: Mapping[str, ElementConsensus]
    alpha: float | None
    """Krippendorff's ordinal alpha over all elements (None: undefined)."""
    alpha_by_group: Mapping[str, float | None]


def consolidate(
    findings: Mapping[str, Mapping[str, Ladder | None]],
    groups: Mapping[str, str] | None = None,
) -> PanelConsensus:
    """Consolidate each reviewer's finding per element.

    Args:
        findings: ``{element id: {reviewer: rung or None (not rated)}}``.
        groups: ``{element id: crime or mode id}``, for alpha per group.
    """
    reviewers = sorted({r for per in findings.values() for r in per})
    elements: dict[str, ElementConsensus] = {}
    for element_id, per in findings.items():
        rated = {r: v for r, v in per.items() if v is not None}
        if not rated:
            continue
        counts = Counter(rated.values())
        top, top_count = max(counts.items(), key=lambda kv: (kv[1], -kv[0]))
        majority = top if top_count * 2 > len(rated) else None
        ordered = sorted(rated.values())
        elements[element_id] = ElementConsensus(
            element_id=element_id,
            findings=dict(sorted(rated.items())),
            majority=majority,
            dissent=tuple(sorted(r for r, v in rated.items() if v != majority)),
            median=ordered[(len(ordered) - 1) // 2],
            spread=int(ordered[-1]) - int(ordered[0]),
        )

    def alpha_of(ids: Sequence[str]) -> float | None:
        units = [[_value(findings[e].get(r)) for r in reviewers] for e in ids]
        return krippendorff_alpha(units, "ordinal")

    by_group: dict[str, list[str]] = {}
    for element_id in findings:
        if groups and element_id in groups:
            by_group.setdefault(groups[element_id], []).append(element_id)
    return PanelConsensus(
        elements=elements,
        alpha=alpha_of(list(findings)),
        alpha_by_group={g: alpha_of(ids) for g, ids in by_group.items()},
    )


def _value(rung: Ladder | None) -> int | None:
    return None if rung is None else int(rung)
