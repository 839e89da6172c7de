"""`expediente audit verify`: check the hash-chained audit log."""

from __future__ import annotations

import sys

import click

from expediente_web.cli.failures import open_database, user_errors
from expediente_web.cli.setup import EXIT_PROBLEM_FOUND, data_dir_option


@click.group(name="audit")
def command() -> None:
    """The audit log: every write to a case, hash-chained so that any change shows."""


@command.command(name="verify")
@data_dir_option
def verify() -> None:
    """Walk the whole chain; exit 1 naming every edited, deleted or reordered entry.

    On success prints the number of entries and the head hash: write the head hash down (or
    publish it) to detect later a rewrite of the whole log.
    """
    with user_errors():
        open_database()
        from expediente_web.audit.chain import check, entry_count

        total = entry_count()
        with click.progressbar(length=total, label="Verifying", file=sys.stderr,
                               hidden=not sys.stderr.isatty()) as bar:
            verdict = check(progress=bar.update)
    if verdict.intact:
        click.echo(f"chain intact, {verdict.entries} entries, head {verdict.head}")
        return
    click.echo(f"chain BROKEN: {len(verdict.breaks)} problems in {verdict.entries} entries",
               err=True)
    for problem in verdict.breaks:
        click.echo(f"  {problem}", err=True)
    raise SystemExit(EXIT_PROBLEM_FOUND)
