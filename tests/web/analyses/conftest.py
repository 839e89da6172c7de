"""Fixtures of the analyses tests: the `case` of tests/web/conftest.py with victim records."""

from __future__ import annotations

import pytest
from analyses_data import load_victims, wide_band_config


@pytest.fixture
def victims(case):
    """Record id → stored person: 98 synthetic records of 44 persons from five sources."""
    return load_victims(case)


@pytest.fixture
def linked(case, analyst, victims):
    """The case after one linkage run by the analyst, with several pairs in its queue."""
    from expediente_web.analyses.actions import do_run_linkage

    run = do_run_linkage(analyst, case, wide_band_config())
    assert run.review_pairs.count() >= 3, "the queue tests need several uncertain pairs"
    return run


@pytest.fixture
def cluster_of():
    """`cluster_of(run)` → {person pk: cluster} of a stored run."""
    from expediente_web.analyses.models import RecordLink

    def clusters(run):
        return dict(RecordLink.objects.filter(run=run).values_list("record_id", "cluster"))

    return clusters
