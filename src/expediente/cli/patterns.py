"""``expediente patterns``: counts over time, place, unit and method; scale and system.

On a file, the acts come from an acts table (the ``acts`` kind of ``docs/reference/tables.md``,
or the core's own columns, see :mod:`expediente.patterns.files`). With ``--case`` they come from
a case's live records (``expediente_web.cli.patterns_case``, found by name so that the core
never imports Django). Both print the same report (`expediente.cli.patterns_report`) and write
the same files (:func:`expediente.patterns.output.write_outputs`).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path

import click

from expediente.cli.patterns_report import print_report
from expediente.fingerprints import file_sha256
from expediente.patterns.acts import PatternInputError
from expediente.patterns.files import estimate_from_json, read_acts_file
from expediente.patterns.output import write_outputs
from expediente.patterns.report import (
    build_report,
)

__all__ = ["command"]


class BadInput(click.ClickException):
    """Bad input file or options: exit code 2, a message without a traceback."""

    exit_code = 2


def _shares(values: Sequence[str]) -> dict[str, float] | None:
    shares: dict[str, float] = {}
    for value in values:
        group, _, share = value.rpartition("=")
        try:
            number = float(share)
        except ValueError:
            number = -1.0
        if not group.strip() or not number >= 0:
            raise BadInput(f"--reference-share {value!r}: write GROUP=SHARE, e.g. "
                           "affiliation.student=0.12 (a share of the population at risk)")
        shares[group.strip()] = number
    return shares or None


def _dimensions(values: Sequence[str]) -> list[str]:
    dims = [v.strip() for value in values for v in value.split(",") if v.strip()]
    return dims or ["month"]


@click.command(name="patterns")
@click.argument("file", required=False,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--by", "by", multiple=True, metavar="DIM",
              help="Count by these (repeat or comma-separate): one of day, week, month, "
                   "quarter, year; and state, unit, act_type, method, affiliation. "
                   "Default: month.")
@click.option("--estimate", "estimate_file",
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="JSON written by `expediente estimate --out`: the scale, with its interval.")
@click.option("--structure", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A case's structure.json, to place acts (location_code) in their state.")
@click.option("--reference-share", "reference", multiple=True, metavar="GROUP=SHARE",
              help="Share of an affiliation group in the population at risk (repeat for "
                   "every group): adds the targeting ratio and test.")
@click.option("--case", "case_code", default=None,
              help="Work on a case's live acts instead of a file (needs the database).")
@click.option("--user", "username", default=None, help="With --case: act as this user.")
@click.option("--data-dir", default=None, type=click.Path(file_okay=False),
              help="With --case: the data directory (default ./data or $EXPEDIENTE_DATA_DIR).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write patterns-counts.csv, patterns-indicators.json and the chart here.")
@click.option("--chart", type=click.Choice(["png", "svg", "none"]), default="png",
              show_default=True)
def command(file: Path | None, by: tuple[str, ...], estimate_file: Path | None,
            structure: Path | None, reference: tuple[str, ...], case_code: str | None,
            username: str | None, data_dir: str | None, out_dir: Path | None, chart: str) -> None:
    """Counts of acts over time, place, unit and method, and indicators of *widespread* and
    *systematic* (Rome Statute art. 7).

    FILE is an acts table (CSV, TSV, XLSX, JSON; or CSV/Parquet with the columns act_id,
    start_date, victim_id, act_type, methods, place, unit, victim_affiliation). With --case
    instead, the acts are the case's, and the scale is its latest stored estimate.
    The indicators describe documented acts; they inform the legal question, not decide it.
    """
    if (file is None) == (case_code is None):
        raise click.UsageError("Give either FILE or --case, not both and not neither.")
    dims = _dimensions(by)
    shares = _shares(reference)
    if case_code is not None:
        if estimate_file is not None or structure is not None:
            raise click.UsageError("--estimate and --structure apply to a FILE; with --case the "
                                   "scale is the case's latest stored estimate")
        # The case side sets Django up; it is found by name so the core never imports it.
        case_side = importlib.import_module("expediente_web.cli.patterns_case")
        case_side.run(case_code, by=dims, username=username, data_dir=data_dir,
                      out_dir=out_dir, chart=chart, reference_shares=shares)
        return
    if username is not None or data_dir is not None:
        raise click.UsageError("--user and --data-dir apply to --case")
    assert file is not None  # noqa: S101 (type narrowing for mypy; the invariant is set just above)
    try:
        frame, source = read_acts_file(file, structure)
        estimate, scale = estimate_from_json(estimate_file) if estimate_file else (None, None)
        if structure is not None:
            source["structure"], source["structure_sha256"] = str(structure), file_sha256(structure)
        if "state" in dims and structure is None and source["format"] == "acts table kind":
            raise BadInput("--by state: this acts table names places by location_code; give "
                           "--structure structure.json to find their states, or use --by place")
        report = build_report(frame, dims, estimate=estimate, scale=scale, reference_shares=shares,
                              parameters={"estimate_file": str(estimate_file) if estimate_file
                                          else None, "places": source["place"]},
                              notes=["victims are counted by their id in the file; the same person "
                                     "under two ids counts twice (link first)"]
                              if source["format"] == "acts table kind" else [])
    except PatternInputError as exc:
        raise BadInput(str(exc)) from None
    print_report(report)
    if out_dir is not None:
        for path in write_outputs(report, out_dir, source, chart):
            click.echo(f"wrote {path}", err=True)
