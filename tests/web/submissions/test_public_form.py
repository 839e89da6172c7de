"""The public submission form: anyone sends, named or anonymous, without an account; bots, floods,
oversized and unexpected files are turned away with nothing stored; the receipt code adds to the
same submission; nothing sent is stored in clear or shown back on a public page.
All names, contacts and accounts here are synthetic."""

from __future__ import annotations

import io

import pytest
from django.db import connection

from support.synthetic_files import pdf, png

from .sending import receipt_of, send, submission_data, token

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


def _submissions():
    from expediente_web.submissions.models import PublicSubmission

    return PublicSubmission.objects


def _attachments():
    from expediente_web.submissions.models import SubmissionAttachment

    return SubmissionAttachment.objects


def _audit(action: str) -> int:
    from expediente_web.audit.models import AuditEntry

    return AuditEntry.objects.filter(action=action).count()


def _file(name: str, content: bytes, content_type: str = "application/octet-stream"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


# -- the page -------------------------------------------------------------------------------


def test_a_case_not_opted_in_has_no_form(public, case):
    assert public.get(f"/submit/{case.code}/").status_code == 404
    assert public.get("/submit/no-such-form/").status_code == 404
    assert public.get(f"/submit/{case.code}/follow-up/").status_code == 404


def test_a_closed_form_answers_not_found(public, case, owner, public_form):
    from expediente_web.submissions.actions import do_set_public_form

    assert public.get("/submit/testimonios-ve/").status_code == 200
    do_set_public_form(owner, case, enabled=False, slug="testimonios-ve", public_title="x")
    assert public.get("/submit/testimonios-ve/").status_code == 404
    assert send(public).status_code == 404
    assert not _submissions().exists()


def test_the_page_shows_the_public_title_and_nothing_else_of_the_case(public, case, public_form):
    page = public.get("/submit/testimonios-ve/").content.decode()
    assert "Testimonios (sintético)" in page
    assert case.title not in page and case.code not in page
    assert 'name="website"' in page and 'class="hp"' in page  # the honeypot, hidden
    assert "style=" not in page and "<script>" not in page and "onclick" not in page
    assert 'name="csrfmiddlewaretoken"' in page


# -- sending --------------------------------------------------------------------------------


def test_an_anonymous_visitor_sends_and_gets_a_receipt_only(public, public_form):
    response = send(public)
    assert response.status_code == 200
    code = receipt_of(response)
    assert len(code.replace("-", "")) == 24
    page = response.content.decode()
    assert "camioneta" not in page  # nothing sent is shown back
    submission = _submissions().get()
    assert submission.status == "new" and submission.case_id == public_form.case_id
    assert submission.sender_name == "" and submission.language == "es"
    assert code.replace("-", "") not in submission.receipt_hash
    assert _audit("receive_submission") == 1


def test_a_named_sender_is_stored_encrypted(public, public_form):
    response = send(
        public,
        sender_name="Ana Sintética Pérez",
        sender_contact="+58 414 555 0100",
        may_contact="on",
        narrative=f"Relato con una marca única ZQX-77. {HOSTILE}",
    )
    assert response.status_code == 200
    submission = _submissions().get()
    assert submission.sender_name == "Ana Sintética Pérez"
    assert submission.sender_contact == "+58 414 555 0100" and submission.may_contact
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM submissions_publicsubmission")
        raw = " ".join(str(v) for row in cursor.fetchall() for v in row)
    assert "Sintética" not in raw and "555 0100" not in raw and "ZQX-77" not in raw
    assert receipt_of(response).replace("-", "") not in raw
    from expediente_web.audit.models import AuditEntry

    entry = AuditEntry.objects.get(action="receive_submission")
    assert "Sintética" not in str(entry.payload) and "ZQX" not in str(entry.payload)
    assert entry.actor == "(public form)"


def test_language_of_the_account_is_spanish_or_english(public, public_form):
    assert send(public, language="fr").status_code == 400
    assert send(public, language="en").status_code == 200
    assert _submissions().get().language == "en"


@pytest.mark.parametrize("hostile", [HOSTILE, "\x00\x00", " "])
def test_an_empty_or_odd_narrative_is_refused_or_stored_inert(public, public_form, hostile):
    response = send(public, narrative=hostile)
    if hostile.strip("\x00 "):
        assert response.status_code == 200
        assert "<script>alert(1)" not in response.content.decode()
    else:
        assert response.status_code == 400
        assert "What do you want to tell us?" in response.content.decode()
        assert not _submissions().exists()


# -- bots and floods ------------------------------------------------------------------------


def test_the_honeypot_is_refused_without_storing(public, public_form, audit_count):
    before = audit_count()
    response = send(public, website="http://spam.example")
    assert response.status_code == 400
    assert "Leave this field empty" in response.content.decode()
    assert not _submissions().exists() and audit_count() == before


def test_a_form_sent_too_fast_is_refused_without_storing(public, public_form, audit_count):
    before = audit_count()
    response = send(public, token=token(seconds_ago=0))
    assert response.status_code == 400
    assert "too quickly" in response.content.decode()
    assert not _submissions().exists() and audit_count() == before
    # The page offers a new token, and the text the sender wrote, to send again.
    assert "camioneta" in response.content.decode()


@pytest.mark.parametrize("bad", ["", "not-a-token", token(seconds_ago=3 * 24 * 3600)])
def test_a_form_without_a_valid_token_is_refused(public, public_form, bad):
    response = send(public, token=bad)
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert not _submissions().exists()


def test_the_limit_per_address(public, public_form, settings):
    settings.EXPEDIENTE_SUBMISSIONS_PER_ADDRESS_PER_HOUR = 2
    assert send(public).status_code == 200
    assert send(public).status_code == 200
    response = send(public)
    assert response.status_code == 429
    assert "from your connection" in response.content.decode()
    assert _submissions().count() == 2
    # Another address still gets through.
    assert (
        public.post(
            "/submit/testimonios-ve/", submission_data(), REMOTE_ADDR="192.0.2.9"
        ).status_code
        == 200
    )


def test_the_limit_per_case(public, public_form, settings):
    settings.EXPEDIENTE_SUBMISSIONS_PER_CASE_PER_HOUR = 2
    for n in range(2):
        assert (
            public.post(
                "/submit/testimonios-ve/", submission_data(), REMOTE_ADDR=f"192.0.2.{n + 1}"
            ).status_code
            == 200
        )
    response = public.post("/submit/testimonios-ve/", submission_data(), REMOTE_ADDR="192.0.2.50")
    assert response.status_code == 429
    assert "too many submissions" in response.content.decode()
    assert _submissions().count() == 2


def test_addresses_are_never_stored_in_clear(public, public_form):
    public.post("/submit/testimonios-ve/", submission_data(), REMOTE_ADDR="198.51.100.77")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM submissions_submissionattempt")
        raw = " ".join(str(v) for row in cursor.fetchall() for v in row)
    assert raw and "198.51.100.77" not in raw


# -- files ----------------------------------------------------------------------------------


def test_a_file_is_stored_encrypted_and_not_yet_evidence(public, public_form):
    from expediente_web.evidence.models import EvidenceItem
    from expediente_web.evidence.store import path_for

    picture = png()
    data = submission_data(attachments=[_file("foto-lesion.png", picture, "image/png")])
    assert public.post("/submit/testimonios-ve/", data).status_code == 200
    stored = _attachments().get()
    assert stored.media_type == "image/png" and stored.size == len(picture)
    assert stored.filename == "foto-lesion.png"
    assert picture not in path_for(stored.sha256).read_bytes()  # ciphertext on disk
    assert not EvidenceItem.objects.exists()


def test_an_oversized_file_is_refused_naming_the_field(public, public_form, settings):
    settings.EXPEDIENTE_SUBMISSION_MAX_ATTACHMENT_BYTES = 1000
    data = submission_data(attachments=[_file("grande.pdf", pdf(3) + b" " * 2000)])
    response = public.post("/submit/testimonios-ve/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert ">Files</a>: grande.pdf is" in page and "the largest file accepted" in page
    assert not _submissions().exists() and not _attachments().exists()


def test_a_file_of_another_type_is_refused_naming_the_field(public, public_form):
    zipped = b"PK\x03\x04" + b"\x00" * 60
    data = submission_data(attachments=[_file("foto.png", zipped, "image/png")])
    response = public.post("/submit/testimonios-ve/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert ">Files</a>: foto.png is not a file this form accepts" in page
    assert not _submissions().exists()


def test_too_many_files_are_refused(public, public_form, settings):
    settings.EXPEDIENTE_SUBMISSION_MAX_ATTACHMENTS = 1
    files = [_file(f"n{i}.txt", b"nota sintetica %d" % i, "text/plain") for i in range(2)]
    response = public.post("/submit/testimonios-ve/", submission_data(attachments=files))
    assert response.status_code == 400
    assert "at most 1 files" in response.content.decode()
    assert not _submissions().exists()


# -- the receipt code -----------------------------------------------------------------------


def test_the_receipt_adds_to_the_same_submission(public, public_form):
    code = receipt_of(send(public))
    response = public.post(
        "/submit/testimonios-ve/follow-up/",
        {
            "receipt": code.lower().replace("-", " "),
            "text": "Olvidé decir que era de noche.",
            "attachments": [_file("nota.txt", b"Placa parcial: sintetica", "text/plain")],
            "website": "",
            "token": token(),
        },
    )
    assert response.status_code == 200
    assert "your addition was received" in response.content.decode()
    assert "de noche" not in response.content.decode()
    submission = _submissions().get()
    addition = submission.additions.get()
    assert addition.text == "Olvidé decir que era de noche."
    assert submission.attachments.get().addition == addition
    assert _audit("add_to_submission") == 1


def test_a_wrong_receipt_is_refused_without_saying_whether_it_exists(
    public, public_form, case, make_user
):
    from expediente_web.cases.actions import do_create_case
    from expediente_web.submissions.actions import do_set_public_form

    other_owner = make_user("otto_owner")
    other = do_create_case(other_owner, "otro-caso", "Otro caso (sintético)")
    do_set_public_form(other_owner, other, enabled=True, slug="otro", public_title="Otro")
    code_elsewhere = receipt_of(send(public, slug="otro"))
    pages = []
    for wrong in (code_elsewhere, "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF", "nada"):
        response = public.post(
            "/submit/testimonios-ve/follow-up/",
            {"receipt": wrong, "text": "Más", "website": "", "token": token()},
        )
        assert response.status_code == 400
        pages.append(response.content.decode())
    assert all("This receipt code was not recognised" in p for p in pages)
    assert _submissions().get(case=other).additions.count() == 0
    assert _audit("refuse_receipt_code") == 3


def test_guessing_receipts_runs_into_the_limit(public, public_form, settings):
    settings.EXPEDIENTE_SUBMISSIONS_PER_ADDRESS_PER_HOUR = 3
    statuses = [
        public.post(
            "/submit/testimonios-ve/follow-up/",
            {
                "receipt": f"AAAA-BBBB-CCCC-DDDD-EEEE-FFF{c}",
                "text": "x",
                "website": "",
                "token": token(),
            },
        ).status_code
        for c in "ABCD"
    ]
    assert statuses == [400, 400, 400, 429]


def test_a_follow_up_needs_something_to_add(public, public_form):
    code = receipt_of(send(public))
    response = public.post(
        "/submit/testimonios-ve/follow-up/",
        {"receipt": code, "text": "", "website": "", "token": token()},
    )
    assert response.status_code == 400
    assert _submissions().get().additions.count() == 0


def test_the_receipt_survives_an_index_key_rotation_until_the_old_key_is_retired(
    public, public_form, monkeypatch
):
    from expediente_web.protection import cipher
    from expediente_web.submissions import receipts

    code = receipt_of(send(public))
    ring = cipher.current_keyring()
    rotated = ring.with_new_index_key()
    monkeypatch.setattr(receipts, "current_keyring", lambda: rotated)
    assert _submissions().filter(receipt_hash__in=receipts.candidates(code)).exists()
    retired = rotated.without_old_keys()
    monkeypatch.setattr(receipts, "current_keyring", lambda: retired)
    assert not _submissions().filter(receipt_hash__in=receipts.candidates(code)).exists()


def test_the_receipt_page_is_not_stored_by_the_browser(public, public_form):
    response = send(public)
    assert "no-store" in response["Cache-Control"]


def test_files_left_behind_by_a_refused_form_name_no_row(public, public_form, settings):
    # An attachment encrypted before a limit refused the write leaves no row.
    settings.EXPEDIENTE_SUBMISSIONS_PER_CASE_PER_HOUR = 0
    data = submission_data(attachments=[_file("a.pdf", pdf(1))])
    assert public.post("/submit/testimonios-ve/", data).status_code == 429
    assert not _attachments().exists()


def test_control_characters_are_dropped_from_file_names(public_form):
    from expediente_web.submissions.actions import Incoming, do_receive_submission

    picture = png()
    submission, _code = do_receive_submission(
        public_form,
        address="prueba",
        narrative="Relato sintético",
        language="es",
        files=[Incoming(io.BytesIO(picture), "fo\r\nto\x00.png", len(picture), "image/png")],
    )
    assert submission.attachments.get().filename == "foto.png"
