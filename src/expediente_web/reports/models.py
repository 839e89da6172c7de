"""Storage of the reports app: which editions a case makes. Rules live in `actions.py` and
`access.py`; a report itself is files, not rows."""

from __future__ import annotations

from django.db import models

from expediente_web.cases.models import Case


def default_editions() -> list[str]:
    from expediente_web.reports.editions import EDITIONS

    return list(EDITIONS)


class ReportSettings(models.Model):
    """The editions a case's reports may be made in (every edition when a case has no row)."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="report_settings")
    editions = models.JSONField(default=default_editions)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"report editions of {self.case}"
