"""Capture-history tables: the input of multiple-systems estimation.

A capture history says which lists (sources) recorded a person: one 0/1 value per list.
Two shapes are accepted:

* **per person** — one row per resolved person, one 0/1 column per list (what record linkage
  produces), optionally with strata columns;
* **aggregated** — one row per pattern, the same 0/1 columns plus a ``count`` column.

Both become a :class:`CaptureTable`: distinct observed patterns and their counts. The
all-zero pattern (people no list recorded) is what the estimators infer; it is never an input.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from expediente.estimation.errors import CaptureTableError

__all__ = [
    "CaptureTable",
    "capture_table",
    "read_frame",
]

_TRUE = {"1", "1.0", "true", "t", "yes", "y", "si", "sí"}
#: More people than this in one pattern is a typing or export error, not a population: the
#: estimators' arithmetic is in floating point and would overflow long before anyway.
MAX_COUNT = 10**12
#: polars renames the second of two equal CSV headers ``A`` to ``A_duplicated_0``.
_DUPLICATED = re.compile(r"^(?P<base>.*)_duplicated_\d+$")
_FALSE = {"0", "0.0", "false", "f", "no", "n", ""}


@dataclass(frozen=True, eq=False)
class CaptureTable:
    """Distinct capture patterns over named lists and how many people show each.

    Attributes:
        lists: List (source) names, in column order.
        patterns: ``(M, J)`` array of 0/1, one row per distinct observed pattern.
        counts: ``(M,)`` non-negative integer counts.
    """

    lists: tuple[str, ...]
    patterns: np.ndarray
    counts: np.ndarray

    def __post_init__(self) -> None:
        patterns = np.asarray(self.patterns, dtype=np.int8)
        counts = np.asarray(self.counts, dtype=np.int64)
        if patterns.ndim != 2 or patterns.shape[1] != len(self.lists):
            raise CaptureTableError(
                f"patterns must have one column per list ({len(self.lists)}), got shape "
                f"{patterns.shape}"
            )
        if len(self.lists) < 2:
            raise CaptureTableError(
                f"multiple-systems estimation needs at least 2 lists, got {len(self.lists)}: "
                f"{list(self.lists)}"
            )
        if len(set(self.lists)) != len(self.lists):
            raise CaptureTableError(f"list names must be distinct: {list(self.lists)}")
        if counts.shape != (patterns.shape[0],):
            raise CaptureTableError("counts must have one value per pattern")
        if np.any((patterns != 0) & (patterns != 1)):
            raise CaptureTableError("patterns must hold only 0 and 1")
        if np.any(counts < 0):
            row = int(np.argmax(counts < 0)) + 1
            raise CaptureTableError(f"negative count in pattern row {row}")
        if np.any(patterns.sum(axis=1) == 0):
            row = int(np.argmax(patterns.sum(axis=1) == 0)) + 1
            raise CaptureTableError(
                f"pattern row {row} is all zeros: people no list recorded cannot be observed"
            )
        # Merge duplicate patterns so every estimator sees one row per pattern.
        index = pattern_index(patterns)
        uniq, inverse = np.unique(index, return_inverse=True)
        merged = np.zeros(uniq.shape[0], dtype=np.int64)
        np.add.at(merged, inverse, counts)
        object.__setattr__(self, "patterns", index_patterns(uniq, len(self.lists)))
        object.__setattr__(self, "counts", merged)
        object.__setattr__(self, "lists", tuple(str(x) for x in self.lists))

    # -- basic facts ---------------------------------------------------------------------------
    @property
    def n_lists(self) -> int:
        """Number of lists J."""
        return len(self.lists)

    @property
    def n_observed(self) -> int:
        """Number of people recorded by at least one list."""
        return int(self.counts.sum())

    def list_totals(self) -> dict[str, int]:
        """How many people each list recorded."""
        totals = (self.patterns.astype(np.int64) * self.counts[:, None]).sum(axis=0)
        return {name: int(t) for name, t in zip(self.lists, totals, strict=True)}

    def full_counts(self) -> np.ndarray:
        """Counts of all ``2**J`` cells, index ``sum_j x_j 2**j`` (first list varies fastest).

        Cell 0 (the unobserved) is 0.
        """
        out = np.zeros(2**self.n_lists, dtype=np.int64)
        np.add.at(out, pattern_index(self.patterns), self.counts)
        return out

    def nonzero(self) -> CaptureTable:
        """The same table without zero-count patterns."""
        keep = self.counts > 0
        return CaptureTable(self.lists, self.patterns[keep], self.counts[keep])

    # -- editing lists -------------------------------------------------------------------------
    def drop_lists(self, names: Iterable[str]) -> CaptureTable:
        """Remove lists; people seen only by removed lists drop out of the table."""
        names = list(names)
        self._check_names(names)
        keep = [j for j, x in enumerate(self.lists) if x not in names]
        patterns = self.patterns[:, keep]
        seen = patterns.sum(axis=1) > 0
        return CaptureTable(tuple(self.lists[j] for j in keep), patterns[seen], self.counts[seen])

    def merge_lists(self, names: Sequence[str], new_name: str | None = None) -> CaptureTable:
        """Merge lists into one (a person is on the merged list if on any of them)."""
        names = list(names)
        self._check_names(names)
        if len(names) < 2:
            raise CaptureTableError("merge_lists needs at least 2 list names")
        new_name = new_name or "+".join(names)
        idx = [self.lists.index(x) for x in names]
        merged = self.patterns[:, idx].max(axis=1)
        keep = [j for j in range(self.n_lists) if j not in idx]
        first = min(idx)
        cols: list[np.ndarray] = []
        out_names: list[str] = []
        for j in range(self.n_lists):
            if j == first:
                cols.append(merged)
                out_names.append(new_name)
            elif j in keep:
                cols.append(self.patterns[:, j])
                out_names.append(self.lists[j])
        return CaptureTable(tuple(out_names), np.stack(cols, axis=1), self.counts)

    def _check_names(self, names: Sequence[str]) -> None:
        unknown = [x for x in names if x not in self.lists]
        if unknown:
            raise CaptureTableError(f"unknown list(s) {unknown}; lists are {list(self.lists)}")

    # -- identity ------------------------------------------------------------------------------
    def sha256(self) -> str:
        """SHA-256 of a canonical text form (lists, then sorted pattern,count rows)."""
        lines = [",".join(self.lists)]
        order = np.argsort(pattern_index(self.patterns))
        for i in order:
            lines.append("".join(map(str, self.patterns[i].tolist())) + f",{int(self.counts[i])}")
        return hashlib.sha256("\n".join(lines).encode()).hexdigest()

    def to_rows(self) -> list[dict[str, int]]:
        """Aggregated rows (one dict per pattern, list columns plus ``count``)."""
        rows = []
        for pat, c in zip(self.patterns, self.counts, strict=True):
            row = {name: int(v) for name, v in zip(self.lists, pat, strict=True)}
            row["count"] = int(c)
            rows.append(row)
        return rows

    @classmethod
    def from_histories(cls, histories: Any, lists: Sequence[str]) -> CaptureTable:
        """Build from a per-person 0/1 matrix (rows people, columns lists)."""
        arr = np.asarray(histories)
        return capture_table({name: arr[:, j] for j, name in enumerate(lists)}, lists=lists)


def pattern_index(patterns: np.ndarray) -> np.ndarray:
    """Cell index of each pattern: ``sum_j x_j 2**j`` (first list varies fastest)."""
    weights = 1 << np.arange(patterns.shape[1], dtype=np.int64)
    return patterns.astype(np.int64) @ weights


def index_patterns(index: np.ndarray, n_lists: int) -> np.ndarray:
    """Inverse of :func:`pattern_index`."""
    index = np.asarray(index, dtype=np.int64)
    return ((index[:, None] >> np.arange(n_lists)) & 1).astype(np.int8)


def all_patterns(n_lists: int) -> np.ndarray:
    """All ``2**J - 1`` observable patterns, in cell-index order 1, 2, ..."""
    return index_patterns(np.arange(1, 2**n_lists), n_lists)


# ---------------------------------------------------------------------------------------------
# Reading tables
# ---------------------------------------------------------------------------------------------


def read_frame(path: str | Path) -> Any:
    """Read a CSV or Parquet file into a polars DataFrame, all CSV columns as text.

    Text is parsed later so that errors can name the row and column at fault.
    """
    import polars as pl

    path = Path(path)
    if not path.exists():
        raise CaptureTableError(f"file not found: {path}")
    suffix = path.suffix.lower()
    try:
        if suffix in {".parquet", ".pq"}:
            return pl.read_parquet(path)
        frame = pl.read_csv(path, infer_schema=False)
    except Exception as exc:  # polars raises several types; the user needs the message only
        raise CaptureTableError(f"cannot read {path}: {exc}") from exc
    for name in frame.columns:
        match = _DUPLICATED.match(name)
        if match and match["base"] in frame.columns:
            # Two lists with one name would be read as two different lists, silently renamed.
            raise CaptureTableError(
                f"column {match['base']!r} appears more than once in the header; "
                "give every list its own name"
            )
    return frame


def _columns_of(frame: Any) -> dict[str, np.ndarray]:
    """Column arrays of a polars/pandas DataFrame or a mapping of sequences."""
    if isinstance(frame, Mapping):
        return {str(k): np.asarray(v, dtype=object) for k, v in frame.items()}
    if hasattr(frame, "columns"):
        out = {}
        for name in list(frame.columns):
            col = frame[name]
            values = col.to_list() if hasattr(col, "to_list") else list(col)
            out[str(name)] = np.asarray(values, dtype=object)
        return out
    raise CaptureTableError(
        f"cannot read a capture table from {type(frame).__name__}; "
        "pass a file path, a polars/pandas DataFrame or a mapping of columns"
    )


def _binary(values: np.ndarray, column: str) -> np.ndarray:
    out = np.empty(values.shape[0], dtype=np.int8)
    for i, v in enumerate(values):
        if isinstance(v, bool | np.bool_):
            out[i] = int(v)
            continue
        if isinstance(v, int | np.integer) and v in (0, 1):
            out[i] = int(v)
            continue
        if isinstance(v, float | np.floating) and not math.isnan(v) and v in (0.0, 1.0):
            out[i] = int(v)
            continue
        text = "" if v is None else str(v).strip().lower()
        if text in _TRUE:
            out[i] = 1
        elif text in _FALSE and not (v is None or text == ""):
            out[i] = 0
        else:
            shown = "empty" if v is None or text == "" else repr(v)
            raise CaptureTableError(f"row {i + 1}, column {column!r}: value {shown} is not 0 or 1")
    return out


def _counts(values: np.ndarray, column: str) -> np.ndarray:
    out = np.empty(values.shape[0], dtype=np.int64)
    for i, v in enumerate(values):
        try:
            f = float(str(v).strip()) if not isinstance(v, int | float | np.number) else float(v)
        except ValueError:
            f = math.nan
        if not math.isfinite(f) or f != math.floor(f):
            raise CaptureTableError(
                f"row {i + 1}, column {column!r}: count {v!r} is not a whole number"
            )
        if f < 0:
            raise CaptureTableError(f"row {i + 1}, column {column!r}: negative count {v!r}")
        if f > MAX_COUNT:
            raise CaptureTableError(
                f"row {i + 1}, column {column!r}: count {v!r} is implausibly large (more than "
                f"{MAX_COUNT:,} people in one pattern)"
            )
        out[i] = int(f)
    return out


#: Identifier columns that are never read as lists: `expediente link --out` writes
#: `capture_history.csv` with a `person_id` column, and estimation reads that file as it is.
IDENTIFIER_COLUMNS = ("person_id",)


def capture_table(
    source: Any,
    *,
    lists: Sequence[str] | None = None,
    count: str | None = "count",
    exclude: Sequence[str] = (),
) -> CaptureTable:
    """Build a :class:`CaptureTable` from a file, a DataFrame or a mapping of columns.

    Args:
        source: Path to a CSV/Parquet file, a polars or pandas DataFrame, or a mapping
            from column name to values.
        lists: The 0/1 list columns. Default: every column except ``count`` and ``exclude``.
        count: Name of the count column of an aggregated table. If the column is absent the
            table is read as one row per person.
        exclude: Columns that are neither lists nor counts (identifiers, strata). A
            ``person_id`` column (the identifier in linkage's capture histories) is never a
            list.

    Raises:
        CaptureTableError: naming the row and column of a non-binary cell, a negative or
            non-integer count, an all-zero row, or fewer than two lists.
    """
    if isinstance(source, str | Path):
        source = read_frame(source)
    columns = _columns_of(source)
    # None when the table has no count column: one row per person.
    count_column = count if count is not None and count in columns else None
    chosen = lists is not None or bool(exclude)
    if lists is None:
        skipped = {*exclude, *IDENTIFIER_COLUMNS}
        lists = [c for c in columns if c != count and c not in skipped]
    lists = list(lists)
    missing = [c for c in lists if c not in columns]
    if missing:
        raise CaptureTableError(f"list column(s) {missing} not in table; columns: {list(columns)}")
    if len(lists) < 2:
        raise CaptureTableError(
            f"multiple-systems estimation needs at least 2 list columns, got {lists}"
        )
    for name in lists:
        if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
            # A NUL or line break in a list name would travel into every output and chart.
            raise CaptureTableError(
                f"list column {name!r} has a control character in its name; rename it"
            )
    n_rows = len(next(iter(columns.values()))) if columns else 0
    if n_rows == 0:
        raise CaptureTableError("the table has no rows")
    patterns = np.stack([_binary(columns[c], c) for c in lists], axis=1)
    counts = (
        _counts(columns[count_column], count_column)
        if count_column is not None
        else np.ones(n_rows, dtype=np.int64)
    )
    empty = patterns.sum(axis=1) == 0
    if np.any(empty & (counts > 0)):
        row = int(np.argmax(empty & (counts > 0))) + 1
        hint = (
            "; if the row's people are on lists left out here, drop those lists after reading "
            "instead (CaptureTable.drop_lists, or --drop on the command line)"
            if chosen
            else ""
        )
        raise CaptureTableError(
            f"row {row} has 0 in every list column {lists}: a person no list recorded cannot "
            f"be in the table (the estimators infer how many such people there are){hint}"
        )
    keep = ~empty  # an all-zero pattern with count 0 is harmless: drop it
    return CaptureTable(tuple(lists), patterns[keep], counts[keep])
