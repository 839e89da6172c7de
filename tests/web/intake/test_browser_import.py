"""Import from the browser: upload, the whole check report, mapping values, the import job.

Every name, number and value here is invented.
"""

from __future__ import annotations

import io
import json

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert(1)</script>"
HOSTILE_ATTR = '"><img src=x onerror=alert(2)>'


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def upload_file(client, case, data: bytes, name: str = "lista.csv", **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    post = {"file": SimpleUploadedFile(name, data, content_type="text/csv"), **fields}
    return client.post(reverse("intake:start", kwargs={"code": case.code}), post)


def run_jobs():
    from expediente_web.jobs.worker import run_pending

    run_pending()


def latest_upload():
    from expediente_web.intake.models import ImportUpload

    return ImportUpload.objects.latest("id")


def page(client, case, upload) -> str:
    response = client.get(reverse("intake:upload", kwargs={"code": case.code, "uid": upload.uid}))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def writer_client(client, documenter):
    client.force_login(documenter)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    return client


BAD_VICTIMS = (
    ["record_id", "full_name", "sex", "birth_date", "state", "Apodo raro"],
    [
        ["V1", "Ana Ficticia", "Femenina", "sometime", "VE-NOPE", "x"],
        ["V2", "", "sex.male", "1990-02-30", "", ""],
        ["V1", "Otra Ficticia", "sex.female", "", "VE-NOPE", ""],
    ],
)


def test_the_report_shows_every_problem_of_every_row_and_column_at_once(
    structured_case, source, writer_client
):
    response = upload_file(
        writer_client, structured_case, csv_bytes(*BAD_VICTIMS), kind="victims", source="SRC-01"
    )
    assert response.status_code == 302
    upload = latest_upload()
    assert upload.status == "checking"
    run_jobs()
    upload.refresh_from_db()
    assert upload.status == "checked"
    report = json.loads(upload.report)
    found = {(row, column, code) for row, column, code, _ in report["problems"]}
    assert found == {
        (1, "Apodo raro", "unknown_column"),
        (2, "sex", "unknown_term"),
        (2, "birth_date", "malformed_date"),
        # a row with bad cells still has its references checked, in the same pass
        (2, "state", "unknown_reference"),
        (3, "full_name", "missing_required"),
        (3, "birth_date", "impossible_date"),
        (4, "record_id", "duplicate_row_id"),
        (4, "state", "unknown_reference"),
    }
    html = page(writer_client, structured_case, upload)
    assert "8 problems in 3 rows" in html
    assert html.count('<td data-label="Row" class="num">') == 8
    assert "Import</button>" not in html  # nothing to import until fixed


def test_unknown_values_are_listed_with_suggestions_in_the_readers_language(
    structured_case, source, writer_client
):
    data = csv_bytes(
        ["record_id", "victim_record_id", "act_type", "date"],
        [
            ["A1", "V2", "Detenido arbitrariamente", "2017-05"],
            ["A2", "V3", "Detenido arbitrariamente", "2017-06"],
        ],
    )
    victims = csv_bytes(
        ["record_id", "full_name"], [["V2", "Luis Ficticio"], ["V3", "Eva Ficticia"]]
    )
    upload_file(writer_client, structured_case, victims, "victims.csv", source="SRC-01")
    run_jobs()
    writer_client.post(
        reverse("intake:run", kwargs={"code": structured_case.code, "uid": latest_upload().uid})
    )
    run_jobs()
    assert latest_upload().status == "imported"

    upload_file(writer_client, structured_case, data, "acts.csv", source="SRC-01")
    run_jobs()
    upload = latest_upload()
    assert upload.kind == "acts"  # detected from the name, as the CLI does
    html = page(writer_client, structured_case, upload)
    assert "Detenido arbitrariamente" in html and ">2</td>" in html
    assert "Arbitrary arrest or detention" in html  # English reader
    writer_client.post(reverse("set_language"), {"language": "es", "next": "/"})
    html = page(writer_client, structured_case, upload)
    assert "Detención arbitraria" in html

    response = writer_client.post(
        reverse("intake:map", kwargs={"code": structured_case.code, "uid": upload.uid}),
        {
            "field-1": "act_type",
            "raw-1": "Detenido arbitrariamente",
            "term-1": "act.detention.arbitrary",
        },
    )
    assert response.status_code == 302
    run_jobs()
    upload.refresh_from_db()
    assert json.loads(upload.report)["problem_count"] == 0
    assert json.loads(upload.values) == {
        "act_type": {"Detenido arbitrariamente": "act.detention.arbitrary"}
    }

    writer_client.post(
        reverse("intake:run", kwargs={"code": structured_case.code, "uid": upload.uid})
    )
    run_jobs()
    from expediente_web.records.models import Act

    assert sorted(Act.objects.values_list("act_type", flat=True)) == [
        "act.detention.arbitrary",
        "act.detention.arbitrary",
    ]


def test_a_mapping_to_a_term_of_another_vocabulary_is_refused(
    structured_case, source, writer_client
):
    data = csv_bytes(["record_id", "full_name", "sex"], [["V1", "Ana Ficticia", "Mujer?"]])
    upload_file(writer_client, structured_case, data, kind="victims", source="SRC-01")
    run_jobs()
    upload = latest_upload()
    response = writer_client.post(
        reverse("intake:map", kwargs={"code": structured_case.code, "uid": upload.uid}),
        {"field-1": "sex", "raw-1": "Mujer?", "term-1": "act.torture"},
        follow=True,
    )
    assert "not a term of" in response.content.decode()
    upload.refresh_from_db()
    assert upload.values == "" and upload.status == "checked"


def test_the_import_job_writes_the_rows_and_the_page_shows_the_result(
    structured_case, source, writer_client
):
    from expediente_web.audit.models import AuditEntry
    from expediente_web.evidence.store import path_for
    from expediente_web.records.models import Person

    data = csv_bytes(
        ["record_id", "full_name", "sex"],
        [["V1", "Ana Ficticia", "sex.female"], ["V2", "Luis Ficticio", "sex.male"]],
    )
    upload_file(writer_client, structured_case, data, kind="victims", source="SRC-01")
    upload = latest_upload()
    # Kept encrypted: neither the stored file nor the database row holds a cell in clear.
    assert b"Ana Ficticia" not in path_for(upload.sha256).read_bytes()
    run_jobs()
    upload.refresh_from_db()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT report FROM intake_importupload WHERE id = %s", [upload.pk])
        (stored,) = cursor.fetchone()
    assert stored and "sex.female" not in stored and "rows" not in stored

    response = writer_client.post(
        reverse("intake:run", kwargs={"code": structured_case.code, "uid": upload.uid})
    )
    assert response.status_code == 302
    upload.refresh_from_db()
    assert upload.status == "importing"
    html = page(writer_client, structured_case, upload)
    assert 'hx-get="/cases/ve-2017/import/' in html and "every 1s" in html
    run_jobs()
    upload.refresh_from_db()
    assert upload.status == "imported" and upload.file_removed
    assert not path_for(upload.sha256).exists()
    assert Person.objects.filter(source__code="SRC-01").count() == 2
    status = writer_client.get(
        reverse("intake:status", kwargs={"code": structured_case.code, "uid": upload.uid})
    )
    assert status["HX-Refresh"] == "true"
    html = page(writer_client, structured_case, upload)
    assert "2 rows were imported." in html
    assert (
        reverse("workspace:source", kwargs={"code": structured_case.code, "source": "SRC-01"})
        in html
    )
    actions = list(
        AuditEntry.objects.filter(object_id=str(upload.uid)).values_list("action", flat=True)
    )
    assert actions == ["receive_import_file", "start_import"]
    assert AuditEntry.objects.filter(action="import_table", actor="dora_documenter").exists()


def test_an_import_that_fails_writes_nothing_and_says_why(
    structured_case, source, writer_client, documenter, tmp_path
):
    from intake_tables import table_counts

    from expediente_web.intake.importer import do_import_table
    from expediente_web.jobs.models import Job
    from expediente_web.records.models import Person

    data = csv_bytes(["record_id", "full_name"], [["V1", "Ana Ficticia"], ["V9", "Otro"]])
    upload_file(writer_client, structured_case, data, kind="victims", source="SRC-01")
    run_jobs()
    upload = latest_upload()
    writer_client.post(
        reverse("intake:run", kwargs={"code": structured_case.code, "uid": upload.uid})
    )
    # Meanwhile, the same row id arrives from the command line: the import must refuse.
    other = tmp_path / "other.csv"
    other.write_bytes(csv_bytes(["record_id", "full_name"], [["V9", "Ya importado"]]))
    do_import_table(structured_case, other, kind="victims", source_code="SRC-01", actor=documenter)
    before = table_counts()
    run_jobs()
    after = table_counts()
    assert after == before  # every table, the audit log included
    assert Person.objects.filter(source_record_id="V1").count() == 0
    job = Job.objects.get(kind="import_file")
    assert job.status == "failed" and "nothing was imported" in job.error
    upload.refresh_from_db()
    assert upload.status == "checked"
    html = page(writer_client, structured_case, upload)
    assert "The import failed and nothing of it was written" in html
    assert "duplicate_row_id" in html


def test_a_new_version_of_a_list_updates_the_changed_rows_from_the_browser(
    structured_case, source, writer_client
):
    from expediente_web.audit.models import AuditEntry
    from expediente_web.records.models import Person

    first = csv_bytes(
        ["record_id", "full_name", "age"],
        [["V1", "Ana Ficticia", "30"], ["V2", "Luis Ficticio", "40"]],
    )
    upload_file(writer_client, structured_case, first, kind="victims", source="SRC-01")
    run_jobs()
    writer_client.post(
        reverse("intake:run", kwargs={"code": structured_case.code, "uid": latest_upload().uid})
    )
    run_jobs()
    second = csv_bytes(
        ["record_id", "full_name", "age"],
        [["V1", "Ana Ficticia", "31"], ["V2", "Luis Ficticio", "40"], ["V3", "Eva Ficticia", ""]],
    )
    upload_file(writer_client, structured_case, second, kind="victims", source="SRC-01")
    run_jobs()
    assert json.loads(latest_upload().report)["problem_count"] == 2  # refused as before
    upload_file(
        writer_client, structured_case, second, kind="victims", source="SRC-01", update="on"
    )
    run_jobs()
    upload = latest_upload()
    assert json.loads(upload.report)["problem_count"] == 0
    writer_client.post(
        reverse("intake:run", kwargs={"code": structured_case.code, "uid": upload.uid})
    )
    run_jobs()
    upload.refresh_from_db()
    assert upload.counts == {"rows": 3, "persons": 1, "persons_updated": 1, "unchanged": 1}
    assert Person.objects.get(source_record_id="V1").age == 31
    (entry,) = AuditEntry.objects.filter(action="update_person")
    assert entry.payload["fields"] == {"age": 31} and entry.payload["before"] == {"age": 30}
    html = page(writer_client, structured_case, upload)
    assert "1 person records updated" in html and "1 rows unchanged" in html


@pytest.mark.parametrize("persona", ["reviewer", "viewer"])
def test_only_writers_may_import(structured_case, source, client, persona, request):
    from expediente_web.intake.models import ImportUpload

    client.force_login(request.getfixturevalue(persona))
    url = reverse("intake:start", kwargs={"code": structured_case.code})
    assert client.get(url).status_code == 403
    response = upload_file(
        client,
        structured_case,
        csv_bytes(["record_id", "full_name"], [["V1", "Ana"]]),
        kind="victims",
        source="SRC-01",
    )
    assert response.status_code == 403
    assert not ImportUpload.objects.exists()
    case_page = client.get(reverse("case-records", kwargs={"code": structured_case.code}))
    assert url not in case_page.content.decode()


def test_someone_outside_the_case_does_not_learn_it_exists(
    structured_case, source, client, outsider
):
    client.force_login(outsider)
    url = reverse("intake:start", kwargs={"code": structured_case.code})
    assert client.get(url).status_code == 404


def test_the_import_page_is_linked_from_the_case_page_for_writers(structured_case, writer_client):
    html = writer_client.get(
        reverse("case-records", kwargs={"code": structured_case.code})
    ).content.decode()
    assert reverse("intake:start", kwargs={"code": structured_case.code}) in html


def test_hostile_strings_in_cells_are_inert_on_the_report_page(
    structured_case, source, writer_client
):
    data = csv_bytes(
        ["record_id", "full_name", "sex", HOSTILE_ATTR],
        [["V1", "Ana Ficticia", HOSTILE, "x"], ["V2", HOSTILE, HOSTILE_ATTR, ""]],
    )
    upload_file(
        writer_client, structured_case, data, "<b>lista</b>.csv", kind="victims", source="SRC-01"
    )
    run_jobs()
    html = page(writer_client, structured_case, latest_upload())
    assert "<script>alert(1)</script>" not in html
    assert "<img src=x" not in html
    assert "<b>lista</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_file_over_the_size_limit_is_refused_with_a_clear_message(
    structured_case, source, writer_client, settings
):
    from expediente_web.intake.models import ImportUpload

    settings.EXPEDIENTE_MAX_UPLOAD_BYTES = 1024 * 1024
    data = csv_bytes(
        ["record_id", "full_name"], [[f"V{i}", "Ana Ficticia " * 20] for i in range(5000)]
    )
    response = upload_file(writer_client, structured_case, data, kind="victims", source="SRC-01")
    assert response.status_code == 400
    assert "the largest file accepted is 1 MB" in response.content.decode()
    assert not ImportUpload.objects.exists()


def test_a_file_type_the_import_does_not_read_is_refused(structured_case, source, writer_client):
    response = upload_file(
        writer_client, structured_case, b"%PDF-1.4", "lista.pdf", kind="victims", source="SRC-01"
    )
    assert response.status_code == 400
    assert "CSV, XLSX, JSON, JSON Lines or Parquet" in response.content.decode()


def test_a_discarded_upload_leaves_no_file(structured_case, source, writer_client):
    from expediente_web.evidence.store import path_for

    upload_file(
        writer_client,
        structured_case,
        csv_bytes(["record_id", "full_name"], [["V1", "Ana"]]),
        kind="victims",
        source="SRC-01",
    )
    run_jobs()
    upload = latest_upload()
    assert path_for(upload.sha256).exists()
    response = writer_client.post(
        reverse("intake:discard", kwargs={"code": structured_case.code, "uid": upload.uid})
    )
    assert response.status_code == 302
    upload.refresh_from_db()
    assert upload.status == "discarded" and not path_for(upload.sha256).exists()
    again = writer_client.post(
        reverse("intake:run", kwargs={"code": structured_case.code, "uid": upload.uid}), follow=True
    )
    assert "no longer kept" in again.content.decode()


def test_a_row_with_a_bad_cell_reports_its_reference_problem_in_the_same_pass(
    structured_case, source, tmp_path
):
    from expediente_web.intake.importer import ImportRefused, do_import_table

    path = tmp_path / "acts.csv"
    path.write_bytes(
        csv_bytes(
            ["record_id", "victim_record_id", "act_type", "date"],
            [["A1", "V-NOPE", "act.nonsense", "2017-05"]],
        )
    )
    with pytest.raises(ImportRefused) as refused:
        do_import_table(structured_case, path, kind="acts", source_code="SRC-01")
    found = {(p.column, str(p.code)) for p in refused.value.outcome.checks[0].problems}
    assert found == {("act_type", "unknown_term"), ("victim_record_id", "unknown_reference")}


def test_the_import_pages_make_a_bounded_number_of_queries(structured_case, source, writer_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from expediente_web.intake.models import ImportUpload

    problems = [[row, "sex", "unknown_term", f"'x{row}' is not a term"] for row in range(2, 400)]
    report = {
        "kind": "victims",
        "rows": 398,
        "problem_count": len(problems),
        "problems": problems,
        "unmapped": [
            {
                "column": "sex",
                "field": "sex",
                "vocabulary": "sex",
                "values": [[f"x{row}", 1] for row in range(2, 40)],
            }
        ],
    }
    for i in range(30):
        ImportUpload.objects.create(
            case=structured_case,
            actor="dora_documenter",
            filename=f"lista-{i}.csv",
            suffix=".csv",
            sha256=f"{i:064x}",
            kind="victims",
            kind_chosen=True,
            source_code="SRC-01",
            status=ImportUpload.CHECKED,
            report=json.dumps(report),
        )
    upload = ImportUpload.objects.latest("id")
    for address, bound in (
        (reverse("intake:start", kwargs={"code": structured_case.code}), 16),
        (reverse("intake:upload", kwargs={"code": structured_case.code, "uid": upload.uid}), 14),
        (reverse("intake:status", kwargs={"code": structured_case.code, "uid": upload.uid}), 14),
    ):
        writer_client.get(address)
        with CaptureQueriesContext(connection) as queries:
            response = writer_client.get(address)
        assert response.status_code == 200
        assert len(queries) <= bound, (address, len(queries))


def test_a_check_that_stops_says_so_and_the_upload_can_be_discarded(
    structured_case, source, writer_client
):
    from expediente_web.evidence.store import path_for

    upload_file(
        writer_client,
        structured_case,
        csv_bytes(["record_id", "full_name"], [["V1", "Ana"]]),
        kind="victims",
        source="SRC-01",
    )
    upload = latest_upload()
    path_for(upload.sha256).unlink()  # the stored file is gone: the job cannot read it
    run_jobs()
    upload.refresh_from_db()
    assert upload.status == "checking" and upload.check_job.status == "failed"
    html = page(writer_client, structured_case, upload)
    assert "stopped and nothing of it was written" in html and "every 1s" not in html
    response = writer_client.post(
        reverse("intake:discard", kwargs={"code": structured_case.code, "uid": upload.uid})
    )
    assert response.status_code == 302
    upload.refresh_from_db()
    assert upload.status == "discarded"


def test_the_upload_waits_in_the_data_directory_and_leaves_nothing_there(
    structured_case, source, writer_client, monkeypatch, settings
):
    import tempfile
    from pathlib import Path

    from expediente_web.intake import upload_handler

    spooled = []
    real = tempfile.NamedTemporaryFile

    def spy(*args, **kwargs):
        handle = real(*args, **kwargs)
        spooled.append(Path(handle.name))
        return handle

    monkeypatch.setattr(upload_handler.tempfile, "NamedTemporaryFile", spy)
    upload_file(
        writer_client,
        structured_case,
        csv_bytes(["record_id", "full_name"], [["V1", "Ana Ficticia"]]),
        kind="victims",
        source="SRC-01",
    )
    work = Path(settings.DATA_DIR) / "intake-work"
    assert [p.parent for p in spooled] == [work]
    assert work.stat().st_mode & 0o077 == 0
    run_jobs()
    assert list(work.iterdir()) == []  # neither the spooled upload nor the job's copy


@pytest.mark.parametrize(
    ("vocabulary", "raw", "expected"),
    [
        ("act_types", "DETENCION ARBITRARIA!", "act.detention.arbitrary"),  # case, accents
        ("act_types", "tortúra", "act.torture"),
        ("methods", "golpes", "method.beating"),
        ("sex", "femenina", "sex.female"),
        ("act_types", "arbitrary", "act.detention.arbitrary"),  # part of the id
    ],
)
def test_suggestions_ignore_case_and_accents(vocabulary, raw, expected):
    from expediente_web.intake.suggestions import suggest

    assert suggest(vocabulary, raw, "es")[0].term_id == expected


def test_suggestions_are_labelled_in_the_readers_language():
    from expediente_web.intake.suggestions import suggest

    assert suggest("act_types", "tortura", "es")[0].label == "Tortura"
    assert suggest("act_types", "tortura", "en")[0].label == "Torture"
    assert suggest("act_types", "zzzz qqqq") == []
