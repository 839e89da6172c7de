"""Who may make a case's reports, and in which editions.

A report leaves the team, so making one is for the roles that may export the case (owner,
analyst), named: a console command needs `--user` (the operator, who holds the data directory
but has no role in the case, is refused, since the reads a report is assembled from —
`records.access.access_records` and the analyses app's reads, `assembly.py` — are a member's).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from expediente_web.cases.access import EXPORT_ROLES, require_role
from expediente_web.cases.models import Case
from expediente_web.reports.editions import EDITIONS, Edition, edition_named
from expediente_web.reports.models import ReportSettings

REPORT_ROLES = EXPORT_ROLES

__all__ = [
    "REPORT_ROLES",
    "EditionRefused",
    "access_case_editions",
    "access_edition",
    "require_report_role",
]


class EditionRefused(ValueError):
    """The case does not make this edition, or the edition cannot be made (a clear message)."""


def require_report_role(actor: Any, case: Case) -> None:
    """`NotPermitted` unless the actor is an owner or analyst of the case."""
    require_role(actor, case, REPORT_ROLES, gettext_noop("make reports of the case"))


def access_case_editions(actor: Any, case: Case) -> list[Edition]:
    """The editions the case makes, in the order of `EDITIONS`."""
    require_report_role(actor, case)
    settings = ReportSettings.objects.filter(case=case).first()
    chosen = set(settings.editions) if settings is not None else set(EDITIONS)
    return [e for e in EDITIONS.values() if e.id in chosen]


def access_edition(actor: Any, case: Case, name: str) -> Edition:
    """The edition `name` of the case; `EditionRefused` when it is unknown or not chosen."""
    try:
        edition = edition_named(name)
    except ValueError:
        raise EditionRefused(
            _("unknown edition %(name)s (one of: %(known)s)")
            % {"name": repr(name), "known": ", ".join(EDITIONS)}
        ) from None
    chosen = access_case_editions(actor, case)
    if edition not in chosen:
        raise EditionRefused(
            _("case %(case)s does not make the %(name)s edition (it makes: %(known)s)")
            % {
                "case": case.code,
                "name": name,
                "known": ", ".join(e.id for e in chosen) or _("none"),
            }
        )
    return edition
