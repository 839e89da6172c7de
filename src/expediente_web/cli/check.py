"""`expediente check`: re-hash every stored evidence file."""

from __future__ import annotations

import sys

import click

from expediente_web.cli.failures import user_errors
from expediente_web.cli.opening import open_database
from expediente_web.cli.setup import EXIT_PROBLEM_FOUND, data_dir_option


@click.command(name="check")
@data_dir_option
def command() -> None:
    """Re-hash every stored evidence file; exit 1 naming each missing or changed one."""
    with user_errors():
        open_database()
        from expediente_web.evidence.integrity import check_items, items_to_check

        problems = []
        total = items_to_check()
        with click.progressbar(check_items(), length=total, label="Checking evidence",
                               file=sys.stderr, hidden=not sys.stderr.isatty()) as results:
            for _item, problem in results:
                if problem is not None:
                    problems.append(problem)
    if not problems:
        click.echo(f"evidence intact: {total} items, every file present and unchanged")
        return
    click.echo(f"evidence PROBLEMS: {len(problems)} of {total} items", err=True)
    for problem in problems:
        click.echo(f"  {problem}", err=True)
    raise SystemExit(EXIT_PROBLEM_FOUND)
