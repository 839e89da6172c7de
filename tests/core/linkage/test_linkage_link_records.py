"""``link_records`` end to end on small seeded synthetic sets: accuracy floors and outputs."""

from __future__ import annotations

import dataclasses

import numpy as np
import polars as pl
import pytest

from expediente.linkage import InputError, LinkConfig, PairLabel, link_records
from expediente.linkage.synthetic import generate


@pytest.fixture(scope="module")
def records() -> pl.DataFrame:
    return generate(400, seed=7)


@pytest.fixture(scope="module")
def result(records: pl.DataFrame):
    return link_records(records, LinkConfig(truth_column="true_person_id"))


def _truth(records: pl.DataFrame) -> dict[tuple[str, str], str]:
    return dict(
        zip(
            zip(records["source_id"], records["record_id"], strict=True),
            records["true_person_id"],
            strict=True,
        )
    )


def test_unsupervised_accuracy_floor(result) -> None:
    metrics = result.evaluation[result.clusterings[0].label]
    assert metrics.pair_f1 >= 0.85
    assert metrics.bcubed_f1 >= 0.9
    assert abs(metrics.persons_error) <= 0.15
    assert result.diagnostics["blocking_recall"] >= 0.93


def test_reviewer_labels_improve_and_are_applied(records: pl.DataFrame, result) -> None:
    truth = _truth(records)
    labels = []
    for row in result.review_queue.head(100).iter_rows(named=True):
        same = (
            truth[(row["source_a"], row["record_a"])] == truth[(row["source_b"], row["record_b"])]
        )
        labels.append(
            PairLabel(
                row["source_a"],
                row["record_a"],
                row["source_b"],
                row["record_b"],
                "accept" if same else "reject",
            )
        )
    relinked = link_records(records, LinkConfig(truth_column="true_person_id"), labels)
    before = result.evaluation[result.clusterings[0].label].pair_f1
    after = relinked.evaluation[relinked.clusterings[0].label].pair_f1
    assert after >= before - 0.005
    person = dict(
        zip(
            zip(relinked.membership["source_id"], relinked.membership["record_id"], strict=True),
            relinked.membership["person_id"],
            strict=True,
        )
    )
    for label in labels:  # every decision holds in the output
        same = person[(label.source_a, label.record_a)] == person[(label.source_b, label.record_b)]
        assert same == (label.decision == "accept")
    assert relinked.diagnostics["labels_used"] == len(labels)
    assert relinked.review_queue.filter(pl.col("decision") != "").height == 0


def test_accept_joins_a_pair_the_model_would_not(records: pl.DataFrame, result) -> None:
    first, last = records.row(0, named=True), records.row(-1, named=True)
    assert first["true_person_id"] != last["true_person_id"]
    label = PairLabel(
        first["source_id"], first["record_id"], last["source_id"], last["record_id"], "accept"
    )
    relinked = link_records(records, LinkConfig(), [label])
    ids = relinked.membership["person_id"].to_list()
    assert ids[0] == ids[-1]


def test_capture_history_is_the_estimation_input(records: pl.DataFrame, result) -> None:
    history = result.capture_history
    sources = sorted(records["source_id"].unique().to_list())
    assert history.columns == ["person_id", *sources]
    assert history.height == result.clusterings[0].n_persons
    flags = history.select(sources).to_numpy()
    assert set(np.unique(flags)) <= {0, 1}
    assert (flags.sum(axis=1) >= 1).all()  # every person is listed somewhere
    membership = result.membership
    assert membership.height == records.height
    assert membership["person_id"].n_unique() == history.height


def test_every_link_is_explained(result) -> None:
    links = result.links
    weight_columns = [
        c
        for c in links.columns
        if c.endswith("_weight") and c not in {"match_weight", "prior_weight"}
    ]
    assert len(weight_columns) == len(result.model.fields)
    total = links.select(pl.sum_horizontal(weight_columns)).to_series().to_numpy()
    expected = links["match_weight"].to_numpy() - links["prior_weight"].to_numpy()
    assert np.allclose(total, expected)
    # The prior of a pair is its pair of sources' calibrated prior, one value per pair.
    pairs = links.select(
        pl.min_horizontal("source_a", "source_b").alias("a"),
        pl.max_horizontal("source_a", "source_b").alias("b"),
        "prior_weight",
    )
    per_group = pairs.group_by("a", "b").agg(pl.col("prior_weight").n_unique().alias("n"))
    assert per_group["n"].max() == 1
    assert (links["prior_weight"].to_numpy() < 0).all()
    probability = links["match_probability"].to_numpy()
    assert np.allclose(probability, 1 / (1 + 2 ** -links["match_weight"].to_numpy()))


def test_several_plausible_clusterings(result) -> None:
    summary = result.clustering_summary()
    assert summary.height == 1 + len(LinkConfig().alternative_thresholds) + LinkConfig().samples
    persons = dict(zip(summary["clustering"], summary["persons"], strict=True))
    # A higher threshold never gives fewer persons.
    assert persons["threshold=0.2"] <= persons["threshold=0.5"] <= persons["threshold=0.99"]
    long = result.capture_histories()
    assert long["clustering"].n_unique() == summary.height


def test_review_queue_is_uncertain_and_spreads_over_patterns(result) -> None:
    queue = result.review_queue
    assert queue.height > 0
    p = queue["match_probability"].to_numpy()
    assert ((p >= 0.1) & (p < 0.9)).all()
    levels = [c for c in queue.columns if c.endswith("_level")]
    head = queue.head(10).select(levels).unique()
    assert head.height >= 5  # the first pairs cover different comparison patterns


def test_results_are_deterministic(records: pl.DataFrame, result) -> None:
    again = link_records(records, LinkConfig(truth_column="true_person_id"))
    assert again.membership.equals(result.membership)
    assert again.clustering_summary().equals(result.clustering_summary())


def test_pandas_input_and_mapped_columns(records: pl.DataFrame) -> None:
    renamed = records.head(60).rename({"id_number": "cedula"}).to_pandas()
    config = dataclasses.replace(LinkConfig(), columns={"id_number": "cedula"})
    out = link_records(renamed, config)
    assert out.membership.height == 60


def test_input_errors_name_the_problem(records: pl.DataFrame) -> None:
    with pytest.raises(InputError, match="record_id"):
        link_records(records.drop("record_id"))
    duplicated = pl.concat([records.head(3), records.head(1)])
    with pytest.raises(InputError, match="row 4: record_id"):
        link_records(duplicated)
    with pytest.raises(InputError, match="not among the records"):
        link_records(records.head(5), labels=[PairLabel("X", "1", "Y", "2", "accept")])
    with pytest.raises(InputError, match="truth column"):
        link_records(records.head(5), LinkConfig(truth_column="nope"))
