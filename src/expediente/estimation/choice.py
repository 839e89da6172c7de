"""Which lists and which estimator, when nobody said: the automatic choice of an estimate.

A case can hold any number of sources, and a log-linear model over J lists has 2^J cells: with
twenty sources it cannot be fitted at all, and with a dozen most of its cells are empty. The
choice below decides, from the capture table and the kind of each source, how to define the
lists and which estimator to run, and says why, in reasons a page or a command line can print
in the reader's language (each reason is a code with its numbers, plus an English sentence).

The rule (see ``docs/decisions/0102-automatic-estimate-choice.md`` for why):

1. **Lists.** One list per source while there are at most `AUTO_MAX_LOGLINEAR_LISTS`. With
   more, sources of the same kind are merged into one list (a person is on it if on any of
   them), provided every source has a kind and that leaves at least `MIN_LISTS` lists; else
   the sources stay as they are and only the latent-class model can take them.
2. **Method.** The stepwise log-linear model when the lists are at most
   `AUTO_MAX_LOGLINEAR_LISTS` and the independence model can be fitted (its maximum-likelihood
   estimate exists); otherwise LCMCR, which takes any number of lists and needs no finite MLE.

A method or a grouping the user gave is kept as given; only what was left to the choice is
decided (and the reasons say which).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from expediente.estimation.captures import CaptureTable
from expediente.estimation.errors import EstimationError
from expediente.estimation.estimators import MAX_LOGLINEAR_LISTS

__all__ = [
    "AUTO",
    "AUTO_MAX_LOGLINEAR_LISTS",
    "GROUPINGS",
    "METHODS",
    "MIN_LISTS",
    "EstimateChoice",
    "Reason",
    "choose_estimate",
    "group_by_kind",
]

AUTO = "auto"
METHODS = ("loglinear", "lcmcr")
GROUPINGS = ("source", "kind")

#: The most lists the automatic choice gives a log-linear model: the most the project's
#: benchmarks time stepwise selection on (bench/mse/README.md), and well under the estimator's
#: hard limit, past which most of the 2^J cells are empty and selection overfits them.
AUTO_MAX_LOGLINEAR_LISTS = min(8, MAX_LOGLINEAR_LISTS)

#: Fewest lists on which list dependence can be modelled at all (with two, only independence).
MIN_LISTS = 3

#: English sentence of each reason; ``{name}`` fields come from the reason's values.
REASON_TEXTS: dict[str, str] = {
    "given_method": "the method {method} was asked for",
    "given_lists": "the lists were asked for one per {lists}",
    "sources_fit": "{sources} sources are at most the {limit} lists a log-linear model is "
    "given here: one list per source",
    "sources_too_many": "{sources} sources are more than the {limit} lists a log-linear model "
    "is given here",
    "grouped_by_kind": "sources of the same kind merged: {sources} sources became {lists} "
    "lists, one per kind",
    "kinds_too_few": "merging by kind would leave {kinds} list(s), fewer than the {minimum} "
    "needed to model how lists depend on each other: one list per source kept",
    "kind_missing": "{missing} source(s) have no kind, so sources cannot be merged by kind: "
    "one list per source kept",
    "loglinear_fits": "{lists} lists and the independence model can be fitted: stepwise "
    "log-linear model",
    "lists_too_many_for_loglinear": "{lists} lists are more than the {limit} a log-linear "
    "model is given here: latent-class model (LCMCR), which takes any number of lists",
    "loglinear_cannot_fit": "no log-linear model can be fitted to these lists ({detail}): "
    "latent-class model (LCMCR)",
    "few_lists": "only {lists} lists: the log-linear estimate assumes they are independent of "
    "each other (nothing else can be fitted on two lists)",
    "strata_share_choice": "the choice is made once on the whole table; every stratum is "
    "estimated with it",
}


@dataclass(frozen=True)
class Reason:
    """One step of the choice: a code, its numbers, and the English sentence."""

    code: str
    values: Mapping[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return REASON_TEXTS[self.code].format(**self.values)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "values": dict(self.values), "text": self.text}


@dataclass(frozen=True)
class EstimateChoice:
    """What the choice decided, and why.

    Attributes:
        method: ``loglinear`` or ``lcmcr``.
        lists: ``source`` or ``kind``.
        table: the capture table with the chosen lists.
        groups: chosen list name → the sources in it (one source each when by source).
        reasons: why, in order.
        requested_method, requested_lists: what was asked (``auto`` when left to the choice).
    """

    method: str
    lists: str
    table: CaptureTable
    groups: Mapping[str, tuple[str, ...]]
    reasons: tuple[Reason, ...]
    requested_method: str = AUTO
    requested_lists: str = AUTO

    @property
    def automatic(self) -> bool:
        return AUTO in (self.requested_method, self.requested_lists)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (without the table)."""
        return {
            "requested_method": self.requested_method,
            "requested_lists": self.requested_lists,
            "method": self.method,
            "lists": self.lists,
            "groups": {name: list(sources) for name, sources in self.groups.items()},
            "reasons": [r.to_dict() for r in self.reasons],
        }


def group_by_kind(
    table: CaptureTable, kinds: Mapping[str, str]
) -> tuple[CaptureTable, dict[str, tuple[str, ...]]]:
    """The table with the sources of each kind merged into one list named by the kind.

    Raises:
        EstimationError: a list of the table has no kind.
    """
    missing = [name for name in table.lists if not kinds.get(name)]
    if missing:
        raise EstimationError(f"source(s) without a kind: {', '.join(missing)}")
    members: dict[str, list[str]] = defaultdict(list)
    for name in table.lists:
        members[kinds[name]].append(name)
    merged = table
    for kind in sorted(members):
        sources = members[kind]
        if len(sources) >= 2:
            merged = merged.merge_lists(sources, kind)
        else:
            renamed = tuple(kind if n == sources[0] else n for n in merged.lists)
            merged = CaptureTable(renamed, merged.patterns, merged.counts)
    order = sorted(members)
    index = [merged.lists.index(kind) for kind in order]
    merged = CaptureTable(tuple(order), merged.patterns[:, index], merged.counts)
    return merged, {kind: tuple(members[kind]) for kind in order}


def _loglinear_problem(table: CaptureTable) -> str | None:
    """Why no log-linear model fits the table (None when the independence model does)."""
    from expediente.estimation.loglinear import fit_loglinear

    if table.n_observed == 0:
        return "the table records nobody"
    try:
        fit_loglinear(table)
    except EstimationError as exc:
        return str(exc)
    return None


def choose_estimate(
    table: CaptureTable,
    kinds: Mapping[str, str],
    *,
    method: str = AUTO,
    lists: str = AUTO,
    stratified: bool = False,
) -> EstimateChoice:
    """Decide the lists and the estimator for a table whose lists are sources.

    Args:
        table: capture table with one list per source.
        kinds: source name → its kind (``source.ngo_list``...).
        method: ``auto``, ``loglinear`` or ``lcmcr``; a named method is kept.
        lists: ``auto``, ``source`` or ``kind``; a named grouping is kept.
        stratified: the estimate will be made per stratum (noted in the reasons).

    Raises:
        EstimationError: an unknown method or grouping, or ``kind`` asked for a table whose
            sources lack a kind.
    """
    if method not in (AUTO, *METHODS):
        raise EstimationError(f"method {method!r} is not one of {AUTO}, {', '.join(METHODS)}")
    if lists not in (AUTO, *GROUPINGS):
        raise EstimationError(f"lists {lists!r} is not one of {AUTO}, {', '.join(GROUPINGS)}")
    reasons: list[Reason] = []
    sources = table.n_lists
    limit = AUTO_MAX_LOGLINEAR_LISTS
    chosen_lists = lists
    if lists != AUTO:
        reasons.append(Reason("given_lists", {"lists": lists}))
    elif sources <= limit:
        chosen_lists = "source"
        reasons.append(Reason("sources_fit", {"sources": sources, "limit": limit}))
    else:
        reasons.append(Reason("sources_too_many", {"sources": sources, "limit": limit}))
        missing = [name for name in table.lists if not kinds.get(name)]
        n_kinds = len({kinds[name] for name in table.lists if kinds.get(name)})
        if missing:
            chosen_lists = "source"
            reasons.append(Reason("kind_missing", {"missing": len(missing)}))
        elif n_kinds < MIN_LISTS:
            chosen_lists = "source"
            reasons.append(Reason("kinds_too_few", {"kinds": n_kinds, "minimum": MIN_LISTS}))
        else:
            chosen_lists = "kind"
    if chosen_lists == "kind":
        chosen, groups = group_by_kind(table, kinds)
        if lists == AUTO:
            reasons.append(Reason("grouped_by_kind", {"sources": sources, "lists": chosen.n_lists}))
    else:
        chosen, groups = table, {name: (name,) for name in table.lists}

    chosen_method = method
    if method != AUTO:
        reasons.append(Reason("given_method", {"method": method}))
    elif chosen.n_lists > limit:
        chosen_method = "lcmcr"
        reasons.append(
            Reason("lists_too_many_for_loglinear", {"lists": chosen.n_lists, "limit": limit})
        )
    else:
        problem = _loglinear_problem(chosen)
        if problem is not None:
            chosen_method = "lcmcr"
            reasons.append(Reason("loglinear_cannot_fit", {"detail": problem}))
        else:
            chosen_method = "loglinear"
            reasons.append(Reason("loglinear_fits", {"lists": chosen.n_lists}))
            if chosen.n_lists < MIN_LISTS:
                reasons.append(Reason("few_lists", {"lists": chosen.n_lists}))
    if stratified and AUTO in (method, lists):
        reasons.append(Reason("strata_share_choice"))
    return EstimateChoice(
        method=chosen_method,
        lists=chosen_lists,
        table=chosen,
        groups=groups,
        reasons=tuple(reasons),
        requested_method=method,
        requested_lists=lists,
    )
