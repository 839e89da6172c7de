"""`expediente patterns --case C`: counts and indicators on a case's live acts.

The victims are the persons of the case's latest linkage run and the scale is its latest
stored estimate, named in the output (or the output says there is none). Nothing is stored:
the report is made from the live records each time, and its JSON carries the hash of the acts
it was made from. `run(...)` is what `expediente patterns` calls when it is given `--case`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from expediente_web.cli.failures import Refused, user_errors
from expediente_web.cli.opening import open_case, open_database

__all__ = ["run"]


def run(case_code: str, *, by: Sequence[str] = ("month",), username: str | None = None,
        data_dir: str | None = None, out_dir: Path | None = None, chart: str = "png",
        reference_shares: dict[str, float] | None = None, echo: Any = click.echo) -> Any:
    """Print (and with `out_dir`, write) the pattern report of case `case_code`.

    Args:
        case_code: the case.
        by: dimensions of the counts (see `expediente.patterns.report.build_report`).
        username: act as this user (any role of the case); the operator when None.
        data_dir: the data directory (else `$EXPEDIENTE_DATA_DIR` or ./data).
        out_dir: write patterns-counts.csv, patterns-indicators.json and the chart there.
        chart: ``png``, ``svg`` or ``none``.
        reference_shares: share of each affiliation group in the population at risk.
        echo: where lines go.

    Returns:
        The `CasePatterns`.

    Raises:
        click.ClickException: bad input or an unknown case (exit 2), not permitted (exit 3).
    """
    if data_dir:
        os.environ["EXPEDIENTE_DATA_DIR"] = str(data_dir)
    from expediente.cli.patterns_report import print_report
    from expediente.patterns.output import write_outputs

    with user_errors():
        open_database()
        from expediente_web.analyses.patterns import case_patterns

        case, actor = open_case(case_code, username)
        found = case_patterns(actor, case, list(by), reference_shares)
        if found.report is None:
            raise Refused(f"case {case.code} has no dated act: nothing to count")
        echo(f"case                 {case.code}: {found.source['acts']:,} dated acts "
             f"(sha256 {found.source['acts_sha256'][:12]}…)")
        print_report(found.report, echo)
        if out_dir is not None:
            for path in write_outputs(found.report, out_dir, found.source, chart):
                click.echo(f"wrote {path}", err=True)
    return found
