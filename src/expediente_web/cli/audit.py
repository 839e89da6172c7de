"""`expediente audit verify|checkpoint`: check the sealed audit log and export its signed head."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from expediente_web.cli.failures import Refused, user_errors
from expediente_web.cli.opening import open_database
from expediente_web.cli.setup import EXIT_PROBLEM_FOUND, data_dir_option


@click.group(name="audit")
def command() -> None:
    """The audit log: every write to a case, sealed with a key from the key ring and signed,
    so that any change shows."""


def _expected(value: str | None) -> object:
    """The expected head from `--expect`: a checkpoint file, or SEQ:HASH."""
    if value is None:
        return None
    from expediente_web.audit.chain import BadCheckpoint, parse_expected

    path = Path(value)
    text = value
    if not _looks_like_head(value):
        if not path.is_file():
            raise Refused(f"--expect {value}: no such checkpoint file, and not SEQ:HASH")
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise Refused(f"--expect {value}: cannot read the checkpoint file: {exc}") from None
    try:
        return parse_expected(text)
    except BadCheckpoint as exc:
        raise Refused(f"--expect {value}: {exc}") from None


def _looks_like_head(value: str) -> bool:
    seq, sep, _ = value.partition(":")
    return bool(sep) and seq.isdigit() and os.sep not in value


def _bar(length: int, label: str) -> Any:
    return click.progressbar(
        length=length, label=label, file=sys.stderr, hidden=not sys.stderr.isatty()
    )


@command.command(name="verify")
@data_dir_option
@click.option(
    "--expect",
    "expect",
    metavar="SEQ:HASH|FILE",
    help="A head printed earlier or a checkpoint file (`audit checkpoint --out`) kept "
    "elsewhere: the log must still hold exactly that entry.",
)
@click.option(
    "--records",
    is_flag=True,
    help="Also compare every case-record row and every evidence file with the "
    "digests and hashes the log holds, naming each row that differs.",
)
def verify(expect: str | None, records: bool) -> None:
    """Walk the whole chain; exit 1 naming every edited, deleted or reordered entry, a cut
    tail, a forged head or checkpoint, and (with --records) every row changed, added or removed
    outside the services.

    On success prints the number of entries and the head as SEQ:HASH: keep it (or a checkpoint
    file) away from this machine, and pass it to --expect later to detect a rewrite of the log.
    """
    with user_errors():
        open_database()
        from expediente_web.audit.chain import check, entry_count

        expected = _expected(expect)
        total = entry_count()
        with _bar(total, "Verifying") as bar:
            verdict = check(progress=bar.update, expect=expected)  # type: ignore[arg-type]
        row_problems: list[object] = []
        if records:
            row_problems = _record_problems()
    if verdict.intact and not row_problems:
        click.echo(
            f"chain intact, {verdict.entries} entries, head {verdict.head_seq}:{verdict.head}"
        )
        if records:
            click.echo("records intact: every row and evidence file is as the log recorded it")
        if expected is not None:
            click.echo(f"expected head #{expected.seq} found: nothing was cut off before it")  # type: ignore[attr-defined]
        return
    if verdict.intact:
        click.echo(
            f"chain intact, {verdict.entries} entries, head {verdict.head_seq}:{verdict.head}"
        )
    else:
        click.echo(
            f"chain BROKEN: {len(verdict.breaks)} problems in {verdict.entries} entries", err=True
        )
        for problem in verdict.breaks:
            click.echo(f"  {problem}", err=True)
    if row_problems:
        click.echo(
            f"records CHANGED: {len(row_problems)} rows or files differ from the log", err=True
        )
        for problem in row_problems:
            click.echo(f"  {problem}", err=True)
    raise SystemExit(EXIT_PROBLEM_FOUND)


def _record_problems() -> list[object]:
    from expediente_web.audit.rowcheck import check_kept_digests, check_rows, rows_to_check
    from expediente_web.evidence.integrity import check_items, items_to_check

    problems: list[object] = list(check_kept_digests())
    with _bar(rows_to_check(), "Comparing records") as bar:
        problems.extend(check_rows(progress=bar.update))
    with _bar(items_to_check(), "Re-hashing evidence") as bar:
        for _item, problem in check_items():
            bar.update(1)
            if problem is not None:
                problems.append(problem)
    return problems


@command.command(name="checkpoint")
@data_dir_option
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the signed checkpoint to this file (keep it away from this machine).",
)
def checkpoint(out: Path | None) -> None:
    """Sign the current head, keep it as a checkpoint and print it as SEQ:HASH.

    A checkpoint kept elsewhere (another machine, a notary, a published note) is what shows a
    rewrite by someone holding both the database and the key ring: `audit verify --expect`.
    """
    with user_errors():
        open_database()
        from expediente_web.audit.chain import make_checkpoint

        cp = make_checkpoint()
        if out is not None:
            try:
                out.write_text(cp.to_json(), encoding="utf-8")
            except OSError as exc:
                raise Refused(f"--out {out}: cannot write: {exc}") from None
    click.echo(cp.head)
    if out is not None:
        click.echo(f"signed checkpoint #{cp.seq} written to {out}", err=True)
