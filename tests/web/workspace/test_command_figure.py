"""The chain-of-command figure of unit and person pages: commanders over time from the unit up,
the certain days of a post apart from its possible ones, acts counted in their period and linked
to the act list, pseudonyms for roles that do not see identities, hostile names inert."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from expediente_web.audit.models import AuditEntry
from expediente_web.cases.actions import do_set_membership
from expediente_web.records.access import access_records
from expediente_web.records.actions import (
    do_create_act,
    do_create_person,
    do_create_position,
    do_create_unit,
)
from expediente_web.records.command import chain_of_command, chain_of_command_among
from expediente_web.records.models import Position
from expediente_web.workspace.identities import person_pseudonym
from support.workspace_data import HOSTILE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_pages(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def chain(case, documenter):
    service = do_create_unit(documenter, case, "SVC", "Servicio ficticio", acronym="SVF")
    region = do_create_unit(
        documenter, case, "SVC-R", f"Dirección regional{HOSTILE}", parent=service
    )
    cell = do_create_unit(documenter, case, "SVC-R-B", "Brigada ficticia", parent=region)

    def person(name):
        return do_create_person(documenter, case, full_name=name)

    director = person("Directora Inventada")
    old = person("Jefe Anterior Inventado")
    new = person("Jefa Nueva Inventada")
    agent = person("Agente Inventado")
    victim = person("Víctima Inventada")
    do_create_position(
        documenter, case, director, service, title="Directora", is_commander=True, start="2014"
    )
    # Imprecise: began some day of 2016, ended some day of June 2018.
    imprecise = do_create_position(
        documenter, case, old, cell, title="Jefe", is_commander=True, start="2016", end="2018-06"
    )
    exact = do_create_position(
        documenter, case, new, cell, title="Jefa", is_commander=True, start="2018-07-01"
    )
    do_create_position(
        documenter, case, agent, cell, title="Agente", start="2017-01-15", end="2017-12-31"
    )
    acts = [
        do_create_act(
            documenter,
            case,
            victim,
            "act.torture",
            date=date,
            involvements=[{"unit": cell, "degree": "involvement.direct"}],
        )
        for date in ("2017-05-14", "2017-05", "2017")
    ]
    acts.append(
        do_create_act(
            documenter,
            case,
            victim,
            "act.detention.arbitrary",
            date="2019-03",
            involvements=[{"unit": region}],
        )
    )
    acts.append(
        do_create_act(
            documenter, case, victim, "act.detention.arbitrary", involvements=[{"unit": cell}]
        )
    )  # undated
    return {
        "service": service,
        "region": region,
        "cell": cell,
        "director": director,
        "old": old,
        "new": new,
        "agent": agent,
        "imprecise": imprecise,
        "exact": exact,
        "acts": acts,
    }


def page_of(client, case, kind, record):
    response = client.get(
        reverse(f"workspace:{kind}", kwargs={"code": case.code, "uid": str(record.uid)})
    )
    assert response.status_code == 200
    return response.content.decode()


def wide(html):
    """The wide drawing of the figure (the narrow one draws the same rows)."""
    start = html.index('class="command-scroll command-wide"')
    return html[start : html.index("</svg>", start)]


def bar_of(svg, person):
    found = re.search(
        rf'<a href="[^"]*/persons/{person.uid}/" class="post-bar[^"]*">(.*?)</a>', svg, re.S
    )
    assert found, f"no bar for {person}"
    return found.group(1)


def test_the_unit_page_draws_its_chain_upward_with_every_commander(
    case, chain, documenter, as_user
):
    html = page_of(as_user(documenter), case, "unit", chain["cell"])
    svg = wide(html)
    assert '<title id="cmd-wide-title">Chain of command of Brigada ficticia over time' in svg
    assert 'aria-labelledby="cmd-wide-title cmd-wide-desc"' in svg
    labels = re.findall(r'class="lane-label"[^>]*>([^<]*)<', svg)
    assert labels[0] == "Brigada ficticia" and labels[2] == "SVF"
    for key in ("director", "old", "new"):
        assert "Inventad" in bar_of(svg, chain[key])
    # Only commanders are drawn: the agent's post is in the table of posts, not the figure.
    assert f'/persons/{chain["agent"].uid}/" class="post-bar' not in svg
    assert "post certainly held" in html and "possibly held (imprecise dates)" in html
    assert 'class="command-scroll command-narrow"' in html


def test_an_imprecise_post_is_drawn_possibly_and_certainly_an_exact_one_only_certainly(
    case, chain, documenter, as_user
):
    svg = wide(page_of(as_user(documenter), case, "unit", chain["cell"]))
    imprecise = bar_of(svg, chain["old"])
    assert re.findall(r'data-certainty="(\w+)"', imprecise) == ["possibly", "certainly", "possibly"]
    assert 'fill="url(#cmd-wide-hatch)"' in imprecise
    assert "certainly held Dec. 31, 2016 – June 1, 2018" in imprecise
    exact = bar_of(svg, chain["new"])
    assert re.findall(r'data-certainty="(\w+)"', exact) == ["certainly"]
    assert "hatch" not in exact


def test_acts_are_counted_in_their_year_and_link_to_the_act_list_of_that_period(
    case, chain, documenter, as_user
):
    client = as_user(documenter)
    html = page_of(client, case, "unit", chain["cell"])
    svg = wide(html)
    marks = re.findall(r'<a href="([^"]*)" class="act-mark"><title>([^<]*)</title>', svg)
    assert len(marks) == 2  # 2017 for the brigade, 2019 for the region
    href, title = marks[0]
    query = parse_qs(urlparse(href.replace("&amp;", "&")).query)
    assert query == {
        "unit": [str(chain["cell"].uid)],
        "date_from": ["2017-01-01"],
        "date_to": ["2017-12-31"],
    }
    assert title.startswith("3 acts attributed to Brigada ficticia")
    assert "3 certainly in this period, 0 possibly" in title
    region_href, _region_title = marks[1]
    assert str(chain["region"].uid) in region_href and "2019-01-01" in region_href
    assert "1 undated act" not in html and "1 act without a date is not counted." in html
    # The act list behind the mark lists exactly the acts counted.
    listed = client.get(href.replace("&amp;", "&")).content.decode()
    for act in chain["acts"][:3]:
        assert f"/acts/{act.uid}/" in listed
    assert f"/acts/{chain['acts'][3].uid}/" not in listed


def test_a_short_span_counts_per_month_certainly_and_possibly(case, chain, documenter, as_user):
    # The agent's page: a window of 2017 only, counted by month.
    svg = wide(page_of(as_user(documenter), case, "person", chain["agent"]))
    marks = dict(
        re.findall(r'date_from=(\d{4}-\d{2}-\d{2})[^"]*" class="act-mark"><title>([^<]*)<', svg)
    )
    assert "2 certainly in this period, 1 possibly" in marks["2017-05-01"]
    assert "0 certainly in this period, 1 possibly" in marks["2017-03-01"]


def test_the_person_page_shows_their_post_and_their_superiors_of_that_time(
    case, chain, documenter, as_user
):
    html = page_of(as_user(documenter), case, "person", chain["agent"])
    svg = wide(html)
    assert 'class="post-bar own"' in bar_of_block(svg, chain["agent"])
    for key in ("old", "director"):
        bar_of(svg, chain[key])
    # The new chief took over in July 2018, after the agent's post had ended.
    assert f'/persons/{chain["new"].uid}/" class="post-bar' not in svg
    assert "this person's own posts" in html


def bar_of_block(svg, person):
    found = re.search(rf'<a href="[^"]*/persons/{person.uid}/" class="[^"]*"', svg)
    assert found
    return found.group(0)


def test_the_figure_reveals_names_only_to_roles_that_see_identities_and_records_it(
    case, chain, documenter, owner, make_user, as_user
):
    before = AuditEntry.objects.count()
    page_of(as_user(documenter), case, "unit", chain["cell"])
    entry = AuditEntry.objects.order_by("-seq").first()
    assert AuditEntry.objects.count() == before + 1 and entry.action == "view_identities"
    assert {str(chain[k].uid) for k in ("director", "old", "new")} <= set(entry.payload["persons"])

    partner = make_user("pablo_partner")
    do_set_membership(
        owner, case, partner, "role.partner", expires_at=timezone.now() + dt.timedelta(days=30)
    )
    before = AuditEntry.objects.count()
    html = page_of(as_user(partner), case, "unit", chain["cell"])
    assert AuditEntry.objects.count() == before
    assert "Inventad" not in html
    svg = wide(html)
    assert person_pseudonym(chain["old"]) in bar_of(svg, chain["old"])
    assert 'class="post-label pseudonym"' in svg


def test_a_hostile_unit_name_renders_inert(case, chain, documenter, as_user):
    html = page_of(as_user(documenter), case, "unit", chain["cell"])
    assert "<script>window.__pwned" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in wide(html)


def test_a_unit_with_nothing_dated_says_so(case, documenter, as_user):
    lone = do_create_unit(documenter, case, "LONE", "Unidad sin registros")
    html = page_of(as_user(documenter), case, "unit", lone)
    assert "Chain of command over time" in html
    assert "No commander and no dated act is recorded for these units." in html
    assert "<svg" not in html.split("Chain of command over time", 1)[1].split("</section>")[0]


def test_the_figure_numbers_are_not_localized(case, chain, documenter, as_user, settings):
    settings.LANGUAGE_CODE = "es"
    svg = wide(page_of(as_user(documenter), case, "unit", chain["cell"]))
    assert not re.search(r'(?:x|y|width|height)="\d+,\d', svg)


def count_queries(client, case, kind, record):
    address = reverse(f"workspace:{kind}", kwargs={"code": case.code, "uid": str(record.uid)})
    client.get(address)  # warm caches as a second visit would
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


def test_the_unit_page_makes_as_many_queries_however_deep_its_chain(
    case, chain, documenter, as_user
):
    # The region has one unit above it, the brigade two; the organization itself is left out:
    # its history names no parent, one query fewer for reasons of its own.
    client = as_user(documenter)
    counts = {key: count_queries(client, case, "unit", chain[key]) for key in ("region", "cell")}
    assert counts["region"] == counts["cell"], counts


#: What the figure of a person with posts reads: their case's units, the commanders of those
#: units and the acts attributed to them, each after its access check.
PERSON_FIGURE_QUERIES = 6


def test_the_person_page_reads_its_figure_in_a_fixed_number_of_queries(
    case, chain, documenter, as_user
):
    from tests.web.workspace.test_query_counts import BOUNDS

    client = as_user(documenter)
    one_post = count_queries(client, case, "person", chain["agent"])
    assert one_post <= BOUNDS["workspace:person"] + PERSON_FIGURE_QUERIES, one_post
    # More posts, in more units, under more commanders: not one query more.
    do_create_position(
        documenter, case, chain["agent"], chain["region"], title="Enlace", start="2015", end="2016"
    )
    chief = do_create_person(documenter, case, full_name="Jefe Regional Inventado")
    do_create_position(
        documenter,
        case,
        chief,
        chain["region"],
        title="Jefe regional",
        is_commander=True,
        start="2014",
        end="2021",
    )
    html = page_of(client, case, "person", chain["agent"])
    bar_of(wide(html), chief)
    # The lowest unit first, though the post in the region came first.
    labels = re.findall(r'class="lane-label"[^>]*>([^<]*)<', wide(html))
    assert labels[0] == "Brigada ficticia" and labels[2] == "SVF"
    assert count_queries(client, case, "person", chain["agent"]) == one_post


@pytest.mark.parametrize("certainly", [False, True])
def test_the_chain_from_positions_read_once_agrees_with_the_query_per_level(
    case, chain, documenter, certainly
):
    units = [chain["cell"], chain["region"], chain["service"]]
    commanders = list(
        access_records(documenter, case, Position).filter(unit__in=units, is_commander=True)
    )
    for day in (
        "2013-12-31",
        "2014-06-01",
        "2016-03-01",
        "2017-01-01",
        "2018-06-15",
        "2018-07-01",
        "2030-01-01",
    ):
        on = dt.date.fromisoformat(day)
        by_query = chain_of_command(chain["cell"], on, certainly=certainly)
        read_once = chain_of_command_among(units, commanders, on, certainly=certainly)
        assert [(lv.unit.pk, sorted(p.pk for p in lv.commanders)) for lv in read_once] == [
            (lv.unit.pk, sorted(p.pk for p in lv.commanders)) for lv in by_query
        ], (day, certainly)
