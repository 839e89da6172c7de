"""Shared fixtures: the published reference tables copied under tests/data/mse/."""

from __future__ import annotations

from pathlib import Path

import pytest

from expediente.estimation import CaptureTable, capture_table

DATA = Path(__file__).resolve().parents[2] / "data" / "mse"


def load(name: str) -> CaptureTable:
    """Load one reference table by file stem."""
    return capture_table(DATA / f"{name}.csv")


@pytest.fixture(scope="session")
def uk5() -> CaptureTable:
    return load("uk_modern_slavery_2013_5lists")


@pytest.fixture(scope="session")
def uk6() -> CaptureTable:
    return load("uk_modern_slavery_2013_6lists")


@pytest.fixture(scope="session")
def new_orleans() -> CaptureTable:
    return load("new_orleans_trafficking_5lists")


@pytest.fixture(scope="session")
def western() -> CaptureTable:
    return load("western_us_sex_trafficking_5lists")


@pytest.fixture(scope="session")
def artificial() -> CaptureTable:
    return load("artificial_sparse_3lists")


@pytest.fixture(scope="session")
def hiv() -> CaptureTable:
    return load("rome_hiv_4lists")
