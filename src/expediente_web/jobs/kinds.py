"""The kinds of work a job can run, each a thin call of the service that does it.

A kind says who may ask for it (checked when the job is queued, and again by the service when
it runs), how its parameters are read from a request, and how it runs with a progress reporter.
Its result is a small dict of identifiers (the run it stored), never record values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from expediente_web.cases.models import Case
from expediente_web.cases.validation import InvalidInput
from expediente_web.jobs.progress import Reporter

Runner = Callable[[Any, Case, Mapping[str, Any], Reporter], dict[str, Any]]


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    """What the job does, in a few words (translated where it is shown)."""
    check: Callable[[Any, Case], None]
    """Raises NotPermitted when the actor may not ask for it in this case."""
    clean: Callable[[Mapping[str, Any]], dict[str, Any]]
    """The parameters it runs with, from what was asked; InvalidInput when one is wrong."""
    run: Runner


def _analysis_role(doing: str) -> Callable[[Any, Case], None]:
    def check(actor: Any, case: Case) -> None:
        from expediente_web.analyses.access import require_analysis_role

        require_analysis_role(actor, case, doing)

    return check


def _no_params(params: Mapping[str, Any]) -> dict[str, Any]:
    if params:
        raise InvalidInput("params", _("linkage takes no parameters here, got %(params)s")
                           % {"params": sorted(params)})
    return {}


def _run_linkage(actor: Any, case: Case, params: Mapping[str, Any],
                 progress: Reporter) -> dict[str, Any]:
    from expediente_web.analyses.actions import do_run_linkage

    run = do_run_linkage(actor, case, progress=progress.stage)
    return {"link_run": str(run.uid), "persons": run.persons, "records": run.records}


def _options(value: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise TypeError("options must be a mapping")
    return {str(k): v for k, v in value.items()}


ESTIMATE_PARAMS: dict[str, Callable[[Any], Any]] = {
    "method": str, "strata": lambda v: str(v) or None, "seed": int, "lists": str,
    "level": float, "link_run": str, "options": _options,
}

#: Estimator settings an estimate job may carry (those of a run it repeats).
ESTIMATE_OPTIONS = frozenset({"selection", "pthresh", "n_boot", "terms", "k_classes", "a_alpha",
                              "b_alpha", "burnin", "samples", "thinning", "chains"})


def _clean_estimate(params: Mapping[str, Any]) -> dict[str, Any]:
    from expediente_web.analyses.actions import ESTIMATE_DEFAULTS
    from expediente_web.analyses.adapters import LIST_GROUPINGS, STRATA

    unknown = sorted(set(params) - set(ESTIMATE_PARAMS))
    if unknown:
        raise InvalidInput("params", _("unknown estimate parameter(s): %(names)s")
                           % {"names": ", ".join(unknown)})
    cleaned: dict[str, Any] = {}
    for key, convert in ESTIMATE_PARAMS.items():
        if key in params and params[key] not in (None, ""):
            try:
                cleaned[key] = convert(params[key])
            except (TypeError, ValueError):
                raise InvalidInput(key, _("%(value)s is not a valid %(name)s")
                                   % {"value": repr(params[key]), "name": key}) from None
    if cleaned.get("method", "auto") not in ("auto", *ESTIMATE_DEFAULTS):
        raise InvalidInput("method", _("unknown method %(value)s (one of: %(known)s)")
                           % {"value": repr(cleaned["method"]),
                              "known": ", ".join(ESTIMATE_DEFAULTS)})
    if set(cleaned.get("options", {})) - ESTIMATE_OPTIONS:
        raise InvalidInput("options", _("unknown estimator setting(s): %(names)s") % {
            "names": ", ".join(sorted(set(cleaned["options"]) - ESTIMATE_OPTIONS))})
    if cleaned.get("strata") and cleaned["strata"] not in STRATA:
        raise InvalidInput("strata", _("unknown stratum %(value)s (one of: %(known)s)")
                           % {"value": repr(cleaned["strata"]), "known": ", ".join(STRATA)})
    if cleaned.get("lists", "auto") not in ("auto", *LIST_GROUPINGS):
        raise InvalidInput("lists", _("unknown grouping %(value)s (one of: %(known)s)")
                           % {"value": repr(cleaned["lists"]),
                              "known": ", ".join(LIST_GROUPINGS)})
    if not 0.5 <= cleaned.get("level", 0.95) < 1:
        raise InvalidInput("level", _("the interval level must be at least 0.5 and below 1"))
    return cleaned


def _run_estimate(actor: Any, case: Case, params: Mapping[str, Any],
                  progress: Reporter) -> dict[str, Any]:
    from expediente_web.analyses.access import access_link_run_by_uid
    from expediente_web.analyses.actions import do_run_estimate

    params = dict(params)
    if params.get("link_run"):
        # A re-run names the linkage run it repeats; the latest one otherwise.
        params["link_run"] = access_link_run_by_uid(actor, case, params["link_run"])
    run = do_run_estimate(actor, case, progress=progress.step, stage=progress.begin, **params)
    return {"estimate_run": str(run.uid)}


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind("linkage", "person linkage", _analysis_role(gettext_noop("run person linkage")),
             _no_params, _run_linkage),
        Kind("estimate", "estimate of the total",
             _analysis_role(gettext_noop("estimate the total")), _clean_estimate, _run_estimate),
    )
}


def kind_named(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise InvalidInput("kind", _("unknown kind of job %(value)s (one of: %(known)s)")
                           % {"value": repr(name), "known": ", ".join(KINDS)}) from None
