"""Shared fixtures: one small demo case per test session (generation takes well under a second)."""

from __future__ import annotations

from pathlib import Path

import pytest

from expediente.demo import DemoCase, generate, write_demo_case


@pytest.fixture(scope="session")
def small_case() -> DemoCase:
    return generate(seed=11, size="small")


@pytest.fixture(scope="session")
def small_dir(small_case: DemoCase, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo-small")
    write_demo_case(small_case, out)
    return out
