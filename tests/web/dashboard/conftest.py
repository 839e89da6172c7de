"""Fixtures of the record-page tests: the personas' case with a whole synthetic record."""

from __future__ import annotations

import pytest

from support.workspace_data import build_record


@pytest.fixture
def record(case, owner):
    return build_record(case)


@pytest.fixture
def as_user(client):
    """`as_user(user)` → the test client signed in as that user (both factors, as the shared
    `client` fixture does)."""

    def sign(user):
        client.force_login(user)
        return client

    return sign
