"""`expediente export`: write a whole case to a folder in the case-directory layout."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from expediente.consent import RECIPIENTS
from expediente_web.cli.failures import Refused, user_errors
from expediente_web.cli.opening import acting_user, find_case, open_database
from expediente_web.cli.setup import actor_option, data_dir_option


@click.command(name="export")
@data_dir_option
@click.option("--case", "case_code", required=True, help="Code of the case to export.")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "parquet"]), default="csv",
              show_default=True, help="File format of the tables.")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False,
              path_type=Path), help="Folder to write (new or empty).")
@click.option("--for", "recipient", type=click.Choice(list(RECIPIENTS)), default="team",
              show_default=True,
              help="Whom the export is for. team: the case's own internal copy, every "
              "testimony. Any other (partner_ngos, icc, un, oas_iachr, national, lawyers, "
              "public): only the testimonies whose witness consented to that recipient, with "
              "their excerpts; the others are counted, never written.")
@click.option("--include-protected", is_flag=True,
              help="Write names, ID numbers, birth dates and contacts in clear (needs --user "
              "with a role that may see them); otherwise stable pseudonyms replace them.")
@actor_option
def command(case_code: str, fmt: str, out_dir: Path, recipient: str, include_protected: bool,
            username: str | None) -> None:
    """Export a case: structure, sources, victims, acts, testimonies, evidence and comments.

    The folder can be imported into another database with `expediente import DIR --case C`.
    Without --include-protected, identifying fields are pseudonymised (P-…, ID-…), the same
    pseudonyms in every export made with the same key ring.
    """
    with user_errors():
        open_database()
        from expediente_web.intake.exporter import ExportError, consent_line, do_export_case

        actor = acting_user(username)
        case = find_case(case_code)
        progress = _Progress()
        try:
            result = do_export_case(case, out_dir, fmt=fmt, include_protected=include_protected,
                                    actor=actor, progress=progress, recipient=recipient)
        except ExportError as exc:
            raise Refused(str(exc)) from None
        finally:
            progress.close()
    counts = ", ".join(f"{n:,} {name}" for name, n in result.counts.items())
    click.echo(f"Exported case {case_code} to {result.out_dir} ({fmt}): {counts}")
    click.echo(consent_line(result))
    if include_protected:
        click.secho("The export contains identifying data in clear: keep it encrypted.",
                    fg="yellow", err=True)
    else:
        click.echo("Identifying fields are pseudonymised.")


class _Progress:
    """Counts exported victim rows on stderr (total unknown in advance)."""

    def __init__(self) -> None:
        self.done = 0
        self.shown = False

    def __call__(self, n: int) -> None:
        self.done += n
        if sys.stderr.isatty():
            click.echo(f"\rExporting … {self.done:,} records", err=True, nl=False)
            self.shown = True

    def close(self) -> Any:
        if self.shown:
            click.echo("", err=True)
