"""Validating a table file row by row into typed records or problems.

The import runs in two streaming passes so that a bad file changes nothing:

1. :func:`check_file` reads the whole file and collects every problem. Its memory grows
   with the number of distinct ids (to find duplicate row ids and list references), not
   with the size of the file.
2. Only if there were none, :func:`read_records` reads the file again and yields the
   clean records, which the storage layer writes in one transaction.

:func:`validate` is the single pass both build on: it yields records and problems in file
order.
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from expediente.tables.cells import EMPTY, CellError, Converter, make_converter
from expediente.tables.kinds import FieldType, KindSpec, kind_spec, record_builder
from expediente.tables.mapping import TableMapping
from expediente.tables.problems import Limits, Problem, ProblemCode
from expediente.tables.readers import TableReader, open_table
from expediente.tables.records import Record
from expediente.tables.row_rules import ROW_RULES
from expediente.vocabularies import VocabularySet, fold, load_vocabularies

__all__ = [
    "InvalidFileError",
    "PartialRow",
    "ValidationReport",
    "Validator",
    "check_file",
    "read_records",
    "validate",
]

_LONG = (FieldType.LONG_TEXT,)


class InvalidFileError(ValueError):
    """Raised by :func:`read_records` when the file has a problem after all."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class ValidationReport:
    """What the checking pass found.

    Attributes:
        rows: data rows read.
        valid_rows: rows that became records.
        problems: the first ``Limits.max_problems`` problems, in file order.
        problem_count: all problems, including those not kept.
        counts: problems per code.
        columns: raw header -> field (None for an ignored or unknown column).
        record_ids: every row id seen (to check references from other files).
        references: per reference field (``victim_record_id``, ``unit_code``...), the
            distinct values used, for the importer to check against the case.
        unmapped: per raw column, raw vocabulary values that matched no term, with counts.
    """

    path: str
    kind: str
    rows: int = 0
    valid_rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    columns: dict[str, str | None] = field(default_factory=dict)
    record_ids: set[str] = field(default_factory=set)
    references: dict[str, set[str]] = field(default_factory=dict)
    unmapped: dict[str, Counter[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the file can be imported."""
        return self.problem_count == 0

    @property
    def truncated(self) -> bool:
        """True when more problems were found than kept."""
        return self.problem_count > len(self.problems)


@dataclass(frozen=True, slots=True)
class PartialRow:
    """What could be read of a row that has a problem (``Validator(partial_rows=True)``).

    ``record`` is the kind's record type with the cells that converted; a field whose cell was
    empty or wrong holds its default, a required one None. The importer checks its references
    against the case too, so that the report lists every problem of the row in one pass
    instead of its reference problems only once its cells are fixed.
    """

    record: Record


class _Column(NamedTuple):
    # A tuple, not a dataclass: the row loop unpacks it, which is the cheapest access.
    position: int
    raw: str
    name: str
    convert: Converter | None
    max_chars: int


class Validator:
    """Validates the rows of one kind; reusable across files of that kind."""

    def __init__(
        self,
        kind: str | None = None,
        mapping: TableMapping | None = None,
        *,
        vocabularies: VocabularySet | None = None,
        limits: Limits | None = None,
        today: _dt.date | None = None,
        track_unmapped: bool = False,
        partial_rows: bool = False,
    ) -> None:
        mapping = _mapping(kind, mapping)
        self.spec: KindSpec = kind_spec(mapping.kind)
        self.mapping = mapping
        self.vocabularies = vocabularies or load_vocabularies()
        self.limits = limits or Limits()
        self.today = today
        self.track_unmapped = track_unmapped
        self.partial_rows = partial_rows
        """Yield a :class:`PartialRow` after the problems of each bad row."""

    # -- the single pass ------------------------------------------------------------------
    def validate(
        self, reader: TableReader, report: ValidationReport | None = None
    ) -> Iterator[Record | Problem | PartialRow]:
        """Yield a record for each good row and a problem for each fault, in file order
        (and, with ``partial_rows``, a :class:`PartialRow` after each bad row's problems).

        With a ``report``, it is filled as the rows go by (counts, ids, references, unmatched
        values); without one, references are not collected (the writing pass needs none).
        """
        spec = self.spec
        track_references = report is not None
        if report is None:
            report = ValidationReport(str(reader.path), spec.name)
        build = record_builder(spec)
        partial = self.partial_rows
        unset = {f.name: None for f in spec.fields if f.required}
        seen_ids = report.record_ids
        references = report.references
        # (field, its set of values, whether the cell holds several ids)
        ref_sets: list[tuple[str, set[str], bool]] = []
        if track_references:
            for f in spec.fields:
                if f.is_reference:
                    ref_sets.append(
                        (f.name, references.setdefault(f.name, set()), f.type is FieldType.IDS)
                    )
        required = [f.name for f in spec.fields if f.required]
        columns: list[_Column] = []
        column_of: dict[str, str] = {}
        defaults: dict[str, Any] = {}
        planned = -1
        warned_extra = False
        unnamed: list[int] = []  # columns without a header: ignored unless they hold values
        post = ROW_RULES.get(spec.name)
        bad_row: int | None = None  # a row the reader already found a fault in
        for item in reader:
            if isinstance(item, Problem):
                bad_row = item.row
                yield item
                continue
            number, cells = item
            if len(reader.header) != planned:
                yield from self._plan(
                    reader.header,
                    planned,
                    columns,
                    column_of,
                    report,
                    _header_row(reader.format, number),
                    unnamed,
                )
                if planned < 0:
                    defaults = self._defaults(column_of)
                planned = len(reader.header)
            report.rows += 1
            values: dict[str, Any] = {}
            problems: list[Problem] | None = None
            failed: set[str] = set()
            width = len(cells)
            for index, raw, name, convert, max_chars in columns:
                if index >= width:
                    continue
                cell = cells[index]
                if not cell:
                    continue
                cell = cell.strip()
                if not cell:
                    continue
                if len(cell) > max_chars:
                    problems = problems or []
                    failed.add(name)
                    problems.append(
                        Problem(
                            number,
                            raw,
                            ProblemCode.OVERSIZED_CELL,
                            f"the cell has {len(cell):,} characters; the limit is {max_chars:,}",
                        )
                    )
                    continue
                if convert is None:
                    values[name] = cell
                    continue
                try:
                    value = convert(cell)
                except CellError as exc:
                    problems = problems or []
                    failed.add(name)
                    problems.append(Problem(number, raw, exc.code, exc.message))
                    continue
                if value is not EMPTY:
                    values[name] = value
            if width > planned and not warned_extra and any(cells[planned:]):
                warned_extra = True
                problems = problems or []
                problems.append(
                    Problem(
                        number,
                        f"#{planned + 1}",
                        ProblemCode.UNKNOWN_COLUMN,
                        "the row has more cells than the header has columns",
                    )
                )
            if unnamed and not warned_extra:
                for position in unnamed:
                    if position < width and cells[position].strip():
                        warned_extra = True
                        problems = problems or []
                        problems.append(
                            Problem(
                                number,
                                f"#{position + 1}",
                                ProblemCode.UNKNOWN_COLUMN,
                                "the cell holds a value but its column has no header",
                            )
                        )
                        break
            for name, value in defaults.items():
                if name not in values and name not in failed:
                    values[name] = value
            if post is not None:
                problems = post(values, number, column_of, failed, problems)
            for name in required:
                if name not in values and name not in failed:
                    problems = problems or []
                    problems.append(
                        Problem(
                            number,
                            column_of.get(name, name),
                            ProblemCode.MISSING_REQUIRED,
                            f"{name} is required",
                        )
                    )
            record_id = values.get("record_id")
            if record_id is not None:
                if record_id in seen_ids:
                    problems = problems or []
                    problems.append(
                        Problem(
                            number,
                            column_of.get("record_id", "record_id"),
                            ProblemCode.DUPLICATE_ROW_ID,
                            f"record_id {record_id!r} appears on an earlier row",
                        )
                    )
                else:
                    seen_ids.add(record_id)
            for name, seen, several in ref_sets:
                if name in values:
                    if several:
                        seen.update(values[name])
                    else:
                        seen.add(values[name])
            if problems:
                yield from problems
                if partial:
                    yield PartialRow(build(number, {**unset, **values}))
                continue
            if bad_row == number:
                if partial:
                    yield PartialRow(build(number, {**unset, **values}))
                continue
            report.valid_rows += 1
            yield build(number, values)
        if planned < 0 and reader.header:  # a header and no rows: still check the columns
            yield from self._plan(
                reader.header,
                planned,
                columns,
                column_of,
                report,
                _header_row(reader.format, 1),
                unnamed,
            )

    def _plan(
        self,
        header: list[str],
        planned: int,
        columns: list[_Column],
        column_of: dict[str, str],
        report: ValidationReport,
        header_row: int | None,
        unnamed: list[int],
    ) -> Iterator[Problem]:
        """Match header columns to fields (again, for new JSON keys)."""
        mapping = self.mapping
        folded_map = {fold(k): v for k, v in mapping.columns.items()}
        names = set(self.spec.field_names)
        folded_names = {fold(n): n for n in names}
        for index in range(max(planned, 0), len(header)):
            raw = header[index]
            if not raw:
                unnamed.append(index)
                continue
            if raw in mapping.columns:
                target = mapping.columns[raw]
            elif fold(raw) in folded_map:
                target = folded_map[fold(raw)]
            elif raw in names:
                target = raw
            else:
                target = folded_names.get(fold(raw).replace(" ", "_"))
                if target is None and fold(raw) not in self.spec.extra_columns:
                    report.columns[raw] = None
                    yield Problem(
                        header_row,
                        raw,
                        ProblemCode.UNKNOWN_COLUMN,
                        f"column {raw!r} is not a field of {self.spec.name!r}; map it to a "
                        "field or to null (ignore) in the mapping file",
                    )
                    continue
            report.columns[raw] = target
            if target is None:
                continue
            if target in column_of:
                yield Problem(
                    header_row,
                    raw,
                    ProblemCode.MALFORMED_FILE,
                    f"columns {column_of[target]!r} and {raw!r} both give {target!r}",
                )
                continue
            column_of[target] = raw
            spec = self.spec.field(target)
            unmapped = None
            if self.track_unmapped and spec.vocabulary is not None:
                unmapped = report.unmapped.setdefault(raw, Counter())
            columns.append(
                _Column(
                    index,
                    raw,
                    target,
                    make_converter(
                        spec,
                        self.vocabularies,
                        mapping.value_map(target),
                        mapping.date_format_for(target),
                        self.today,
                        unmapped,
                    ),
                    self.limits.max_long_text_chars
                    if spec.type in _LONG
                    else self.limits.max_cell_chars,
                )
            )

    def _defaults(self, column_of: dict[str, str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, raw in self.mapping.defaults.items():
            spec = self.spec.field(name)
            convert = make_converter(
                spec,
                self.vocabularies,
                self.mapping.value_map(name),
                self.mapping.date_format_for(name),
                self.today,
            )
            try:
                value = raw if convert is None else convert(raw)
            except CellError as exc:
                raise ValueError(f"mapping defaults: {name}: {exc.message}") from None
            if value is not EMPTY:
                out[name] = value
        return out


def _header_row(fmt: str, number: int) -> int | None:
    """Where a header problem is: row 1 of a spreadsheet, none for Parquet (its columns are
    named in its schema), the object that first has the key for JSON."""
    if fmt in ("csv", "tsv", "xlsx"):
        return 1
    return None if fmt == "parquet" else number


def _open(path: str | Path, mapping: TableMapping, limits: Limits | None) -> TableReader:
    return open_table(path, limits=limits, encoding=mapping.encoding, sheet=mapping.sheet)


def _mapping(kind: str | None, mapping: TableMapping | None) -> TableMapping:
    if mapping is not None:
        if kind is not None and kind != mapping.kind:
            raise ValueError(f"the mapping is for kind {mapping.kind!r}, not {kind!r}")
        return mapping
    if kind is None:
        raise ValueError("give a kind or a mapping")
    return TableMapping.identity(kind)


def validate(
    path: str | Path,
    kind: str | None = None,
    mapping: TableMapping | None = None,
    *,
    vocabularies: VocabularySet | None = None,
    limits: Limits | None = None,
    today: _dt.date | None = None,
    report: ValidationReport | None = None,
) -> Iterator[Record | Problem]:
    """Stream a file's records and problems in file order (see :class:`Validator`)."""
    mapping = _mapping(kind, mapping)
    validator = Validator(mapping=mapping, vocabularies=vocabularies, limits=limits, today=today)
    with _open(path, mapping, validator.limits) as reader:
        for item in validator.validate(reader, report):
            assert not isinstance(item, PartialRow)  # not asked for  # noqa: S101 (type narrowing for mypy; the invariant is set just above)
            yield item


def check_file(
    path: str | Path,
    kind: str | None = None,
    mapping: TableMapping | None = None,
    *,
    vocabularies: VocabularySet | None = None,
    limits: Limits | None = None,
    today: _dt.date | None = None,
    track_unmapped: bool = False,
) -> ValidationReport:
    """First pass: read the whole file and report every problem; keeps no records."""
    mapping = _mapping(kind, mapping)
    validator = Validator(
        mapping=mapping,
        vocabularies=vocabularies,
        limits=limits,
        today=today,
        track_unmapped=track_unmapped,
    )
    report = ValidationReport(str(path), mapping.kind)
    keep = validator.limits.max_problems
    with _open(path, mapping, validator.limits) as reader:
        for item in validator.validate(reader, report):
            if isinstance(item, Problem):
                report.problem_count += 1
                report.counts[item.code] += 1
                if len(report.problems) < keep:
                    report.problems.append(item)
    return report


def read_records(
    path: str | Path,
    kind: str | None = None,
    mapping: TableMapping | None = None,
    *,
    vocabularies: VocabularySet | None = None,
    limits: Limits | None = None,
    today: _dt.date | None = None,
) -> Iterator[Record]:
    """Second pass: yield the clean records of a file that :func:`check_file` passed.

    Raises:
        InvalidFileError: at the first problem (the file changed between the passes).
    """
    for item in validate(
        path, kind, mapping, vocabularies=vocabularies, limits=limits, today=today
    ):
        if isinstance(item, Problem):
            raise InvalidFileError(item)
        yield item
