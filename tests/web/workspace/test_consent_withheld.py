"""A partner organisation reads a testimony's words only when its witness consented to sharing
with partner organisations; the case's own team reads them all. Every reader is checked: the
testimony list and page, the excerpts on an act's page, a testimony's history, search and its
export, and the API."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

SECRET = "Narré lo del galpón azul de Tocorón"  # words of the testimony without the scope
SECRET_QUOTE = "galpón azul"
SECRET_NOTE = "Nota interna: repreguntar lo del galpón"
SHARED = 'Hablé del patio <script>alert(1)</script> y del "><img src=x onerror=alert(2)> muro'
SHARED_QUOTE = "patio <script>alert(1)</script>"
NOTICE = "withheld: the witness did not consent to sharing with partner organisations"


@pytest.fixture
def record(case, documenter, source, victim):
    """Two testimonies, each with an excerpt that one act cites: the first without
    `consent.share_partner_ngos`, the second with it."""
    from types import SimpleNamespace

    from expediente_web.evidence.actions import do_cite_excerpt, do_create_excerpt
    from expediente_web.records.actions import (
        do_create_act,
        do_create_testimony,
        do_update_testimony,
    )

    withheld = do_create_testimony(
        documenter,
        case,
        SECRET,
        "es",
        date="2017-06-02",
        source=source,
        consent_scopes=["consent.interview", "consent.share_icc"],
        source_record_id="t-1",
    )
    do_update_testimony(documenter, withheld, notes=SECRET_NOTE)
    shared = do_create_testimony(
        documenter,
        case,
        SHARED,
        "es",
        date="2017-06-03",
        source=source,
        consent_scopes=["consent.interview", "consent.share_partner_ngos"],
        source_record_id="t-2",
        notes="Nota compartible",
    )
    act = do_create_act(
        documenter,
        case,
        victim,
        "act.torture",
        date="2017-06",
        description="Golpes en el centro de detención.",
    )
    excerpts = []
    for t, quote in ((withheld, SECRET_QUOTE), (shared, SHARED_QUOTE)):
        start = t.narrative.index(quote)
        excerpt = do_create_excerpt(
            documenter, case, testimony=t, start=start, end=start + len(quote), quote=quote
        )
        do_cite_excerpt(documenter, excerpt, act)
        excerpts.append(excerpt)
    return SimpleNamespace(withheld=withheld, shared=shared, act=act, excerpts=excerpts)


def _page(client, user, name, *args, lang="en"):
    client.force_login(user)
    answer = client.get(reverse(name, args=args), HTTP_ACCEPT_LANGUAGE=lang)
    assert answer.status_code == 200
    return answer.content.decode()


def _pages(case, record):
    return [
        ("workspace:testimonies", case.code),
        ("workspace:testimony", case.code, record.withheld.uid),
        ("workspace:testimony", case.code, record.shared.uid),
        ("workspace:act", case.code, record.act.uid),
        ("workspace:record-history", case.code, "testimony", record.withheld.uid),
    ]


def test_a_partner_reads_no_word_of_a_testimony_without_the_scope(client, case, record, partner):
    seen = "".join(_page(client, partner, *p) for p in _pages(case, record))
    assert "galpón" not in seen and "Tocorón" not in seen
    assert NOTICE in seen


def test_the_team_reads_every_testimony(client, case, record, documenter):
    seen = "".join(_page(client, documenter, *p) for p in _pages(case, record))
    # The page highlights the excerpt inside the narrative: the words around it are there too.
    assert "Narré lo del " in seen and " de Tocorón" in seen and SECRET_NOTE in seen
    assert f"<blockquote>{SECRET_QUOTE}</blockquote>" in seen
    assert NOTICE not in seen


def test_both_read_a_testimony_with_the_scope_and_hostile_text_stays_inert(
    client, case, record, partner, documenter
):
    for user in (partner, documenter):
        page = _page(client, user, "workspace:testimony", case.code, record.shared.uid)
        act = _page(client, user, "workspace:act", case.code, record.act.uid)
        for seen in (page, act):
            assert "patio &lt;script&gt;alert(1)&lt;/script&gt;" in seen
            assert "<script>alert(1)" not in seen
        assert "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;" in page
        assert "<img src=x" not in page
    assert NOTICE not in _page(client, partner, "workspace:testimony", case.code, record.shared.uid)


def test_the_notice_is_in_the_readers_language(client, case, record, partner):
    from django.utils import translation

    page = _page(client, partner, "workspace:testimony", case.code, record.withheld.uid, lang="es")
    with translation.override("es"):
        notice = translation.gettext(NOTICE)
    assert notice in page
    assert "galpón" not in page


def test_search_does_not_find_a_partner_a_testimony_by_words_it_may_not_read(
    case, record, partner, documenter
):
    from expediente_web.search.access import access_search

    team = access_search(documenter, case, "galpón")
    assert sorted(h.kind for h in team.hits) == ["excerpt", "testimony"]
    found = access_search(partner, case, "galpón")
    assert found.hits == [] and found.total == 0
    assert not any(found.facets.values())
    shared = access_search(partner, case, "patio")
    assert sorted(h.kind for h in shared.hits) == ["excerpt", "testimony"]
    assert any("patio" in s.text for h in shared.hits for s in h.segments)
    # Browsing without words lists the testimony, with the notice for its text.
    browsed = access_search(partner, case, "", kinds=["testimony", "excerpt"])
    texts = {h.record.uid: "".join(s.text for s in h.segments) for h in browsed.hits}
    assert texts[record.withheld.uid] == NOTICE
    assert texts[record.excerpts[0].uid] == NOTICE
    assert all("galpón" not in t for t in texts.values())
    assert "patio" in texts[record.shared.uid]


def test_the_search_page_and_its_export_follow_the_rule(client, case, record, partner, documenter):
    client.force_login(partner)
    base = reverse("search:search", args=[case.code])
    page = client.get(base, {"q": "galpón"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Tocorón" not in page
    browsed = client.get(
        reverse("search:export", args=[case.code, "csv"]), {"kind": "testimony"},
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert NOTICE in browsed and "galpón" not in browsed
    assert "patio" in browsed
    client.force_login(documenter)
    team = client.get(
        reverse("search:export", args=[case.code, "csv"]), {"kind": "testimony"}
    ).content.decode()
    assert "galpón" in team


def test_the_api_withholds_the_words_from_a_partner(case, record, partner, documenter):
    from django.test import Client

    from expediente_web.api.actions import do_create_api_token

    base = f"/api/cases/{case.code}"
    paths = [
        f"{base}/testimonies?limit=50",
        f"{base}/testimonies/{record.withheld.uid}",
        f"{base}/excerpts?limit=50",
        f"{base}/excerpts/{record.excerpts[0].uid}",
    ]
    answers = {}
    for user in (partner, documenter):
        _, token = do_create_api_token(None, case, user, "read")
        got = [Client().get(p, HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE="en")
               for p in paths]
        assert [a.status_code for a in got] == [200] * len(paths)
        answers[user.username] = [a.json() for a in got]
    said = json.dumps(answers["paula_partner"], ensure_ascii=False)
    assert "galpón" not in said and "Tocorón" not in said and "repreguntar" not in said
    one = answers["paula_partner"][1]
    assert one["narrative"] == "" and one["notes"] == "" and one["withheld"] == NOTICE
    listed = {t["uid"]: t for t in answers["paula_partner"][0]["items"]}
    assert listed[str(record.shared.uid)]["narrative"].startswith("Hablé del patio")
    assert listed[str(record.shared.uid)]["withheld"] is None
    team = json.dumps(answers["dora_documenter"], ensure_ascii=False)
    assert SECRET in team and SECRET_NOTE in team and NOTICE not in team


def test_a_partners_shielded_testimony_is_not_changed_in_the_database(
    case, record, partner, client
):
    from expediente_web.records.models import Testimony

    _page(client, partner, "workspace:testimony", case.code, record.withheld.uid)
    stored = Testimony.objects.get(pk=record.withheld.pk)
    assert stored.narrative == SECRET and stored.notes == SECRET_NOTE


def test_every_recipient_is_named_in_the_catalogue():
    from expediente.consent import RECIPIENTS
    from expediente_web.records.consent import _LABELS

    assert [r.label for r in RECIPIENTS.values()] == list(_LABELS)
