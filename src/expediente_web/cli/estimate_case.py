"""`expediente estimate --case C`: multiple-systems estimation on a case's resolved persons.

The capture histories come from the case's latest linkage run (one row per resolved person,
one 0/1 column per source); the estimate is stored with every parameter, the seed, the hash of
that table and the package version. `run(...)` is what `expediente estimate` calls when it is
given `--case`; the click `command` here offers the same as a command of its own.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from expediente_web.cli.failures import Refused, user_errors
from expediente_web.cli.opening import open_case, open_database
from expediente_web.cli.setup import EXIT_PROBLEM_FOUND, actor_option, data_dir_option

__all__ = ["command", "print_estimate", "run"]


@contextlib.contextmanager
def _progress(total: int, label: str) -> Iterator[Callable[[int], None] | None]:
    if not sys.stderr.isatty() or total <= 1:
        yield None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update


def print_estimate(estimate_run: Any, echo: Any = click.echo) -> bool:
    """Print a stored estimate; returns whether LCMCR chains disagreed (a failed check)."""
    result = estimate_run.result
    parameters = estimate_run.parameters
    rows = list(result.get("estimates", []))
    choice = parameters.get("choice")
    if choice:
        asked = f"asked {parameters.get('requested_method')}, lists " \
                f"{parameters.get('requested_lists')}"
        echo(f"method               {estimate_run.method}, one list per {parameters['lists']} "
             f"(chosen automatically; {asked})")
        for reason in choice.get("reasons", []):
            echo(f"  because            {reason['text']}")
        if choice.get("options_not_applied"):
            echo(f"  not applied        {', '.join(choice['options_not_applied'])} (settings of "
                 "the other method)")
    if result.get("total"):
        rows.append({**result["total"], "stratum": result["total"].get("stratum") or "TOTAL"})
    echo(f"lists                {', '.join(parameters['list_names'])}")
    echo(f"persons recorded     {parameters['persons']:,} (linkage run {parameters['link_run']})")
    disagree = False
    for e in rows:
        label = f"[{e['stratum']}] " if e.get("stratum") is not None else ""
        echo(f"{label}{e['method']}: recorded {e['n_observed']:,}, estimated "
             f"{e['estimate']:,.0f}")
        for iv in e.get("intervals", []):
            echo(f"    {iv['level']:.0%} {iv['method']}: [{iv['lower']:,.0f}, {iv['upper']:,.0f}]")
        for warning in e.get("warnings", []):
            disagree = disagree or "DISAGREE" in warning
            click.secho(f"    WARNING: {warning}", fg="red", bold=True, err=True)
    for label, reason in result.get("refused_strata", {}).items():
        click.secho(f"[{label}] not estimated: {reason}", fg="yellow", err=True)
    if parameters.get("persons_without_stratum"):
        echo(f"note                 {parameters['persons_without_stratum']:,} person(s) with no "
             f"{parameters['strata']} were estimated under 'unknown'")
    echo(f"input sha256         {parameters['input_sha256']}")
    echo(f"stored as estimate   {estimate_run.uid}")
    return disagree


def run(case_code: str, *, method: str = "auto", strata: str | None = None,
        lists: str = "auto", seed: int = 12345, level: float = 0.95,
        options: dict[str, Any] | None = None, username: str | None = None,
        data_dir: str | None = None, out_dir: Path | None = None,
        echo: Any = click.echo, as_json: bool = False) -> Any:
    """Estimate the total number of victims of case `case_code` and store the estimate.

    Args:
        case_code: the case.
        method: ``auto`` (chosen from the table, and said why), ``loglinear`` or ``lcmcr``.
        strata: None, ``year`` or ``state`` (of each person's earliest act).
        lists: ``auto``, ``source`` (one list per source) or ``kind`` (one per kind of source).
        seed: seed of the bootstrap or the chains.
        level: interval coverage.
        options: estimator settings (e.g. ``{"n_boot": 0}``, ``{"burnin": 2000}``).
        username: act as this user (owner or analyst); the operator when None.
        data_dir: the data directory (else `$EXPEDIENTE_DATA_DIR` or ./data).
        out_dir: also write the capture histories and the result as JSON there.
        echo: where lines go.
        as_json: print the stored estimate (parameters, choice and result) as JSON instead.

    Returns:
        The stored `EstimateRun`.

    Raises:
        click.ClickException: bad input (exit 2), not permitted (exit 3); exit 1 (SystemExit)
            when LCMCR chains disagree.
    """
    if data_dir:
        os.environ["EXPEDIENTE_DATA_DIR"] = str(data_dir)
    with user_errors():
        open_database()
        from expediente_web.analyses.actions import ESTIMATE_DEFAULTS, do_run_estimate
        from expediente_web.analyses.adapters import capture_histories

        case, actor = open_case(case_code, username)
        settings = {**ESTIMATE_DEFAULTS.get(method, {}), **(options or {})}
        total = int(settings.get("chains", 1)) if method == "lcmcr" else 0
        if strata and sys.stderr.isatty() and lists != "auto":
            # One tick per stratum: count them first (a cheap query next to the estimate).
            from expediente_web.analyses.models import LinkRun

            latest = LinkRun.objects.filter(case=case).first()
            if latest is not None:
                total = capture_histories(latest, [strata], lists)[strata].n_unique()
        with _progress(total, "estimating") as tick:
            estimate_run = do_run_estimate(actor, case, method, strata=strata, seed=seed,
                                           lists=lists, level=level, options=options,
                                           progress=tick)
        if out_dir is not None:
            out_dir.mkdir(parents=True, exist_ok=True)
            histories = capture_histories(estimate_run.link_run, [strata] if strata else [],
                                          estimate_run.parameters["lists"])
            histories.write_csv(out_dir / "capture_history.csv")
            stored = {"uid": str(estimate_run.uid), "parameters": estimate_run.parameters,
                      "result": estimate_run.result}
            (out_dir / f"estimate-{estimate_run.method}.json").write_text(
                json.dumps(stored, indent=2, ensure_ascii=False) + "\n", "utf-8")
        if as_json:
            disagree = any("DISAGREE" in w for e in _rows(estimate_run.result)
                           for w in e.get("warnings", []))
            echo(json.dumps(as_document(estimate_run), indent=2, ensure_ascii=False))
        else:
            disagree = print_estimate(estimate_run, echo)
    if disagree:
        sys.exit(EXIT_PROBLEM_FOUND)
    return estimate_run


def _rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    return list(result.get("estimates", [])) + ([result["total"]] if result.get("total") else [])


def as_document(estimate_run: Any) -> dict[str, Any]:
    """The stored estimate as one JSON document: what `--json` prints."""
    parameters = estimate_run.parameters
    return {
        "uid": str(estimate_run.uid),
        "case": estimate_run.case.code,
        "method": estimate_run.method,
        "lists": parameters.get("lists"),
        "choice": parameters.get("choice"),
        "parameters": parameters,
        "result": estimate_run.result,
    }


@click.command(name="estimate-case")
@data_dir_option
@click.option("--case", "case_code", required=True, help="Code of the case.")
@click.option("--method", type=click.Choice(["auto", "loglinear", "lcmcr"]), default="auto",
              show_default=True, help="auto: chosen from the lists, and said why.")
@click.option("--strata", type=click.Choice(["year", "state"]), default=None,
              help="Estimate per year or per state of each person's earliest act, then total.")
@click.option("--lists", type=click.Choice(["auto", "source", "kind"]), default="auto",
              show_default=True, help="One list per source, or per kind of source (auto: by "
              "kind when the sources are too many for a log-linear model).")
@click.option("--seed", type=int, default=12345, show_default=True)
@click.option("--level", type=float, default=0.95, show_default=True)
@click.option("--n-boot", type=int, default=None, help="Log-linear: BCa bootstrap replicates "
              "(default 1000; 0 for none).")
@click.option("--burnin", type=int, default=None, help="LCMCR: burn-in iterations per chain.")
@click.option("--samples", type=int, default=None, help="LCMCR: draws kept per chain.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also write capture_history.csv and the result as JSON here.")
@click.option("--json", "as_json", is_flag=True, help="Print the stored estimate as JSON.")
@actor_option
def command(case_code: str, method: str, strata: str | None, lists: str, seed: int, level: float,
            n_boot: int | None, burnin: int | None, samples: int | None, out_dir: Path | None,
            as_json: bool, username: str | None) -> None:
    """Estimate a case's total number of victims from its latest linkage run, and store it."""
    options: dict[str, Any] = {}
    if method in ("loglinear", "auto") and n_boot is not None:
        options["n_boot"] = n_boot
    if method in ("lcmcr", "auto"):
        options.update({k: v for k, v in (("burnin", burnin), ("samples", samples))
                        if v is not None})
    elif burnin is not None or samples is not None:
        raise Refused("--burnin and --samples apply to --method lcmcr")
    run(case_code, method=method, strata=strata, lists=lists, seed=seed, level=level,
        options=options, username=username, out_dir=out_dir, as_json=as_json)
