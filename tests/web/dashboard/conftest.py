"""Fixtures of the record-page tests: the personas' case with a whole synthetic record."""

from __future__ import annotations

import pytest

from support.workspace_data import build_record


@pytest.fixture
def record(case, owner):
    return build_record(case)


