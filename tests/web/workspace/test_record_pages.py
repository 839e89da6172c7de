"""Every record has a page: lists page and filter, detail pages link records to each other,
protected fields are shown only to roles that see identities, and every reveal is audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from expediente_web.audit.models import AuditEntry
from support.workspace_data import url_kwargs

pytestmark = pytest.mark.django_db


def url(record, name, **query):
    address = reverse(name, kwargs=url_kwargs(record)[name])
    if query:
        from urllib.parse import urlencode

        address += "?" + urlencode(query)
    return address


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


LISTS = [
    "workspace:acts",
    "workspace:persons",
    "workspace:resolved",
    "workspace:events",
    "workspace:testimonies",
    "workspace:sources",
    "workspace:evidence",
]


@pytest.mark.parametrize("name", LISTS)
def test_every_list_pages_instead_of_cutting_off(record, documenter, as_user, name):
    client = as_user(documenter)
    first = text(client.get(url(record, name)))
    assert 'rel="next"' in first
    assert "?page=2" in first
    second = text(client.get(url(record, name, page=2)))
    assert 'rel="prev"' in second
    assert 'aria-current="page">2<' in second


def test_the_act_list_counts_every_act_and_filters_by_type(record, viewer, as_user):
    client = as_user(viewer)
    page = text(client.get(url(record, "workspace:acts")))
    assert "1–50 de 63" in page
    tortures = text(client.get(url(record, "workspace:acts", act_type="act.torture")))
    assert "1–1 de 1" in tortures
    assert reverse("workspace:act", args=[record.case.code, record.act.uid]) in tortures


def test_an_unknown_filter_value_is_shown_at_its_field_and_ignored(record, viewer, as_user):
    client = as_user(viewer)
    page = text(client.get(url(record, "workspace:acts", act_type="act.nonsense")))
    assert "errorlist" in page
    assert "1–50 de 63" in page


def test_acts_in_a_place_include_the_places_within_it(record, viewer, as_user):
    client = as_user(viewer)
    in_state = text(client.get(url(record, "workspace:acts", location=str(record.state.uid))))
    assert "1–50 de 63" in in_state  # every act is at the state or at a site within it
    in_country = text(client.get(url(record, "workspace:acts", location=str(record.country.uid))))
    assert "de 63" in in_country


def test_an_act_links_its_victim_other_acts_the_same_person_and_the_testimonies(
    record, documenter, as_user
):
    client = as_user(documenter)
    page = text(client.get(url(record, "workspace:act")))
    code = record.case.code
    assert reverse("workspace:person", args=[code, record.victim.uid]) in page
    assert reverse("workspace:act", args=[code, record.other_act.uid]) in page
    assert reverse("workspace:act", args=[code, record.linked_act.uid]) in page  # other source
    assert reverse("analyses:person", args=[code, record.cluster]) in page
    assert reverse("workspace:testimony", args=[code, record.testimony.uid]) in page
    assert reverse("workspace:unit", args=[code, record.unit.uid]) in page
    assert reverse("workspace:location", args=[code, record.site.uid]) in page
    assert "Allí me golpearon durante el interrogatorio." in page
    assert "12,5" in page  # the measured fact, in Spanish


def test_a_person_page_shows_identity_only_to_roles_that_see_it(
    record, documenter, viewer, as_user
):
    shown = text(as_user(documenter).get(url(record, "workspace:person")))
    assert "Ana Ficticia Pérez" in shown
    assert "V-10.000.001" in shown
    hidden = text(as_user(viewer).get(url(record, "workspace:person")))
    assert "Ana Ficticia" not in hidden
    assert "V-10.000.001" not in hidden
    assert "1980-02" not in hidden
    from expediente_web.workspace.identities import person_pseudonym

    assert person_pseudonym(record.victim) in hidden


@pytest.mark.parametrize(
    "name",
    [
        "workspace:acts",
        "workspace:act",
        "workspace:persons",
        "workspace:person",
        "workspace:resolved",
        "workspace:events",
        "workspace:event",
        "workspace:testimonies",
        "workspace:testimony",
        "workspace:units",
        "workspace:unit",
        "case-records",
    ],
)
def test_no_page_names_anyone_to_a_role_without_identities(record, viewer, as_user, name):
    page = text(as_user(viewer).get(url(record, name)))
    for secret in (
        "Ana Ficticia",
        "Persona 1",
        "Comandante Inventado",
        "V-10.000.001",
        "+00 000 000 0000",
    ):
        assert secret not in page, (name, secret)


def test_each_page_view_that_reveals_identities_writes_one_audit_entry(record, documenter, as_user):
    client = as_user(documenter)
    before = AuditEntry.objects.count()
    text(client.get(url(record, "workspace:act")))
    entries = list(AuditEntry.objects.order_by("seq")[before:])
    assert [e.action for e in entries] == ["view_identities"]
    entry = entries[0]
    assert entry.actor == documenter.username
    assert entry.case_code == record.case.code
    assert entry.object_type == "page" and entry.object_id == "workspace:act"
    assert entry.payload["path"] == url(record, "workspace:act")
    revealed = set(entry.payload["persons"])
    assert {
        str(record.victim.uid),
        str(record.commander.uid),
        str(record.victim_again.uid),
    } <= revealed
    assert "Ana" not in str(entry.payload)  # who was seen, never what was seen

    text(client.get(url(record, "workspace:persons")))
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "view_identities"
    assert len(entry.payload["persons"]) == 50  # the page's persons, one entry for all


def test_a_page_that_reveals_nothing_writes_nothing(record, documenter, viewer, as_user):
    before = AuditEntry.objects.count()
    text(as_user(viewer).get(url(record, "workspace:person")))
    text(as_user(documenter).get(url(record, "workspace:sources")))
    assert AuditEntry.objects.count() == before


def test_the_testimony_highlights_its_excerpts_in_place(record, viewer, as_user):
    page = text(as_user(viewer).get(url(record, "workspace:testimony")))
    assert (
        f'<mark id="excerpt-{record.excerpt.uid}">Allí me golpearon durante el interrogatorio.'
    ) in page
    assert page.count("<mark ") == 2
    assert reverse("workspace:act", args=[record.case.code, record.act.uid]) in page
    assert "Ana Ficticia" not in page  # the witness's protected name


def test_overlapping_and_out_of_range_excerpts_are_marked_once():
    from types import SimpleNamespace

    from expediente_web.workspace.views.testimonies import segments

    text_ = "abcdefghij"
    parts = segments(
        text_,
        [
            SimpleNamespace(start=2, end=6),
            SimpleNamespace(start=4, end=8),
            SimpleNamespace(start=9, end=99),
        ],
    )
    assert "".join(p.text for p in parts) == text_
    assert [(p.text, p.number) for p in parts if p.excerpt] == [("cdef", 1), ("gh", 2), ("j", 3)]


def test_a_unit_shows_its_tree_its_posts_and_its_commanders_on_a_date(record, documenter, as_user):
    client = as_user(documenter)
    tree = text(client.get(url(record, "workspace:units")))
    assert tree.index("Servicio ficticio") < tree.index("Dirección de operaciones")
    assert 'class="d1"' in tree
    page = text(client.get(url(record, "workspace:unit", on="2017-05-14")))
    assert "Comandante Inventado Uno" in page
    assert "Director" in page and "Subjefe" in page  # its own and the level above
    before = text(client.get(url(record, "workspace:unit", on="2014-01-01")))
    assert "Comandante Inventado Uno" in before  # still a post over time
    assert "no hay mando registrado ese día" in before


def test_a_place_shows_where_it_sits_in_the_tree(record, viewer, as_user):
    page = text(as_user(viewer).get(url(record, "workspace:location")))
    assert "País Ficticio" in page
    assert reverse("workspace:location", args=[record.case.code, record.site.uid]) in page
    tree = text(as_user(viewer).get(url(record, "workspace:locations")))
    assert tree.index("País Ficticio") < tree.index("Estado Norte") < tree.index("Sitio 0")


def test_an_evidence_item_shows_its_hash_and_custody(record, viewer, as_user):
    page = text(as_user(viewer).get(url(record, "workspace:evidence-item")))
    assert record.item.sha256 in page
    assert "Recibido" in page


def test_the_case_page_links_every_record_it_shows(record, viewer, as_user):
    page = text(as_user(viewer).get(url(record, "case-records")))
    code = record.case.code
    for name in ("workspace:acts", "workspace:persons", "workspace:testimonies", "workspace:units"):
        assert reverse(name, args=[code]) in page
    assert reverse("workspace:source", args=[code, "SRC-A"]) in page
    import re

    acts = set(re.findall(rf'href="/cases/{code}/acts/([0-9a-f-]{{36}})/"', page))
    assert len(acts) == 50  # the latest, each linked; the list page holds them all


def test_a_malformed_or_foreign_uid_is_a_404(record, viewer, as_user):
    client = as_user(viewer)
    code = record.case.code
    assert client.get(f"/cases/{code}/acts/not-a-uid/").status_code == 404
    assert client.get(f"/cases/{code}/acts/{record.victim.uid}/").status_code == 404
    assert client.get(f"/cases/{code}/sources/NOPE/").status_code == 404


def test_a_deleted_record_has_no_page_but_says_it_was_deleted(record, documenter, as_user):
    from expediente_web.records.actions import do_delete_record

    do_delete_record(documenter, record.other_act, "duplicate entry")
    client = as_user(documenter)
    gone = client.get(
        url(record, "workspace:act").replace(str(record.act.uid), str(record.other_act.uid))
    )
    assert gone.status_code == 410
    assert "duplicate entry" in gone.content.decode()
    page = text(client.get(url(record, "workspace:act")))
    assert str(record.other_act.uid) not in page


def test_hostile_text_is_escaped(case, documenter, as_user):
    from support.workspace_data import HOSTILE, build_record

    hostile = build_record(case, many=2, hostile=True)
    client = as_user(documenter)
    for name in url_kwargs(hostile):
        page = text(client.get(reverse(name, kwargs=url_kwargs(hostile)[name])))
        assert "<script>window.__pwned" not in page, name
        assert "<img src=x" not in page, name
    assert HOSTILE not in text(client.get(url(hostile, "workspace:testimony")))
