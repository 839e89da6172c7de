"""Blocking, comparisons, the Fellegi-Sunter model, clustering and metrics."""

from __future__ import annotations

import numpy as np
import polars as pl

from expediente.linkage import LinkConfig, evaluate
from expediente.linkage.blocking import block
from expediente.linkage.clustering import Conflicts, cluster
from expediente.linkage.comparisons import compare
from expediente.linkage.config import DEFAULT_FIELDS
from expediente.linkage.model import _em, estimate_u, train
from expediente.linkage.prepare import prepare

RECORDS = pl.DataFrame(
    {
        "source_id": ["A", "B", "C", "D", "E", "F"],
        "record_id": ["1", "1", "1", "1", "1", "1"],
        "full_name": [
            "JOSE GREGORIO PEREZ RODRIGUEZ",
            None,
            "Goyo Pérez",
            None,
            "RODRIGUEZ PEREZ, JOSE GREGORIO",
            "Ana Mora",
        ],
        "given_names": [None, "Gregorio", None, "José", None, None],
        "first_surname": [None, "Pérez", None, "Perez", None, None],
        "second_surname": [None, "Rodríguez", None, None, None, None],
        "id_number": ["V-14.325.678", "14325678", None, "14325679", None, None],
        "birth_date": ["1980-06-15", "1980", None, "1980-06", None, None],
        "age": [None, None, "36", None, None, None],
        "event_date": [None, None, "2017-03-02", None, None, None],
        "sex": ["sex.male"] * 5 + ["sex.female"],
        "state": ["VE-A", "VE-A", None, "VE-B", None, "VE-A"],
    }
)
CONFIG = LinkConfig()


def _pairs(candidates) -> set[tuple[int, int]]:
    return set(zip(candidates.left.tolist(), candidates.right.tolist(), strict=True))


def test_array_blocking_reaches_second_given_name_nickname_and_swapped_surnames() -> None:
    prepared = prepare(RECORDS, CONFIG)
    pairs = _pairs(block(prepared, CONFIG.blocking))
    for other in (1, 2, 3, 4):
        assert (0, other) in pairs
    assert not any(5 in pair for pair in pairs)  # Ana Mora shares nothing


def test_link_only_never_pairs_records_of_one_source() -> None:
    frame = RECORDS.with_columns(
        pl.Series("source_id", ["A", "A", "B", "B", "B", "B"]),
        pl.Series("record_id", ["1", "2", "1", "2", "3", "4"]),
    )
    prepared = prepare(frame, CONFIG)
    candidates = block(prepared, CONFIG.blocking, link_type="link_only")
    assert len(candidates) > 0
    assert (prepared.source[candidates.left] != prepared.source[candidates.right]).all()


def test_event_month_and_birth_year_keys() -> None:
    frame = RECORDS.with_columns(
        pl.Series("event_date", ["2017-03-02", "2017-03-20", "2017-03", "2016", None, None])
    )
    prepared = prepare(frame, CONFIG)
    pairs = _pairs(block(prepared, (("event_month",),)))
    assert pairs == {(0, 1), (0, 2), (1, 2)}  # a year-only date is too vague for a month key
    by_year = _pairs(block(prepared, (("birth_year",),)))
    assert (0, 1) in by_year  # 1980-06-15 and "1980"


def test_oversized_blocks_are_skipped_and_reported() -> None:
    prepared = prepare(RECORDS, CONFIG)
    candidates = block(prepared, (("surname",),), max_block_size=2)
    assert candidates.skipped_blocks["surname"] >= 1


def test_comparison_levels_for_spanish_variants() -> None:
    prepared = prepare(RECORDS, CONFIG)
    left, right = np.array([0, 0, 0, 0, 0]), np.array([1, 2, 3, 4, 5])
    gamma = compare(prepared, DEFAULT_FIELDS, left, right).gamma
    given, surnames, id_number, birth, sex, state, event = gamma.T
    assert given.tolist() == [3, 3, 4, 5, 0]  # shared / nickname / first / both / differ
    # both agree / maternal surname missing on one side (twice) / swapped order / differ
    assert surnames.tolist() == [5, 4, 4, 3, 0]
    assert id_number.tolist()[:4] == [2, -1, 1, -1]  # same / missing / one digit off
    assert birth.tolist()[:4] == [2, 2, 3, -1]  # year / age at event / month
    assert sex.tolist() == [1, 1, 1, 1, 0]
    assert state.tolist() == [3, -1, 1, -1, 3]
    assert event.tolist() == [-1] * 5  # record 0 has no event date


def test_a_state_against_one_of_its_municipalities() -> None:
    frame = pl.DataFrame(
        {
            "source_id": ["A", "B", "C", "D", "E"],
            "record_id": ["1", "1", "1", "1", "1"],
            "full_name": ["Ana Rojas"] * 5,
            "state": ["Miranda", "Sucre, Miranda", "MUNICIPIO SUCRE, MIRANDA", "Sucre", "VE-M"],
        }
    )
    prepared = prepare(frame, CONFIG)
    assert prepared.columns["state"].tolist()[:4] == [
        "miranda",
        "miranda sucre",
        "miranda sucre",
        "sucre",
    ]
    left, right = np.array([0, 1, 0, 3]), np.array([1, 2, 3, 4])
    state = compare(prepared, DEFAULT_FIELDS, left, right).gamma[:, 5]
    # within / agree / the state Sucre is not the municipality Sucre of Miranda / differ
    assert state.tolist() == [2, 3, 0, 0]


def test_em_recovers_simulated_parameters() -> None:
    rng = np.random.default_rng(4)
    n, prior = 20_000, 0.2
    m = [np.array([0.05, 0.15, 0.8]), np.array([0.1, 0.9]), np.array([0.05, 0.25, 0.7])]
    u = [np.array([0.8, 0.15, 0.05]), np.array([0.7, 0.3]), np.array([0.6, 0.3, 0.1])]
    is_match = rng.random(n) < prior
    gamma = np.stack(
        [
            np.where(is_match, rng.choice(len(mf), n, p=mf), rng.choice(len(uf), n, p=uf))
            for mf, uf in zip(m, u, strict=True)
        ],
        axis=1,
    ).astype(np.int8)
    levels = (3, 2, 3)
    flat = [np.full(k, 1 / k) for k in levels]
    empty = np.zeros((0, 3), np.int8)
    m_hat, u_hat, prior_hat, _, converged = _em(
        gamma, np.ones(n), empty, np.zeros(0), np.zeros(0), flat, levels, 1000, 1e-7
    )
    assert converged
    assert abs(prior_hat - prior) < 0.03
    for estimated, true in zip([*m_hat, *u_hat], [*m, *u], strict=True):
        assert np.abs(estimated - true).max() < 0.05
    # u from non-matches, then m and the prior as a linkage run estimates them.
    u_random = estimate_u(gamma[~is_match], levels)
    assert np.abs(u_random[0] - u[0]).max() < 0.02
    model = train(gamma, u_random, ("a", "b", "c"), levels, max_iterations=1000)
    assert abs(model.prior - prior) < 0.03


def test_cannot_link_stops_a_chain_and_must_link_is_forced() -> None:
    left, right = np.array([0, 1, 2]), np.array([1, 2, 3])
    strength = np.array([3.0, 2.0, 1.0])
    keep = np.array([True, True, False])
    free = cluster(4, left, right, strength, keep)
    assert free.person.tolist() == [0, 0, 0, 1]
    constrained = cluster(
        4, left, right, strength, keep, must=[(2, 3)], cannot=Conflicts(4, [(0, 2)])
    )
    assert constrained.person[0] == constrained.person[1]
    assert constrained.person[1] != constrained.person[2]
    assert constrained.person[2] == constrained.person[3]
    assert constrained.n_persons == 2


def test_metrics_on_a_known_case() -> None:
    truth = np.array(["a", "a", "a", "b", "c"])
    predicted = np.array([1, 1, 2, 2, 3])
    metrics = evaluate(predicted, truth)
    assert metrics.pair_precision == 0.5  # (0,1) right, (2,3) wrong
    assert metrics.pair_recall == 1 / 3  # of (0,1) (0,2) (1,2)
    assert metrics.persons_counted == 3
    assert metrics.persons_true == 3
    assert abs(metrics.bcubed_precision - (1 + 1 + 0.5 + 0.5 + 1) / 5) < 1e-12
    assert abs(metrics.bcubed_recall - (2 / 3 + 2 / 3 + 1 / 3 + 1 + 1) / 5) < 1e-12
    perfect = evaluate(truth, truth)
    assert perfect.pair_f1 == 1.0
    assert perfect.bcubed_f1 == 1.0


def test_placeholder_identity_numbers_are_ignored() -> None:
    from expediente.linkage.prepare import drop_placeholder_ids

    ids = np.array(["600000"] * 9 + ["14325678", "14325678", "11111111", None], dtype=object)
    cleaned, dropped = drop_placeholder_ids(ids, n_sources=2)
    assert dropped == ["11111111", "600000"]
    assert cleaned.tolist() == [None] * 9 + ["14325678", "14325678", None, None]
