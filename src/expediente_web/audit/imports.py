"""The rows an import wrote, for its audit entry (`rows.RowSet`).

Persons, acts and testimonies carry their import batch; the rows written with them (measured
facts, involvements, excerpts, citations) are found through those. A file of involvements or
measurements adds rows to acts of earlier files of the same source: they are the newest such
rows, as many as the file created. Sources (kind `sources`) are the case's newest ones.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps

from expediente_web.audit.rows import RowSet


def import_rows(batch: Any, kind: str, created: dict[str, int]) -> RowSet:
    """The RowSet of what the import `batch` of a file of `kind` created (`created`: counts)."""
    rows = RowSet()
    case_id = batch.case_id

    def model(label: str) -> Any:
        return apps.get_model(label)._base_manager

    if kind == "sources":
        newest = model("cases.source").filter(case_id=case_id).order_by("-id")
        return rows.add_queryset(newest[: created.get("sources", 0)])
    for label in ("records.person", "records.act", "records.testimony"):
        rows.add_queryset(model(label).filter(import_batch_id=batch.id))
    if kind in ("victims", "acts"):
        for label in ("records.measuredfact", "records.involvement"):
            rows.add_queryset(model(label).filter(act__import_batch_id=batch.id))
    elif kind in ("involvements", "measurements"):
        label, key = (
            ("records.involvement", "involvements")
            if kind == "involvements"
            else ("records.measuredfact", "measured_facts")
        )
        newest = (
            model(label)
            .filter(act__case_id=case_id, act__source_id=batch.source_id)
            .order_by("-id")
        )
        rows.add_queryset(newest[: created.get(key, 0)])
    elif kind == "testimonies":
        rows.add_queryset(model("evidence.excerpt").filter(testimony__import_batch_id=batch.id))
        rows.add_queryset(
            model("evidence.citation").filter(excerpt__testimony__import_batch_id=batch.id)
        )
    return rows


def batch_rows(batch: Any) -> RowSet:
    """The RowSet of every case-record row that carries the import batch `batch` (e.g. the
    locations, units, persons, positions and events of a `structure.json`)."""
    from expediente_web.audit.rows import TRACKED

    rows = RowSet()
    for label in TRACKED:
        model = apps.get_model(label)
        if any(f.name == "import_batch" for f in model._meta.concrete_fields):
            rows.add_queryset(model._base_manager.filter(import_batch_id=batch.id))
    return rows


def rows_with_protected_values() -> RowSet:
    """The RowSet of every case-record row that has a protected column, as it is now: what a
    re-encryption of every protected value (`keys rotate`) leaves behind, for its entry."""
    from expediente_web.audit.rows import TRACKED, layout

    rows = RowSet()
    for label in TRACKED:
        if layout(label).protected:
            rows.add_queryset(apps.get_model(label)._base_manager.all())
    return rows
