"""Temporal jurisdiction: where each act of the case falls against the day the Statute entered
into force for the State.

An act is *outside* when its latest possible date is before that day, *within* when its
earliest possible date is on or after it, and *may be outside* when its imprecise date spans
the day (a year-only date in the year of accession): the records cannot say, and an analyst
must. Undated acts cannot be placed.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from expediente_web.records.models import Act

BUCKETS = ("outside", "straddling", "within", "undated")


def bucket_filter(bucket: str, day: dt.date) -> Q:
    """The filter on acts of one bucket against the entry-into-force day."""
    latest = Q(date_latest__lt=day) | Q(date_latest__isnull=True, date_earliest__lt=day)
    if bucket == "outside":
        return Q(date_earliest__isnull=False) & latest
    if bucket == "straddling":
        return Q(date_earliest__lt=day, date_latest__gte=day)
    if bucket == "within":
        return Q(date_earliest__gte=day)
    if bucket == "undated":
        return Q(date_earliest__isnull=True)
    raise ValueError(f"{bucket!r} is not one of {', '.join(BUCKETS)}")


def temporal_counts(acts: QuerySet[Act], day: dt.date) -> dict[str, int]:
    """How many of `acts` fall in each bucket (one query)."""
    from django.db.models import Count

    found = acts.aggregate(
        **{bucket: Count("id", filter=bucket_filter(bucket, day)) for bucket in BUCKETS}
    )
    return {bucket: found[bucket] or 0 for bucket in BUCKETS}


def outside_acts(acts: QuerySet[Act], day: dt.date) -> QuerySet[Act]:
    """The acts whose latest possible date falls before the entry into force."""
    return acts.filter(bucket_filter("outside", day))
