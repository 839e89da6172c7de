"""Dry run: what a file would need before it can be imported.

Lists, per column, the raw vocabulary values that match no term (with how often each
occurs), the columns that map to no field, and every problem; and drafts the ``values``
section of a mapping file for the documenter to complete.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path

import yaml

from expediente.tables.mapping import TableMapping
from expediente.tables.problems import Limits
from expediente.tables.validation import ValidationReport, check_file
from expediente.vocabularies import VocabularySet

__all__ = ["DryRunReport", "dry_run"]


@dataclass
class DryRunReport:
    """The result of :func:`dry_run`; ``report`` holds the full validation report."""

    report: ValidationReport
    mapping: TableMapping

    @property
    def ok(self) -> bool:
        """True when the file would import as it is."""
        return self.report.ok

    @property
    def unmapped(self) -> dict[str, list[tuple[str, int]]]:
        """Per raw column, unmatched raw values with counts, most frequent first."""
        return {
            column: counts.most_common()
            for column, counts in self.report.unmapped.items()
            if counts
        }

    @property
    def unknown_columns(self) -> list[str]:
        """Raw columns that map to no field."""
        return [
            raw
            for raw, target in self.report.columns.items()
            if target is None and raw not in self.mapping.columns
        ]

    def suggested_mapping(self) -> str:
        """A mapping file (YAML) with the unmatched values set to null, to be completed."""
        columns = dict(self.report.columns)
        values: dict[str, dict[str, str | None]] = {
            field: dict(table) for field, table in self.mapping.values.items()
        }
        for column, counts in self.report.unmapped.items():
            target = self.report.columns.get(column)
            if target is None or not counts:
                continue
            table = values.setdefault(target, {})
            for raw in counts:
                table.setdefault(raw, None)
        data = {
            "kind": self.mapping.kind,
            "columns": columns,
            "values": values,
        }
        if self.mapping.defaults:
            data["defaults"] = dict(self.mapping.defaults)
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)

    def summary(self) -> str:
        """A plain-text report for the terminal."""
        report = self.report
        lines = [
            f"{report.path}: {report.rows} rows of kind {report.kind!r}, "
            f"{report.valid_rows} valid, {report.problem_count} problems"
        ]
        for column, values in self.unmapped.items():
            lines.append(f"  unmatched values in column {column!r}:")
            lines.extend(f"    {count:>7}  {raw}" for raw, count in values)
        for problem in report.problems:
            lines.append(f"  {problem}")
        if report.truncated:
            lines.append(f"  ... {report.problem_count - len(report.problems)} more problems")
        return "\n".join(lines)


def dry_run(
    path: str | Path,
    kind: str | None = None,
    mapping: TableMapping | None = None,
    *,
    vocabularies: VocabularySet | None = None,
    limits: Limits | None = None,
    today: _dt.date | None = None,
) -> DryRunReport:
    """Check a file without importing it and list what the mapping still lacks."""
    if mapping is None:
        if kind is None:
            raise ValueError("give a kind or a mapping")
        mapping = TableMapping.identity(kind)
    report = check_file(
        path,
        mapping=mapping,
        vocabularies=vocabularies,
        limits=limits,
        today=today,
        track_unmapped=True,
    )
    return DryRunReport(report, mapping)
