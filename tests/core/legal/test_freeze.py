"""Content digests of frozen versions, and the blindness of a review round."""

from __future__ import annotations

import datetime as dt

import pytest

from expediente.legal import Ladder
from expediente.legal.freeze import ReviewError, ReviewRound, content_digest

CONTENT = {
    "case": "VE-DEMO",
    "elements": {"art7.1.e.1": {"status": Ladder.REASONABLE_GROUNDS, "evidence": ["a1", "a2"]}},
    "frozen_on": dt.date(2026, 12, 1),
}


def test_the_digest_is_canonical_and_changes_with_the_content() -> None:
    digest = content_digest(CONTENT)
    assert len(digest) == 64
    reordered = {
        "frozen_on": dt.date(2026, 12, 1),
        "elements": CONTENT["elements"],
        "case": "VE-DEMO",
    }
    assert content_digest(reordered) == digest
    changed = {**CONTENT, "elements": {"art7.1.e.1": {"status": 2, "evidence": ["a1", "a2"]}}}
    assert content_digest(changed) != digest  # one rung lower is another version
    assert content_digest({**CONTENT, "case": "VE-DEMO "}) != digest
    # hand-checked: sha256 of '{"a":1}'
    assert content_digest({"a": 1}) == (
        "015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862"
    )


def test_content_without_a_canonical_form_is_refused() -> None:
    with pytest.raises(ValueError, match="NaN"):
        content_digest({"x": float("nan")})
    with pytest.raises(TypeError, match="keys must be strings"):
        content_digest({"x": {1: "a"}})
    with pytest.raises(TypeError, match="cannot hold a object"):
        content_digest({"x": object()})


def test_reviewers_are_blind_until_all_have_submitted() -> None:
    digest = content_digest(CONTENT)
    review = ReviewRound(digest, ("ana", "ben", "cruz"))
    review.submit("ana", {"art7.1.e.1": Ladder.REASONABLE_GROUNDS}, digest)
    review.submit("ben", {"art7.1.e.1": Ladder.REASONABLE_BASIS}, digest)
    assert review.visible_to("ana") == {"ana": {"art7.1.e.1": Ladder.REASONABLE_GROUNDS}}
    assert review.visible_to("ben") == {"ben": {"art7.1.e.1": Ladder.REASONABLE_BASIS}}
    assert review.visible_to("cruz") == {}
    assert review.visible_to("someone else") == {}
    assert not review.complete
    review.submit("cruz", {"art7.1.e.1": Ladder.REASONABLE_GROUNDS}, digest)
    assert review.complete
    assert set(review.visible_to("ana")) == {"ana", "ben", "cruz"}


def test_submissions_the_round_refuses() -> None:
    digest = content_digest(CONTENT)
    review = ReviewRound(digest, ("ana", "ben"))
    with pytest.raises(ReviewError, match="not a reviewer"):
        review.submit("intruder", {}, digest)
    with pytest.raises(ReviewError, match="another version"):
        review.submit("ana", {}, "0" * 64)
    review.submit("ana", {"e": 1}, digest)
    with pytest.raises(ReviewError, match="cannot change"):
        review.submit("ana", {"e": 2}, digest)
    assert review.submitted["ana"] == {"e": 1}
    with pytest.raises(ReviewError, match="distinct"):
        ReviewRound(digest, ("ana", "ana"))
    with pytest.raises(ReviewError, match="distinct"):
        ReviewRound(digest, ())
