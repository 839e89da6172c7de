"""``link_records``: records in, resolved persons out.

This is the API the CLI, the web application and notebooks call. It runs the whole
pipeline: front end, blocking, comparison, training (EM, with reviewer labels when given),
scoring, constrained clustering, alternative clusterings, review queue, evaluation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from expediente.linkage.blocking import CandidatePairs, block, blocking_recall
from expediente.linkage.clustering import (
    Clustering,
    Conflicts,
    average_linkage,
    cluster,
    star,
)
from expediente.linkage.comparisons import compare, level_names
from expediente.linkage.config import LinkConfig
from expediente.linkage.metrics import LinkageMetrics, evaluate
from expediente.linkage.model import FellegiSunter, calibrate_groups, estimate_u, train
from expediente.linkage.prepare import InputError, Prepared, prepare
from expediente.linkage.review import PairLabel, queue_order

#: Candidate pairs below this probability whose records are linked elsewhere become
#: cannot-link constraints: strong evidence against stops chains of weaker links.
CONFLICT_PROBABILITY = 1e-3
#: Fields that disagree by this many bits in all make a cannot-link, whatever else agrees.
CONFLICT_BITS = 10.0

Progress = Callable[[str], None]

#: Comparison kinds whose agreement groups of people share (never training sessions).
SHARED_KINDS = frozenset({"event", "place", "exact"})

#: Comparison kinds each source writes in its own way (m calibrated per pair of sources).
WRITTEN_KINDS = frozenset({"given_names", "surnames", "birth", "string"})

#: Fields whose disagreement names a different person (identity number, birth).
IDENTITY_KINDS = frozenset({"id_number", "birth"})

DECISION_TEXT = np.array(["", "accept", "reject"], dtype=object)


@dataclass
class LinkResult:
    """Everything a linkage run produces.

    Attributes:
        membership: source_id, record_id, person_id, match_probability (strongest link of
            the record within its person; null for a record alone).
        capture_history: one row per person, one 0/1 column per source (MSE input).
        links: scored pairs at or above the review band's lower bound, with per-field levels
            and match weights (the explanation of every link).
        review_queue: uncertain unlabelled pairs, most useful first.
        clusterings: the main clustering first, then alternative thresholds and samples.
        model: the trained Fellegi-Sunter model.
        diagnostics: counts (records, candidate pairs per rule, EM iterations...).
        evaluation: metrics per clustering when a truth column was given.
    """

    membership: pl.DataFrame
    capture_history: pl.DataFrame
    links: pl.DataFrame
    review_queue: pl.DataFrame
    clusterings: list[Clustering]
    model: FellegiSunter
    diagnostics: dict[str, Any]
    evaluation: dict[str, LinkageMetrics] = field(default_factory=dict)
    sources: tuple[str, ...] = ()
    _source: np.ndarray | None = None
    _record: np.ndarray | None = None

    def capture_histories(self) -> pl.DataFrame:
        """Capture histories of every clustering, long: clustering, person_id, sources..."""
        frames = [
            _capture_history(c.person, self._source, self.sources)
            .with_columns(pl.lit(c.label).alias("clustering"))
            .select("clustering", pl.exclude("clustering"))
            for c in self.clusterings
        ]
        return pl.concat(frames)

    def clustering_summary(self) -> pl.DataFrame:
        """Number of persons in each clustering (how much the total depends on linkage)."""
        return pl.DataFrame(
            {
                "clustering": [c.label for c in self.clusterings],
                "persons": [c.n_persons for c in self.clusterings],
            }
        )


def _person_ids(person: np.ndarray) -> list[str]:
    return [f"P{p + 1:06d}" for p in person.tolist()]


def _capture_history(
    person: np.ndarray, source: np.ndarray | None, sources: tuple[str, ...]
) -> pl.DataFrame:
    assert source is not None  # noqa: S101 (type narrowing for mypy; the invariant is set just above)
    n_persons = int(person.max()) + 1 if len(person) else 0
    data: dict[str, Any] = {"person_id": _person_ids(np.arange(n_persons))}
    for name in sources:
        flags = np.zeros(n_persons, dtype=np.int8)
        flags[person[source == name]] = 1
        data[name] = flags
    return pl.DataFrame(data)


def _to_polars(records: Any) -> pl.DataFrame:
    if isinstance(records, pl.DataFrame):
        return records
    try:
        return pl.from_pandas(records)
    except (TypeError, ValueError) as exc:
        raise InputError(f"records must be a polars or pandas DataFrame ({exc})") from None


def _random_pairs(
    prepared: Prepared, count: int, link_type: str, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n = prepared.n
    if n < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    count = int(min(count, n * (n - 1) // 2))
    a = rng.integers(0, n, size=count * 2)
    b = rng.integers(0, n, size=count * 2)
    keep = a != b
    if link_type == "link_only":
        keep &= prepared.source[a] != prepared.source[b]
    elif link_type == "dedupe_only":
        keep &= prepared.source[a] == prepared.source[b]
    a, b = a[keep][:count], b[keep][:count]
    return np.minimum(a, b), np.maximum(a, b)


class SourcePairs:
    """Unordered pairs of sources as small integers, and how many record pairs each holds."""

    def __init__(self, prepared: Prepared, link_type: str) -> None:
        names, self.code = np.unique(prepared.source.astype(str), return_inverse=True)
        self.code = self.code.reshape(-1).astype(np.int64)
        self.names = names.tolist()
        s = len(names)
        self.sources = s
        self.count = s * s
        sizes = np.bincount(self.code, minlength=s).astype(np.float64)
        population = np.outer(sizes, sizes)
        population[np.diag_indices(s)] = sizes * (sizes - 1) / 2
        population = np.triu(population)
        if link_type == "link_only":
            population[np.diag_indices(s)] = 0.0
        elif link_type == "dedupe_only":
            population = np.diag(np.diag(population))
        self.population = population.reshape(-1)

    def of(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """Group index of each pair (left[k], right[k])."""
        a, b = self.code[left], self.code[right]
        return np.minimum(a, b) * self.sources + np.maximum(a, b)

    def label(self, g: int) -> str:
        """'A~B' for a group index."""
        return f"{self.names[g // self.sources]}~{self.names[g % self.sources]}"


def _population_pairs(prepared: Prepared, link_type: str) -> float:
    """Number of pairs blocking selects from."""
    n = float(prepared.n)
    _, sizes = np.unique(prepared.source.astype(str), return_counts=True)
    within = float((sizes.astype(np.float64) * (sizes - 1) / 2).sum())
    total = n * (n - 1) / 2
    return {"link_only": total - within, "dedupe_only": within}.get(link_type, total)


def _label_pairs(
    prepared: Prepared, labels: Sequence[PairLabel]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    index = {
        (s, r): i
        for i, (s, r) in enumerate(
            zip(prepared.source.tolist(), prepared.record_id.tolist(), strict=True)
        )
    }
    left, right, value = [], [], []
    for k, label in enumerate(labels):
        a = index.get((str(label.source_a), str(label.record_a)))
        b = index.get((str(label.source_b), str(label.record_b)))
        if a is None or b is None:
            missing = (
                (label.source_a, label.record_a) if a is None else (label.source_b, label.record_b)
            )
            raise InputError(
                f"label {k + 1}: record {missing[1]!r} of source {missing[0]!r} "
                "is not among the records"
            )
        if label.decision == "unsure" or a == b:
            continue
        left.append(min(a, b))
        right.append(max(a, b))
        value.append(1 if label.decision == "accept" else 0)
    return np.array(left, np.int32), np.array(right, np.int32), np.array(value, np.int8)


def _merge_label_pairs(
    n: int, candidates: CandidatePairs, left: np.ndarray, right: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate pairs plus labelled pairs that blocking missed, and where each label sits.

    Candidate pairs come sorted by ``i * n + j``, so labels are found by binary search
    instead of a join over millions of pairs.
    """
    if len(left) == 0:
        return candidates.left, candidates.right, np.zeros(0, dtype=np.int64)
    keys = candidates.left.astype(np.int64) * n + candidates.right
    wanted = left.astype(np.int64) * n + right
    position = np.searchsorted(keys, wanted)
    inside = position < len(keys)
    inside[inside] = keys[position[inside]] == wanted[inside]
    extra_keys, first = np.unique(wanted[~inside], return_index=True)
    extra_left, extra_right = left[~inside][first], right[~inside][first]
    extra_position = len(keys) + np.searchsorted(extra_keys, wanted[~inside])
    position[~inside] = extra_position
    return (
        np.concatenate([candidates.left, extra_left.astype(np.int32)]),
        np.concatenate([candidates.right, extra_right.astype(np.int32)]),
        position,
    )


def link_records(
    records: Any,
    config: LinkConfig | None = None,
    labels: Sequence[PairLabel] = (),
    progress: Progress | None = None,
) -> LinkResult:
    """Resolve records into persons.

    Args:
        records: polars or pandas DataFrame, one row per record, with ``source_id`` and
            ``record_id`` and the person columns of the ``victims`` table kind (or the
            columns the config maps onto them).
        config: linkage configuration; defaults to the Spanish person configuration.
        labels: reviewer decisions, re-applied on every run: an accepted pair is always one
            person, a rejected pair never; both also train the model.
        progress: called with a short message as each stage starts.

    Raises:
        InputError: the records or labels cannot be used as they are.
    """
    config = config or LinkConfig()
    say = progress or (lambda message: None)
    frame = _to_polars(records)
    say("preparing records")
    prepared = prepare(frame, config)
    spec_names = tuple(spec.name for spec in config.fields)
    levels = tuple(len(level_names(spec)) for spec in config.fields)

    say("blocking")
    candidates = block(prepared, config.blocking, config.link_type, config.max_block_size)
    lab_left, lab_right, lab_value = _label_pairs(prepared, labels)
    left, right, found = _merge_label_pairs(prepared.n, candidates, lab_left, lab_right)

    say(f"comparing {len(left):,} candidate pairs")
    comparisons = compare(prepared, config.fields, left, right)
    gamma, tf = comparisons.gamma, comparisons.tf

    say("estimating u from random pairs")
    ra, rb = _random_pairs(prepared, config.u_sample_pairs, config.link_type, config.seed)
    random_gamma = compare(prepared, config.fields, ra, rb).gamma
    u = estimate_u(random_gamma, levels)

    say("training (EM)")
    labelled_gamma = None
    if len(lab_value):
        labelled_gamma = gamma[found]
    model = train(
        gamma,
        u,
        spec_names,
        levels,
        labelled_gamma,
        lab_value if len(lab_value) else None,
        config.label_weight,
        config.max_iterations,
        population_pairs=_population_pairs(prepared, config.link_type),
        session_fields=tuple(
            f for f, spec in enumerate(config.fields) if spec.kind not in SHARED_KINDS
        ),
    )
    model.set_tf_means(gamma, tf)
    groups = SourcePairs(prepared, config.link_type)
    group = None
    if config.calibrate_source_pairs and groups.count > 1:
        say("calibrating per pair of sources")
        group = groups.of(left, right)
        calibrate_groups(
            model,
            gamma,
            group,
            groups.count,
            groups.population,
            random_gamma,
            groups.of(ra, rb),
            labelled_gamma,
            lab_value if len(lab_value) else None,
            groups.of(lab_left, lab_right) if len(lab_value) else None,
            config.label_weight,
            m_fields=tuple(f for f, spec in enumerate(config.fields) if spec.kind in WRITTEN_KINDS),
        )

    say("scoring and clustering")
    weight, probability = model.score(gamma, tf, group)
    decision = np.zeros(len(left), dtype=np.int8)  # index into DECISION_TEXT
    must: list[tuple[int, int]] = []
    rejected = np.zeros((0, 2), dtype=np.int64)
    if len(lab_value):
        probability[found] = lab_value.astype(np.float64)
        weight[found] = np.where(lab_value == 1, 60.0, -60.0)
        decision[found] = np.where(lab_value == 1, 1, 2)
        must = list(
            zip(lab_left[lab_value == 1].tolist(), lab_right[lab_value == 1].tolist(), strict=True)
        )
        rejected = np.stack([lab_left[lab_value == 0], lab_right[lab_value == 0]], axis=1)
    against = _conflicts(
        prepared.n,
        left,
        right,
        probability,
        min([config.threshold, *config.alternative_thresholds, 0.05]),
        model.evidence_against(
            gamma,
            group,
            tuple(f for f, spec in enumerate(config.fields) if spec.kind in IDENTITY_KINDS),
        ),
    )
    conflicts = Conflicts(prepared.n, np.concatenate([rejected, against]))

    method = config.clustering
    c_left, c_right, c_probability = left, right, probability
    if method == "average":
        say("scoring every pair inside groups of linked records")
        floor = min([config.threshold, *config.alternative_thresholds])
        c_left, c_right, c_probability = _complete_components(
            prepared,
            config,
            model,
            groups if group is not None else None,
            left,
            right,
            probability,
            floor,
            config.complete_component_limit,
        )

    def run(t: float, label: str) -> Clustering:
        if method == "average":
            return average_linkage(
                prepared.n, c_left, c_right, c_probability, t, must, conflicts, label
            )
        if method == "star":
            return star(prepared.n, left, right, probability, t, label)
        return cluster(prepared.n, left, right, weight, probability >= t, must, conflicts, label)

    clusterings = [run(config.threshold, f"threshold={config.threshold:g}")]
    for t in config.alternative_thresholds:
        clusterings.append(run(t, f"threshold={t:g}"))
    rng = np.random.default_rng(config.seed)
    for s in range(config.samples):
        label = f"sample={s + 1}"
        if method == "average":
            # Each pair is a link with its probability; groups join where most of the
            # pairs between them were drawn as links.
            drawn = (rng.random(len(c_probability)) < c_probability).astype(np.float64)
            clusterings.append(
                average_linkage(prepared.n, c_left, c_right, drawn, 0.5, must, conflicts, label)
            )
        else:
            draw = rng.random(len(probability)) < probability
            clusterings.append(
                cluster(prepared.n, left, right, weight, draw, must, conflicts, label)
            )
    main = clusterings[0]

    sources = tuple(sorted(set(prepared.source.tolist())))
    membership = _membership(prepared, main, left, right, probability)
    capture = _capture_history(main.person, prepared.source, sources)
    say("explaining links")
    in_links = probability >= config.review_band[0]
    field_weights = model.field_weights(
        gamma[in_links],
        {f: v[in_links] for f, v in tf.items()},
        None if group is None else group[in_links],
    )
    links = _pair_table(
        prepared,
        config,
        left[in_links],
        right[in_links],
        gamma[in_links],
        field_weights,
        weight[in_links],
        probability[in_links],
        decision[in_links],
        main.person,
        model.prior_weights(int(in_links.sum()), None if group is None else group[in_links]),
    )
    low, high = config.review_band
    in_band = (probability >= low) & (probability < high) & (decision == 0)
    order = queue_order(gamma, probability, in_band)[: config.review_queue_limit]
    queue_weights = model.field_weights(
        gamma[order],
        {f: v[order] for f, v in tf.items()},
        None if group is None else group[order],
    )
    queue = _pair_table(
        prepared,
        config,
        left[order],
        right[order],
        gamma[order],
        queue_weights,
        weight[order],
        probability[order],
        decision[order],
        main.person,
        model.prior_weights(len(order), None if group is None else group[order]),
    ).with_columns(
        pl.Series("name_a", [prepared.display_name(i) for i in left[order].tolist()]),
        pl.Series("name_b", [prepared.display_name(i) for i in right[order].tolist()]),
    )

    diagnostics: dict[str, Any] = {
        "records": prepared.n,
        "sources": len(sources),
        "candidate_pairs": len(candidates),
        "pairs_per_rule": candidates.rule_counts,
        "blocks_skipped_as_too_large": candidates.skipped_blocks,
        "labels_used": len(lab_value),
        "em_iterations": model.iterations,
        "em_converged": model.converged,
        "match_prior": model.prior,
        "links_at_threshold": int((probability >= config.threshold).sum()),
        "review_queue": int(in_band.sum()),
        "review_queue_listed": len(order),
    }
    evaluation: dict[str, LinkageMetrics] = {}
    truth_column = config.truth_column
    if truth_column:
        if truth_column not in frame.columns:
            raise InputError(f"truth column {truth_column!r} is not in the input")
        truth = np.array(frame[truth_column].cast(pl.Utf8).to_list(), dtype=object)
        recall, kept, total = blocking_recall(candidates, truth)
        diagnostics.update(blocking_recall=recall, true_pairs=total, true_pairs_kept=kept)
        evaluation = {c.label: evaluate(c.person, truth) for c in clusterings}
    return LinkResult(
        membership=membership,
        capture_history=capture,
        links=links,
        review_queue=queue,
        clusterings=clusterings,
        model=model,
        diagnostics=diagnostics,
        evaluation=evaluation,
        sources=sources,
        _source=prepared.source,
        _record=prepared.record_id,
    )


def _complete_components(
    prepared: Prepared,
    config: LinkConfig,
    model: FellegiSunter,
    groups: SourcePairs | None,
    left: np.ndarray,
    right: np.ndarray,
    probability: np.ndarray,
    floor: float,
    limit: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate pairs plus every other pair inside each small group of linked records.

    Blocking may leave out a pair whose two records are both linked to a third; average
    linkage must see that pair's own evidence, not take it as 0. Groups (connected at
    ``floor``) larger than ``limit`` records are left as they are.
    """
    n = prepared.n
    links = probability >= floor
    graph = coo_matrix((np.ones(int(links.sum())), (left[links], right[links])), shape=(n, n))
    _, component = connected_components(graph, directed=False)
    sizes = np.bincount(component)
    small = (sizes[component] >= 2) & (sizes[component] <= limit)
    idx = np.flatnonzero(small)
    if len(idx) == 0:
        return left, right, probability
    order = idx[np.argsort(component[idx], kind="stable")]
    comp = component[order]
    starts = np.r_[0, np.flatnonzero(np.diff(comp)) + 1]
    ends = np.r_[starts[1:], len(order)]
    new_left, new_right = [], []
    for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
        members = np.sort(order[a:b])
        i, j = np.triu_indices(len(members), k=1)
        new_left.append(members[i])
        new_right.append(members[j])
    extra_left = np.concatenate(new_left).astype(np.int64)
    extra_right = np.concatenate(new_right).astype(np.int64)
    keys = left.astype(np.int64) * n + right
    wanted = extra_left * n + extra_right
    known = np.isin(wanted, keys)
    extra_left, extra_right = extra_left[~known], extra_right[~known]
    if len(extra_left) == 0:
        return left, right, probability
    extra = compare(prepared, config.fields, extra_left, extra_right)
    extra_group = groups.of(extra_left, extra_right) if groups is not None else None
    _, extra_probability = model.score(extra.gamma, extra.tf, extra_group)
    return (
        np.concatenate([left, extra_left.astype(left.dtype)]),
        np.concatenate([right, extra_right.astype(right.dtype)]),
        np.concatenate([probability, extra_probability]),
    )


def _conflicts(
    n: int,
    left: np.ndarray,
    right: np.ndarray,
    probability: np.ndarray,
    link_floor: float,
    evidence_against: np.ndarray | None = None,
) -> np.ndarray:
    """Candidate pairs with strong evidence against that a chain of links could still join.

    Strong evidence against is a match probability below ``CONFLICT_PROBABILITY``, or
    identity fields (number, birth) that disagree by ``CONFLICT_BITS`` or more whatever
    the names say: two
    different identity numbers and birth dates decades apart are a father and his son of
    the same name, however rare that name is. Only pairs inside one connected component
    of the links at ``link_floor`` can ever be joined by chaining, so only those become
    cannot-link constraints.
    """
    links = probability >= link_floor
    graph = coo_matrix((np.ones(int(links.sum())), (left[links], right[links])), shape=(n, n))
    _, component = connected_components(graph, directed=False)
    strong = probability < CONFLICT_PROBABILITY
    if evidence_against is not None:
        strong |= evidence_against <= -CONFLICT_BITS
    against = strong & (component[left] == component[right])
    return np.stack([left[against], right[against]], axis=1)


def _membership(
    prepared: Prepared,
    main: Clustering,
    left: np.ndarray,
    right: np.ndarray,
    probability: np.ndarray,
) -> pl.DataFrame:
    same = main.person[left] == main.person[right]
    best = np.full(prepared.n, np.nan)
    np.fmax.at(best, left[same], probability[same])
    np.fmax.at(best, right[same], probability[same])
    return pl.DataFrame(
        {
            "source_id": prepared.source.tolist(),
            "record_id": prepared.record_id.tolist(),
            "person_id": _person_ids(main.person),
            "match_probability": best,
        }
    ).with_columns(pl.col("match_probability").fill_nan(None))


def _pair_table(
    prepared: Prepared,
    config: LinkConfig,
    left: np.ndarray,
    right: np.ndarray,
    gamma: np.ndarray,
    field_weights: np.ndarray,
    weight: np.ndarray,
    probability: np.ndarray,
    decision: np.ndarray,
    person: np.ndarray,
    prior_weight: np.ndarray,
) -> pl.DataFrame:
    # Gathering from polars series keeps a table of a million pairs out of Python loops.
    source = pl.Series(prepared.source.tolist(), dtype=pl.Utf8)
    record = pl.Series(prepared.record_id.tolist(), dtype=pl.Utf8)

    def labels(names: list[str], codes: np.ndarray) -> pl.Series:
        table = pl.Series([*names, "missing"], dtype=pl.Utf8)
        return table.gather(np.where(codes < 0, len(names), codes).astype(np.int64))

    data: dict[str, Any] = {
        "source_a": source.gather(left),
        "record_a": record.gather(left),
        "source_b": source.gather(right),
        "record_b": record.gather(right),
        "match_probability": probability,
        "match_weight": weight,
        "prior_weight": prior_weight,
        "same_person": person[left] == person[right],
        "decision": labels(["", "accept", "reject"], decision.astype(np.int64)),
    }
    for f, spec in enumerate(config.fields):
        data[f"{spec.name}_level"] = labels(list(level_names(spec)), gamma[:, f].astype(np.int64))
        data[f"{spec.name}_weight"] = field_weights[:, f]
    return pl.DataFrame(data)
