"""Result objects of an estimation run and their JSON / CSV forms.

Every result carries what is needed to reproduce it: the method, every parameter (seed
included), the SHA-256 of the input table and the package version.
"""

from __future__ import annotations

import csv
import importlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from expediente.tables.cells import neutralise_formula

__all__ = [
    "Estimate",
    "EstimationReport",
    "Interval",
    "package_version",
    "write_csv",
    "write_json",
]


def package_version() -> str:
    """Version of the ``expediente`` package, read lazily."""
    try:
        module = importlib.import_module("expediente")
        return str(getattr(module, "__version__", "unknown"))
    except ImportError:  # pragma: no cover - the package is importable wherever this runs
        return "unknown"


@dataclass(frozen=True)
class Interval:
    """An interval estimate of the population size."""

    lower: float
    upper: float
    level: float
    method: str  # "wald-log", "profile", "bca", "posterior", "model-average", "combined"


@dataclass(frozen=True)
class Estimate:
    """The estimate of one population (the whole table or one stratum).

    Attributes:
        method: ``"loglinear"`` or ``"lcmcr"``.
        lists: Lists used.
        n_observed: People recorded by at least one list.
        estimate: Point estimate of N (MLE, or posterior median for LCMCR).
        intervals: Interval estimates, the first being the headline one.
        parameters: Every setting the run used (seed included).
        details: Model terms, selection steps, diagnostics.
        warnings: Problems a reader must see (chain disagreement, sparse strata...).
        stratum: Stratum label, ``None`` for an unstratified run.
        input_sha256: SHA-256 of the capture table.
        package_version: Version of ``expediente``.
    """

    method: str
    lists: tuple[str, ...]
    n_observed: int
    estimate: float
    intervals: tuple[Interval, ...]
    parameters: Mapping[str, Any] = field(default_factory=dict)
    details: Mapping[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    stratum: str | None = None
    input_sha256: str = ""
    package_version: str = field(default_factory=package_version)

    @property
    def interval(self) -> Interval:
        """The headline interval."""
        return self.intervals[0]

    @property
    def dark_figure(self) -> float:
        """Estimated number of people no list recorded."""
        return self.estimate - self.n_observed

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return _jsonable(asdict(self))


@dataclass(frozen=True)
class EstimationReport:
    """Estimates per stratum plus, where stratified, their combined total."""

    estimates: tuple[Estimate, ...]
    total: Estimate | None = None
    strata_column: str | None = None
    refused: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return {
            "strata_column": self.strata_column,
            "total": self.total.to_dict() if self.total else None,
            "estimates": [e.to_dict() for e in self.estimates],
            "refused_strata": dict(self.refused),
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "tolist"):
        return _jsonable(value.tolist())
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return value


def write_json(report: EstimationReport | Estimate, path: str | Path) -> Path:
    """Write a report or a single estimate as indented JSON."""
    path = Path(path)
    path.write_text(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n")
    return path


CSV_COLUMNS: Sequence[str] = (
    "stratum",
    "method",
    "n_observed",
    "estimate",
    "interval_method",
    "level",
    "lower",
    "upper",
    "lists",
    "parameters",
    "warnings",
    "input_sha256",
    "package_version",
)


def write_csv(report: EstimationReport | Estimate, path: str | Path) -> Path:
    """Write one row per estimate and interval (stratified totals labelled ``TOTAL``)."""
    path = Path(path)
    if isinstance(report, Estimate):
        report = EstimationReport((report,))
    rows = list(report.estimates) + ([report.total] if report.total else [])
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(CSV_COLUMNS))
        writer.writeheader()
        for est in rows:
            for iv in est.intervals:
                writer.writerow(
                    {
                        # stratum labels and list names come from the input file: a
                        # spreadsheet must not run them as formulas
                        "stratum": neutralise_formula(est.stratum or ""),
                        "method": est.method,
                        "n_observed": est.n_observed,
                        "estimate": f"{est.estimate:.2f}",
                        "interval_method": iv.method,
                        "level": iv.level,
                        "lower": f"{iv.lower:.2f}",
                        "upper": f"{iv.upper:.2f}",
                        "lists": neutralise_formula("|".join(est.lists)),
                        "parameters": json.dumps(_jsonable(dict(est.parameters)), sort_keys=True),
                        "warnings": " | ".join(est.warnings),
                        "input_sha256": est.input_sha256,
                        "package_version": est.package_version,
                    }
                )
    return path
