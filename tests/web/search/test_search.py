"""Search over the case: accents, stemming, ranking, facets, paging, roles, the services keep it
up to date, and both backends return the same hits."""

from __future__ import annotations

import contextlib

import pytest

from expediente_web.cases.validation import InvalidInput

NARRATIVES = [
    ("Me detuvieron en la plaza y durante la detención me golpearon con un tubo.", "es"),
    ("Lo torturaron con electricidad en el sótano; las torturas duraron días.", "es"),
    ("They beat him in the cell and he was tortured with electric shocks.", "en"),
    ("La DETENCION fue de noche. Nadie explicó el motivo.", "es"),
    ("Asfixia con bolsas plásticas; golpes en la cabeza; golpe tras golpe.", "es"),
]


@pytest.fixture
def testimonies(case, documenter, source):
    from expediente_web.records.actions import do_create_testimony

    return [do_create_testimony(documenter, case, text, lang, source=source, date="2017-05")
            for text, lang in NARRATIVES]


def _search(user, case, text, **kw):
    from expediente_web.search.access import access_search

    return access_search(user, case, text, **kw)


def _found(results):
    return [hit.record.narrative for hit in results.hits]


def test_accents_and_case_do_not_matter(case, documenter, testimonies):
    for query in ("detencion", "DETENCIÓN", "Detención"):
        found = _found(_search(documenter, case, query))
        assert sorted(found) == sorted([NARRATIVES[0][0], NARRATIVES[3][0]])


def test_spanish_and_english_endings_meet_at_their_stem(case, documenter, testimonies):
    assert set(_found(_search(documenter, case, "golpearon"))) == {NARRATIVES[0][0],
                                                                   NARRATIVES[4][0]}
    assert set(_found(_search(documenter, case, "tortura"))) == {NARRATIVES[1][0],
                                                                 NARRATIVES[2][0]}
    assert set(_found(_search(documenter, case, "beating"))) == {NARRATIVES[2][0]}
    assert set(_found(_search(documenter, case, "tortur*"))) == {NARRATIVES[1][0],
                                                                 NARRATIVES[2][0]}


def test_every_word_must_match(case, documenter, testimonies):
    assert _found(_search(documenter, case, "golpes asfixia")) == [NARRATIVES[4][0]]
    assert _found(_search(documenter, case, "golpes electricidad")) == []


def test_the_text_with_more_matches_ranks_first(case, documenter, testimonies):
    found = _found(_search(documenter, case, "golpe"))
    assert found[0] == NARRATIVES[4][0]  # three times, against once


def test_snippets_mark_the_matching_words_as_written(case, documenter, testimonies):
    (hit,) = _search(documenter, case, "electricidad sotano").hits
    marked = [s.text for s in hit.segments if s.hit]
    assert marked == ["sótano", "electricidad"] or marked == ["electricidad", "sótano"]


@pytest.mark.parametrize("bad", ["", "   ", "a*", "x" * 501, "¿?¡!"])
def test_a_query_that_cannot_run_is_refused_naming_the_field(case, documenter, testimonies, bad):
    from expediente_web.search.access import access_search

    if not bad.strip():
        # No words and no filter: the page shows the form; the service still refuses nothing
        # to search for only when words were given.
        results = access_search(documenter, case, bad)
        assert results.query is None
        return
    with pytest.raises(InvalidInput) as refused:
        access_search(documenter, case, bad)
    assert refused.value.field == "q"


def test_hostile_queries_are_plain_words(case, documenter, testimonies):
    for query in ['"', "golpe\" OR \"", "NEAR(", "a:b", "'; DROP TABLE x; --", "golpe & !x",
                  "\\", "golpe)) OR ((1"]:
        with contextlib.suppress(InvalidInput):
            _search(documenter, case, query)


def test_services_keep_the_index_up_to_date(case, documenter, testimonies, victim):
    from expediente_web.evidence.actions import do_cite_excerpt, do_create_excerpt
    from expediente_web.records.actions import do_add_comment, do_create_act, do_delete_record

    assert _search(documenter, case, "calabozo").total == 0
    act = do_create_act(documenter, case, victim, "act.torture", date="2017-06",
                        description="Lo llevaron al calabozo.")
    assert [h.kind for h in _search(documenter, case, "calabozo").hits] == ["act"]
    do_add_comment(documenter, act, "Revisar el calabozo mencionado.")
    assert sorted(h.kind for h in _search(documenter, case, "calabozo").hits) == ["act",
                                                                                 "comment"]
    excerpt = do_create_excerpt(documenter, case, testimony=testimonies[1], start=0, end=30)
    do_cite_excerpt(documenter, excerpt, act)
    by_type = _search(documenter, case, "electricidad", filters={"act_type": "act.torture"})
    assert sorted(h.kind for h in by_type.hits) == ["excerpt", "testimony"]
    do_delete_record(documenter, act, "entered twice")
    assert [h.kind for h in _search(documenter, case, "calabozo").hits] == ["comment"]


def test_a_partner_finds_the_record_but_not_the_discussion(case, owner, documenter, victim,
                                                          make_user):
    import datetime as dt

    from django.utils import timezone

    from expediente_web.cases.access import NotPermitted
    from expediente_web.cases.actions import do_set_membership
    from expediente_web.records.actions import do_add_comment, do_create_act

    partner = make_user("paula_partner")
    do_set_membership(owner, case, partner, "role.partner",
                      expires_at=timezone.now() + dt.timedelta(days=30))
    act = do_create_act(documenter, case, victim, "act.torture", date="2017-06",
                        description="Lo llevaron al calabozo.")
    do_add_comment(documenter, act, "Revisar el calabozo mencionado.")
    assert sorted(h.kind for h in _search(documenter, case, "calabozo").hits) == ["act",
                                                                                 "comment"]
    assert [h.kind for h in _search(partner, case, "calabozo").hits] == ["act"]
    assert _search(partner, case, "calabozo").total == 1
    with pytest.raises(NotPermitted):
        _search(partner, case, "calabozo", kinds=["comment"])


def test_facets_count_and_filter(case, documenter, testimonies, victim, state_location, unit):
    from expediente_web.evidence.actions import do_cite_excerpt, do_create_excerpt
    from expediente_web.records.actions import do_add_involvement, do_create_act

    acts = [do_create_act(documenter, case, victim, kind, date=date, location=state_location,
                          methods=methods)
            for kind, date, methods in (("act.torture", "2017-05-02", ["method.beating"]),
                                        ("act.detention.arrest", "2018", []))]
    do_add_involvement(documenter, acts[0], unit=unit)
    for testimony, act in ((testimonies[0], acts[0]), (testimonies[3], acts[1])):
        excerpt = do_create_excerpt(documenter, case, testimony=testimony, start=0, end=10)
        do_cite_excerpt(documenter, excerpt, act)
    results = _search(documenter, case, "detencion", kinds=["testimony"])
    assert results.total == 2
    assert results.facets["act_type"] == {"act.torture": 1, "act.detention.arrest": 1}
    assert results.facets["year"] == {"2017": 2, "2018": 1}  # testimonies dated 2017-05
    assert results.facets["unit"] == {unit.code: 1}
    assert results.facets["place"] == {state_location.code: 2}
    only = _search(documenter, case, "detencion", kinds=["testimony"],
                   filters={"unit": unit.code})
    assert _found(only) == [NARRATIVES[0][0]]
    assert _search(documenter, case, "", filters={"year": "2018"}).total == 2  # excerpt too


def test_every_list_pages_and_none_is_cut_off(case, documenter, source):
    from expediente_web.records.actions import do_create_testimony

    for n in range(45):
        do_create_testimony(documenter, case, f"Relato {n}: hubo golpes.", "es", source=source)
    seen = []
    for page in (1, 2, 3):
        results = _search(documenter, case, "golpes", page=page)
        seen += [h.record.pk for h in results.hits]
    assert results.total == 45 and len(set(seen)) == 45
    assert not results.page.has_next()


def test_members_of_other_cases_find_nothing(case, outsider, testimonies):
    from django.http import Http404

    with pytest.raises(Http404):
        _search(outsider, case, "golpe")


def test_roles_without_identities_see_pseudonyms_in_snippets(case, documenter, viewer, source):
    from expediente_web.records.actions import do_create_testimony

    do_create_testimony(documenter, case, "Testigo: Rosalba Quintero Lugo, tel. 0414-555-1234."
                        " Golpes en la celda.", "es", source=source,
                        witness_name="Rosalba Quintero Lugo", witness_contact="0414-555-1234")
    seen_by_documenter = "".join(s.text for s in _search(documenter, case, "golpes")
                                 .hits[0].segments)
    seen_by_viewer = "".join(s.text for s in _search(viewer, case, "golpes").hits[0].segments)
    assert "Rosalba" in seen_by_documenter
    assert "Rosalba" not in seen_by_viewer and "Quintero" not in seen_by_viewer
    assert "555" not in seen_by_viewer


def test_reindexing_a_case_gives_the_same_hits(case, documenter, testimonies):
    from expediente_web.search.index import reindex_case

    before = {h.record.pk for h in _search(documenter, case, "golpe").hits}
    assert reindex_case(case) == len(NARRATIVES)
    assert {h.record.pk for h in _search(documenter, case, "golpe").hits} == before
