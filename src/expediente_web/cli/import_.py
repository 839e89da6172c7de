"""`expediente import`: import a table file, or a whole case directory, into a case."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from expediente_web.cli.failures import Refused, user_errors
from expediente_web.cli.opening import acting_user, find_case, open_database
from expediente_web.cli.setup import (
    EXIT_BAD_INPUT,
    actor_option,
    data_dir_option,
)

KIND_CHOICES = ("victims", "acts", "testimonies", "sources", "involvements", "measurements")
SHOWN_PROBLEMS = 200


class BarProgress:
    """A progress bar on stderr over the rows written (the total is estimated from the files'
    lines); click shows it only when stderr is a terminal."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: Any = None

    def __call__(self, n: int, total: int) -> None:
        if total <= 0:  # an XLSX file: no cheap row estimate, no bar
            return
        if self.bar is None:
            self.bar = click.progressbar(length=max(total, 1), label=self.label,
                                         file=sys.stderr, show_pos=True,
                                         hidden=not sys.stderr.isatty())
            self.bar.__enter__()
        self.bar.update(n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def report_problems(outcome: Any) -> None:
    """Every problem, by file, row and column (the first SHOWN_PROBLEMS per file in full)."""
    click.echo(
        f"Nothing was imported: {outcome.problem_count:,} problem(s) in "
        f"{sum(1 for c in outcome.checks if not c.ok)} file(s).", err=True
    )
    for check in outcome.checks:
        if check.ok:
            continue
        click.echo(f"\n{check.name}: {check.problem_count:,} problem(s)", err=True)
        for problem in check.problems[:SHOWN_PROBLEMS]:
            click.echo(f"  {problem}", err=True)
        hidden = check.problem_count - min(len(check.problems), SHOWN_PROBLEMS)
        if hidden > 0:
            click.echo(f"  … and {hidden:,} more", err=True)


def report_unmapped(outcome: Any) -> None:
    """Raw values that matched no vocabulary term, per file and column, with counts."""
    any_shown = False
    for check in outcome.checks:
        for column, values in sorted(check.unmapped.items()):
            if not values:
                continue
            if not any_shown:
                click.echo("Unmapped values (add them to the mapping file's `values`):")
                any_shown = True
            click.echo(f"  {check.name}, column {column!r}:")
            for value, count in values.most_common():
                click.echo(f"    {value!r} × {count}")
    if not any_shown:
        click.echo("Unmapped values: none.")


UPDATED_WORDS = {
    "persons_updated": "persons updated",
    "acts_updated": "acts updated",
    "testimonies_updated": "testimonies updated",
    "unchanged": "rows unchanged",
    "deleted_left": "deleted records left as they are",
}


def report_written(outcome: Any) -> None:
    for result in outcome.written:
        made = {k: v for k, v in result.counts.items() if k not in UPDATED_WORDS}
        created = ", ".join(f"{n:,} {name}" for name, n in sorted(made.items()))
        updated = ", ".join(f"{result.counts[k]:,} {words}" for k, words in UPDATED_WORDS.items()
                            if result.counts.get(k))
        where = f" from {result.source_code}" if result.source_code else ""
        click.echo(f"  {result.name}: {result.rows:,} rows{where} → {created or 'nothing new'}"
                   + (f"; {updated}" if updated else ""))


@click.command(name="import")
@data_dir_option
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option("--case", "case_code", required=True, help="Code of the case to import into.")
@click.option("--source", "source_code", help="Code of the case source the rows come from "
              "(needed for victims, acts and testimonies files).")
@click.option("--kind", type=click.Choice(KIND_CHOICES),
              help="What the file holds (default: from the mapping, the file name or header).")
@click.option("--mapping", "mapping_path", type=click.Path(exists=True, dir_okay=False,
              path_type=Path), help="YAML mapping of the file's columns and values.")
@click.option("--dry-run", is_flag=True, help="Check only: list problems and unmapped values; "
              "write nothing.")
@click.option("--update", is_flag=True, help="The file is a new version of a list already "
              "imported from the source: rows with a row id the source has update their "
              "record where a value changed (audited), equal rows are left alone, new rows "
              "are added.")
@actor_option
def command(path: Path, case_code: str, source_code: str | None, kind: str | None,
            mapping_path: Path | None, dry_run: bool, update: bool,
            username: str | None) -> None:
    """Import PATH into a case: a CSV, XLSX, JSON or Parquet table, or a case directory.

    Every row is checked first, including its references to the case (victims, places, units).
    A file with any problem is refused with a report of every problem by row and column and
    nothing is written (exit 2). A good file is imported in one transaction.

    With --update, a victims, acts or testimonies file may carry row ids the source already
    has: each such row updates its record where a value differs, with an audit entry per
    record changed; without it, such a row is refused as a duplicate.

    A directory in the export or demo layout (structure.json, sources.csv, victims/, acts/,
    testimonies/, mappings/) is imported whole, in one transaction; the case is created from
    structure.json if it does not exist.
    """
    from expediente.tables.mapping import MappingError, load_mapping

    with user_errors():
        open_database()
        from expediente_web.intake.case_directory import do_import_case_directory
        from expediente_web.intake.importer import ImportRefused, do_import_table, guess_kind

        actor = acting_user(username)
        bar = BarProgress("Importing")
        try:
            if path.is_dir():
                if kind or mapping_path or source_code or update:
                    raise Refused("--kind, --mapping, --source and --update apply to a single "
                                  "file; a case directory names its sources and mappings "
                                  "itself, and is imported once")
                click.echo(f"Checking {path} …", err=True)
                outcome = do_import_case_directory(case_code, path, actor=actor,
                                                   dry_run=dry_run, progress=bar)
            else:
                case = find_case(case_code)
                mapping = load_mapping(mapping_path) if mapping_path else None
                if mapping is not None and kind and kind != mapping.kind:
                    raise Refused(f"--kind {kind} disagrees with the mapping's kind "
                                  f"{mapping.kind}")
                kind = kind or (mapping.kind if mapping else None) or guess_kind(path)
                if kind is None:
                    raise Refused("Cannot tell what the file holds: give --kind")
                if kind != "sources" and not source_code:
                    raise Refused(f"A {kind} file needs --source: the code of the case source "
                                  "its rows come from")
                click.echo(f"Checking {path.name} ({kind}) …", err=True)
                outcome = do_import_table(case, path, kind=kind, source_code=source_code,
                                          mapping=mapping, actor=actor, dry_run=dry_run,
                                          progress=bar, update=update)
        except MappingError as exc:
            raise Refused(f"Mapping file: {exc}") from None
        except ImportRefused as refused:
            bar.close()
            if dry_run:
                report_unmapped(refused.outcome)
            report_problems(refused.outcome)
            sys.exit(EXIT_BAD_INPUT)
        finally:
            bar.close()
    if dry_run:
        click.echo(f"Dry run: {outcome.rows:,} rows checked, no problems; nothing written.")
        report_unmapped(outcome)
        return
    click.echo(f"Imported into case {case_code} ({outcome.rows:,} rows):")
    report_written(outcome)
