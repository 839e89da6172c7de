"""Read-side queries over the record used by the pages."""

from __future__ import annotations

from typing import Any

from expediente_web.cases.models import Case


def case_overview(case: Case) -> dict[str, Any]:
    from expediente_web.records.models import Act, Person, Testimony, Unit

    return {
        "sources": case.sources.filter(deleted_at__isnull=True),
        "counts": {
            "persons": Person.objects.live().filter(case=case).count(),
            "acts": Act.objects.live().filter(case=case).count(),
            "testimonies": Testimony.objects.live().filter(case=case).count(),
            "units": Unit.objects.live().filter(case=case).count(),
        },
        "recent_acts": Act.objects.live()
        .filter(case=case)
        .select_related("location", "source")
        .order_by("-date_earliest")[:50],
    }
