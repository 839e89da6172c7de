"""Triage of public submissions: the case's owners and documenters read them (each reading is
recorded), accept one into the case as a testimony cited to the public-form source, or reject it
with a reason; nobody else reaches them. All data is synthetic."""

from __future__ import annotations

import pytest

from support.synthetic_files import png

from .sending import receipt_of, send, submission_data, token

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


def _file(name: str, content: bytes, content_type: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def submission(public, public_form):
    data = submission_data(
        narrative=f"Me retuvieron tres días en un sótano. {HOSTILE}",
        sender_name=f"Testigo Sintético {HOSTILE}",
        sender_contact="+58 412 555 0111",
        may_contact="on",
        attachments=[_file("lesion.png", png(), "image/png")],
    )
    code = receipt_of(public.post("/submit/testimonios-ve/", data))
    public.post(
        "/submit/testimonios-ve/follow-up/",
        {"receipt": code, "text": "Recordé que era un martes.", "website": "", "token": token()},
    )
    from expediente_web.submissions.models import PublicSubmission

    return PublicSubmission.objects.get()


def _url(case, submission=None, tail: str = "") -> str:
    base = f"/cases/{case.code}/submissions/"
    return base + (f"{submission.uid}/" if submission else "") + tail


def test_a_documenter_lists_submissions_without_decrypting(client, case, documenter, submission):
    client.force_login(documenter)
    response = client.get(_url(case), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert str(submission.uid) in page and "named" in page
    assert "sótano" not in page and "Sintético" not in page


def test_reading_a_submission_is_recorded_and_renders_hostile_text_inert(
    client, case, documenter, submission
):
    from expediente_web.audit.models import AuditEntry

    client.force_login(documenter)
    response = client.get(_url(case, submission), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert "sótano" in page and "Recordé que era un martes." in page and "lesion.png" in page
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page
    entry = AuditEntry.objects.get(action="view_identities", object_id="submissions:detail")
    assert entry.actor == documenter.username
    assert entry.payload["persons"] == [str(submission.uid)]
    assert {"narrative", "sender_name", "sender_contact"} <= set(entry.payload["fields"])


def test_accepting_makes_a_testimony_with_its_source_and_evidence(
    client, case, documenter, submission
):
    from expediente_web.audit.models import AuditEntry
    from expediente_web.evidence.models import EvidenceItem
    from expediente_web.records.models import Testimony

    client.force_login(documenter)
    response = client.post(
        _url(case, submission, "accept/"),
        {"consent_scopes": ["consent.future_contact"], "notes": "Verificar"},
    )
    assert response.status_code == 302
    testimony = Testimony.objects.get()
    assert response["Location"] == f"/cases/{case.code}/testimonies/{testimony.uid}/"
    assert testimony.narrative.startswith("Me retuvieron tres días en un sótano.")
    assert "Recordé que era un martes." in testimony.narrative
    assert testimony.witness_name.startswith("Testigo Sintético")
    assert testimony.witness_contact == "+58 412 555 0111"
    assert testimony.language == "es" and testimony.consent_scopes == ["consent.future_contact"]
    assert testimony.source.kind == "source.public_submission"
    assert testimony.source.code == "public-form"
    assert testimony.source_record_id == str(submission.uid)
    item = EvidenceItem.objects.get()
    assert item.source == testimony.source and item.kind == "evidence.photo"
    assert item.filename == "lesion.png" and item.media_type == "image/png"
    submission.refresh_from_db()
    assert submission.status == "accepted" and submission.testimony == testimony
    assert submission.decided_by == documenter
    actions = set(
        AuditEntry.objects.filter(actor=documenter.username).values_list("action", flat=True)
    )
    assert {"create_source", "create_testimony", "store_evidence", "accept_submission"} <= actions
    entry = AuditEntry.objects.get(action="accept_submission")
    assert entry.payload["evidence_items"] == [str(item.uid)]
    # A second decision is refused.
    again = client.post(_url(case, submission, "accept/"), {}, HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 400 and "already accepted" in again.content.decode()
    assert Testimony.objects.count() == 1


def test_a_second_accepted_submission_cites_the_same_source(
    client, case, documenter, public, submission
):
    from expediente_web.cases.models import Source

    client.force_login(documenter)
    client.post(_url(case, submission, "accept/"), {})
    receipt_of(send(public, narrative="Otro relato sintético."))
    from expediente_web.submissions.models import PublicSubmission

    second = PublicSubmission.objects.get(status="new")
    assert client.post(_url(case, second, "accept/"), {}).status_code == 302
    assert Source.objects.filter(case=case, kind="source.public_submission").count() == 1


def test_rejecting_needs_a_reason(client, case, documenter, submission, audit_count):
    client.force_login(documenter)
    before = audit_count()
    refused = client.post(
        _url(case, submission, "reject/"), {"reason": "  "}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert refused.status_code == 400
    assert "This field is required" in refused.content.decode()
    submission.refresh_from_db()
    assert submission.status == "new"
    assert audit_count() == before + 1  # the page view shown again, nothing else
    done = client.post(_url(case, submission, "reject/"), {"reason": "Duplicado de T-12"})
    assert done.status_code == 302
    submission.refresh_from_db()
    assert submission.status == "rejected" and submission.reject_reason == "Duplicado de T-12"
    from expediente_web.audit.models import AuditEntry
    from expediente_web.records.models import Testimony

    assert AuditEntry.objects.filter(action="reject_submission").count() == 1
    assert not Testimony.objects.exists()


def test_a_rejected_reason_of_hostile_text_renders_inert(client, case, documenter, submission):
    client.force_login(documenter)
    client.post(_url(case, submission, "reject/"), {"reason": HOSTILE})
    page = client.get(_url(case, submission)).content.decode()
    assert "<script>alert(1)" not in page


def test_an_attachment_downloads_and_never_runs(client, case, documenter, submission):
    from expediente_web.audit.models import AuditEntry

    client.force_login(documenter)
    attachment = submission.attachments.get()
    response = client.get(_url(case, submission, f"files/{attachment.uid}/"))
    assert response.status_code == 200
    assert response.content == png()
    assert response["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in response["Content-Security-Policy"]
    assert AuditEntry.objects.filter(object_id="submissions:attachment").count() == 1


@pytest.mark.parametrize("role", ["role.partner", "role.analyst", "role.viewer", "role.reviewer"])
def test_other_roles_cannot_reach_triage(client, case, owner, make_user, submission, role):
    import datetime as dt

    from django.utils import timezone

    from expediente_web.cases.actions import do_set_membership

    user = make_user("otra_persona")
    until = timezone.now() + dt.timedelta(days=5) if role == "role.partner" else None
    do_set_membership(owner, case, user, role, expires_at=until)
    client.force_login(user)
    for address in (_url(case), _url(case, submission)):
        assert client.get(address).status_code == 403
    assert client.post(_url(case, submission, "accept/"), {}).status_code == 403
    assert client.post(_url(case, submission, "reject/"), {"reason": "x"}).status_code == 403
    submission.refresh_from_db()
    assert submission.status == "new"


def test_a_member_of_another_case_and_an_anonymous_visitor_cannot_reach_triage(
    client, case, outsider, submission
):
    from django.test import Client

    from expediente_web.cases.actions import do_create_case

    do_create_case(outsider, "caso-ajeno", "Caso ajeno (sintético)")
    client.force_login(outsider)
    assert client.get(_url(case)).status_code == 404
    assert client.get(_url(case, submission)).status_code == 404
    anonymous = Client()
    response = anonymous.get(_url(case, submission))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert anonymous.post(_url(case, submission, "accept/"), {}).status_code == 302
    submission.refresh_from_db()
    assert submission.status == "new"


def test_a_submission_of_another_case_is_not_found(client, case, documenter, make_user, public):
    from expediente_web.cases.actions import do_create_case
    from expediente_web.submissions.actions import do_set_public_form
    from expediente_web.submissions.models import PublicSubmission

    boss = make_user("otra_duena")
    other = do_create_case(boss, "otro", "Otro (sintético)")
    do_set_public_form(boss, other, enabled=True, slug="otro", public_title="Otro")
    send(public, slug="otro")
    theirs = PublicSubmission.objects.get(case=other)
    client.force_login(documenter)
    assert client.get(_url(case, theirs)).status_code == 404


# -- the setting ------------------------------------------------------------------------------


def test_only_an_owner_opens_the_form(client, case, owner, documenter):
    from expediente_web.cases.access import NotPermitted
    from expediente_web.submissions.actions import do_set_public_form

    with pytest.raises(NotPermitted):
        do_set_public_form(documenter, case, enabled=True, slug="x", public_title="X")
    client.force_login(owner)
    response = client.post(
        f"/cases/{case.code}/submissions/settings/",
        {"enabled": "on", "slug": "relatos", "public_title": "Relatos"},
    )
    assert response.status_code == 302
    assert client.get("/submit/relatos/").status_code == 200
    from expediente_web.audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="set_public_form").count() == 1
    team = client.get(f"/cases/{case.code}/team/").content.decode()
    assert "/submit/relatos/" in team


def test_an_address_taken_by_another_case_is_refused(client, case, owner, make_user):
    from expediente_web.cases.actions import do_create_case
    from expediente_web.cases.validation import InvalidInput
    from expediente_web.submissions.actions import do_set_public_form

    boss = make_user("otra_duena")
    other = do_create_case(boss, "otro", "Otro (sintético)")
    do_set_public_form(boss, other, enabled=True, slug="relatos", public_title="Otro")
    with pytest.raises(InvalidInput) as refused:
        do_set_public_form(owner, case, enabled=True, slug="relatos", public_title="Mío")
    assert refused.value.field == "slug"
    client.force_login(owner)
    response = client.post(
        f"/cases/{case.code}/submissions/settings/",
        {"enabled": "on", "slug": "Not a slug!", "public_title": "x"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
