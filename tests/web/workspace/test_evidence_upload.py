"""Evidence in the browser: uploading a file, its preview, its bytes, excerpts and citations.

Every file here is made by the test (tests/support/synthetic_files.py).
"""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from expediente_web.audit.models import AuditEntry
from expediente_web.evidence.models import Citation, CustodyEvent, EvidenceItem, Excerpt
from support.synthetic_files import pdf, png, wav
from support.workspace_data import HOSTILE

pytestmark = pytest.mark.django_db

@pytest.fixture(autouse=True)
def _english_pages(settings):
    """The messages asserted here are the English ones (the Spanish catalogue is tested in
    tests/web/workspace/test_catalogue.py)."""
    settings.LANGUAGE_CODE = "en"



@pytest.fixture(autouse=True)
def evidence_dir(tmp_path, settings):
    settings.EXPEDIENTE_EVIDENCE_DIR = tmp_path / "evidence"
    return settings.EXPEDIENTE_EVIDENCE_DIR


def upload(client, case, name, content, **fields):
    data = {"file": SimpleUploadedFile(name, content), **fields}
    return client.post(reverse("workspace:evidence-upload", args=[case.code]), data)


def stored(client, case, name, content, **fields):
    response = upload(client, case, name, content, **fields)
    assert response.status_code == 302, response.content.decode()[:2000]
    return EvidenceItem.objects.get(sha256=hashlib.sha256(content).hexdigest(), case=case)


def accesses(item):
    return list(
        CustodyEvent.objects.filter(item=item, action="custody.accessed").values_list(
            "purpose", flat=True
        )
    )


# -- uploading --------------------------------------------------------------------------------


def test_upload_stores_the_file_sniffs_its_type_and_records_its_receipt(
    client, case, documenter, source
):
    client.force_login(documenter)
    content = pdf(3)
    response = upload(
        client,
        case,
        "declaración.pdf",
        content,
        title="Declaración ficticia",
        source=source.code,
        received_from="Equipo de campo ficticio",
    )
    item = EvidenceItem.objects.get(case=case)
    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:evidence-item", args=[case.code, item.uid])
    assert (item.media_type, item.pages, item.kind, item.source) == (
        "application/pdf",
        3,
        "evidence.document",
        source,
    )
    assert item.sha256 == hashlib.sha256(content).hexdigest() and item.size == len(content)
    receipt = CustodyEvent.objects.get(item=item)
    assert (receipt.action, receipt.actor, receipt.from_party, receipt.hash_observed) == (
        "custody.received",
        documenter,
        "Equipo de campo ficticio",
        item.sha256,
    )
    entry = AuditEntry.objects.filter(action="store_evidence").latest("seq")
    assert entry.object_id == str(item.uid)
    page = client.get(response["Location"]).content.decode()
    assert item.sha256 in page and "Declaración ficticia" in page


def test_the_type_comes_from_the_content_and_a_disagreeing_name_is_shown(client, case, documenter):
    client.force_login(documenter)
    item = stored(client, case, "foto.pdf", png())
    assert (item.media_type, item.kind) == ("image/png", "evidence.photo")
    page = client.get(reverse("workspace:evidence-item", args=[case.code, item.uid]))
    text = page.content.decode()
    assert 'id="type-mismatch"' in text and "application/pdf" in text
    agreeing = stored(client, case, "foto.png", png(rgb=(1, 2, 3)))
    page = client.get(reverse("workspace:evidence-item", args=[case.code, agreeing.uid]))
    assert 'id="type-mismatch"' not in page.content.decode()


def test_a_file_over_the_limit_is_refused_with_a_message_and_nothing_stored(
    client, case, documenter, settings, evidence_dir
):
    settings.EXPEDIENTE_MAX_UPLOAD_BYTES = 1000
    client.force_login(documenter)
    response = upload(client, case, "grande.pdf", pdf(1) + b"%" * 2000)
    assert response.status_code == 400
    errors = re.search(r'id="id_file_errors">(.*?)</ul>', response.content.decode(), re.S)
    assert errors and "largest file accepted" in errors.group(1)
    assert not EvidenceItem.objects.exists()
    assert not list(evidence_dir.glob("??/??/*"))


def test_the_same_content_twice_is_refused_at_the_file_field(client, case, documenter):
    client.force_login(documenter)
    first = stored(client, case, "a.txt", b"contenido ficticio")
    response = upload(client, case, "b.txt", b"contenido ficticio")
    assert response.status_code == 400
    assert str(first.uid) in response.content.decode()
    assert EvidenceItem.objects.count() == 1


def test_only_the_roles_that_write_upload(client, case, reviewer, viewer):
    for user in (reviewer, viewer):
        client.force_login(user)
        assert client.get(reverse("workspace:evidence-upload", args=[case.code])).status_code == 403
        assert upload(client, case, "x.txt", b"ficticio").status_code == 403
    assert not EvidenceItem.objects.exists()


def test_a_recording_keeps_its_length(client, case, documenter):
    client.force_login(documenter)
    item = stored(client, case, "entrevista.wav", wav(2.5))
    assert (item.media_type, item.kind, item.duration_seconds) == (
        "audio/wav",
        "evidence.audio",
        Decimal("2.500"),
    )


# -- preview and the bytes --------------------------------------------------------------------


def test_every_view_and_download_is_a_custody_step_and_an_audit_entry(client, case, documenter):
    client.force_login(documenter)
    content = png()
    item = stored(client, case, "foto.png", content)
    address = reverse("workspace:evidence-file", args=[case.code, item.uid])
    before = AuditEntry.objects.filter(action="record_evidence_access").count()
    shown = client.get(address)
    assert shown.status_code == 200 and b"".join(shown.streaming_content) == content
    assert shown["Content-Type"] == "image/png"
    assert shown["Content-Disposition"].startswith("inline")
    assert shown["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in shown["Cache-Control"]
    got = client.get(address + "?download=1")
    assert b"".join(got.streaming_content) == content
    assert got["Content-Disposition"].startswith("attachment")
    assert got["Content-Type"] == "application/octet-stream"
    assert accesses(item) == ["view", "download"]
    assert AuditEntry.objects.filter(action="record_evidence_access").count() == before + 2
    event = CustodyEvent.objects.filter(item=item, action="custody.accessed").last()
    assert event.actor == documenter


def test_a_recording_is_served_in_ranges_and_recorded_once(client, case, documenter):
    client.force_login(documenter)
    content = wav(3.0)
    item = stored(client, case, "entrevista.wav", content)
    address = reverse("workspace:evidence-file", args=[case.code, item.uid])
    first = client.get(address, HTTP_RANGE="bytes=0-")
    assert first.status_code == 206
    assert first["Content-Range"] == f"bytes 0-{len(content) - 1}/{len(content)}"
    assert b"".join(first.streaming_content) == content
    middle = client.get(address, HTTP_RANGE="bytes=100-199")
    assert middle.status_code == 206 and middle["Content-Length"] == "100"
    assert b"".join(middle.streaming_content) == content[100:200]
    tail = client.get(address, HTTP_RANGE="bytes=-10")
    assert b"".join(tail.streaming_content) == content[-10:]
    beyond = client.get(address, HTTP_RANGE=f"bytes={len(content)}-")
    assert beyond.status_code == 416 and beyond["Content-Range"] == f"bytes */{len(content)}"
    assert accesses(item) == ["view"]
    page = client.get(reverse("workspace:evidence-item", args=[case.code, item.uid]))
    assert f'<audio controls preload="metadata" src="{address}"' in page.content.decode()


def test_ranges_across_segments_decrypt_only_what_they_need(client, case, documenter):
    from expediente_web.evidence.store import SEGMENT

    client.force_login(documenter)
    content = bytes(range(256)) * (SEGMENT * 2 // 256) + b"cola"
    item = stored(client, case, "datos.bin", content)
    address = reverse("workspace:evidence-file", args=[case.code, item.uid])
    for first, last in ((SEGMENT - 5, SEGMENT + 5), (2 * SEGMENT, len(content) - 1), (0, 9)):
        got = client.get(address, HTTP_RANGE=f"bytes={first}-{last}")
        assert b"".join(got.streaming_content) == content[first : last + 1], (first, last)


def test_a_pdf_page_is_rendered_on_the_server_with_page_navigation(client, case, documenter):
    client.force_login(documenter)
    item = stored(client, case, "acta.pdf", pdf(3))
    page = client.get(reverse("workspace:evidence-item", args=[case.code, item.uid]) + "?page=2")
    text = page.content.decode()
    image = reverse("workspace:evidence-page", args=[case.code, item.uid, 2])
    assert f'src="{image}"' in text and 'rel="prev"' in text and 'rel="next"' in text
    got = client.get(image)
    assert got.status_code == 200 and got["Content-Type"] == "image/png"
    assert got.content.startswith(b"\x89PNG") and got["X-Content-Type-Options"] == "nosniff"
    assert (
        client.get(reverse("workspace:evidence-page", args=[case.code, item.uid, 4])).status_code
        == 404
    )
    assert accesses(item) == ["view page 2"]
    last = client.get(reverse("workspace:evidence-item", args=[case.code, item.uid]) + "?page=9")
    assert 'rel="next"' not in last.content.decode()


def test_text_is_shown_in_the_page_and_recorded(client, case, documenter):
    client.force_login(documenter)
    item = stored(client, case, "nota.txt", "Nota ficticia: ñandú, árbol.\n".encode())
    page = client.get(reverse("workspace:evidence-item", args=[case.code, item.uid]))
    assert "Nota ficticia: ñandú, árbol." in page.content.decode()
    assert accesses(item) == ["view"]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("pagina.html", b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"),
        ("dibujo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ],
)
def test_html_and_svg_are_never_served_as_themselves(client, case, documenter, name, content):
    client.force_login(documenter)
    item = stored(client, case, name, content)
    got = client.get(reverse("workspace:evidence-file", args=[case.code, item.uid]))
    assert got["Content-Type"] == "text/plain; charset=utf-8"
    assert got["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in got["Content-Security-Policy"]
    page = client.get(reverse("workspace:evidence-item", args=[case.code, item.uid]))
    text = page.content.decode()
    assert "<script>alert(1)</script>" not in text and "&lt;script&gt;alert(1)" in text


def test_hostile_names_and_descriptions_render_inert(client, case, documenter):
    client.force_login(documenter)
    item = stored(
        client,
        case,
        f"{HOSTILE}.png",
        png(),
        title=HOSTILE,
        description=HOSTILE,
        received_from=HOSTILE,
    )
    for address in (
        reverse("workspace:evidence-item", args=[case.code, item.uid]),
        reverse("workspace:evidence", args=[case.code]),
    ):
        text = client.get(address).content.decode()
        assert "<script>window.__pwned" not in text and 'onerror="window' not in text
    got = client.get(reverse("workspace:evidence-file", args=[case.code, item.uid]))
    assert "\n" not in got["Content-Disposition"] and "<script>" not in got["Content-Disposition"]


def test_roles_that_do_not_see_protected_fields_get_no_bytes(
    client, case, documenter, reviewer, viewer
):
    client.force_login(documenter)
    item = stored(client, case, "foto.png", png())
    pdf_item = stored(client, case, "acta.pdf", pdf(1))
    for user in (reviewer, viewer):
        client.force_login(user)
        page = client.get(reverse("workspace:evidence-item", args=[case.code, item.uid]))
        assert page.status_code == 200
        assert reverse("workspace:evidence-file", args=[case.code, item.uid]) not in (
            page.content.decode()
        )
        for address in (
            reverse("workspace:evidence-file", args=[case.code, item.uid]),
            reverse("workspace:evidence-file", args=[case.code, item.uid]) + "?download=1",
            reverse("workspace:evidence-page", args=[case.code, pdf_item.uid, 1]),
        ):
            assert client.get(address).status_code == 403, (user, address)
    assert accesses(item) == [] and accesses(pdf_item) == []


# -- excerpts and citations -------------------------------------------------------------------


def test_a_page_of_a_pdf_is_cited_from_an_act(client, case, documenter, record_act):
    client.force_login(documenter)
    item = stored(client, case, "acta.pdf", pdf(3))
    made = client.post(
        reverse("workspace:evidence-excerpt", args=[case.code, item.uid]),
        {"page": "2", "quote": "Orden ficticia"},
    )
    assert made.status_code == 302
    excerpt = Excerpt.objects.get(item=item)
    assert (excerpt.page, excerpt.quote) == (2, "Orden ficticia")
    cited = client.post(
        reverse("workspace:evidence-cite", args=[case.code, item.uid, excerpt.uid]),
        {"act": str(record_act.uid)},
    )
    assert cited.status_code == 302
    assert Citation.objects.get(excerpt=excerpt).target == record_act
    page = client.get(reverse("workspace:evidence-item", args=[case.code, item.uid]))
    assert reverse("workspace:act", args=[case.code, record_act.uid]) in page.content.decode()


def test_a_page_beyond_the_document_is_refused_at_the_field(client, case, documenter):
    client.force_login(documenter)
    item = stored(client, case, "acta.pdf", pdf(3))
    refused = client.post(
        reverse("workspace:evidence-excerpt", args=[case.code, item.uid]), {"page": "4"}
    )
    assert refused.status_code == 400
    errors = re.search(r'id="id_page_errors">(.*?)</ul>', refused.content.decode(), re.S)
    assert errors and "3 pages" in errors.group(1)
    assert not Excerpt.objects.exists()


def test_a_time_range_of_a_recording_is_cited_and_bounded(client, case, documenter):
    client.force_login(documenter)
    item = stored(client, case, "entrevista.wav", wav(90))
    address = reverse("workspace:evidence-excerpt", args=[case.code, item.uid])
    beyond = client.post(address, {"start": "1:00", "end": "1:31"})
    assert beyond.status_code == 400
    errors = re.search(r'id="id_end_errors">(.*?)</ul>', beyond.content.decode(), re.S)
    assert errors and "1:30" in errors.group(1)
    backwards = client.post(address, {"start": "0:40", "end": "0:20"})
    assert backwards.status_code == 400 and 'id="id_end_errors"' in backwards.content.decode()
    nonsense = client.post(address, {"start": "ayer", "end": "0:20"})
    assert nonsense.status_code == 400 and 'id="id_start_errors"' in nonsense.content.decode()
    assert not Excerpt.objects.exists()
    made = client.post(address, {"start": "1:05", "end": "1:20.5"})
    assert made.status_code == 302
    excerpt = Excerpt.objects.get(item=item)
    assert (excerpt.start_seconds, excerpt.end_seconds, excerpt.page) == (
        Decimal("65.000"),
        Decimal("80.500"),
        None,
    )
    page = client.get(reverse("workspace:evidence-item", args=[case.code, item.uid]))
    assert "1:05–1:20.5" in page.content.decode()


def test_citing_an_unknown_act_is_refused_at_the_field(client, case, documenter):
    client.force_login(documenter)
    item = stored(client, case, "acta.pdf", pdf(1))
    client.post(reverse("workspace:evidence-excerpt", args=[case.code, item.uid]), {"page": "1"})
    excerpt = Excerpt.objects.get(item=item)
    for value in ("no-es-un-uid", "00000000-0000-0000-0000-000000000000"):
        refused = client.post(
            reverse("workspace:evidence-cite", args=[case.code, item.uid, excerpt.uid]),
            {"act": value},
        )
        assert refused.status_code == 400
        assert f'id="cite-{excerpt.pk}-act_errors"' in refused.content.decode()
    assert not Citation.objects.exists()


def test_the_service_refuses_a_time_range_beyond_the_recording(case, documenter):
    import io

    from expediente_web.cases.validation import InvalidInput
    from expediente_web.evidence.actions import do_create_excerpt, do_store_evidence

    item = do_store_evidence(
        documenter,
        case,
        io.BytesIO(wav(1)),
        "a.wav",
        media_type="audio/wav",
        duration_seconds=Decimal("1.0"),
    )
    with pytest.raises(InvalidInput) as refused:
        do_create_excerpt(documenter, case, item=item, start_seconds=0, end_seconds=2)
    assert refused.value.field == "end_seconds"
    doc = do_store_evidence(documenter, case, io.BytesIO(pdf(2)), "a.pdf", pages=2)
    with pytest.raises(InvalidInput) as refused:
        do_create_excerpt(documenter, case, item=doc, page=3)
    assert refused.value.field == "page"
    assert not Excerpt.objects.exists()


@pytest.fixture
def record_act(case, documenter, victim):
    from expediente_web.records.actions import do_create_act

    return do_create_act(documenter, case, victim, "act.detention.arbitrary", date="2017-05")


def test_an_image_is_cited_whole(client, case, documenter):
    client.force_login(documenter)
    item = stored(client, case, "foto.png", png())
    made = client.post(
        reverse("workspace:evidence-excerpt", args=[case.code, item.uid]), {"quote": "Una celda"}
    )
    assert made.status_code == 302
    excerpt = Excerpt.objects.get(item=item)
    assert (excerpt.page, excerpt.start_seconds, excerpt.quote) == (None, None, "Una celda")


def test_an_items_page_makes_as_many_queries_for_many_excerpts_as_for_one(
    client, case, documenter, record_act
):
    import io

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from expediente_web.evidence.actions import do_cite_excerpt, do_create_excerpt
    from expediente_web.evidence.actions import do_store_evidence as store

    item = store(
        documenter, case, io.BytesIO(pdf(12)), "acta.pdf", media_type="application/pdf", pages=12
    )
    client.force_login(documenter)
    address = reverse("workspace:evidence-item", args=[case.code, item.uid])

    def queries() -> int:
        client.get(address)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(address).status_code == 200
        return len(captured)

    do_cite_excerpt(documenter, do_create_excerpt(documenter, case, item=item, page=1), record_act)
    one = queries()
    for page in range(2, 12):
        do_cite_excerpt(
            documenter, do_create_excerpt(documenter, case, item=item, page=page), record_act
        )
    assert queries() == one
