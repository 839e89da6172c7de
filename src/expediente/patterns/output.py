"""Writing a pattern report: counts as CSV, indicators as JSON, the time series as a chart."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

import polars as pl

from expediente.patterns.report import INDICATORS, PatternReport
from expediente.tables.cells import neutralise_formula


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else "inf"
    return value


def plot_series(report: PatternReport, target: Path | IO[bytes], fmt: str = "png",
                labels: Mapping[str, str] | None = None) -> None:
    """Bars of documented acts and a line of distinct victims per period (never an estimate).

    Args:
        report: a report with a series.
        target: a path, or a binary buffer.
        fmt: ``png`` or ``svg``.
        labels: ``title``, ``acts``, ``victims``, ``ylabel`` (the web page passes both
            languages).
    """
    import matplotlib

    matplotlib.use("Agg")  # files only; never open a window
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    text = {"title": f"Documented acts per {report.series_period} (not an estimate)",
            "acts": "documented acts", "victims": "distinct victims", "ylabel": "count",
            **(labels or {})}
    series = report.series
    periods = series["period"].to_list()
    x = range(len(periods))
    fig, ax = plt.subplots(figsize=(9, 3.8))
    ax.bar(x, series["acts"].to_list(), color="#4c72b0", alpha=0.75, label=text["acts"])
    ax.plot(x, series["victims"].to_list(), color="#c44e52", lw=1.4, label=text["victims"])
    step = max(1, math.ceil(len(periods) / 24))  # at most about 24 tick labels
    ax.set_xticks(list(x)[::step], periods[::step], rotation=45, ha="right", fontsize=8)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts are whole numbers
    ax.set_ylabel(text["ylabel"])
    ax.set_title(text["title"], fontsize=11)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(target, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    plt.close(fig)


def write_outputs(report: PatternReport, out_dir: Path, source: Mapping[str, Any],
                  chart: str = "png") -> list[Path]:
    """Write ``patterns-counts.csv``, ``patterns-indicators.json`` and the chart.

    Args:
        report: the report.
        out_dir: created if missing.
        source: what the input was (file and its SHA-256, or case and the hash of its acts).
        chart: ``png``, ``svg`` or ``none``.
    """
    from expediente import __version__

    out_dir.mkdir(parents=True, exist_ok=True)
    counts = out_dir / "patterns-counts.csv"
    report.counts.with_columns(
        [report.counts[c].cast(str) for c, t in report.counts.schema.items() if t.is_temporal()]
        # places, units, methods and groups come from the case's records: a spreadsheet
        # must not run a value such as =HYPERLINK(...) as a formula
        + [report.counts[c].map_elements(neutralise_formula, return_dtype=pl.String)
           for c, t in report.counts.schema.items() if t == pl.String]
    ).write_csv(counts)
    indicators = out_dir / "patterns-indicators.json"
    document = {
        "input": dict(source),
        "parameters": dict(report.parameters),
        "package_version": __version__,
        "scale_from": report.scale,
        "estimate_level": report.estimate_level,
        "widespread": report.widespread.to_dict(),
        "systematic": report.systematic.to_dict(),
        "meanings": {i.key: {"en": i.meaning_en, "es": i.meaning_es} for i in INDICATORS},
        "notes": list(report.notes),
    }
    indicators.write_text(json.dumps(_jsonable(document), indent=2, ensure_ascii=False) + "\n",
                          "utf-8")
    written = [counts, indicators]
    if chart != "none" and report.series is not None:
        path = out_dir / f"patterns-series.{chart}"
        plot_series(report, path, chart)
        written.append(path)
    return written
