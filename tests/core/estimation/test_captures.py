from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pytest

from expediente.estimation import CaptureTable, CaptureTableError, capture_table


def test_per_person_rows_are_aggregated_into_patterns() -> None:
    frame = {"A": [1, 1, 0, 1], "B": [0, 0, 1, 1], "C": [0, 0, 0, 1]}
    table = capture_table(frame)
    assert table.n_observed == 4
    assert table.lists == ("A", "B", "C")
    full = table.full_counts()
    assert full[1] == 2  # A only
    assert full[2] == 1  # B only
    assert full[7] == 1  # all three


def test_aggregated_table_and_frames_agree(uk5: CaptureTable) -> None:
    rows = uk5.to_rows()
    from_pandas = capture_table(pd.DataFrame(rows))
    from_polars = capture_table(pl.DataFrame(rows))
    assert from_pandas.sha256() == uk5.sha256() == from_polars.sha256()
    assert uk5.n_observed == 2744


def test_parquet_and_csv_give_the_same_table(tmp_path, uk5: CaptureTable) -> None:
    path = tmp_path / "uk.parquet"
    pl.DataFrame(uk5.to_rows()).write_parquet(path)
    assert capture_table(path).sha256() == uk5.sha256()


def test_non_binary_cell_names_row_and_column() -> None:
    with pytest.raises(CaptureTableError, match=r"row 2, column 'B'.*not 0 or 1"):
        capture_table({"A": [1, 0], "B": [0, 2], "count": [3, 4]})


def test_all_zero_row_is_refused_with_its_row() -> None:
    with pytest.raises(CaptureTableError, match=r"row 3 has 0 in every list"):
        capture_table({"A": [1, 0, 0], "B": [0, 1, 0], "count": [3, 4, 5]})


def test_fewer_than_two_lists_is_refused() -> None:
    with pytest.raises(CaptureTableError, match="at least 2 list"):
        capture_table({"A": [1, 1], "count": [3, 4]})


def test_negative_and_fractional_counts_are_refused() -> None:
    with pytest.raises(CaptureTableError, match=r"row 2, column 'count': negative count"):
        capture_table({"A": [1, 0], "B": [0, 1], "count": [3, -1]})
    with pytest.raises(CaptureTableError, match="not a whole number"):
        capture_table({"A": [1, 0], "B": [0, 1], "count": [3, 1.5]})


def test_missing_list_column_is_named() -> None:
    with pytest.raises(CaptureTableError, match=r"\['Z'\] not in table"):
        capture_table({"A": [1], "B": [1]}, lists=["A", "Z"])


def test_drop_and_merge_lists(uk5: CaptureTable) -> None:
    dropped = uk5.drop_lists(["GP"])
    assert dropped.lists == ("LA", "NG", "PFNCA", "GO")
    assert dropped.n_observed == uk5.n_observed - 316  # people only on GP drop out
    merged = uk5.merge_lists(["GO", "GP"], "GOGP")
    assert merged.lists == ("LA", "NG", "PFNCA", "GOGP")
    assert merged.n_observed == uk5.n_observed
    on_go_or_gp = sum(int(c) for p, c in zip(uk5.patterns, uk5.counts, strict=True) if p[3] or p[4])
    assert merged.list_totals()["GOGP"] == on_go_or_gp
    with pytest.raises(CaptureTableError, match="unknown list"):
        uk5.drop_lists(["nope"])


def test_from_histories_matrix() -> None:
    hist = np.array([[1, 0], [1, 1], [0, 1]])
    table = CaptureTable.from_histories(hist, ["X", "Y"])
    assert table.list_totals() == {"X": 2, "Y": 2}
