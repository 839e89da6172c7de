"""Details of the linkage pages: person links name their run; every compared field has a label."""

from __future__ import annotations

import pytest

from expediente_web.analyses.actions import do_run_linkage
from support.two_factor import TwoFactorClient as Client

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_person_links_name_the_run_they_belong_to(case, analyst, linked):
    client = _client(analyst)
    overview = client.get(f"/cases/{case.code}/linkage/").content.decode()
    queue = client.get(f"/cases/{case.code}/linkage/queue/").content.decode()
    for page in (overview, queue):
        assert f"/?run={linked.uid}" in page
    # A later run renumbers persons: an old link still shows the person of its own run.
    do_run_linkage(analyst, case)
    first = linked.links.order_by("record_id").first()
    page = client.get(f"/cases/{case.code}/linkage/persons/{first.cluster}/",
                      {"run": str(linked.uid)}).content.decode()
    assert first.record.source_record_id in page


def test_every_compared_field_has_a_label(case, analyst, linked):
    page = _client(analyst).get(f"/cases/{case.code}/linkage/queue/").content.decode()
    weights = page[page.index('id="weights"'):]
    for field in linked.review_pairs.first().explanation["fields"]:
        assert f"<td>{field['field']}</td>" not in weights
    assert "Fecha del acto" in weights and "Date of the act" not in weights


def test_every_comparison_level_of_the_core_has_a_spanish_label():
    from expediente.linkage.comparisons import LEVEL_NAMES
    from expediente_web.analyses.views import LEVEL_LABELS_ES, level_label

    for levels in LEVEL_NAMES.values():
        for level in levels:
            assert level in LEVEL_LABELS_ES, level
    from django.utils import translation

    with translation.override("es"):
        assert level_label("both agree") == "coinciden ambos"
        assert level_label("similarity >= 0.9") == "similarity >= 0.9"
    with translation.override("en"):
        assert level_label("both agree") == "both agree"


def test_the_queue_shows_comparison_levels_in_the_readers_language(case, analyst, linked):
    from expediente_web.analyses.views import LEVEL_LABELS_ES

    page = _client(analyst).get(f"/cases/{case.code}/linkage/queue/").content.decode()
    weights = page[page.index('id="weights"'):]
    first = linked.review_pairs.order_by("rank").first().explanation["fields"][0]["level"]
    assert LEVEL_LABELS_ES[first] in weights and f"{LEVEL_LABELS_ES[first]} / " not in weights
