"""``expediente estimate``: multiple-systems estimation on a capture-history file."""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from expediente.fingerprints import file_sha256

__all__ = ["command"]


class BadInput(click.ClickException):
    """Bad input file or options: exit code 2, message without traceback."""

    exit_code = 2


@contextlib.contextmanager
def _progress(total: int, label: str) -> Iterator[Callable[[int], None]]:
    if not sys.stderr.isatty() or total <= 1:
        yield lambda _n: None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update


def _split(value: str | None) -> list[str] | None:
    if not value:
        return None
    return [v.strip() for v in value.split(",") if v.strip()]


@click.command(name="estimate")
@click.argument(
    "file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--case",
    "case_code",
    default=None,
    help="Estimate on a case's latest linkage run instead of a file (needs the database).",
)
@click.option(
    "--case-lists",
    type=click.Choice(["auto", "source", "kind"]),
    default="auto",
    show_default=True,
    help="With --case: one list per source, or one per kind of source (auto: by kind when the "
    "sources are too many for a log-linear model).",
)
@click.option("--user", "username", default=None, help="With --case: act as this user.")
@click.option(
    "--data-dir",
    default=None,
    type=click.Path(file_okay=False),
    help="With --case: the data directory (default ./data or $EXPEDIENTE_DATA_DIR).",
)
@click.option(
    "--method",
    type=click.Choice(["auto", "loglinear", "lcmcr"]),
    default=None,
    help="Estimator [default: auto with --case: chosen from the lists, and said why; "
    "loglinear on a FILE].",
)
@click.option(
    "--selection",
    type=click.Choice(["stepwise", "aic", "bic", "independence", "fixed", "average"]),
    default="stepwise",
    show_default=True,
    help="Log-linear model choice.",
)
@click.option("--terms", default=None, help="Interactions of a fixed model, e.g. 'A:B,B:C'.")
@click.option(
    "--pthresh",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=0.02,
    show_default=True,
    help="Threshold of the stepwise rule.",
)
@click.option(
    "--n-boot",
    type=click.IntRange(min=0),
    default=1000,
    show_default=True,
    help="BCa bootstrap replicates for log-linear fits (0 for none).",
)
@click.option(
    "--lists",
    default=None,
    help="List columns, comma-separated (default: all columns except count, strata and --exclude).",
)
@click.option(
    "--count",
    "count_col",
    default="count",
    show_default=True,
    help="Count column of an aggregated table (absent: one row per person).",
)
@click.option("--exclude", default=None, help="Columns to ignore (ids), comma-separated.")
@click.option(
    "--drop",
    default=None,
    help="Lists to leave out, comma-separated: people recorded only by them leave the table "
    "(unlike --exclude, which is for columns that are not lists).",
)
@click.option(
    "--merge",
    "merges",
    multiple=True,
    metavar="NEW=A+B",
    help="Merge lists into one before estimating (repeatable), e.g. 'ngo=SRC-01+SRC-04': a "
    "person is on the merged list if on any of them.",
)
@click.option("--strata", default=None, help="Column to stratify by.")
@click.option(
    "--each",
    default=None,
    help="Estimate separately for each value of this column, with no total: e.g. 'clustering' "
    "on the capture_histories.csv of `expediente link --out`, to see how much the total depends "
    "on linkage.",
)
@click.option(
    "--over",
    default=None,
    help="Integrate over the values of this column: e.g. 'clustering' on the "
    "capture_histories.csv of `expediente link --out`. The total is estimated on every "
    "plausible clustering and the results mixed, so the interval carries linkage uncertainty; "
    "the output says how much of it is linkage and how much sampling.",
)
@click.option(
    "--min-lists",
    type=int,
    default=3,
    show_default=True,
    help="Refuse strata with fewer lists recording anyone.",
)
@click.option(
    "--min-cases",
    type=int,
    default=10,
    show_default=True,
    help="Refuse strata with fewer recorded people.",
)
@click.option(
    "--k",
    "k_classes",
    type=int,
    default=5,
    show_default=True,
    help="LCMCR: number of latent classes K.",
)
@click.option(
    "--a-alpha",
    type=float,
    default=0.25,
    show_default=True,
    help="LCMCR: shape of the Gamma prior on the concentration.",
)
@click.option(
    "--b-alpha",
    type=float,
    default=0.25,
    show_default=True,
    help="LCMCR: rate of the Gamma prior on the concentration.",
)
@click.option(
    "--burnin",
    type=int,
    default=10000,
    show_default=True,
    help="LCMCR: iterations discarded per chain.",
)
@click.option(
    "--samples", type=int, default=1000, show_default=True, help="LCMCR: draws kept per chain."
)
@click.option(
    "--thinning",
    type=int,
    default=10,
    show_default=True,
    help="LCMCR: iterations between kept draws.",
)
@click.option(
    "--chains",
    type=int,
    default=4,
    show_default=True,
    help="LCMCR: independent chains (disagreement is reported, exit code 1).",
)
@click.option("--level", type=float, default=0.95, show_default=True, help="Interval coverage.")
@click.option(
    "--seed",
    type=int,
    default=12345,
    show_default=True,
    help="Seed of the bootstrap and of the LCMCR chains.",
)
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Directory for results and charts.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["json", "csv", "both"]), default="both", show_default=True
)
@click.option(
    "--chart", type=click.Choice(["png", "svg", "none"]), default="png", show_default=True
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the result as JSON (with --case: the stored estimate, its parameters and what "
    "was chosen and why).",
)
def command(
    file: Path | None,
    case_code: str | None,
    case_lists: str,
    username: str | None,
    data_dir: str | None,
    method: str,
    selection: str,
    terms: str | None,
    pthresh: float,
    n_boot: int,
    lists: str | None,
    count_col: str,
    exclude: str | None,
    drop: str | None,
    merges: tuple[str, ...],
    strata: str | None,
    each: str | None,
    over: str | None,
    min_lists: int,
    min_cases: int,
    k_classes: int,
    a_alpha: float,
    b_alpha: float,
    burnin: int,
    samples: int,
    thinning: int,
    chains: int,
    level: float,
    seed: int,
    out_dir: Path | None,
    fmt: str,
    chart: str,
    as_json: bool,
) -> None:
    """Estimate the total number of victims, recorded or not, from overlapping lists.

    FILE is a CSV or Parquet table of capture histories: one row per person with a 0/1
    column per list, or one row per pattern with a `count` column. With --case instead, the
    capture histories come from the case's latest linkage run and the estimate is stored.
    """
    if (file is None) == (case_code is None):
        raise click.UsageError("Give either FILE or --case, not both and not neither.")
    if each and (strata or case_code):
        raise click.UsageError("--each works on a FILE and not together with --strata")
    if over and (strata or each or case_code):
        raise click.UsageError("--over works on a FILE and not together with --strata or --each")
    if case_code is not None and (lists or exclude):
        raise click.UsageError(
            "--lists and --exclude apply to a FILE; with --case use --case-lists source|kind"
        )
    if method is None:
        method = "auto" if case_code is not None else "loglinear"
    if method == "auto" and case_code is None:
        raise click.UsageError(
            "--method auto works with --case (it merges sources by their kind); on a FILE "
            "choose loglinear or lcmcr"
        )
    if case_code is not None:
        loglinear = {
            "selection": selection,
            "terms": _split(terms) or [],
            "pthresh": pthresh,
            "n_boot": n_boot,
        }
        lcmcr = {
            "k_classes": k_classes,
            "a_alpha": a_alpha,
            "b_alpha": b_alpha,
            "burnin": burnin,
            "samples": samples,
            "thinning": thinning,
            "chains": chains,
        }
        options: dict[str, Any] = loglinear if method == "loglinear" else lcmcr
        if method == "auto":
            # Only the settings given on the command line; the chosen method's defaults else.
            given = click.get_current_context().get_parameter_source
            options = {
                key: value
                for key, value in {**loglinear, **lcmcr}.items()
                if given(key) not in (None, click.core.ParameterSource.DEFAULT)
            }
        # The case side sets Django up; it is found by name so the core never imports it.
        case_side = importlib.import_module("expediente_web.cli.estimate_case")
        case_side.run(
            case_code,
            method=method,
            strata=strata,
            lists=case_lists,
            seed=seed,
            level=level,
            options=options,
            username=username,
            data_dir=data_dir,
            out_dir=out_dir,
            as_json=as_json,
        )
        return
    assert file is not None  # noqa: S101 (type narrowing for mypy; the invariant is set just above)
    from expediente.estimation import (
        EstimationError,
        EstimationReport,
        capture_table,
        estimate_by_stratum,
        estimate_lcmcr,
        estimate_loglinear,
        split_strata,
        write_csv,
        write_json,
    )
    from expediente.estimation.lcmcr import ChainDisagreementWarning

    if not 0 < level < 1:
        raise BadInput(f"--level must be between 0 and 1, got {level}")
    if selection == "fixed" and not terms:
        raise BadInput("--selection fixed needs --terms, e.g. --terms 'A:B,B:C'")
    list_names = _split(lists)
    excl = _split(exclude) or []
    merge_specs = [_parse_merge(spec) for spec in merges]
    dropped = _split(drop) or []
    if method == "loglinear":
        estimator: Callable[..., Any] = estimate_loglinear
        kwargs: dict[str, Any] = {
            "selection": selection,
            "terms": _split(terms) or [],
            "pthresh": pthresh,
            "n_boot": n_boot,
            "seed": seed,
        }
    else:
        estimator = estimate_lcmcr
        kwargs = {
            "k_classes": k_classes,
            "a_alpha": a_alpha,
            "b_alpha": b_alpha,
            "burnin": burnin,
            "samples": samples,
            "thinning": thinning,
            "chains": chains,
            "seed": seed,
        }
    file_hash = file_sha256(file)
    try:
        with warnings.catch_warnings():
            # Chain disagreement is carried in the result and printed below, loudly.
            warnings.simplefilter("ignore", ChainDisagreementWarning)
            if each:
                tables = _merged(
                    split_strata(str(file), each, lists=list_names, count=count_col, exclude=excl),
                    merge_specs,
                    dropped,
                )
                with _progress(len(tables), each) as tick:
                    estimates = []
                    for label, one in tables.items():
                        estimates.append(estimator(one, level=level, stratum=label, **kwargs))
                        tick(1)
                report = EstimationReport(tuple(estimates), strata_column=each)
            elif over:
                from expediente.estimation.linkage_mixture import estimate_over_clusterings

                tables = _merged(
                    split_strata(str(file), over, lists=list_names, count=count_col, exclude=excl),
                    merge_specs,
                    dropped,
                )
                with _progress(len(tables), over) as tick:
                    est = estimate_over_clusterings(
                        tables,
                        estimator,
                        main=_first_value(file, over),
                        level=level,
                        progress=tick,
                        **kwargs,
                    )
                report = EstimationReport((est,))
            elif strata:
                tables = _merged(
                    split_strata(
                        str(file), strata, lists=list_names, count=count_col, exclude=excl
                    ),
                    merge_specs,
                    dropped,
                )
                with _progress(len(tables), "strata") as tick:
                    report = estimate_by_stratum(
                        tables,
                        estimator,
                        min_lists=min_lists,
                        min_cases=min_cases,
                        level=level,
                        strata_column=strata,
                        progress=tick,
                        **kwargs,
                    )
            else:
                table = capture_table(str(file), lists=list_names, count=count_col, exclude=excl)
                table = _merged({"": table}, merge_specs, dropped)[""]
                if method == "lcmcr":
                    with _progress(chains, "chains") as tick:
                        est = estimator(table, level=level, progress=tick, **kwargs)
                else:
                    est = estimator(table, level=level, **kwargs)
                report = EstimationReport((est,))
    except EstimationError as exc:
        raise BadInput(f"{file}: {exc}") from exc

    # How the file was read and split is part of what produced the numbers.
    reading: dict[str, Any] = {"count": count_col, "exclude": excl}
    if strata:
        reading.update(strata=strata, min_lists=min_lists, min_cases=min_cases)
    if each:
        reading["each"] = each
    if over:
        reading["over"] = over
    if dropped:
        reading["drop"] = dropped
    if merge_specs:
        reading["merge"] = [f"{new}={'+'.join(names)}" for new, names in merge_specs]

    def stamp(e: Any) -> Any:
        params = {
            **dict(e.parameters),
            **reading,
            "input_file": str(file),
            "input_file_sha256": file_hash,
        }
        return dataclasses.replace(e, parameters=params)

    report = dataclasses.replace(
        report,
        estimates=tuple(stamp(e) for e in report.estimates),
        total=stamp(report.total) if report.total else None,
    )
    if as_json:
        import json

        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        _print_report(report)
    if each and len(report.estimates) > 1 and not as_json:
        values = [e.estimate for e in report.estimates]
        lows = [e.intervals[0].lower for e in report.estimates if e.intervals]
        highs = [e.intervals[0].upper for e in report.estimates if e.intervals]
        click.echo(
            f"across {len(values)} values of {each}: estimates {min(values):,.0f} to "
            f"{max(values):,.0f}; intervals from {min(lows):,.0f} to {max(highs):,.0f}"
        )
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        stem = f"estimate-{method}"
        written = []
        if fmt in {"json", "both"}:
            written.append(write_json(report, out_dir / f"{stem}.json"))
        if fmt in {"csv", "both"}:
            written.append(write_csv(report, out_dir / f"{stem}.csv"))
        if chart != "none":
            written.extend(_charts(report, out_dir, stem, chart))
        for path in written:
            click.echo(f"wrote {path}", err=True)
    if any("DISAGREE" in w for e in report.estimates for w in e.warnings):
        # a failed convergence check: the numbers were written but must not be used as they are
        sys.exit(1)


def _parse_merge(spec: str) -> tuple[str, list[str]]:
    new, sep, rest = spec.partition("=")
    names = [n.strip() for n in rest.split("+") if n.strip()]
    if not sep or not new.strip() or len(names) < 2 or len(set(names)) != len(names):
        raise click.BadParameter(
            f"{spec!r}: write NEW=A+B (a new list name, then two or more different lists)",
            param_hint="--merge",
        )
    return new.strip(), names


def _merged(
    tables: dict[str, Any], specs: list[tuple[str, list[str]]], dropped: list[str]
) -> dict[str, Any]:
    """Apply ``--drop`` then ``--merge`` to every table (a stratum may lack lists that
    recorded nobody in it)."""
    from expediente.estimation import CaptureTable, CaptureTableError

    if not specs and not dropped:
        return tables
    known = {name for table in tables.values() for name in table.lists}
    unknown = [n for n in dropped if n not in known]
    if unknown:
        raise CaptureTableError(f"--drop: unknown list(s) {unknown}; lists are {sorted(known)}")
    tables = {
        label: table.drop_lists([n for n in dropped if n in table.lists])
        for label, table in tables.items()
    }
    known -= set(dropped)
    for new, names in specs:
        unknown = [n for n in names if n not in known]
        if unknown:
            raise CaptureTableError(
                f"--merge {new}: unknown list(s) {unknown}; lists are {sorted(known)}"
            )
        known = (known - set(names)) | {new}
    out = {}
    for label, table in tables.items():
        for new, names in specs:
            present = [n for n in names if n in table.lists]
            if len(present) >= 2:
                table = table.merge_lists(present, new)
            elif present:  # only one of them recorded anyone here: it becomes the merged list
                renamed = tuple(new if n == present[0] else n for n in table.lists)
                table = CaptureTable(renamed, table.patterns, table.counts)
        out[label] = table
    return out


def _first_value(file: Path, column: str) -> str | None:
    """The column's value on the first row (a linkage run lists its main clustering first)."""
    import polars as pl

    scan = pl.scan_parquet(file) if file.suffix == ".parquet" else pl.scan_csv(file)
    first = scan.select(pl.col(column).cast(pl.Utf8)).head(1).collect()
    return first[column][0] if first.height else None


def _print_report(report: Any) -> None:
    rows = list(report.estimates) + ([report.total] if report.total else [])
    for e in rows:
        label = f"[{e.stratum}] " if e.stratum is not None else ""
        click.echo(f"{label}{e.method}: recorded {e.n_observed:,}, estimated {e.estimate:,.0f}")
        for iv in e.intervals:
            click.echo(f"    {iv.level:.0%} {iv.method}: [{iv.lower:,.0f}, {iv.upper:,.0f}]")
        if e.details.get("terms") is not None:
            click.echo(f"    interactions: {', '.join(e.details['terms']) or 'none'}")
        diag = e.details.get("diagnostics")
        if diag:
            click.echo(
                f"    R-hat(N) {diag['rhat_n']:.3f}, ESS(N) {diag['ess_n']:.0f}, "
                f"occupied classes {diag['k_star_mean']:.1f}"
            )
        linkage = e.details.get("linkage")
        if linkage:
            click.echo(
                f"    over {len(linkage['clusterings'])} plausible clusterings: "
                f"{linkage['share_linkage']:.0%} of the variance (log N) is linkage, "
                f"{linkage['share_sampling']:.0%} sampling; interval width "
                f"{linkage['width_without_linkage']:,.0f} on the main clustering alone, "
                f"{linkage['width_with_linkage']:,.0f} with linkage"
            )
        for w in e.warnings:
            click.secho(f"    WARNING: {w}", fg="red", bold=True, err=True)
    for label, reason in report.refused.items():
        click.secho(f"[{label}] not estimated: {reason}", fg="yellow", err=True)


def _charts(report: Any, out_dir: Path, stem: str, ext: str) -> list[Path]:
    from expediente.estimation.charts import plot_posterior, plot_strata

    paths = []
    if len(report.estimates) > 1:
        paths.append(plot_strata(report.estimates, out_dir / f"{stem}-strata.{ext}"))
    target = report.total or report.estimates[0]
    if "draws" in target.details:
        paths.append(plot_posterior(target, out_dir / f"{stem}-posterior.{ext}"))
    return paths
