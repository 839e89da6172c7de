"""Adding a column to a tracked table must not change the digests of the rows written before it.

`FIRST_LAYOUT` is each tracked model's fields as the row digests first covered them. A field
added since must be listed in `audit.rows.ADDED` with the value earlier rows hold, so that an
upgrade leaves `audit verify --records` clean while a value later set in it is still covered.
"""

from __future__ import annotations

import pytest
from django.apps import apps

from expediente_web.audit import rows
from expediente_web.audit.rows import ADDED, TRACKED, digest_row, layout

FIRST_LAYOUT = {
    "cases.case": (
        "code",
        "title",
        "country",
        "period",
        "description",
        "created_at",
    ),
    "cases.membership": (
        "case",
        "user",
        "role",
        "created_at",
        "expires_at",
    ),
    "cases.source": (
        "case",
        "code",
        "name",
        "kind",
        "reliability",
        "description",
        "created_at",
        "deleted_at",
        "deleted_reason",
    ),
    "records.location": (
        "uid",
        "case",
        "source",
        "source_record_id",
        "import_batch",
        "notes",
        "created_at",
        "updated_at",
        "deleted_at",
        "deleted_reason",
        "code",
        "name",
        "kind",
        "parent",
        "latitude",
        "longitude",
    ),
    "records.unit": (
        "uid",
        "case",
        "source",
        "source_record_id",
        "import_batch",
        "notes",
        "created_at",
        "updated_at",
        "deleted_at",
        "deleted_reason",
        "code",
        "name",
        "acronym",
        "unit_type",
        "parent",
    ),
    "records.person": (
        "uid",
        "case",
        "source",
        "source_record_id",
        "import_batch",
        "notes",
        "created_at",
        "updated_at",
        "deleted_at",
        "deleted_reason",
        "full_name",
        "given_names",
        "first_surname",
        "second_surname",
        "nickname",
        "id_number",
        "birth_date",
        "phone",
        "address",
        "id_number_index",
        "name_index",
        "sex",
        "age",
        "age_band",
        "occupation",
        "affiliation",
        "state",
    ),
    "records.position": (
        "uid",
        "case",
        "source",
        "source_record_id",
        "import_batch",
        "notes",
        "created_at",
        "updated_at",
        "deleted_at",
        "deleted_reason",
        "person",
        "unit",
        "title",
        "rank",
        "is_commander",
        "start_text",
        "start_precision",
        "start_earliest",
        "start_latest",
        "end_text",
        "end_precision",
        "end_earliest",
        "end_latest",
    ),
    "records.event": (
        "uid",
        "case",
        "source",
        "source_record_id",
        "import_batch",
        "notes",
        "created_at",
        "updated_at",
        "deleted_at",
        "deleted_reason",
        "code",
        "title",
        "description",
        "location",
        "date_text",
        "date_precision",
        "date_earliest",
        "date_latest",
    ),
    "records.act": (
        "uid",
        "case",
        "source",
        "source_record_id",
        "import_batch",
        "notes",
        "created_at",
        "updated_at",
        "deleted_at",
        "deleted_reason",
        "event",
        "victim",
        "act_type",
        "methods",
        "location",
        "outcome",
        "description",
        "date_text",
        "date_precision",
        "date_earliest",
        "date_latest",
    ),
    "records.measuredfact": (
        "act",
        "measure",
        "value",
        "unit",
    ),
    "records.involvement": (
        "act",
        "person",
        "unit",
        "degree",
        "notes",
    ),
    "records.testimony": (
        "uid",
        "case",
        "source",
        "source_record_id",
        "import_batch",
        "notes",
        "created_at",
        "updated_at",
        "deleted_at",
        "deleted_reason",
        "witness",
        "witness_name",
        "witness_contact",
        "language",
        "interviewer",
        "consent_scopes",
        "narrative",
        "date_text",
        "date_precision",
        "date_earliest",
        "date_latest",
    ),
    "records.comment": (
        "case",
        "author",
        "target_type",
        "target_id",
        "parent",
        "body",
        "created_at",
        "deleted_at",
        "deleted_reason",
    ),
    "records.review": (
        "case",
        "act",
        "testimony",
        "status",
        "submitted_by",
        "submitted_at",
        "verified_by",
        "verified_at",
        "updated_at",
    ),
    "evidence.evidenceitem": (
        "uid",
        "case",
        "source",
        "sha256",
        "size",
        "filename",
        "media_type",
        "kind",
        "title",
        "description",
        "parent",
        "transformation",
        "pages",
        "duration_seconds",
        "created_at",
        "deleted_at",
        "deleted_reason",
    ),
    "evidence.custodyevent": (
        "item",
        "action",
        "at",
        "actor",
        "actor_name",
        "from_party",
        "to_party",
        "place",
        "hash_observed",
        "purpose",
    ),
    "evidence.excerpt": (
        "uid",
        "case",
        "testimony",
        "item",
        "start",
        "end",
        "page",
        "start_seconds",
        "end_seconds",
        "quote",
        "created_at",
    ),
    "evidence.citation": (
        "excerpt",
        "target_type",
        "target_id",
        "created_at",
    ),
    "panel.frozenversion": (
        "uid",
        "case",
        "number",
        "reviewers_required",
        "snapshot",
        "digest",
        "frozen_by",
        "frozen_by_name",
        "frozen_at",
    ),
    "panel.assignment": (
        "uid",
        "version",
        "reviewer",
        "reviewer_name",
        "assigned_by_name",
        "assigned_at",
        "replaced_at",
        "replaced_by_name",
        "submitted_at",
        "signed_off_at",
    ),
    "panel.finding": (
        "uid",
        "assignment",
        "element",
        "rung",
        "reasoning",
        "saved_at",
    ),
}


@pytest.mark.parametrize("label", TRACKED)
def test_every_field_added_since_the_first_layout_is_listed_with_its_default(label):
    model = apps.get_model(label)
    now = [f.name for f in model._meta.concrete_fields if not f.primary_key]
    added = [name for name in now if name not in FIRST_LAYOUT.get(label, ())]
    missing = [name for name in added if name not in ADDED.get(label, {})]
    assert not missing, (
        f"{label} has fields the row digests did not cover at first: {missing}; list them in "
        "audit.rows.ADDED with the value the rows written before them hold"
    )


def test_a_listed_column_at_its_default_leaves_the_digest_as_before_and_counts_once_set():
    lay = layout("cases.source")
    position = {name: n for n, name in enumerate(lay.columns)}
    origin = position["origin"]
    derived = position["derived_from"]
    values = ["x"] * len(lay.columns)
    values[origin] = ""
    values[derived] = "[]"
    row = (7, *values)
    before = list(values)
    del before[max(origin, derived)]
    del before[min(origin, derived)]
    old_layout = rows.Layout(
        lay.label,
        lay.table,
        tuple(c for c in lay.columns if c not in ("origin", "derived_from")),
        frozenset(),
        {},
        lay.select,
        lay.pk,
    )
    assert digest_row(lay, row) == digest_row(old_layout, (7, *before))
    changed = list(values)
    changed[origin] = "witness:W-1"
    assert digest_row(lay, (7, *changed)) != digest_row(lay, row)
    on_postgres = list(values)
    on_postgres[derived] = []  # jsonb comes back decoded
    assert digest_row(lay, (7, *on_postgres)) == digest_row(lay, row)
