"""Writes of the analyses app: linkage runs, reviewers' decisions, estimates.

Each action checks the actor's role, does its writes in one transaction and appends one audit
entry. The analysis itself (linkage, estimation) runs before the transaction opens, so a long
run holds no database lock; its results are then stored all at once or not at all.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import warnings
from collections.abc import Callable, Mapping
from typing import Any

from django.db import transaction

from expediente.estimation.estimators import MAX_LOGLINEAR_LISTS
from expediente_web.analyses.access import require_analysis_role
from expediente_web.analyses.adapters import (
    LIST_GROUPINGS,
    STRATA,
    capture_histories,
    decision_labels,
    linkage_input,
    store_result,
    table_sha256,
)
from expediente_web.analyses.models import EstimateRun, LinkRun, PairDecision
from expediente_web.audit.record import actor_name, record_write
from expediente_web.cases.models import Case
from expediente_web.cases.validation import InvalidInput
from expediente_web.protection.cipher import current_keyring
from expediente_web.records.models import Person
from expediente_web.records.statistics import refresh_planner_statistics

Progress = Callable[[str], None]

#: A stratum value a person lacks (no dated act, no place) is estimated under this label.
UNKNOWN_STRATUM = "unknown"


#: Longest reviewer's note on a decision, in characters (a note explains, it is no document).
MAX_NOTE_CHARS = 5000


#: Defaults of `do_run_estimate`, per method (those of `expediente estimate` on a file).
ESTIMATE_DEFAULTS: dict[str, dict[str, Any]] = {
    "loglinear": {"selection": "stepwise", "pthresh": 0.02, "n_boot": 1000, "terms": []},
    "lcmcr": {"k_classes": 5, "a_alpha": 0.25, "b_alpha": 0.25, "burnin": 10000,
              "samples": 1000, "thinning": 10, "chains": 4},
}


def config_as_dict(config: Any) -> dict[str, Any]:
    """A linkage configuration as JSON-ready data (what `config_from_dict` reads back)."""
    data = dataclasses.asdict(config)
    data["fields"] = [
        {k: (list(v) if isinstance(v, tuple) else v) for k, v in spec.items()}
        for spec in data["fields"]
    ]
    data["blocking"] = [list(rule) for rule in data["blocking"]]
    for key in ("review_band", "alternative_thresholds"):
        data[key] = list(data[key])
    return data


def do_run_linkage(actor: Any, case: Case, config: Any = None,
                   progress: Progress | None = None) -> LinkRun:
    """Resolve the case's victim person records into persons and store the run.

    Every stored reviewer decision is re-applied as a label: an accepted pair ends up in one
    person, a rejected pair in two. The run stores each record's person and probability, and
    the uncertain pairs in the order the queue offers them, each with its per-field weights.

    Args:
        actor: the user running it (owner or analyst), or None for the operator.
        case: the case.
        config: an `expediente.linkage.LinkConfig`; the default Spanish person configuration
            when None. Its `truth_column` is ignored (ground truth never enters a stored run).
        progress: called with a short message as each stage starts.

    Raises:
        NotPermitted: the actor may not run linkage in this case.
        InvalidInput: there is nothing to link, or the configuration cannot be used.
    """
    from expediente.linkage import ConfigError, InputError, LinkConfig, link_records

    require_analysis_role(actor, case, "run person linkage")
    config = dataclasses.replace(config or LinkConfig(), truth_column=None)
    data = linkage_input(actor, case)
    if data.records < 2:
        raise InvalidInput("records", f"case {case.code} has {data.records} victim record(s) "
                                      "with a source: linkage needs at least two")
    labels = decision_labels(case, data)
    try:
        result = link_records(data.frame, config, labels, progress=progress)
    except (ConfigError, InputError) as exc:
        raise InvalidInput("config", str(exc)) from None
    main = result.clusterings[0]
    spread = [c.n_persons for c in result.clusterings]
    diagnostics = result.diagnostics
    summary: dict[str, Any] = {
        "records": data.records,
        "victim_records_without_source": data.without_source,
        "sources": list(result.sources),
        "candidate_pairs": int(diagnostics.get("candidate_pairs", 0)),
        "links_at_threshold": int(diagnostics.get("links_at_threshold", 0)),
        "review_queue": int(diagnostics.get("review_queue", result.review_queue.height)),
        "em_iterations": diagnostics.get("em_iterations"),
        "em_converged": diagnostics.get("em_converged"),
        "clusterings": [{"label": c.label, "persons": c.n_persons}
                        for c in result.clusterings],
        "persons_range": [min(spread), max(spread)],
        "input_sha256": hashlib.sha256(
            data.frame.sort("source_id", "record_id").write_csv().encode("utf-8")
        ).hexdigest(),
    }
    if progress is not None:
        progress("storing the run")
    with transaction.atomic():
        run = LinkRun.objects.create(
            case=case, actor=actor_name(actor), config=config_as_dict(config),
            threshold=config.threshold, records=data.records, persons=main.n_persons,
            labels_applied=sum(1 for label in labels if label.decision != "unsure"),
            summary=summary,
        )
        _, queued = store_result(run, result, data, [spec.name for spec in config.fields])
        run.summary = {**summary, "review_queue_stored": queued}
        run.save(update_fields=["summary"])
        # Counts, thresholds and configuration only: never a name, number or date.
        record_write(actor, "run_linkage", run, {
            "run": str(run.uid),
            "config": run.config,
            "threshold": config.threshold,
            "review_band": list(config.review_band),
            "records": data.records,
            "persons": main.n_persons,
            "persons_range": summary["persons_range"],
            "labels_applied": run.labels_applied,
            "review_queue": summary["review_queue"],
            "input_sha256": summary["input_sha256"],
        }, case_code=case.code)
    refresh_planner_statistics()
    return run


def note_fingerprint(note: str) -> str:
    """A keyed fingerprint of a reviewer's note for the audit log ("" for no note).

    HMAC-SHA256 under the key ring's index key: equal notes give equal fingerprints, and
    without the key ring the fingerprint confirms no guess of what the note says.
    """
    if not note:
        return ""
    key = current_keyring().index_key
    return hmac.new(key, b"pair_note\x00" + note.encode("utf-8"), hashlib.sha256).hexdigest()


def do_decide_pair(actor: Any, case: Case, record_a: Person, record_b: Person, decision: str,
                   note: str = "") -> PairDecision:
    """Record a reviewer's decision that two person records are (not) the same person.

    The decision belongs to the case, not to a run: every later linkage run applies it.
    A later decision on the same pair replaces an earlier one; both stay in the record.

    Raises:
        NotPermitted: the actor may not decide pairs in this case.
        InvalidInput: an unknown decision, the same record twice, a record of another case,
            or a note with a NUL character or longer than `MAX_NOTE_CHARS`.
    """
    from expediente.linkage.review import DECISIONS

    require_analysis_role(actor, case, "decide pairs in the review queue")
    if decision not in DECISIONS:
        raise InvalidInput("decision", f"{decision!r} is not one of {', '.join(DECISIONS)}")
    # PostgreSQL refuses NUL in text; refuse it here, with the field's name, on every database.
    if "\x00" in note:
        raise InvalidInput("note", "the note contains a NUL character")
    if len(note) > MAX_NOTE_CHARS:
        raise InvalidInput("note", f"the note has {len(note)} characters, more than the "
                                   f"{MAX_NOTE_CHARS} allowed")
    for field, record in (("record_a", record_a), ("record_b", record_b)):
        if record.case_id != case.pk:
            raise InvalidInput(field, f"person record {record.uid} is not in case {case.code}")
        if record.deleted_at is not None:
            raise InvalidInput(field, f"person record {record.uid} was deleted")
    if record_a.pk == record_b.pk:
        raise InvalidInput("record_b", "a pair needs two different records")
    if record_a.pk > record_b.pk:
        record_a, record_b = record_b, record_a
    with transaction.atomic():
        stored = PairDecision.objects.create(case=case, record_a=record_a, record_b=record_b,
                                             decision=decision, note=note,
                                             actor=actor_name(actor))
        # The note is free text that may name someone: the log keeps a keyed fingerprint of
        # it, never its words, nor a plain hash (a short note such as a cédula would be found
        # again by hashing every candidate).
        record_write(actor, "decide_pair", stored, {
            "record_a": str(record_a.uid),
            "record_b": str(record_b.uid),
            "decision": decision,
            "note_hmac": note_fingerprint(note),
        }, case_code=case.code)
    return stored


#: A method or list grouping left to `expediente.estimation.choice.choose_estimate`.
AUTO = "auto"


def _estimator_options(method: str, options: Mapping[str, Any] | None) -> dict[str, Any]:
    if method not in ESTIMATE_DEFAULTS:
        raise InvalidInput("method", f"{method!r} is not one of {AUTO}, "
                                     f"{', '.join(ESTIMATE_DEFAULTS)}")
    merged = dict(ESTIMATE_DEFAULTS[method])
    unknown = sorted(set(options or {}) - set(merged))
    if unknown:
        raise InvalidInput("options", f"{', '.join(unknown)} do not apply to {method}")
    merged.update(options or {})
    return merged


def _choose(case: Case, link_run: LinkRun, method: str, lists: str, stratified: bool) -> Any:
    """The automatic choice of lists and estimator on the run's one-list-per-source table."""
    from expediente.estimation import EstimationError, capture_table
    from expediente.estimation.choice import choose_estimate
    from expediente_web.cases.models import Source

    frame = capture_histories(link_run, [], "source")
    sources = [c for c in frame.columns if c != "person_id"]
    if not sources or frame.height == 0:
        raise InvalidInput("link_run", f"linkage run {link_run.uid} resolved no person with a "
                                       "source: there is nothing to estimate from")
    kinds = dict(Source.objects.filter(case=case, code__in=sources).values_list("code", "kind"))
    try:
        table = capture_table(frame, lists=sources, count=None, exclude=["person_id"])
        return choose_estimate(table, kinds, method=method, lists=lists, stratified=stratified)
    except EstimationError as exc:
        raise InvalidInput("estimate", str(exc)) from None


def _without_draws(value: Any) -> Any:
    """The report without posterior draws (thousands of numbers the seed reproduces)."""
    if isinstance(value, dict):
        return {k: _without_draws(v) for k, v in value.items() if k != "draws"}
    if isinstance(value, list):
        return [_without_draws(v) for v in value]
    return value


def do_run_estimate(actor: Any, case: Case, method: str = AUTO, *,
                    strata: str | None = None, seed: int = 12345, lists: str = AUTO,
                    link_run: LinkRun | None = None, level: float = 0.95,
                    min_lists: int = 3, min_cases: int = 10,
                    options: Mapping[str, Any] | None = None,
                    progress: Callable[[int], None] | None = None,
                    stage: Callable[[str, int], None] | None = None) -> EstimateRun:
    """Estimate the total number of victims from a linkage run's capture histories and store it.

    Args:
        actor: owner or analyst, or None for the operator.
        case: the case.
        method: ``auto`` (chosen from the table, see `expediente.estimation.choice`),
            ``loglinear`` or ``lcmcr``.
        strata: None, or a stratum of `adapters.STRATA` (``year``, ``state``).
        seed: seed of the bootstrap (log-linear) or of the chains (LCMCR).
        lists: ``auto`` (chosen with the method), ``source`` (one list per source) or ``kind``
            (one list per kind of source).
        link_run: the linkage run to estimate from; the latest when None.
        level: interval coverage.
        min_lists, min_cases: strata with fewer lists or people are refused, not estimated.
        options: estimator settings overriding `ESTIMATE_DEFAULTS[method]`; with ``auto``,
            those of the method chosen apply and the others are recorded as not applied.
        progress: called with 1 after each stratum (stratified) or chain (LCMCR).
        stage: called with a stage's name and its number of `progress` steps (0: unknown).

    The stored run carries every parameter, the seed, the SHA-256 of the capture-history table
    and the package version, so that it can be reproduced; with ``auto``, also what was chosen
    and why (``parameters["choice"]``), and what was asked (``requested_method``,
    ``requested_lists``).

    Raises:
        NotPermitted: the actor may not run estimation in this case.
        InvalidInput: no linkage run, an unknown method, stratum or option, or a table the
            estimator refuses (the message says why).
    """
    from expediente.estimation import (
        EstimationError,
        EstimationReport,
        capture_table,
        estimate_by_stratum,
        estimate_lcmcr,
        estimate_loglinear,
        split_strata,
    )
    from expediente.estimation.lcmcr import ChainDisagreementWarning
    from expediente.estimation.results import package_version

    require_analysis_role(actor, case, "run estimation")
    requested_method, requested_lists = method, lists
    if method != AUTO:
        settings = _estimator_options(method, options)
    else:
        known = {key for defaults in ESTIMATE_DEFAULTS.values() for key in defaults}
        unknown = sorted(set(options or {}) - known)
        if unknown:
            raise InvalidInput("options", f"{', '.join(unknown)} apply to no method")
    if strata is not None and strata not in STRATA:
        raise InvalidInput("strata", f"{strata!r} is not one of {', '.join(STRATA)}")
    if lists not in (AUTO, *LIST_GROUPINGS):
        raise InvalidInput("lists", f"{lists!r} is not one of {AUTO}, "
                                    f"{', '.join(LIST_GROUPINGS)}")
    if not 0 < level < 1:
        raise InvalidInput("level", f"{level} must be between 0 and 1")
    if link_run is None:
        link_run = LinkRun.objects.filter(case=case).first()
        if link_run is None:
            raise InvalidInput("link_run", f"case {case.code} has no linkage run yet: run "
                                           f"`expediente link --case {case.code}` first")
    elif link_run.case_id != case.pk:
        raise InvalidInput("link_run", f"linkage run {link_run.uid} is not of case {case.code}")

    choice = None
    ignored: list[str] = []
    if AUTO in (method, lists):
        if stage is not None:
            stage("choosing the lists and the estimator", 0)
        choice = _choose(case, link_run, method, lists, bool(strata))
        method, lists = choice.method, choice.lists
        if requested_method == AUTO:
            applying = {k: v for k, v in (options or {}).items()
                        if k in ESTIMATE_DEFAULTS[method]}
            ignored = sorted(set(options or {}) - set(applying))
            settings = _estimator_options(method, applying)
    frame = capture_histories(link_run, [strata] if strata else [], lists)
    missing_stratum = 0
    if strata:
        import polars as pl

        missing_stratum = int(frame[strata].is_null().sum())
        frame = frame.with_columns(pl.col(strata).fill_null(UNKNOWN_STRATUM))
    list_names = [c for c in frame.columns if c not in ("person_id", strata)]
    if method == "loglinear" and len(list_names) > MAX_LOGLINEAR_LISTS:
        raise InvalidInput("lists", f"{len(list_names)} lists are too many for a log-linear "
                                    f"model (at most {MAX_LOGLINEAR_LISTS}): group them by kind "
                                    "of source (expediente estimate --case-lists kind) or use "
                                    "the latent-class model (--method lcmcr)")
    if stage is not None:
        steps = int(settings.get("chains", 0)) if method == "lcmcr" else 0
        stage("estimating", frame[strata].n_unique() if strata else steps)
    input_sha256 = table_sha256(frame)
    estimator: Callable[..., Any] = estimate_loglinear if method == "loglinear" else (
        estimate_lcmcr)
    kwargs = {**settings, "seed": seed}
    try:
        with warnings.catch_warnings():
            # Chain disagreement is carried in the result's warnings; it is shown, not raised.
            warnings.simplefilter("ignore", ChainDisagreementWarning)
            if strata:
                tables = split_strata(frame, strata, lists=list_names, count=None,
                                      exclude=["person_id"])
                report = estimate_by_stratum(tables, estimator, min_lists=min_lists,
                                             min_cases=min_cases, level=level,
                                             strata_column=strata, progress=progress, **kwargs)
            else:
                table = capture_table(frame, lists=list_names, count=None,
                                      exclude=["person_id"])
                extra = {"progress": progress} if method == "lcmcr" else {}
                report = EstimationReport((estimator(table, level=level, **kwargs, **extra),))
    except EstimationError as exc:
        raise InvalidInput("estimate", str(exc)) from None

    parameters: dict[str, Any] = {
        "method": method,
        "requested_method": requested_method,
        "requested_lists": requested_lists,
        **kwargs,
        "level": level,
        "strata": strata,
        "min_lists": min_lists if strata else None,
        "min_cases": min_cases if strata else None,
        "lists": lists,
        "list_names": list_names,
        "link_run": str(link_run.uid),
        "link_threshold": link_run.threshold,
        "persons": frame.height,
        "persons_without_stratum": missing_stratum,
        "input_sha256": input_sha256,
        "package_version": package_version(),
    }
    if choice is not None:
        parameters["choice"] = {**choice.to_dict(), "options_not_applied": ignored}
    result = _without_draws(report.to_dict())
    with transaction.atomic():
        run = EstimateRun.objects.create(case=case, link_run=link_run, actor=actor_name(actor),
                                         method=method, parameters=parameters, result=result)
        headline = (report.total or report.estimates[0]) if report.estimates else None
        record_write(actor, "run_estimate", run, {
            "run": str(run.uid),
            "parameters": parameters,
            "estimate": headline.estimate if headline else None,
            "refused_strata": sorted(report.refused),
        }, case_code=case.code)
    return run
