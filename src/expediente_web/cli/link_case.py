"""`expediente link --case C`: person linkage on a case's record, stored with its review queue.

`run(...)` does the work and is what `expediente link` calls when it is given `--case`; the
click `command` here offers the same as a command of its own.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from expediente.cli.progress import StageProgress
from expediente_web.cli.failures import Refused, user_errors
from expediente_web.cli.opening import open_case, open_database
from expediente_web.cli.setup import actor_option, data_dir_option

__all__ = ["command", "evaluate_against_truth", "run"]

def read_truth(truth_path: Path) -> dict[tuple[str, str], str]:
    """A ground-truth `records.csv` (source_id, record_id, true_person_id; victims rows only
    when it has a `kind` column) as (source code, record id) → true person.

    Read before linking, so that a bad file is refused before a run is stored.

    Raises:
        Refused: the file cannot be read or lacks a column.
    """
    import polars as pl

    try:
        truth = pl.read_csv(truth_path, infer_schema=False, comment_prefix="#")
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise Refused(f"{truth_path}: cannot be read ({exc})") from None
    needed = ("source_id", "record_id", "true_person_id")
    missing = [c for c in needed if c not in truth.columns]
    if missing:
        raise Refused(f"{truth_path}: missing column(s) {', '.join(missing)}")
    if "kind" in truth.columns:
        truth = truth.filter(pl.col("kind") == "victims")
    return {(s, r): t for s, r, t in truth.select(needed).iter_rows()}


def evaluate_against_truth(link_run: Any, true_of: dict[tuple[str, str], str],
                           truth_path: Path) -> Any:
    """Pairwise and B-cubed accuracy of a stored run against a ground truth from `read_truth`.

    Records are matched on their source code and their row id in that source. Returns an
    `expediente.linkage.LinkageMetrics` over the records the file covers.

    Raises:
        Refused: the file covers none of the run's records.
    """
    import numpy as np

    from expediente.linkage import evaluate
    from expediente_web.analyses.models import RecordLink

    predicted, actual = [], []
    rows = RecordLink.objects.filter(run=link_run).values_list(
        "cluster", "record__source__code", "record__source_record_id")
    for cluster, source_code, record_id in rows:
        true_person = true_of.get((source_code, record_id))
        if true_person is not None:
            predicted.append(cluster)
            actual.append(true_person)
    if not predicted:
        raise Refused(f"{truth_path}: none of the case's victim records is in the ground truth "
                      "(matched on source code and record id)")
    return evaluate(np.array(predicted, dtype=object), np.array(actual, dtype=object))


def run(case_code: str, *, config_path: Path | None = None, username: str | None = None,
        truth_path: Path | None = None, data_dir: str | None = None,
        echo: Any = click.echo) -> Any:
    """Link the victim records of case `case_code`, store the run, print what it found.

    Args:
        case_code: the case.
        config_path: `link.yaml` (the default Spanish person configuration when None).
        username: act as this user (owner or analyst); the operator when None.
        truth_path: a ground-truth `records.csv`: also print precision, recall, F1 and persons
            counted versus true.
        data_dir: the data directory (else `$EXPEDIENTE_DATA_DIR` or ./data).
        echo: where lines go.

    Returns:
        The stored `LinkRun`.

    Raises:
        click.ClickException: a bad case, user, configuration or file (exit 2), or a user not
            permitted (exit 3) — with a message, never a traceback.
    """
    if data_dir:
        os.environ["EXPEDIENTE_DATA_DIR"] = str(data_dir)
    from expediente.linkage import ConfigError, load_config

    with user_errors():
        open_database()
        from expediente_web.analyses.actions import do_run_linkage

        case, actor = open_case(case_code, username)
        try:
            config = load_config(config_path) if config_path else None
        except ConfigError as exc:
            raise Refused(f"{config_path}: {exc}") from None
        true_of = read_truth(truth_path) if truth_path is not None else None
        bar = StageProgress()
        try:
            link_run = do_run_linkage(actor, case, config, progress=bar)
        finally:
            bar.close()
        summary = link_run.summary
        echo(f"case                 {case.code}")
        echo(f"records              {link_run.records:,} victim records from "
             f"{len(summary['sources'])} source(s)")
        if summary.get("victim_records_without_source"):
            echo(f"not linked           {summary['victim_records_without_source']:,} victim "
                 "record(s) name no source")
        echo(f"decisions applied    {link_run.labels_applied:,}")
        echo(f"persons counted      {link_run.persons:,} at match probability >= "
             f"{link_run.threshold:g}")
        low, high = summary["persons_range"]
        echo(f"persons, other runs  {low:,} to {high:,} over {len(summary['clusterings'])} "
             "clusterings (thresholds and samples)")
        echo(f"review queue         {summary['review_queue']:,} uncertain pairs")
        if truth_path is not None and true_of is not None:
            m = evaluate_against_truth(link_run, true_of, truth_path)
            echo(f"pairwise             precision {m.pair_precision:.4f}  recall "
                 f"{m.pair_recall:.4f}  F1 {m.pair_f1:.4f}")
            echo(f"B-cubed              precision {m.bcubed_precision:.4f}  recall "
                 f"{m.bcubed_recall:.4f}  F1 {m.bcubed_f1:.4f}")
            echo(f"persons vs true      {m.persons_counted:,} counted, {m.persons_true:,} true "
                 f"({m.persons_error:+.1%})")
        echo(f"stored as run        {link_run.uid}")
    return link_run


@click.command(name="link-case")
@data_dir_option
@click.option("--case", "case_code", required=True, help="Code of the case to link.")
@click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False,
              path_type=Path), help="link.yaml: fields, blocking, threshold, training.")
@click.option("--truth", "truth_path", type=click.Path(exists=True, dir_okay=False,
              path_type=Path), help="Ground truth (the demo case's truth/records.csv): print "
                                    "precision/recall/F1 and persons counted versus true.")
@actor_option
def command(case_code: str, config_path: Path | None, truth_path: Path | None,
            username: str | None) -> None:
    """Resolve a case's victim records into persons and store the run and its review queue.

    Reviewers' decisions stored in the case are applied on every run. Needs an owner or
    analyst (--user), or the operator.
    """
    run(case_code, config_path=config_path, username=username, truth_path=truth_path)
