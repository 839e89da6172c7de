"""The matrix pages: who sees and does what, refusals shown on the page, hostile text inert."""

from __future__ import annotations

import pytest
from django.urls import reverse

from expediente_web.assessment import actions
from expediente_web.assessment.models import ElementCitation, ElementRating
from support.workspace_data import HOSTILE

pytestmark = pytest.mark.django_db

ELEMENT = "art7.1.e.1"


@pytest.fixture
def matrix_case(case, analyst, record):
    actions.do_select_crime(analyst, case, "art7.1.e")
    actions.do_cite_evidence(
        analyst, case, ELEMENT, "act", "supports", act=record.act, note=f"NotaPrivada {HOSTILE}"
    )
    actions.do_rate_element(
        analyst, case, ELEMENT, "ladder.reasonable_grounds", f"Razonamiento reservado {HOSTILE}"
    )
    return record


def _url(name, case, **kwargs):
    return reverse(f"assessment:{name}", kwargs={"code": case.code, **kwargs})


def test_the_matrix_page_lists_groups_rows_and_flags(case, analyst, matrix_case, as_user):
    page = as_user(analyst).get(_url("matrix", case), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Contextual elements" in html and "Imprisonment" in html
    assert 'data-element="art7.1.e.1"' in html
    assert 'data-flag="flag.single_source"' in html and "Single source" in html
    assert "Reasonable grounds" in html


def test_the_matrix_page_in_spanish(case, analyst, matrix_case, client):
    from django.conf import settings

    client.force_login(analyst)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    html = client.get(_url("matrix", case)).content.decode()
    # Vocabulary labels (elements, rungs, warnings) come in the reader's language.
    assert 'lang="es"' in html and "Una sola fuente" in html
    assert "Motivo razonable para creer" in html and "Encarcelación" in html


def test_hostile_text_is_inert(case, analyst, matrix_case, as_user):
    html = as_user(analyst).get(_url("element", case, element=ELEMENT)).content.decode()
    assert "Razonamiento reservado" in html and "NotaPrivada" in html
    assert "<script>window.__pwned" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html
    actions.do_select_mode(analyst, case, matrix_case.commander, "art28.a")
    for address in (
        _url("matrix", case),
        _url("suspects", case),
        _url("suspect", case, uid=str(matrix_case.commander.uid)),
        _url("act-search", case) + "?q=a-1",
    ):
        other = as_user(analyst).get(address).content.decode()
        assert "<script>window.__pwned" not in other and "<img src=x" not in other, address


def test_reading_the_reasoning_is_recorded(case, analyst, matrix_case, as_user):
    from expediente_web.audit.models import AuditEntry

    as_user(analyst).get(_url("element", case, element=ELEMENT))
    entry = AuditEntry.objects.filter(action="view_identities").order_by("-seq").first()
    assert entry is not None and "reasoning" in entry.payload["fields"]
    rating = ElementRating.objects.get()
    assert f"rating:{rating.uid}" in entry.payload["persons"]


def test_partners_never_read_restricted_reasoning_nor_notes(
    case, analyst, partner, matrix_case, as_user
):
    html = as_user(partner).get(_url("element", case, element=ELEMENT)).content.decode()
    assert "Razonamiento reservado" not in html and "NotaPrivada" not in html
    assert "cite-form" not in html and "rate-form" not in html
    actions.do_rate_element(
        analyst,
        case,
        ELEMENT,
        "ladder.reasonable_grounds",
        "Razonamiento compartible",
        restricted=False,
    )
    html = as_user(partner).get(_url("element", case, element=ELEMENT)).content.decode()
    assert "Razonamiento compartible" in html


@pytest.mark.parametrize("role", ["reviewer", "viewer", "documenter"])
def test_readers_read_reasoning_but_have_no_forms(case, matrix_case, request, role, as_user):
    user = request.getfixturevalue(role)
    page = as_user(user).get(_url("element", case, element=ELEMENT))
    html = page.content.decode()
    assert page.status_code == 200 and "Razonamiento reservado" in html
    assert "cite-form" not in html and "rate-form" not in html
    refused = as_user(user).post(
        _url("rate", case, element=ELEMENT), {"status": "ladder.no_information", "reasoning": "x"}
    )
    assert refused.status_code == 403


def test_an_analyst_cites_by_source_row_and_rates(case, analyst, matrix_case, as_user):
    client = as_user(analyst)
    done = client.post(
        _url("cite", case, element="art7.1.e.2"),
        {"kind": "act", "stance": "contradicts", "act": "SRC-B h-a-7"},
    )
    assert done.status_code == 302
    cited = ElementCitation.objects.get(element="art7.1.e.2")
    assert cited.act == matrix_case.linked_act and cited.stance == "contradicts"
    rated = client.post(
        _url("rate", case, element="art7.1.e.2"),
        {"status": "ladder.some_information", "reasoning": "Una fuente", "restricted": "on"},
    )
    assert rated.status_code == 302
    assert ElementRating.objects.get(element="art7.1.e.2").status == "ladder.some_information"


def test_refusals_show_the_page_with_the_message_and_write_nothing(
    case, analyst, matrix_case, as_user
):
    client = as_user(analyst)
    before = ElementCitation.objects.count()
    page = client.post(
        _url("cite", case, element="art7.1.e.2"),
        {"kind": "act", "stance": "supports", "act": "SRC-Z nada"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert page.status_code == 400 and "No act SRC-Z nada in this case." in page.content.decode()
    page = client.post(
        _url("cite", case, element="art7.1.e.2"),
        {"kind": "pattern", "stance": "supports", "indicator": ""},
    )
    assert page.status_code == 400
    page = client.post(
        _url("rate", case, element="art7.1.e.2"),
        {"status": "ladder.some_information", "reasoning": "   "},
    )
    assert page.status_code == 400
    assert ElementCitation.objects.count() == before
    assert not ElementRating.objects.filter(element="art7.1.e.2").exists()


def test_an_element_not_in_the_matrix_is_not_found(case, analyst, matrix_case, as_user):
    client = as_user(analyst)
    assert client.get(_url("element", case, element="art7.1.f.1")).status_code == 404
    posted = client.post(
        _url("cite", case, element="art7.1.f.1"),
        {"kind": "act", "stance": "supports", "act": "SRC-A a-1"},
    )
    assert posted.status_code == 404


def test_the_act_search_offers_acts_of_the_case(case, analyst, matrix_case, as_user):
    page = as_user(analyst).get(_url("act-search", case), {"q": "a-1"})
    html = page.content.decode()
    assert page.status_code == 200 and str(matrix_case.act.uid) in html
    picked = as_user(analyst).post(
        _url("cite", case, element="art7.1.e.3"),
        {"kind": "act", "stance": "supports", "act_pick": str(matrix_case.act.uid)},
    )
    assert picked.status_code == 302


def test_withdrawing_a_citation_from_the_page(case, analyst, matrix_case, as_user):
    citation = ElementCitation.objects.get()
    done = as_user(analyst).post(
        _url("withdraw", case, uid=str(citation.uid)), {"reason": "Otra persona"}
    )
    assert done.status_code == 302
    citation.refresh_from_db()
    assert citation.deleted_at is not None


def test_a_suspect_page_shows_posts_linked_acts_and_modes(case, analyst, matrix_case, as_user):
    client = as_user(analyst)
    made = client.post(
        _url("suspects", case), {"person": str(matrix_case.commander.uid), "term": "art28.a"}
    )
    assert made.status_code == 302
    page = client.get(
        _url("suspect", case, uid=str(matrix_case.commander.uid)), HTTP_ACCEPT_LANGUAGE="en"
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "Posts over time" in html and "Director" in html and "Subjefe" in html
    assert str(matrix_case.act.uid) in html
    assert 'data-element="art28.a.3"' in html
    assert (
        reverse("workspace:person", kwargs={"code": case.code, "uid": matrix_case.commander.uid})
        in html
    )
    element = client.get(
        _url("suspect-element", case, uid=str(matrix_case.commander.uid), element="art28.a.3")
    )
    assert element.status_code == 200
    cited = client.post(
        _url("suspect-cite", case, uid=str(matrix_case.commander.uid), element="art28.a.3"),
        {"kind": "act", "stance": "supports", "act": str(matrix_case.act.uid)},
    )
    assert cited.status_code == 302
    assert ElementCitation.objects.filter(suspect=matrix_case.commander).count() == 1


def test_a_person_who_is_no_suspect_has_no_suspect_page(case, analyst, matrix_case, as_user):
    page = as_user(analyst).get(_url("suspect", case, uid=str(matrix_case.victim.uid)))
    assert page.status_code == 404


def test_a_viewer_sees_suspects_by_pseudonym(case, analyst, viewer, matrix_case, as_user):
    actions.do_select_mode(analyst, case, matrix_case.commander, "art25.3.b.order")
    html = as_user(viewer).get(_url("suspects", case)).content.decode()
    assert "Comandante Inventado" not in html
    html = (
        as_user(viewer)
        .get(_url("suspect", case, uid=str(matrix_case.commander.uid)))
        .content.decode()
    )
    assert "Comandante Inventado" not in html


def test_a_cited_act_says_how_many_independent_sources_report_it(
    case, analyst, matrix_case, as_user
):
    # SRC-A's May detention and SRC-B's 2017 detention of the same linked victim: one fact.
    actions.do_cite_evidence(
        analyst, case, "art7.1.e.2", "act", "supports", act=matrix_case.other_act
    )
    page = as_user(analyst).get(
        _url("element", case, element="art7.1.e.2"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "reported by 2 independent sources" in page.content.decode()
