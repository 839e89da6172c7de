"""The search pages: results with marked words and links, facets, paging, saved searches,
export as CSV and XLSX with pseudonyms for roles that see no identities."""

from __future__ import annotations

import csv
import io

import pytest


@pytest.fixture
def web(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


@pytest.fixture
def narratives(case, documenter, source):
    from expediente_web.records.actions import do_create_testimony

    made = [do_create_testimony(documenter, case, f"Relato {n}: lo golpearon en la celda.", "es",
                                source=source) for n in range(25)]
    made.append(do_create_testimony(
        documenter, case, "Declara Rosalba Quintero Lugo: la golpearon <script>alert(1)</script>.",
        "es", source=source, witness_name="Rosalba Quintero Lugo"))
    return made


def test_the_page_marks_matches_links_records_and_pages(case, documenter, narratives, web):
    html = web(documenter).get(f"/cases/{case.code}/search/?q=golpes").content.decode()
    assert "26" in html and "<mark>golpearon</mark>" in html
    assert f"/cases/{case.code}/testimonies/{narratives[0].uid}/" in html
    hostile = web(documenter).get(f"/cases/{case.code}/search/?q=rosalba").content.decode()
    assert "&lt;script&gt;" in hostile and "<script>alert(1)" not in hostile
    assert "page=2" in html
    second = web(documenter).get(f"/cases/{case.code}/search/?q=golpes&page=2").content.decode()
    assert "page 2 of 2" in second or "página 2 de 2" in second


def test_a_bad_query_is_a_400_naming_the_problem(case, documenter, narratives, web):
    answer = web(documenter).get(f"/cases/{case.code}/search/?q=ab*", HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 400 and "prefix" in answer.content.decode()
    spanish = web(documenter).get(f"/cases/{case.code}/search/?q=ab*", HTTP_ACCEPT_LANGUAGE="es")
    assert spanish.status_code == 400
    assert "un prefijo necesita al menos 3 letras: ab*" in spanish.content.decode()


def test_saved_searches_belong_to_who_saved_them(case, documenter, analyst, narratives, web):
    from expediente_web.search.models import SavedSearch

    web(documenter).post(f"/cases/{case.code}/search/saved/",
                         {"q": "golpes", "name": "golpes en celda", "source": "S1"})
    saved = SavedSearch.objects.get()
    assert (saved.owner, saved.query) == (documenter, "golpes")
    page = web(documenter).get(f"/cases/{case.code}/search/").content.decode()
    assert "golpes en celda" in page
    assert "golpes en celda" not in web(analyst).get(f"/cases/{case.code}/search/").content.decode()
    web(analyst).post(f"/cases/{case.code}/search/saved/{saved.pk}/delete/")
    assert SavedSearch.objects.count() == 1
    web(documenter).post(f"/cases/{case.code}/search/saved/{saved.pk}/delete/")
    assert SavedSearch.objects.count() == 0


def test_export_holds_every_hit_and_pseudonyms_for_viewers(case, documenter, viewer, narratives,
                                                           web):
    full = web(documenter).get(f"/cases/{case.code}/search/export.csv?q=golpes")
    rows = list(csv.DictReader(io.StringIO(full.content.decode())))
    assert len(rows) == 26 and any("Rosalba" in r["text"] for r in rows)
    seen = web(viewer).get(f"/cases/{case.code}/search/export.csv?q=golpes").content.decode()
    assert "Rosalba" not in seen and "Quintero" not in seen and "W-" in seen
    book = web(viewer).get(f"/cases/{case.code}/search/export.xlsx?q=golpes")
    assert book["Content-Type"].startswith("application/vnd.openxmlformats")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(book.content)).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert len(list(sheet.iter_rows())) == 27 and not any("Rosalba" in str(v) for v in values)


def test_find_a_person_page(case, documenter, viewer, web, source):
    from expediente_web.records.actions import do_create_person

    person = do_create_person(documenter, case, source=source, given_names="Yusmary",
                              first_surname="Betancourt")
    html = web(documenter).get(f"/cases/{case.code}/search/persons/?name=yusmari").content.decode()
    assert "Yusmary Betancourt" in html and str(person.uid) in html
    assert web(viewer).get(f"/cases/{case.code}/search/persons/?name=yusmari").status_code == 403


def test_the_search_page_answers_in_a_bounded_number_of_queries(
        case, documenter, narratives, web, django_assert_max_num_queries):
    client = web(documenter)
    with django_assert_max_num_queries(30):
        assert client.get(f"/cases/{case.code}/search/?q=golpes").status_code == 200
