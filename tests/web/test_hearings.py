"""Hearings in the OAS style: a session with its date, venue, panel and recording; the
testimonies given at it; time-coded excerpts of its recording that open the recording's page
at that time range."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from expediente_web.audit.models import AuditEntry
from expediente_web.cases.access import NotPermitted
from expediente_web.cases.validation import InvalidInput
from expediente_web.evidence.models import Excerpt
from expediente_web.records.hearings import do_add_appearance, do_create_hearing
from expediente_web.records.models import Hearing
from support.synthetic_files import pdf, wav

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


@pytest.fixture
def recording(case, documenter):
    from expediente_web.evidence.actions import do_store_evidence

    return do_store_evidence(
        documenter,
        case,
        io.BytesIO(wav(95.0, rate=800)),
        "sesion.wav",
        kind="evidence.audio",
        media_type="audio/x-wav",
        duration_seconds=95,
    )


@pytest.fixture
def hearing(case, documenter, recording, source):
    return do_create_hearing(
        documenter,
        case,
        "Audiencia pública ficticia",
        date="2017-09-14",
        venue="Sala ficticia de la sede",
        source=source,
        panel="Experta Uno — presidenta\nExperto Dos — relator\n",
        recording=recording,
    )


def _writes():
    return AuditEntry.objects.exclude(action="view_identities").count()


def test_a_hearing_is_created_with_one_entry(case, documenter, recording, audit_count):
    before = audit_count()
    hearing = do_create_hearing(
        documenter,
        case,
        "Audiencia",
        date="2017-09",
        venue="Sala",
        panel="  A — presidenta \n\n B — relator",
        recording=recording,
    )
    assert audit_count() == before + 1
    assert hearing.panel_members() == ["A — presidenta", "B — relator"]
    assert (hearing.date_text, hearing.date_precision) == ("2017-09", "month")
    entry = AuditEntry.objects.latest("seq")
    assert entry.action == "create_hearing" and entry.payload["fields"]["recording"] == str(
        recording.uid
    )


@pytest.fixture
def other_case_item(make_user):
    from expediente_web.cases.actions import do_create_case
    from expediente_web.evidence.actions import do_store_evidence

    other_owner = make_user("otra_duena")
    other = do_create_case(other_owner, "otro-2018", "Otro caso (sintético)")
    return do_store_evidence(
        other_owner,
        other,
        io.BytesIO(wav(1.0)),
        "otra.wav",
        kind="evidence.audio",
        media_type="audio/x-wav",
    )


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"title": "  "}, "title"),
        ({"date": "2017-02-30"}, "date"),
        ({"date": "2999-01-01"}, "date"),
        ({"panel": "x" * 301}, "panel[1]"),
        ({"recording": "other"}, "recording"),
        ({"recording": "pdf"}, "recording"),
    ],
)
def test_bad_input_is_refused_at_its_field_and_changes_nothing(
    case, documenter, other_case_item, values, field
):
    from expediente_web.evidence.actions import do_store_evidence

    kwargs = {"title": "Audiencia", **values}
    if values.get("recording") == "other":
        kwargs["recording"] = other_case_item
    elif values.get("recording") == "pdf":
        kwargs["recording"] = do_store_evidence(
            documenter, case, io.BytesIO(pdf(1)), "a.pdf", media_type="application/pdf", pages=1
        )
    before = (_writes(), Hearing.objects.count())
    title = kwargs.pop("title")
    with pytest.raises(InvalidInput) as refused:
        do_create_hearing(documenter, case, title, **kwargs)
    assert refused.value.field == field
    assert (_writes(), Hearing.objects.count()) == before


def test_a_testimony_appears_at_one_hearing(documenter, hearing, testimony, case, audit_count):
    before = audit_count()
    do_add_appearance(documenter, hearing, testimony)
    assert audit_count() == before + 1
    testimony.refresh_from_db()
    assert testimony.hearing == hearing
    entry = AuditEntry.objects.latest("seq")
    assert (entry.action, entry.object_id) == ("add_appearance", str(testimony.uid))
    with pytest.raises(InvalidInput) as refused:
        do_add_appearance(documenter, hearing, testimony)
    assert refused.value.field == "testimony"
    second = do_create_hearing(documenter, case, "Segunda audiencia")
    with pytest.raises(InvalidInput, match="another hearing"):
        do_add_appearance(documenter, second, testimony)
    testimony.refresh_from_db()
    assert testimony.hearing == hearing


def test_roles_that_do_not_write_are_refused(viewer, reviewer, case, hearing, testimony):
    for user in (viewer, reviewer):
        with pytest.raises(NotPermitted):
            do_create_hearing(user, case, "Audiencia")
        with pytest.raises(NotPermitted):
            do_add_appearance(user, hearing, testimony)
    testimony.refresh_from_db()
    assert testimony.hearing is None


# -- pages ------------------------------------------------------------------------------------


def _url(name, hearing):
    return reverse(f"workspace:{name}", args=[hearing.case.code, hearing.uid])


def test_the_hearing_page_links_testimonies_and_time_coded_excerpts(
    documenter, hearing, testimony, as_user
):
    client = as_user(documenter)
    response = client.post(_url("hearing-appearance", hearing), {"testimony": str(testimony.uid)})
    assert response.status_code == 302 and response["Location"].endswith("#appearances")
    response = client.post(
        _url("hearing-excerpt", hearing),
        {"start": "1:05", "end": "1:20.5", "quote": "Lo que dijo la testigo"},
    )
    assert response.status_code == 302
    (excerpt,) = Excerpt.objects.filter(item=hearing.recording)
    assert (excerpt.start_seconds, excerpt.end_seconds) == (65, 80.5)
    text = client.get(_url("hearing", hearing)).content.decode()
    item_page = reverse("workspace:evidence-item", args=[hearing.case.code, hearing.recording.uid])
    assert f'href="{item_page}#t=65,80.5"' in text and "1:05–1:20.5" in text
    assert reverse("workspace:testimony", args=[hearing.case.code, testimony.uid]) in text
    testimony_page = reverse("workspace:testimony", args=[hearing.case.code, testimony.uid])
    assert _url("hearing", hearing) in client.get(testimony_page).content.decode()
    assert "Experto Dos — relator" in text
    # The recording's page plays such a fragment.
    item_text = client.get(item_page).content.decode()
    assert "media-fragment.js" in item_text and 'href="#t=65,80.5"' in item_text


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"start": "1:20", "end": "1:05"}, "end"),  # start after end
        ({"start": "1:05", "end": "1:05"}, "end"),  # empty range
        ({"start": "1:00", "end": "2:00"}, "end"),  # beyond the 95 s recording
        ({"start": "soon", "end": "1:05"}, "start"),
    ],
)
def test_a_bad_time_range_is_refused_at_its_field(documenter, hearing, as_user, data, field):
    before = _writes()
    response = as_user(documenter).post(_url("hearing-excerpt", hearing), data)
    assert response.status_code == 400
    assert f'id="excerpt-{field}_errors"' in response.content.decode()
    assert not Excerpt.objects.filter(item=hearing.recording).exists() and _writes() == before


def test_the_list_records_a_hearing_and_hostile_text_is_inert(
    documenter, viewer, case, recording, as_user
):
    url = reverse("workspace:hearings", args=[case.code])
    response = as_user(documenter).post(
        url,
        {
            "title": HOSTILE,
            "venue": HOSTILE,
            "panel": HOSTILE,
            "date": "2018-03",
            "recording": str(recording.uid),
        },
    )
    assert response.status_code == 302
    hearing = Hearing.objects.get(case=case)
    for page in (url, _url("hearing", hearing)):
        text = as_user(viewer).get(page).content.decode()
        assert "<script>alert(1)" not in text and "<img src=x" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert 'id="hearing-new"' not in as_user(viewer).get(url).content.decode()
    response = as_user(documenter).post(url, {"title": "Audiencia", "date": "2017-02-30"})
    assert response.status_code == 400 and 'id="hearing-date_errors"' in (response.content.decode())
    assert Hearing.objects.filter(case=case).count() == 1


def test_the_hearing_pages_make_no_query_per_row(documenter, case, hearing, as_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from expediente_web.evidence.actions import do_create_excerpt
    from expediente_web.records.actions import do_create_testimony

    client = as_user(documenter)

    def queries(url):
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    def grow(n):
        for i in range(n):
            t = do_create_testimony(
                documenter, case, f"Relato ficticio {i}.", "es", date="2017-09-14"
            )
            do_add_appearance(documenter, hearing, t)
            do_create_excerpt(
                documenter, case, item=hearing.recording, start_seconds=i, end_seconds=i + 1
            )
            do_create_hearing(documenter, case, f"Otra audiencia {i}", recording=hearing.recording)

    pages = [_url("hearing", hearing), reverse("workspace:hearings", args=[case.code])]
    grow(2)
    few = [queries(url) for url in pages]
    grow(20)
    assert [queries(url) for url in pages] == few
