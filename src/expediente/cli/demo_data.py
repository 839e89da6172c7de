"""``expediente demo-data``: write the synthetic demo case (with its ground truth) to a directory.

Example::

    expediente demo-data --seed 7 --size small --out demo-case/

The same seed and size always give byte-identical files. See ``expediente.demo`` for the
Python API and docs/reference/demo-case.md for the layout.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from expediente.demo import generate, write_demo_case
from expediente.demo.generator import SIZES, source_codes, step_count


@click.command(name="demo-data")
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed.")
@click.option(
    "--size",
    type=click.Choice(SIZES),
    default="small",
    show_default=True,
    help="small: a few hundred victims; large: exactly 100,000 act records.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Directory to write (created if missing).",
)
@click.option("--quiet", is_flag=True, help="Print nothing but errors.")
def command(seed: int, size: str, out_dir: Path, quiet: bool) -> None:
    """Write a fictional, clearly synthetic demo case with its ground truth."""
    if out_dir.exists() and any(out_dir.iterdir()) and not (out_dir / "README.txt").exists():
        raise click.ClickException(
            f"--out {out_dir}: the directory exists and does not hold a demo case; "
            "choose an empty or new directory"
        )
    n_write = len(source_codes()) + 2  # sources.csv and structure, each source, the truth
    try:
        if not quiet and sys.stderr.isatty():
            with click.progressbar(
                length=step_count() + n_write,
                label=f"Generating the {size} demo case",
                file=sys.stderr,
            ) as bar:
                case = generate(seed, size, progress=bar.update)  # type: ignore[arg-type]
                write_demo_case(case, out_dir, progress=bar.update)
        else:
            case = generate(seed, size)  # type: ignore[arg-type]
            write_demo_case(case, out_dir)
    except OSError as exc:
        raise click.ClickException(f"--out {out_dir}: cannot write: {exc}") from None
    if not quiet:
        summary = case.truth.summary
        click.echo(
            f"Wrote the {size} demo case (seed {seed}) to {out_dir}: "
            f"{summary['victim_records']} victim records, {summary['act_records']} act records, "
            f"{summary['testimony_records']} testimonies from {summary['sources']} sources; "
            f"{summary['true_victims']} true victims, {summary['documented_victims']} documented. "
            "All data are synthetic."
        )
