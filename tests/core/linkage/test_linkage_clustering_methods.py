"""Clustering methods, case name frequencies and nickname positions."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from expediente.linkage import LinkConfig, link_records
from expediente.linkage.clustering import Conflicts, average_linkage, star
from expediente.linkage.comparisons import compare
from expediente.linkage.config import DEFAULT_FIELDS, ConfigError
from expediente.linkage.lexicon import load_lexicon
from expediente.linkage.names import parse_name
from expediente.linkage.prepare import name_frequencies, prepare
from expediente.linkage.synthetic import generate


def test_average_linkage_does_not_chain_through_one_strong_link() -> None:
    # 0~1 and 1~2 are strong, 0~2 is strong evidence against: the chain must not hold.
    left, right = np.array([0, 1, 0, 3]), np.array([1, 2, 2, 4])
    score = np.array([0.95, 0.9, 0.0, 0.8])
    result = average_linkage(5, left, right, score, 0.5)
    person = result.person
    assert person[0] == person[1] and person[3] == person[4]
    assert person[2] != person[0]  # mean of (0.9, 0.0) is below 0.5
    assert result.n_persons == 3


def test_average_linkage_joins_a_group_that_agrees_on_average() -> None:
    left, right = np.array([0, 1, 0]), np.array([1, 2, 2])
    result = average_linkage(3, left, right, np.array([0.95, 0.9, 0.6]), 0.5)
    assert result.n_persons == 1


def test_average_linkage_keeps_cannot_links_and_joins_accepts() -> None:
    left, right = np.array([0, 1]), np.array([1, 2])
    score = np.array([0.99, 0.99])
    cannot = Conflicts(4, [(0, 2)])
    result = average_linkage(4, left, right, score, 0.5, must=[(2, 3)], cannot=cannot)
    person = result.person
    assert person[0] != person[2]
    assert person[2] == person[3]


def test_star_gives_neighbours_to_the_strongest_centre() -> None:
    left, right = np.array([0, 0, 0, 3]), np.array([1, 2, 3, 4])
    result = star(5, left, right, np.array([0.9, 0.9, 0.9, 0.9]), 0.5)
    person = result.person
    assert person[0] == person[1] == person[2] == person[3]
    assert person[4] != person[3]  # 4's only link is to 3, already taken by centre 0


@pytest.mark.parametrize("method", ["greedy", "average", "star"])
def test_every_method_links_a_seeded_set_well(method: str) -> None:
    records = generate(300, seed=5)
    config = LinkConfig(truth_column="true_person_id", clustering=method)
    result = link_records(records, config)
    metrics = result.evaluation[result.clusterings[0].label]
    assert metrics.pair_f1 > 0.85, method
    assert abs(metrics.persons_error) < 0.15, method
    assert len(result.clusterings) == 1 + len(config.alternative_thresholds) + config.samples


def test_unknown_clustering_method_is_refused() -> None:
    with pytest.raises(ConfigError, match="clustering"):
        LinkConfig(clustering="kmeans")


def test_case_name_frequencies_mix_the_case_and_the_reference() -> None:
    lexicon = load_lexicon(None, None, None)
    vocab = ["gonzalez", "zzyzx"]
    given = np.full((4, 4), -1, dtype=np.int32)
    surname = np.array([[1, 0], [1, -1], [1, -1], [0, -1]], dtype=np.int32)
    _, ref_s = name_frequencies(vocab, given, surname, lexicon, None)
    mix_g, mix_s = name_frequencies(vocab, given, surname, lexicon, 10.0)
    assert ref_s[1] == pytest.approx(lexicon.surname_frequency("zzyzx"))
    # An unlisted surname held by three of four records is common in this case.
    assert mix_s[1] > 10 * ref_s[1]
    assert mix_s[1] > mix_s[0] * 0.5
    assert (mix_g > 0).all()


def test_a_nickname_stands_in_place_of_the_given_name() -> None:
    lexicon = load_lexicon(None, None, None)
    leading = parse_name(lexicon, full_name='"El Chino" Rondón Vargas')
    assert leading.given == () and leading.surnames == ("rondon", "vargas")
    assert leading.nickname == "chino"
    inside = parse_name(lexicon, full_name='José "Cheo" Pérez Rojas')
    assert inside.given == ("jose",) and inside.surnames == ("perez", "rojas")


def test_a_nickname_that_is_no_given_name_is_no_evidence_against_one() -> None:
    frame = pl.DataFrame(
        {
            "source_id": ["A", "B"],
            "record_id": ["1", "1"],
            "full_name": ['"El Chino" Rondón Vargas', "Luis Rondón Vargas"],
        }
    )
    prepared = prepare(frame, LinkConfig())
    gamma = compare(prepared, DEFAULT_FIELDS, np.array([0]), np.array([1])).gamma
    given, surnames = gamma[0, 0], gamma[0, 1]
    assert given == -1  # missing: neither for nor against
    assert surnames == 5  # both agree
