"""The Fellegi-Sunter model: m- and u-probabilities, EM training, match weights.

For each field f and level l, ``m[f][l]`` is the probability of that level among pairs of
records of the same person and ``u[f][l]`` among pairs of different persons. A pair's match
weight is ``log2(lambda / (1 - lambda)) + sum_f log2(m[f][l_f] / u[f][l_f])`` and its match
probability ``1 / (1 + 2 ** -weight)``. Fields missing on either side add nothing.

Training without labels: expectation-maximisation of m, u and lambda over the candidate
pairs, run on distinct comparison patterns with counts so that millions of pairs cost no
more than a few thousand patterns. Scoring then uses those m with u measured on random
pairs (almost all non-matches) and the prior rescaled to all pairs, so that weights measure
agreement against the whole population, not against pairs pre-selected by blocking. Reviewer labels
enter the same EM as pairs whose match status is known, each counting ``label_weight``
times.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_SMOOTH = 0.5  # pseudo-count per level: keeps every level possible, never log(0)
_TF_CLIP = 20.0  # a name's frequency may move its weight by at most log2(20) bits either way


@dataclass
class FellegiSunter:
    """Trained model parameters.

    Attributes:
        fields: field names.
        levels: number of levels per field.
        m: per field, array of m-probabilities by level.
        u: per field, array of u-probabilities by level.
        prior: lambda, the share of matches among candidate pairs.
        iterations: EM iterations run.
        converged: whether EM stopped by tolerance.
        tf_mean: per TF-adjusted field, mean reference frequency at the adjusted levels.
    """

    fields: tuple[str, ...]
    levels: tuple[int, ...]
    m: list[np.ndarray]
    u: list[np.ndarray]
    prior: float
    iterations: int = 0
    converged: bool = False
    tf_mean: dict[int, dict[int, float]] | None = None
    group_m: list[list[np.ndarray]] | None = None
    group_u: list[list[np.ndarray]] | None = None
    group_prior: np.ndarray | None = None

    def weights(self) -> list[np.ndarray]:
        """log2(m/u) per field and level."""
        return [np.log2(m / u) for m, u in zip(self.m, self.u, strict=True)]

    def prior_weight(self) -> float:
        """log2 of the prior odds of a match."""
        return float(np.log2(self.prior / (1.0 - self.prior)))

    def group_tables(self) -> list[np.ndarray] | None:
        """log2(m/u) per field as (groups x levels) arrays, when calibrated per group."""
        if self.group_m is None or self.group_u is None:
            return None
        return [
            np.stack(
                [np.log2(gm[f] / gu[f]) for gm, gu in zip(self.group_m, self.group_u, strict=True)]
            )
            for f in range(len(self.levels))
        ]

    def _field_weight(
        self,
        f: int,
        g: np.ndarray,
        tf: dict[int, np.ndarray] | None,
        table: np.ndarray,
        group: np.ndarray | None = None,
    ) -> np.ndarray:
        present = g >= 0
        level = np.where(present, g, 0)
        if group is not None and table.ndim == 2:
            out = np.where(present, table[group, level], 0.0)
        else:
            out = np.where(present, table[level], 0.0)
        if tf and f in tf and self.tf_mean and f in self.tf_mean:
            for top, mean in self.tf_mean[f].items():
                at = (g == top) & ~np.isnan(tf[f])
                ratio = np.clip(tf[f][at] / mean, 1 / _TF_CLIP, _TF_CLIP)
                out[at] -= np.log2(ratio)
        return out

    def _tables(self, group: np.ndarray | None) -> list[np.ndarray]:
        grouped = self.group_tables() if group is not None else None
        return grouped if grouped is not None else self.weights()

    def prior_weights(self, n: int, group: np.ndarray | None = None) -> np.ndarray:
        """log2 prior odds per pair (per group of sources when calibrated so)."""
        if group is not None and self.group_prior is not None:
            lam = self.group_prior[group]
            return np.log2(lam / (1.0 - lam))
        return np.full(n, self.prior_weight())

    def field_weights(
        self,
        gamma: np.ndarray,
        tf: dict[int, np.ndarray] | None = None,
        group: np.ndarray | None = None,
    ) -> np.ndarray:
        """Per pair and field match weight in bits (0 where the field is missing)."""
        tables = self._tables(group)
        out = np.zeros(gamma.shape, dtype=np.float64)
        for f in range(gamma.shape[1]):
            out[:, f] = self._field_weight(f, gamma[:, f], tf, tables[f], group)
        return out

    def evidence_against(
        self,
        gamma: np.ndarray,
        group: np.ndarray | None = None,
        fields: tuple[int, ...] | None = None,
    ) -> np.ndarray:
        """Sum of the negative weights of ``fields`` (default all) per pair (bits against)."""
        tables = self._tables(group)
        out = np.zeros(len(gamma))
        for f in fields if fields is not None else range(gamma.shape[1]):
            out += np.minimum(self._field_weight(f, gamma[:, f], None, tables[f], group), 0.0)
        return out

    def score(
        self,
        gamma: np.ndarray,
        tf: dict[int, np.ndarray] | None = None,
        group: np.ndarray | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """(total match weight, match probability) per pair.

        ``group`` (one index per pair, e.g. its pair of sources) selects the parameters
        calibrated for that group, when the model has them.
        """
        tables = self._tables(group)
        weight = self.prior_weights(len(gamma), group)
        for f in range(gamma.shape[1]):  # one field at a time: no pairs x fields matrix
            weight += self._field_weight(f, gamma[:, f], tf, tables[f], group)
        return weight, 1.0 / (1.0 + np.exp2(-np.clip(weight, -60, 60)))

    def set_tf_means(self, gamma: np.ndarray, tf: dict[int, np.ndarray]) -> None:
        """Record the mean reference frequency per TF-adjusted level (the normalisation)."""
        means: dict[int, dict[int, float]] = {}
        for f, values in tf.items():
            means[f] = {}
            for level in np.unique(gamma[:, f][~np.isnan(values)]):
                at = (gamma[:, f] == level) & ~np.isnan(values)
                means[f][int(level)] = float(np.exp(np.log(values[at]).mean()))
        self.tf_mean = means


def _level_counts(
    gamma: np.ndarray, weights: np.ndarray, levels: tuple[int, ...]
) -> list[np.ndarray]:
    out = []
    for f, n_levels in enumerate(levels):
        g = gamma[:, f]
        present = g >= 0
        out.append(np.bincount(g[present], weights=weights[present], minlength=n_levels)[:n_levels])
    return out


def pattern_keys(gamma: np.ndarray) -> np.ndarray:
    """One int64 per row of comparison levels (equal rows, equal keys)."""
    key = np.zeros(len(gamma), dtype=np.int64)
    for f in range(gamma.shape[1]):
        key = key * 17 + (gamma[:, f].astype(np.int64) + 1)
    return key


def unique_patterns(gamma: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of comparison levels and how often each occurs."""
    if len(gamma) == 0:
        return np.zeros((0, gamma.shape[1]), np.int8), np.zeros(0)
    _, first, counts = np.unique(pattern_keys(gamma), return_index=True, return_counts=True)
    return gamma[first], counts


def estimate_u(gamma_random: np.ndarray, levels: tuple[int, ...]) -> list[np.ndarray]:
    """u-probabilities from comparison levels of random record pairs."""
    counts = _level_counts(gamma_random, np.ones(len(gamma_random)), levels)
    return [(c + _SMOOTH) / (c.sum() + _SMOOTH * len(c)) for c in counts]


def _initial_m(levels: tuple[int, ...]) -> list[np.ndarray]:
    # Matches mostly sit at the top level; the rest spread geometrically downwards.
    out = []
    for n_levels in levels:
        m = 0.25 ** np.arange(n_levels - 1, -1, -1, dtype=np.float64)
        out.append(m / m.sum())
    return out


def _em(
    patterns: np.ndarray,
    counts: np.ndarray,
    known_gamma: np.ndarray,
    known: np.ndarray,
    known_w: np.ndarray,
    u_init: list[np.ndarray],
    levels: tuple[int, ...],
    max_iterations: int,
    tolerance: float,
) -> tuple[list[np.ndarray], list[np.ndarray], float, int, bool]:
    """Plain Fellegi-Sunter EM; labelled pairs keep their known match status."""
    model = FellegiSunter(
        fields=tuple(str(f) for f in range(len(levels))),
        levels=levels,
        m=_initial_m(levels),
        u=[x.copy() for x in u_init],
        prior=0.05,
    )
    has_known = len(known) > 0
    all_gamma = np.concatenate([patterns, known_gamma]) if has_known else patterns
    weight = np.concatenate([counts, known_w]) if has_known else counts
    converged, iteration = False, 0
    if weight.sum() <= 0:  # nothing to learn from: keep the starting values
        return model.m, model.u, model.prior, 0, True
    for iteration in range(1, max_iterations + 1):  # noqa: B007 - used after the loop
        _, p = model.score(patterns)
        resp = np.concatenate([p, known]) if has_known else p
        m_counts = _level_counts(all_gamma, weight * resp, levels)
        new_m = [(c + _SMOOTH * 0.01) / (c.sum() + _SMOOTH * 0.01 * len(c)) for c in m_counts]
        new_prior = float(np.clip((weight * resp).sum() / weight.sum(), 1e-6, 1 - 1e-6))
        u_counts = _level_counts(all_gamma, weight * (1 - resp), levels)
        new_u = [(c + _SMOOTH) / (c.sum() + _SMOOTH * len(c)) for c in u_counts]
        delta = max(
            max(float(np.abs(a - b).max()) for a, b in zip(new_m, model.m, strict=True)),
            max(float(np.abs(a - b).max()) for a, b in zip(new_u, model.u, strict=True)),
            abs(new_prior - model.prior),
        )
        model.m, model.prior, model.u = new_m, new_prior, new_u
        if delta < tolerance:
            converged = True
            break
    return model.m, model.u, model.prior, iteration, converged


def _combine(estimates: list[tuple[np.ndarray, float]]) -> np.ndarray:
    """One m from several sessions: the median of three or more, else a weighted mean.

    The median discards a session that learnt the wrong thing (e.g. "same name" instead of
    "same person"); with one or two sessions there is nothing to vote, so weights decide.
    """
    values = np.array([m for m, _ in estimates])
    if len(estimates) >= 3:
        m = np.median(values, axis=0)
    else:
        weights = np.array([w for _, w in estimates]) + 1e-12
        m = (values * weights[:, None]).sum(axis=0) / weights.sum()
    return m / m.sum()


#: A field's top level is "strong" evidence when random pairs reach it this rarely.
STRONG_U = 0.01
#: A training session needs at least this many candidate pairs.
MIN_SESSION_PAIRS = 30


def train(
    gamma: np.ndarray,
    u: list[np.ndarray],
    field_names: tuple[str, ...],
    levels: tuple[int, ...],
    labelled_gamma: np.ndarray | None = None,
    labels: np.ndarray | None = None,
    label_weight: float = 20.0,
    max_iterations: int = 60,
    tolerance: float = 1e-5,
    population_pairs: float | None = None,
    session_fields: tuple[int, ...] | None = None,
) -> FellegiSunter:
    """Estimate m by EM in training sessions, then the prior; u stays at its random-pair value.

    EM over all candidate pairs at once can settle on the wrong split when true matches are
    a small share of them: "same family" or "same common name" is also a tight group. So,
    as Splink does with blocking rules, each *session* takes the candidate pairs that agree
    fully on one strong field (identity number, both surnames, birth day...), among which
    matches are common, and runs EM on the other fields only. A field's m is the median of
    its estimates over the sessions where it was free (three or more), else their mean
    weighted by expected matches times purity. Without two strong fields, one EM over all
    candidates is run instead.

    The prior is then the share of matches among *all* pairs (the population blocking chose
    from), found as the fixed point of lambda = sum of match probabilities / all pairs,
    since pairs outside the candidates are taken as non-matches.

    Args:
        gamma: comparison levels of the candidate pairs.
        u: u-probabilities from random pairs (see :func:`estimate_u`).
        field_names: field names, in gamma's column order.
        levels: number of levels per field.
        labelled_gamma: comparison levels of reviewer-labelled pairs.
        labels: 1 for same person, 0 for different persons, aligned with labelled_gamma.
        label_weight: how many unlabelled pairs one label counts for.
        max_iterations: EM iteration cap per session.
        tolerance: stop when no parameter moves by more than this.
        population_pairs: number of pairs blocking chose from (all pairs, or all
            cross-source pairs); defaults to the number of candidate pairs.
        session_fields: fields that may condition a session (default: all). Fields that
            groups of people share (an event date, a place) must not: agreeing on them
            selects "same event", not "same person", and EM then learns the wrong thing.
    """
    patterns, counts = unique_patterns(gamma)
    counts = counts.astype(np.float64)
    n_fields = len(levels)
    known_gamma = labelled_gamma if labelled_gamma is not None else np.zeros((0, n_fields), np.int8)
    known = labels.astype(np.float64) if labels is not None else np.zeros(0)
    known_w = np.full(len(known), float(label_weight))

    allowed = session_fields if session_fields is not None else tuple(range(n_fields))
    strong = [
        f
        for f in allowed
        if u[f][-1] < STRONG_U
        and counts[patterns[:, f] == levels[f] - 1].sum() >= MIN_SESSION_PAIRS
    ]
    estimates: list[list[tuple[np.ndarray, float]]] = [[] for _ in levels]
    iterations, converged = 0, True
    if len(strong) >= 2:
        for f in strong:
            chosen = patterns[:, f] == levels[f] - 1
            session_gamma = patterns[chosen].copy()
            session_gamma[:, f] = -1  # the conditioning field says nothing inside its session
            session_known = known_gamma.copy()
            session_known[:, f] = -1
            m, _, prior, its, ok = _em(
                session_gamma,
                counts[chosen],
                session_known,
                known,
                known_w,
                u,
                levels,
                max_iterations,
                tolerance,
            )
            iterations += its
            converged &= ok
            # Trust a session by its matches and by its purity: a session where matches
            # are rare (namesakes sharing a common compound name) teaches little.
            expected = prior * counts[chosen].sum() + known.sum()
            for g in range(n_fields):
                if g != f:
                    estimates[g].append((m[g], expected * prior))
    if any(not e for e in estimates):
        m_all, _, _, its, ok = _em(
            patterns, counts, known_gamma, known, known_w, u, levels, max_iterations, tolerance
        )
        iterations += its
        converged &= ok
        for g in range(n_fields):
            if not estimates[g]:
                estimates[g].append((m_all[g], 1.0))
    m_final = [_combine(e) for e in estimates]

    model = FellegiSunter(
        fields=field_names,
        levels=levels,
        m=m_final,
        u=[x.copy() for x in u],
        prior=0.5,
        iterations=iterations,
        converged=converged,
    )
    population = max(float(population_pairs or counts.sum()), 1.0)
    prior = min(0.5, max(counts.sum() / population * 0.01, 1e-12))
    for _ in range(200):
        model.prior = prior
        _, p = model.score(patterns)
        new_prior = float(np.clip((counts * p).sum() / population, 1e-12, 0.5))
        if abs(new_prior - prior) <= 1e-6 * prior:
            prior = new_prior
            break
        prior = new_prior
    model.prior = prior
    return model


def calibrate_groups(
    model: FellegiSunter,
    gamma: np.ndarray,
    group: np.ndarray,
    n_groups: int,
    population: np.ndarray,
    random_gamma: np.ndarray,
    random_group: np.ndarray,
    labelled_gamma: np.ndarray | None = None,
    labels: np.ndarray | None = None,
    labelled_group: np.ndarray | None = None,
    label_weight: float = 20.0,
    strength_m: float = 500.0,
    strength_u: float = 500.0,
    iterations: int = 3,
    m_fields: tuple[int, ...] | None = None,
) -> None:
    """m, u and the prior per group of pairs (a pair of sources), shrunk to the global model.

    An NGO list against an official record is not a press report against a testimony: the
    same "first surname agrees, second missing" is ordinary for two press reports and a
    warning for two registries. Each group's u comes from the random pairs that fall in it,
    its m from EM over its own candidate pairs; both start from and are shrunk towards the
    global estimates by ``strength_u`` random pairs and ``strength_m`` expected matches of
    pseudo-evidence, so a small group keeps the global values. The prior of a group is the
    share of matches among all its pairs (``population[g]``), as for the global prior.

    Only the fields in ``m_fields`` get an m of their own (those a source writes in its own
    way: names, birth dates); an identity number that differs means the same in every list,
    and a group's EM would let namesakes with different numbers raise it. Only a few EM
    steps are taken, from the global model's responsibilities: run to
    convergence, a group without true matches (a list that holds each person once) learns
    "same family" instead. Strength and steps were chosen on the tuning sets
    (``bench/linkage/README.md``).
    """
    levels = model.levels
    n_fields = len(levels)
    u_counts = [np.zeros((n_groups, n)) for n in levels]
    for f in range(n_fields):
        present = random_gamma[:, f] >= 0
        np.add.at(u_counts[f], (random_group[present], random_gamma[present, f]), 1.0)
    group_u = [
        [
            (u_counts[f][g] + strength_u * model.u[f]) / (u_counts[f][g].sum() + strength_u)
            for f in range(n_fields)
        ]
        for g in range(n_groups)
    ]
    keys = pattern_keys(gamma) * n_groups + group
    _, first, counts = np.unique(keys, return_index=True, return_counts=True)
    patterns, pattern_group, counts = gamma[first], group[first], counts.astype(np.float64)
    known_gamma = np.zeros((0, n_fields), dtype=gamma.dtype)
    known_group = np.zeros(0, dtype=group.dtype)
    known = np.zeros(0)
    if labels is not None and labelled_gamma is not None and labelled_group is not None:
        known_gamma, known_group = labelled_gamma, labelled_group
        known = label_weight * labels.astype(np.float64)
    group_m = [[m.copy() for m in model.m] for _ in range(n_groups)]
    prior = np.full(n_groups, model.prior)
    trial = FellegiSunter(model.fields, levels, model.m, model.u, model.prior)
    for _ in range(iterations):
        trial.group_m, trial.group_u, trial.group_prior = group_m, group_u, prior
        _, p = trial.score(patterns, group=pattern_group)
        w = counts * p
        expected = np.bincount(pattern_group, weights=w, minlength=n_groups)
        new_prior = np.clip(expected / np.maximum(population, 1.0), 1e-12, 0.5)
        all_gamma = np.concatenate([patterns, known_gamma])
        all_group = np.concatenate([pattern_group, known_group])
        all_w = np.concatenate([w, known])
        new_m = [[np.empty(0)] * n_fields for _ in range(n_groups)]
        for f, n in enumerate(levels):
            present = all_gamma[:, f] >= 0
            c = np.zeros((n_groups, n))
            np.add.at(c, (all_group[present], all_gamma[present, f]), all_w[present])
            for g in range(n_groups):
                if m_fields is not None and f not in m_fields:
                    new_m[g][f] = model.m[f]
                else:
                    new_m[g][f] = (c[g] + strength_m * model.m[f]) / (c[g].sum() + strength_m)
        delta = float(np.abs(new_prior - prior).max() / max(prior.max(), 1e-12))
        group_m, prior = new_m, new_prior
        if delta < 1e-4:
            break
    model.group_m, model.group_u, model.group_prior = group_m, group_u, prior
