"""What an estimate's page says in the reader's language: methods, groupings, and the reasons
of the automatic choice (`expediente.estimation.choice`), whose codes and numbers are stored
with the run and put into words here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

METHOD_LABELS = {
    "auto": _("automatic"),
    "loglinear": _("log-linear model (stepwise)"),
    "lcmcr": _("latent-class model (LCMCR)"),
}

LIST_LABELS = {
    "auto": _("automatic"),
    "source": _("one list per source"),
    "kind": _("one list per kind of source"),
}

STRATA_LABELS = {
    "": _("none"),
    "year": _("year of the earliest act"),
    "state": _("state of the earliest act"),
}

INTERVAL_LABELS = {
    "wald-log": _("Wald (log scale)"),
    "profile": _("profile likelihood"),
    "bca": _("BCa bootstrap"),
    "posterior": _("posterior"),
    "model-average": _("model average"),
    "combined": _("combined strata"),
    "combined-posterior": _("strata combined (posterior)"),
    "combined-wald-log": _("strata combined (Wald, log scale)"),
    "linkage-mixture": _("over plausible linkages"),
}

#: One sentence per reason code of `expediente.estimation.choice.REASON_TEXTS`.
REASON_LABELS = {
    "given_method": _("The method was asked for: %(method)s."),
    "given_lists": _("The lists were asked for: %(lists)s."),
    "sources_fit": _("%(sources)s sources are at most the %(limit)s lists a log-linear model is "
                     "given here: one list per source."),
    "sources_too_many": _("%(sources)s sources are more than the %(limit)s lists a log-linear "
                          "model is given here."),
    "grouped_by_kind": _("Sources of the same kind were merged: %(sources)s sources became "
                         "%(lists)s lists, one per kind."),
    "kinds_too_few": _("Merging by kind would leave %(kinds)s list(s), fewer than the "
                       "%(minimum)s needed to model how lists depend on each other: one list "
                       "per source was kept."),
    "kind_missing": _("%(missing)s source(s) have no kind, so sources cannot be merged by "
                      "kind: one list per source was kept."),
    "loglinear_fits": _("%(lists)s lists, and the independence model can be fitted: stepwise "
                        "log-linear model."),
    "lists_too_many_for_loglinear": _("%(lists)s lists are more than the %(limit)s a log-linear "
                                      "model is given here: latent-class model (LCMCR), which "
                                      "takes any number of lists."),
    "loglinear_cannot_fit": _("No log-linear model can be fitted to these lists (%(detail)s): "
                              "latent-class model (LCMCR)."),
    "few_lists": _("Only %(lists)s lists: the log-linear estimate assumes they are independent "
                   "of each other (nothing else can be fitted on two lists)."),
    "strata_share_choice": _("The choice is made once on the whole table; every stratum is "
                             "estimated with it."),
}


def reason_text(reason: Mapping[str, Any]) -> str:
    """One stored reason in the reader's language (its English text if the code is unknown)."""
    template = REASON_LABELS.get(str(reason.get("code")))
    values = dict(reason.get("values") or {})
    if template is None:
        return str(reason.get("text", ""))
    if "method" in values:
        values["method"] = str(METHOD_LABELS.get(values["method"], values["method"]))
    if "lists" in values and not isinstance(values["lists"], int):
        values["lists"] = str(LIST_LABELS.get(values["lists"], values["lists"]))
    for key, value in values.items():
        if isinstance(value, int):
            values[key] = f"{value:,}"
    try:
        return gettext(str(template)) % values
    except (KeyError, TypeError, ValueError):
        return str(reason.get("text", ""))


def label(table: Mapping[str, Any], key: Any) -> str:
    return str(table.get(key or "", key or ""))
