"""The case's reports page: an owner or an analyst picks an edition, a format and a language,
the report is made as a background job whose card polls its progress, and the signed result is
downloaded; other members are refused; hostile strings in the record stay inert in the page and
in the report; the editions offered are the case's."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from support.workspace_data import HOSTILE, build_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(case):
    return build_record(case, many=12, hostile=True)


def _protected(record):
    from expediente_web.records.models import Person, Testimony
    from expediente_web.workspace.identities import PERSON_FIELDS

    values = set()
    for person in Person.objects.filter(case=record.case):
        values |= {getattr(person, f) for f in PERSON_FIELDS}
    for t in Testimony.objects.filter(case=record.case):
        values |= {t.witness_name, t.witness_contact}
    return {v for v in values if v and len(v) >= 4}


def test_the_page_offers_the_case_editions_and_refuses_other_members(
    case, record, analyst, reviewer, owner, as_user
):
    from expediente_web.reports.actions import do_set_report_editions

    page = as_user(analyst).get(f"/cases/{case.code}/reports/")
    assert page.status_code == 200
    html = page.content.decode()
    for edition in ("public", "otp", "oas", "iachr", "confidential"):
        assert f'value="{edition}"' in html
    assert "<script>window.__pwned" not in html
    do_set_report_editions(owner, case, ["confidential"])
    html = as_user(analyst).get(f"/cases/{case.code}/reports/").content.decode()
    assert 'value="confidential"' in html and 'value="public"' not in html
    assert as_user(reviewer).get(f"/cases/{case.code}/reports/").status_code == 403
    started = as_user(reviewer).post(
        f"/cases/{case.code}/reports/start/",
        {"edition": "confidential", "format": "html", "lang": "es"},
    )
    assert started.status_code == 403


def test_a_report_runs_as_a_job_and_its_signed_folder_downloads(
    case, record, analyst, as_user, tmp_path, settings
):
    from expediente.legal.manifest import verify_release
    from expediente_web.jobs.models import Job
    from expediente_web.jobs.worker import run_pending

    # A data directory of its own: other tests' reports of a case with the same code are kept
    # in the test process's shared one.
    settings.DATA_DIR = tmp_path / "data"

    web = as_user(analyst)
    answer = web.post(
        f"/cases/{case.code}/reports/start/", {"edition": "public", "format": "site", "lang": "es"}
    )
    assert answer.status_code == 302
    job = Job.objects.get(case=case, kind="report_edition")
    card = web.get(f"/cases/{case.code}/reports/{job.uid}/").content.decode()
    assert f'hx-get="/cases/{case.code}/reports/{job.uid}/"' in card

    run_pending()
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    assert set(job.result) == {"report", "edition", "format", "lang", "files", "key"}
    card = web.get(f"/cases/{case.code}/reports/{job.uid}/").content.decode()
    assert "hx-get" not in card and job.result["key"] in card
    download = web.get(f"/cases/{case.code}/reports/{job.uid}/download/zip/")
    assert download.status_code == 200
    body = download.content
    # the data directory keeps only the sealed zip: nothing of the report in clear
    kept = [p for p in (Path(settings.DATA_DIR) / "reports").rglob("*") if p.is_file()]
    assert [p.suffix for p in kept] == [".sealed"]
    assert b"report" not in kept[0].read_bytes().lower() and b"<html" not in kept[0].read_bytes()
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        archive.extractall(tmp_path)
        text = "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
    folder = tmp_path / f"{case.code}-public"
    assert verify_release(folder).ok
    assert (folder / "index.html").is_file()
    assert sorted(v for v in _protected(record) if v in text) == []
    assert HOSTILE not in text and "<script>window.__pwned" not in text
    # a PDF is not there to download for a site
    assert web.get(f"/cases/{case.code}/reports/{job.uid}/download/pdf/").status_code == 404


def test_a_pdf_report_downloads_as_a_pdf(case, record, owner, as_user):
    from expediente_web.jobs.models import Job
    from expediente_web.jobs.worker import run_pending

    web = as_user(owner)
    web.post(
        f"/cases/{case.code}/reports/start/",
        {"edition": "confidential", "format": "pdf", "lang": "en"},
    )
    run_pending()
    job = Job.objects.get(case=case, kind="report_edition")
    assert job.status == "succeeded", job.error
    pdf = web.get(f"/cases/{case.code}/reports/{job.uid}/download/pdf/")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")


def test_a_bad_choice_is_refused_with_a_message_and_queues_nothing(
    case, record, analyst, as_user
):
    from expediente_web.jobs.models import Job

    web = as_user(analyst)
    answer = web.post(
        f"/cases/{case.code}/reports/start/",
        {"edition": "nato", "format": "docx", "lang": "fr"},
        follow=True,
    )
    assert answer.status_code == 200
    assert not Job.objects.filter(kind="report_edition").exists()
    assert 'role="alert"' in answer.content.decode() or "error" in answer.content.decode()


def test_the_page_makes_a_bounded_number_of_queries(case, record, analyst, as_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from expediente_web.jobs.actions import do_enqueue_job

    for _ in range(12):  # more than the page shows
        do_enqueue_job(analyst, case, "report_edition", {"edition": "public", "format": "html"})
    web = as_user(analyst)
    web.get(f"/cases/{case.code}/reports/")
    with CaptureQueriesContext(connection) as queries:
        assert web.get(f"/cases/{case.code}/reports/").status_code == 200
    assert len(queries) <= 16, "\n".join(q["sql"][:160] for q in queries)


def test_the_owner_chooses_the_editions_on_the_page(case, record, owner, analyst, as_user):
    from expediente_web.reports.access import access_case_editions

    page = as_user(owner).get(f"/cases/{case.code}/reports/").content.decode()
    assert page.count('name="editions"') == 5 and page.count(" checked") == 5
    answer = as_user(owner).post(
        f"/cases/{case.code}/reports/editions/", {"editions": ["otp", "public"]}
    )
    assert answer.status_code == 302
    assert [e.id for e in access_case_editions(owner, case)] == ["public", "otp"]
    refused = as_user(owner).post(f"/cases/{case.code}/reports/editions/", {}, follow=True)
    assert [e.id for e in access_case_editions(owner, case)] == ["public", "otp"]
    assert "at least one edition" in refused.content.decode() or "al menos" in (
        refused.content.decode()
    )
    assert (
        'name="editions"'
        not in as_user(analyst).get(f"/cases/{case.code}/reports/").content.decode()
    )
    assert (
        as_user(analyst)
        .post(f"/cases/{case.code}/reports/editions/", {"editions": ["public"]})
        .status_code
        == 403
    )
