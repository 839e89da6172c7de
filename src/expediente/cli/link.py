"""``expediente link``: resolve person records across sources, on files or on a case."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import click

from expediente.cli.progress import StageProgress

__all__ = ["command"]



class BadInput(click.ClickException):
    """Bad input file, configuration or options: exit code 2, no traceback."""

    exit_code = 2


def _write_csv(frame: Any, path: Path) -> None:
    """Write a result table as CSV that a spreadsheet opens without running any cell.

    Record ids, source names and names come from the input files: a value such as
    ``=HYPERLINK(...)`` is written with a leading apostrophe, as the other exports do.
    """
    import polars as pl

    from expediente.tables.cells import neutralise_formula

    safe = frame.with_columns(
        pl.col(name).map_elements(neutralise_formula, return_dtype=pl.String)
        for name, dtype in frame.schema.items()
        if dtype == pl.String
    )
    safe.rename({c: neutralise_formula(c) for c in safe.columns}).write_csv(path)


def _format_metrics(result) -> list[str]:
    main = result.clusterings[0]
    m = result.evaluation[main.label]
    d = result.diagnostics
    return [
        f"blocking recall      {d['blocking_recall']:.4f} "
        f"({d['true_pairs_kept']:,} of {d['true_pairs']:,} true pairs kept)",
        f"pairwise             precision {m.pair_precision:.4f}  recall {m.pair_recall:.4f}  "
        f"F1 {m.pair_f1:.4f}",
        f"B-cubed              precision {m.bcubed_precision:.4f}  recall {m.bcubed_recall:.4f}  "
        f"F1 {m.bcubed_f1:.4f}",
        f"persons counted      {m.persons_counted:,} vs {m.persons_true:,} true "
        f"({m.persons_error:+.1%})",
    ]


@click.command(name="link")
@click.argument("files", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--case",
    "case_code",
    default=None,
    help="Link a case's victim records (needs the database) instead of FILES; the run, its "
    "review queue and its capture histories are stored.",
)
@click.option("--user", "username", default=None, help="With --case: act as this user.")
@click.option(
    "--data-dir",
    default=None,
    type=click.Path(file_okay=False),
    help="With --case: the data directory (default ./data or $EXPEDIENTE_DATA_DIR).",
)
@click.option(
    "--truth-records",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="With --case: a ground-truth records.csv (source_id, record_id, true_person_id), e.g. "
    "the demo case's truth/records.csv, to print accuracy.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="link.yaml: columns, fields, blocking, threshold, training.",
)
@click.option(
    "--truth",
    "truth_column",
    metavar="COLUMN",
    help="Column with the true person id: print precision/recall/F1, B-cubed and "
    "persons counted versus true. A case directory with truth/records.csv "
    "provides 'true_person_id'.",
)
@click.option(
    "--labels",
    "labels_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Reviewer decisions CSV (source_a, record_a, source_b, "
    "record_b, decision = accept|reject|unsure).",
)
@click.option(
    "--threshold", type=float, help="Match probability for one person (overrides the config)."
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write membership, capture history, links, review queue, clusterings.",
)
def command(
    files: tuple[Path, ...],
    case_code: str | None,
    username: str | None,
    data_dir: str | None,
    truth_records: Path | None,
    config_path: Path | None,
    truth_column: str | None,
    labels_path: Path | None,
    threshold: float | None,
    out_dir: Path | None,
) -> None:
    """Resolve the person records in FILES (victims tables or case directories) into persons.

    Prints persons counted and, with --truth, accuracy against the ground truth. With --out,
    writes membership.csv (record -> person, probability), capture_history.csv (one row per
    person, one 0/1 column per source: the input of `expediente estimate`), links.csv
    (per-field match weights of every link), review_queue.csv, clusterings.csv and
    capture_histories.csv (alternative clusterings) and model.json.

    With --case instead of FILES, the case's live victim records are linked, reviewers'
    decisions stored in the case are re-applied, and the run is stored for the review queue
    and for `expediente estimate --case`.
    """
    if bool(files) == bool(case_code):
        raise click.UsageError("Give either FILES or --case, not both and not neither.")
    if case_code is not None:
        if truth_column or labels_path or threshold is not None or out_dir is not None:
            raise click.UsageError(
                "--truth, --labels, --threshold and --out apply to FILES; with --case the "
                "decisions are the case's and the threshold is the config's"
            )
        # The case side sets Django up; it is found by name so the core never imports it.
        case_side = importlib.import_module("expediente_web.cli.link_case")
        case_side.run(case_code, config_path=config_path, username=username,
                      truth_path=truth_records, data_dir=data_dir)
        return
    if username or data_dir or truth_records:
        raise click.UsageError("--user, --data-dir and --truth-records apply to --case")
    import dataclasses

    from expediente.linkage import ConfigError, InputError, LinkConfig, link_records, load_config
    from expediente.linkage.inputs import read_labels, read_record_files

    try:
        config = load_config(config_path) if config_path else LinkConfig()
        records = read_record_files(list(files))
        changes: dict[str, Any] = {}
        if truth_column:
            changes["truth_column"] = truth_column
        if threshold is not None:
            changes["threshold"] = threshold
        if changes:
            config = dataclasses.replace(config, **changes)
        labels = read_labels(labels_path) if labels_path else []
    except (ConfigError, InputError) as exc:
        raise BadInput(str(exc)) from None

    progress = StageProgress()
    try:
        result = link_records(records, config, labels, progress=progress)
    except (ConfigError, InputError) as exc:
        raise BadInput(str(exc)) from None
    finally:
        progress.close()

    d = result.diagnostics
    main = result.clusterings[0]
    click.echo(f"records              {d['records']:,} from {d['sources']} source(s)")
    click.echo(f"candidate pairs      {d['candidate_pairs']:,}")
    click.echo(
        f"persons              {main.n_persons:,} at match probability >= {config.threshold:g}"
    )
    spread = [c.n_persons for c in result.clusterings]
    click.echo(
        f"persons, other runs  {min(spread):,} to {max(spread):,} "
        f"over {len(spread)} clusterings (thresholds and samples)"
    )
    click.echo(f"review queue         {d['review_queue']:,} uncertain pairs")
    if result.evaluation:
        for line in _format_metrics(result):
            click.echo(line)
    if out_dir:
        out_dir.mkdir(parents=True, exist_ok=True)
        _write_csv(result.membership, out_dir / "membership.csv")
        _write_csv(result.capture_history, out_dir / "capture_history.csv")
        _write_csv(result.links, out_dir / "links.csv")
        _write_csv(result.review_queue, out_dir / "review_queue.csv")
        _write_csv(result.clustering_summary(), out_dir / "clusterings.csv")
        _write_csv(result.capture_histories(), out_dir / "capture_histories.csv")
        model = result.model
        summary = {
            "fields": list(model.fields),
            "prior": model.prior,
            "m": [m.tolist() for m in model.m],
            "u": [u.tolist() for u in model.u],
            "diagnostics": d,
            "evaluation": {k: v.as_dict() for k, v in result.evaluation.items()},
        }
        (out_dir / "model.json").write_text(json.dumps(summary, indent=2, default=str), "utf-8")
        click.echo(f"written to           {out_dir}")
        click.echo(
            f"estimate with        expediente estimate {out_dir / 'capture_history.csv'}"
        )
        click.echo(
            f"linkage sensitivity  expediente estimate {out_dir / 'capture_histories.csv'} "
            "--each clustering"
        )
