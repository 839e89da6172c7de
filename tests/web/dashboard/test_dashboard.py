"""The case dashboard: its counts against a record whose counts are known, every bar's link
leading to exactly the acts it counts, the latest activity without values (and without names for
a partner), hostile names inert, and a number of queries that does not grow with the record."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from support.workspace_data import HOSTILE

pytestmark = pytest.mark.django_db


def _date(text):
    if not text:
        return {}
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 1:
        first, last = dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)
        precision = "year"
    elif len(parts) == 2:
        first = dt.date(parts[0], parts[1], 1)
        last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        precision = "month"
    else:
        first = last = dt.date(*parts)
        precision = "day"
    return {
        "date_text": text,
        "date_precision": precision,
        "date_earliest": first,
        "date_latest": last,
    }


@pytest.fixture
def known(case, owner):
    """Five live acts and one deleted, with the counts each chart must show."""
    from expediente_web.records.models import Act, Involvement, Location, Person, Review, Unit

    country = Location.objects.create(
        case=case, code="XX", name="País Ficticio", kind="location.country"
    )
    north = Location.objects.create(
        case=case, code="XX-N", name="Estado Norte", kind="location.state", parent=country
    )
    site = Location.objects.create(
        case=case, code="XX-N-S", name="Sede ficticia", kind="location.detention_site", parent=north
    )
    south = Location.objects.create(
        case=case, code="XX-S", name="Estado Sur", kind="location.state", parent=country
    )
    org = Unit.objects.create(case=case, code="ORG", name="Servicio ficticio", acronym="SF")
    hostile = Unit.objects.create(case=case, code="ORG-H", name=f"Dirección{HOSTILE}", parent=org)
    gone = Unit.objects.create(
        case=case,
        code="ORG-G",
        name="Unidad borrada",
        deleted_at=timezone.now(),
        deleted_reason="duplicada",
    )
    victim = Person.objects.create(
        case=case, full_name="Nombre Secreto Inventado", sex="sex.female"
    )

    def act(act_type, date, place, units=(), review=None, **extra):
        a = Act.objects.create(
            case=case, victim=victim, act_type=act_type, location=place, **_date(date), **extra
        )
        for u in units:
            Involvement.objects.create(act=a, unit=u, degree="involvement.direct")
        if review:
            Review.objects.create(case=case, act=a, status=review)
        return a

    act("act.torture", "2017-05-14", site, [hostile], "verified")
    act("act.detention.arbitrary", "2017", north, [hostile, org], "submitted")
    third = act("act.detention.arbitrary", "2018-03", south, [org], "draft")
    Involvement.objects.create(act=third, person=victim, degree="involvement.suspected")
    act("act.detention.arbitrary", "", None, [gone])
    act("act.torture", "2019", country)
    act(
        "act.torture",
        "2017",
        north,
        [hostile],
        deleted_at=timezone.now(),
        deleted_reason="duplicado",
    )
    return {"north": north, "south": south, "org": org, "hostile": hostile, "victim": victim}


def test_counts_are_those_of_the_record(case, owner, known):
    from expediente_web.dashboard.access import access_counts

    counts = access_counts(owner, case)
    assert counts.total == 5
    assert {b.key: b.count for b in counts.by_type} == {
        "act.detention.arbitrary": 3,
        "act.torture": 2,
    }
    assert [(b.key, b.count) for b in counts.by_year] == [("2017", 2), ("2018", 1), ("2019", 1)]
    assert counts.undated == 1
    assert [(b.label, b.count) for b in counts.by_state] == [("Estado Norte", 2), ("Estado Sur", 1)]
    assert counts.no_state == 2  # no place; a place above any state
    assert {b.key: b.count for b in counts.by_unit} == {
        str(known["hostile"].uid): 2,
        str(known["org"].uid): 2,
    }
    assert counts.units_total == 2  # the deleted unit is not counted
    assert [(b.key, b.count) for b in counts.by_review] == [
        ("draft", 3),
        ("submitted", 1),
        ("verified", 1),
    ]


def _bar_links(html):
    """(href, count) of every bar of every chart on the page."""
    found = []
    for href, body in re.findall(r'<a href="([^"]+)" class="bar-link">(.*?)</a>', html, re.S):
        count = re.search(r'class="bar-count"[^>]*>([^<]+)<', body).group(1)
        found.append((unescape(href), int(count.replace(",", "").replace(".", ""))))
    return found


def test_every_bar_leads_to_the_acts_it_counts(case, documenter, known, as_user):
    client = as_user(documenter)
    page = client.get(
        reverse("dashboard:case", kwargs={"code": case.code}), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert page.status_code == 200
    links = _bar_links(page.content.decode())
    # 3 review statuses, 2 types, 3 years, 2 states, 2 units
    assert len(links) == 12
    acts = reverse("workspace:acts", kwargs={"code": case.code})
    for href, count in links:
        assert href.startswith(acts + "?")
        listing = client.get(href)
        assert listing.status_code == 200
        assert listing.context["page"].paginator.count == count, href
        assert listing.context["form"].errors == {}, href
    hrefs = {h for h, _ in links}
    assert f"{acts}?act_type=act.torture" in hrefs
    assert f"{acts}?year=2018" in hrefs
    assert f"{acts}?location={known['north'].uid}" in hrefs
    assert f"{acts}?unit={known['org'].uid}" in hrefs
    assert f"{acts}?review=submitted" in hrefs


def test_the_act_list_filters_by_the_year_an_act_began(case, documenter, known, as_user):
    client = as_user(documenter)
    acts = reverse("workspace:acts", kwargs={"code": case.code})
    begun = client.get(acts, {"year": "2017"}, HTTP_ACCEPT_LANGUAGE="en")
    assert begun.context["page"].paginator.count == 2
    assert "begun in 2017" in begun.content.decode()
    wrong = client.get(acts, {"year": "seventeen"})
    assert wrong.context["page"].paginator.count == 5  # an invalid value is ignored


def test_labels_are_in_the_readers_language(case, documenter, known, as_user):
    client = as_user(documenter)
    url = reverse("dashboard:case", kwargs={"code": case.code})
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ">Arbitrary arrest or detention</text>" in english
    assert ">verified</text>" in english
    spanish = client.get(url, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert ">Detención arbitraria</text>" in spanish
    assert "act.detention.arbitrary</text>" not in spanish


def test_a_hostile_unit_name_renders_inert(case, documenter, known, as_user):
    html = as_user(documenter).get(reverse("dashboard:case", kwargs={"code": case.code}))
    html = html.content.decode()
    assert "<script>window.__pwned" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html


@pytest.fixture
def partner(make_user, case, owner):
    from expediente_web.cases.actions import do_set_membership

    user = make_user("pia_partner")
    do_set_membership(
        owner, case, user, "role.partner", expires_at=timezone.now() + dt.timedelta(days=30)
    )
    return user


def test_activity_names_changes_never_values_and_no_one_to_a_partner(
    case, documenter, partner, known, as_user
):
    from expediente_web.records.actions import do_update_person

    do_update_person(
        documenter, known["victim"], full_name="Otro Nombre Secreto", occupation="ocupación visible"
    )
    url = reverse("dashboard:case", kwargs={"code": case.code})

    team = as_user(documenter).get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    activity = team[team.index('id="activity-h"') :]
    assert "dora_documenter" in activity
    assert "Full name" in activity and "(protected)" in activity
    assert "Occupation" in activity
    for secret in ("Otro Nombre Secreto", "Nombre Secreto Inventado", "ocupación visible"):
        assert secret not in team
    assert (
        reverse("workspace:person", kwargs={"code": case.code, "uid": known["victim"].uid})
        in activity
    )

    seen = as_user(partner).get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert seen.status_code == 200
    html = seen.content.decode()
    activity = html[html.index('id="activity-h"') :]
    assert "a team member" in activity
    for name in ("dora_documenter", "olga_owner", "pia_partner"):
        assert name not in activity
    assert "changed the team" not in activity  # memberships are the team's own business
    for secret in ("Otro Nombre Secreto", "Nombre Secreto Inventado", "ocupación visible"):
        assert secret not in html


def test_counts_follow_an_audited_write(case, documenter, known, as_user):
    from expediente_web.records.actions import do_create_act

    client = as_user(documenter)
    url = reverse("dashboard:case", kwargs={"code": case.code})
    acts = reverse("workspace:acts", kwargs={"code": case.code})

    def total(html):
        return re.search(rf'<a href="{acts}"><strong>(\d+)</strong>', html).group(1)

    first = client.get(url).content.decode()
    again = client.get(url).content.decode()  # from the cache: the case has audited writes
    assert total(first) == total(again) == "5"
    assert f"{acts}?year=2020" not in again
    do_create_act(
        documenter, case, known["victim"], "act.torture", date="2020-01", location=known["south"]
    )
    after = client.get(url).content.decode()
    assert total(after) == "6"
    assert f"{acts}?year=2020" in after


def test_queries_do_not_grow_with_the_record(case, documenter, known, as_user):
    from expediente_web.records.models import Act, Involvement, Location, Unit

    client = as_user(documenter)
    url = reverse("dashboard:case", kwargs={"code": case.code})

    def queries():
        cache.clear()
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    cache.clear()
    few = queries()
    country = Location.objects.get(case=case, code="XX")
    for i in range(40):
        state = Location.objects.create(
            case=case, code=f"XX-{i}", name=f"Estado {i}", kind="location.state", parent=country
        )
        unit = Unit.objects.create(case=case, code=f"U-{i}", name=f"Unidad {i}")
        act = Act.objects.create(
            case=case,
            victim=known["victim"],
            act_type="act.torture",
            location=state,
            **_date(f"{1990 + i}"),
        )
        Involvement.objects.create(act=act, unit=unit)
    many = queries()
    assert many == few, (few, many)
    assert many <= 22  # as the act list's bound (tests/web/workspace/test_query_counts.py)


def test_an_empty_case_has_a_dashboard(case, documenter, as_user):
    page = as_user(documenter).get(
        reverse("dashboard:case", kwargs={"code": case.code}), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert page.status_code == 200
    assert "No act to count yet." in page.content.decode()


def test_the_case_page_links_to_the_dashboard(case, documenter, as_user):
    page = as_user(documenter).get(reverse("case-records", kwargs={"code": case.code}))
    assert reverse("dashboard:case", kwargs={"code": case.code}) in page.content.decode()


def test_every_chart_has_a_title_a_description_and_a_table(case, documenter, known, as_user):
    html = (
        as_user(documenter)
        .get(reverse("dashboard:case", kwargs={"code": case.code}), HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    charts = re.findall(r"<svg class=\"bars\"[^>]*>(.*?)</svg>", html, re.S)
    assert len(charts) == 5
    opening = re.findall(r'<svg class="bars"[^>]*aria-labelledby="([^"]+)"', html)
    assert len(opening) == 5
    for ids, body in zip(opening, charts, strict=True):
        title, desc = ids.split()
        assert f'<title id="{title}">' in body and f'<desc id="{desc}">' in body
    assert html.count("The figures as a table") == 5
    # the table repeats each bar's link, so the figures are reachable without the drawing
    tables = re.findall(r"<tbody>(.*?)</tbody>", html, re.S)
    assert sum(t.count("<a href=") for t in tables) == 12
