"""k-anonymity over the quasi-identifiers and small-cell suppression, checked by hand."""

from __future__ import annotations

import pytest

from expediente.legal.disclosure import (
    Cell,
    QuasiIdentifiers,
    coarsen_date,
    k_anonymity,
    suppress_counts,
    suppress_table,
)

Q = QuasiIdentifiers


@pytest.mark.parametrize(
    ("value", "level", "expected"),
    [
        ("2017-03-12", "month", "2017-03"),
        ("2017-03-12", "year", "2017"),
        ("2017-03", "day", "2017-03"),
        ("2017-03-01/2017-03-20", "month", "2017-03"),
        ("2017-03/2017-05", "month", "~2017-03"),
        ("2017-03/2017-05", "year", "2017"),
        (None, "month", None),
        ("  ", "month", None),
    ],
)
def test_coarsen_date(value: str | None, level: str, expected: str | None) -> None:
    assert coarsen_date(value, level) == expected  # type: ignore[arg-type]


def test_small_groups_are_found() -> None:
    common = [Q("30-39", "sex.male", "VE-MIR", f"2017-05-{d:02d}") for d in range(1, 7)]
    lone = Q("60-69", "sex.female", "VE-APU", "2017-03-12")
    pair = [
        Q("20-29", "sex.female", "VE-LAR", "2017-05-03"),
        Q("20-29", "sex.female", "VE-LAR", "2017-05"),
    ]
    report = k_anonymity([*common, lone, *pair])
    assert report.k == 1
    assert not report.ok
    assert report.risky == {
        ("20-29", "sex.female", "VE-LAR", "2017-05"): 2,
        ("60-69", "sex.female", "VE-APU", "2017-03"): 1,
    }
    assert report.groups[("30-39", "sex.male", "VE-MIR", "2017-05")] == 6
    # by year, the two women of Lara still form a group of two
    assert k_anonymity(pair, date_level="year").risky == {
        ("20-29", "sex.female", "VE-LAR", "2017"): 2
    }
    assert k_anonymity(common).ok and k_anonymity(common).k == 6
    assert k_anonymity(common, required=7).risky  # k = 6 < 7
    assert k_anonymity([]).k == 0
    with pytest.raises(ValueError, match="at least 1"):
        k_anonymity(common, required=0)


def test_missing_values_are_a_value_of_their_own() -> None:
    records = [Q(None, "sex.male", "VE-MIR", "2017")] * 5 + [
        Q("30-39", "sex.male", "VE-MIR", "2017")
    ]
    assert k_anonymity(records, date_level="year").risky == {
        ("30-39", "sex.male", "VE-MIR", "2017"): 1
    }


def test_one_way_counts_with_a_published_total() -> None:
    cells = suppress_counts({"Miranda": 40, "Lara": 3, "Zulia": 12, "Apure": 0})
    assert cells["Lara"] == Cell(None, "small")
    assert cells["Lara"].display() == "<5"
    # with one small cell and the total published, Lara = total - others: hide the next smallest
    assert cells["Zulia"] == Cell(None, "secondary")
    assert cells["Zulia"].display() == "*"
    assert cells["Miranda"] == Cell(40)
    assert cells["Apure"] == Cell(0)  # a zero is shown
    without_total = suppress_counts({"Miranda": 40, "Lara": 3, "Zulia": 12}, with_total=False)
    assert [c.value for c in without_total.values()] == [40, None, 12]
    two_small = suppress_counts({"A": 1, "B": 4, "C": 30})
    assert [c.reason for c in two_small.values()] == ["small", "small", ""]


def test_two_way_table_protects_rows_and_columns() -> None:
    table = {
        "2017": {"detention": 50, "torture": 2, "killing": 20},
        "2018": {"detention": 30, "torture": 25, "killing": 9},
    }
    result = suppress_table(table)
    hidden = {k: c.reason for k, c in result.cells.items() if c.suppressed}
    # torture 2017 is small; its row then needs a second hidden cell (killing 2017, 20) and
    # its column too (torture 2018, 25); those in turn leave the killing column and the 2018
    # row with one hidden cell each, hence killing 2018 (9)
    assert hidden == {
        ("2017", "torture"): "small",
        ("2017", "killing"): "secondary",
        ("2018", "torture"): "secondary",
        ("2018", "killing"): "secondary",
    }
    for row in ("2017", "2018"):
        assert len([k for k in hidden if k[0] == row]) != 1
    for column in ("detention", "torture", "killing"):
        assert len([k for k in hidden if k[1] == column]) != 1
    assert result.row_totals["2017"] == Cell(72)
    assert result.column_totals["torture"] == Cell(27)
    assert result.total == Cell(136)


def test_small_totals_are_hidden_and_bad_counts_refused() -> None:
    result = suppress_table({"a": {"x": 1, "y": 2}, "b": {"x": 0, "y": 0}})
    assert result.row_totals["a"] == Cell(None, "small")
    assert result.total == Cell(None, "small")
    with pytest.raises(ValueError, match="negative"):
        suppress_table({"a": {"x": -1}})


@pytest.mark.parametrize(
    ("age", "expected"),
    [(0, "0-9"), (9, "0-9"), (34, "30-39"), (79, "70-79"), (80, "80+"), (97, "80+"), (None, None)],
)
def test_age_band(age: int | None, expected: str | None) -> None:
    from expediente.legal.disclosure import age_band

    assert age_band(age) == expected


def test_age_band_refuses_nonsense() -> None:
    from expediente.legal.disclosure import age_band

    with pytest.raises(ValueError, match="cannot band"):
        age_band(-1)
    assert age_band(34, width=5) == "30-34"


def test_no_line_of_a_random_table_is_left_with_one_hidden_cell() -> None:
    import random

    rng = random.Random(20261201)
    for _ in range(300):
        rows = [f"r{i}" for i in range(rng.randint(2, 5))]
        columns = [f"c{j}" for j in range(rng.randint(2, 5))]
        table = {r: {c: rng.choice([0, 1, 2, 3, 4, 5, 8, 20, 60]) for c in columns} for r in rows}
        result = suppress_table(table)
        hidden = {k for k, cell in result.cells.items() if cell.suppressed}
        for key, cell in result.cells.items():
            n = table[key[0]][key[1]]
            if 0 < n < 5:
                assert cell.reason == "small"
            elif cell.value is not None:
                assert cell.value == n
        for r in rows:
            assert len([k for k in hidden if k[0] == r]) != 1 or all(
                table[r][c] == 0 or (r, c) in hidden for c in columns
            )
        for c in columns:
            assert len([k for k in hidden if k[1] == c]) != 1 or all(
                table[r][c] == 0 or (r, c) in hidden for r in rows
            )
