"""The panel pages: a frozen version read-only, blind findings by page, the consolidated view
with its majority and alpha, the digest check, hostile strings inert, a bounded page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from expediente.legal.agreement import krippendorff_alpha
from expediente.legal.ladder import Ladder
from expediente_web.panel import actions
from expediente_web.panel.access import verified_content

from .conftest import HOSTILE

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(as_user):
    """Signed in, reading the pages in English."""
    from django.conf import settings

    def sign(user):
        client = as_user(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return sign


def url(name, version, **extra):
    return reverse(name, kwargs={"code": version.case.code, "number": version.number, **extra})


def page(client, address, status=200):
    response = client.get(address)
    assert response.status_code == status, response.content[:500]
    return response.content.decode()


def test_the_version_page_shows_what_was_frozen_inert(version, analyst, as_user):
    html = page(as_user(analyst), url("panel:version", version))
    assert version.digest in html
    assert "Dos listas y un testimonio lo sostienen." in html
    assert HOSTILE not in html and "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert "rosa_panel" in html and "vico_panel" in html
    assert 'id="el-art7-1-e-1"' in html


def test_the_versions_page_lists_versions_and_offers_the_freeze(version, analyst, viewer, as_user):
    html = page(as_user(analyst), reverse("panel:versions", kwargs={"code": version.case.code}))
    assert 'id="freeze-form"' in html and version.digest[:10] in html
    assert "anyone who rated one of its elements may not review it" in html
    html = page(as_user(viewer), reverse("panel:versions", kwargs={"code": version.case.code}))
    assert 'id="freeze-form"' not in html


def test_freezing_from_the_page(assessed, analyst, panelists, as_user):
    client = as_user(analyst)
    response = client.post(
        reverse("panel:freeze", kwargs={"code": assessed.code}),
        {"reviewers_required": "2", "reviewers": [str(panelists[0].pk), str(panelists[1].pk)]},
    )
    assert response.status_code == 302 and response["Location"].endswith("/panel/1/")
    from expediente_web.panel.models import Assignment

    assert Assignment.objects.count() == 2
    refused = client.post(
        reverse("panel:freeze", kwargs={"code": assessed.code}), {"reviewers_required": "1"}
    )
    assert refused.status_code == 400


def test_findings_are_blind_by_page(version, panelists, owner, analyst, as_user, fill):
    first, second, _third = panelists
    fill(first, version, {"art7.1.e.1": "ladder.substantial_grounds"})
    secret = "Hallazgo de rosa_panel sobre art7.1.e.1"
    # The second reviewer sees their own form, not the first's findings.
    html = page(as_user(second), url("panel:findings", version))
    assert secret not in html and "rosa_panel sobre" not in html
    # Nobody reads them on the version page or the consolidated page, owners included.
    for user in (owner, analyst, second):
        client = as_user(user)
        for name in ("panel:version", "panel:consolidated"):
            html = page(client, url(name, version))
            assert secret not in html
            assert "Substantial grounds" not in html
        assert 'id="not-yet"' in page(client, url("panel:consolidated", version))
    # Who has submitted is shown.
    html = page(as_user(owner), url("panel:version", version))
    assert "1 of 3 reviewers have submitted" in html
    # The first reviewer reads their own, read-only.
    html = page(as_user(first), url("panel:findings", version))
    assert secret in html and 'id="submitted"' in html and 'name="reasoning"' not in html


def test_only_assigned_reviewers_open_the_findings_page(version, owner, viewer, as_user):
    for user in (owner, viewer):
        client = as_user(user)
        assert client.get(url("panel:findings", version)).status_code == 403
        assert client.post(url("panel:submit", version)).status_code == 403
        assert (
            client.post(
                url("panel:save-finding", version, element="art7.1.e.1"),
                {"rung": "ladder.no_information", "reasoning": "x"},
            ).status_code
            == 403
        )


def test_a_draft_is_saved_with_htmx_and_answers_its_card(version, panelists, as_user):
    client = as_user(panelists[0])
    response = client.post(
        url("panel:save-finding", version, element="art7.1.e.2"),
        {"rung": "ladder.some_information", "reasoning": "Borrador " + HOSTILE},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith("<article") and 'id="el-art7-1-e-2"' in html
    assert "Borrador &lt;script&gt;" in html and HOSTILE not in html
    # The count of elements still to do on the page is swapped out of band.
    assert '<p id="missing-count" class="muted" data-missing="9" hx-swap-oob="true">' in html
    bad = client.post(
        url("panel:save-finding", version, element="art7.1.e.2"),
        {"rung": "ladder.proved", "reasoning": "x"},
        HTTP_HX_REQUEST="true",
    )
    assert bad.status_code == 400 and "is not a rung of the ladder" in bad.content.decode()


def test_submitting_from_the_page_is_final(version, panelists, as_user, fill):
    client = as_user(panelists[0])
    early = client.post(url("panel:submit", version))
    assert early.status_code == 302 and early["Location"].endswith("/findings/")
    fill(panelists[0], version, submit=False)
    done = client.post(url("panel:submit", version))
    assert done.status_code == 302 and done["Location"].endswith("/panel/1/")
    again = client.post(
        url("panel:save-finding", version, element="art7.1.e.2"),
        {"rung": "ladder.no_information", "reasoning": "otra"},
    )
    assert again.status_code == 302
    from expediente_web.panel.models import Finding

    assert Finding.objects.get(element="art7.1.e.2").rung == "ladder.reasonable_basis"


# A known set of findings: three reviewers, ten elements, spread over the ladder. All three
# agree on most; Rosa goes two rungs up on one element, Vico one rung down on three.
RUNGS = [rung.term_id for rung in Ladder]
ELEMENTS = [
    "art7.contextual.1",
    "art7.contextual.1.a",
    "art7.contextual.1.b",
    "art7.contextual.1.c",
    "art7.contextual.1.d",
    "art7.contextual.1.e",
    "art7.contextual.2",
    "art7.1.e.1",
    "art7.1.e.2",
    "art7.1.e.3",
]
BASE = {e: RUNGS[i % 5] for i, e in enumerate(ELEMENTS)}  # art7.1.e.1 → reasonable grounds
BASE["art7.1.e.1"] = "ladder.reasonable_basis"
KNOWN = {
    "rosa_panel": {**BASE, "art7.1.e.1": "ladder.substantial_grounds"},
    "raul_panel": dict(BASE),
    "vico_panel": {
        **BASE,
        "art7.contextual.1.a": "ladder.no_information",
        "art7.contextual.2": "ladder.some_information",
        "art7.1.e.3": "ladder.reasonable_basis",
    },
}


def _known(version, panelists, fill):
    for user in panelists:
        fill(user, version, KNOWN[user.username])
    elements = [e["id"] for e in verified_content(version)["elements"]]
    assert elements == ELEMENTS

    def units(ids):
        return [
            [int(Ladder.from_term(KNOWN[r][e])) for r in ("raul_panel", "rosa_panel", "vico_panel")]
            for e in ids
        ]

    return elements, units


def test_the_consolidated_view_shows_majority_dissent_and_alpha(
    version, panelists, owner, as_user, fill
):
    elements, units = _known(version, panelists, fill)
    html = page(as_user(owner), url("panel:consolidated", version))
    expected = krippendorff_alpha(units(elements), "ordinal")
    assert expected is not None and 0.6 < expected < 1
    assert f'<strong id="alpha-all">{expected:.3f}</strong>' in html
    crime = krippendorff_alpha(units(["art7.1.e.1", "art7.1.e.2", "art7.1.e.3"]), "ordinal")
    assert '<tr data-group="art7.1.e">' in html
    row = html.split('<tr data-group="art7.1.e">')[1].split("</tr>")[0]
    assert f"{crime:.3f}" in row
    # art7.1.e.1: basis, substantial, basis → majority basis, Rosa dissents, spread 2.
    row = html.split('<tr data-element="art7.1.e.1">')[1].split("</tr>")[0]
    majority = row.split('class="majority"')[1].split("</td>")[0]
    assert "Reasonable basis to believe" in majority
    assert '<td data-label="Spread" class="num spread">2</td>' in row
    dissent = html.split('<div class="card panel-dissent" data-element="art7.1.e.1">')[1]
    dissent = dissent.split("</ul>")[0]
    assert "rosa_panel" in dissent and "Hallazgo de rosa_panel sobre art7.1.e.1" in dissent
    assert "raul_panel" not in dissent and "vico_panel" not in dissent
    # Unanimous elements have no dissent block.
    assert '<div class="card panel-dissent" data-element="art7.1.e.2">' not in html
    # What alpha means, and that it says nothing over one element.
    assert "over a single element it is not informative" in html


def test_every_reviewer_signs_off_then_it_is_closed(version, panelists, as_user, fill):
    _known(version, panelists, fill)
    for user in panelists:
        client = as_user(user)
        assert client.post(url("panel:sign-off", version)).status_code == 302
    html = page(client, url("panel:consolidated", version))
    assert "panel-closed" in html and version.digest in html
    assert (
        'id="sign-off"' in html
        and "<form" not in html.split('id="sign-off"')[1].split("</section>")[0]
    )
    assert "panel-closed" in page(client, url("panel:version", version))


def test_a_version_that_does_not_match_its_digest_is_refused_by_page(
    version, analyst, panelists, as_user
):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE panel_frozenversion SET digest = %s WHERE id = %s", ["a" * 64, version.pk]
        )
    for user, name in (
        (analyst, "panel:version"),
        (panelists[0], "panel:findings"),
        (analyst, "panel:consolidated"),
    ):
        html = page(as_user(user), url(name, version), status=409)
        assert "does not match its digest" in html
        assert "Dos listas" not in html


def test_the_list_marks_a_version_that_does_not_match_its_digest(version, analyst, as_user):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE panel_frozenversion SET digest = %s WHERE id = %s", ["b" * 64, version.pk]
        )
    html = page(as_user(analyst), reverse("panel:versions", kwargs={"code": version.case.code}))
    row = html.split('<tr data-version="1">')[1].split("</tr>")[0]
    assert "changed after it was frozen: not shown" in row
    assert url("panel:version", version) not in row


def test_the_version_page_makes_a_bounded_number_of_queries(version, analyst, as_user):
    client = as_user(analyst)
    address = url("panel:version", version)
    client.get(address)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    assert len(queries) <= 25, "\n".join(q["sql"][:160] for q in queries)


def test_a_partner_reads_no_panel_page(version, partner, as_user):
    client = as_user(partner)
    assert client.get(url("panel:version", version)).status_code == 403
    assert (
        client.get(reverse("panel:versions", kwargs={"code": version.case.code})).status_code == 403
    )


def test_assigning_and_replacing_from_the_page(assessed, analyst, panelists, viewer, as_user):
    version = actions.do_freeze_version(analyst, assessed, reviewers=panelists[:2])
    client = as_user(analyst)
    html = page(client, url("panel:version", version))
    form = html.split('id="assign-form"')[1].split("</form>")[0]
    assert "raul_panel" not in form and "vico_panel" in form
    done = client.post(url("panel:assign", version), {"reviewer": str(panelists[2].pk)})
    assert done.status_code == 302
    from expediente_web.panel.models import Assignment

    rosa = Assignment.objects.get(reviewer=panelists[0])
    swapped = client.post(
        url("panel:replace", version, uid=str(rosa.uid)), {"reviewer": str(viewer.pk)}
    )
    assert swapped.status_code == 302
    assert sorted(a.reviewer_name for a in Assignment.objects.filter(replaced_at__isnull=True)) == [
        "raul_panel",
        "vera_viewer",
        "vico_panel",
    ]
