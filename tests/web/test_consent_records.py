"""A testimony's consent history: grants and withdrawals recorded by audited services, the
scopes in force derived from them into `Testimony.consent_scopes`, and every reader that
enforces consent (pages, exports, reports) honouring a withdrawal at once."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from expediente_web.audit.models import AuditEntry
from expediente_web.cases.access import NotPermitted
from expediente_web.cases.validation import InvalidInput
from expediente_web.records import models as records_models
from expediente_web.records.consent_records import (
    do_record_consent,
    do_withdraw_consent,
    effective_scopes,
)
from expediente_web.records.models import ConsentRecord

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
ICC = "consent.share_icc"
PARTNERS = "consent.share_partner_ngos"
INTERVIEW = "consent.interview"
TODAY = dt.date.today()


def _grant(documenter, testimony, scopes, on=None, **extra):
    return do_record_consent(documenter, testimony, scopes, on=on or TODAY, **extra)


def test_a_grant_replaces_the_scopes_in_force_with_one_entry(documenter, testimony, audit_count):
    before = audit_count()
    record = _grant(
        documenter,
        testimony,
        [INTERVIEW, ICC],
        on=TODAY - dt.timedelta(days=3),
        taken_by_name="Entrevistadora Uno",
        information_sheet="v2.1",
        interpreter="Intérprete ficticio",
    )
    assert audit_count() == before + 1
    testimony.refresh_from_db()
    assert testimony.consent_scopes == [INTERVIEW, ICC]
    assert record.taken_by == documenter and record.information_sheet == "v2.1"
    entry = AuditEntry.objects.latest("seq")
    assert entry.action == "record_consent" and entry.object_id == str(testimony.uid)
    assert entry.payload["consent_scopes"] == {"before": [INTERVIEW], "after": [INTERVIEW, ICC]}


def test_a_withdrawal_removes_its_scopes_and_keeps_its_reason_encrypted(
    documenter, testimony, audit_count
):
    _grant(documenter, testimony, [INTERVIEW, ICC, PARTNERS], on=TODAY - dt.timedelta(days=9))
    before = audit_count()
    record = do_withdraw_consent(
        documenter,
        testimony,
        [ICC],
        on=TODAY,
        reason="Tengo miedo de represalias",
        taken_by_name="Dora",
    )
    assert audit_count() == before + 1
    testimony.refresh_from_db()
    assert testimony.consent_scopes == [INTERVIEW, PARTNERS]
    entry = AuditEntry.objects.latest("seq")
    assert entry.action == "withdraw_consent"
    assert "represalias" not in str(entry.payload)
    assert entry.payload["reason_length"] == len("Tengo miedo de represalias")
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM records_consentrecord WHERE id = %s", [record.pk])
        (raw,) = cursor.fetchone()
    assert "represalias" not in raw and raw
    assert ConsentRecord.objects.get(pk=record.pk).reason == "Tengo miedo de represalias"


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda d, t: do_withdraw_consent(d, t, [ICC], on=TODAY), "scopes"),  # never granted
        (lambda d, t: do_withdraw_consent(d, t, [], on=TODAY), "scopes"),
        (lambda d, t: _grant(d, t, []), "scopes"),
        (lambda d, t: _grant(d, t, ["consent.nothing"]), "scopes"),
        (lambda d, t: _grant(d, t, [ICC], on=TODAY + dt.timedelta(days=2)), "on"),
        (lambda d, t: _grant(d, t, [ICC], on="2017-02-30"), "on"),
        (lambda d, t: do_withdraw_consent(d, t, [INTERVIEW], on="mañana"), "on"),
        (lambda d, t: _grant(d, t, [ICC], information_sheet="x" * 101), "information_sheet"),
    ],
)
def test_bad_input_is_refused_at_its_field_and_changes_nothing(
    documenter, testimony, audit_count, call, field
):
    before = (audit_count(), ConsentRecord.objects.count())
    with pytest.raises(InvalidInput) as refused:
        call(documenter, testimony)
    assert refused.value.field == field
    assert (audit_count(), ConsentRecord.objects.count()) == before
    testimony.refresh_from_db()
    assert testimony.consent_scopes == [INTERVIEW]


def test_a_consent_form_entered_late_still_takes_effect(documenter, testimony):
    # The testimony was entered with its scopes; the form signed at the interview, days
    # before, is recorded afterwards: records take effect in the order they are recorded.
    _grant(documenter, testimony, [INTERVIEW, ICC], on=TODAY - dt.timedelta(days=20))
    testimony.refresh_from_db()
    assert testimony.consent_scopes == [INTERVIEW, ICC]


def test_roles_that_do_not_write_are_refused(reviewer, viewer, partner, testimony):
    for user in (reviewer, viewer, partner):
        with pytest.raises(NotPermitted):
            _grant(user, testimony, [ICC])
        with pytest.raises(NotPermitted):
            do_withdraw_consent(user, testimony, [INTERVIEW], on=TODAY)
    assert ConsentRecord.objects.filter(origin="form").count() == 0


def test_effective_scopes_are_the_latest_grant_minus_later_withdrawals():
    def rec(pk, kind, scopes, on):
        return ConsentRecord(pk=pk, kind=kind, scopes=scopes, on=on)

    day = dt.date(2020, 1, 1)
    history = [
        rec(3, "withdrawal", [ICC], day + dt.timedelta(days=2)),
        rec(1, "grant", [INTERVIEW], None),
        rec(2, "grant", [INTERVIEW, ICC, PARTNERS], day),
        rec(4, "withdrawal", [PARTNERS], day - dt.timedelta(days=30)),  # recorded last
    ]
    assert effective_scopes(history) == [INTERVIEW]
    history.append(rec(5, "grant", [ICC], day - dt.timedelta(days=300)))
    assert effective_scopes(history) == [ICC]
    assert effective_scopes([]) == []


def test_scopes_given_with_a_testimony_are_a_grant_in_its_history(documenter, testimony):
    from expediente_web.records.actions import do_update_testimony

    (first,) = ConsentRecord.objects.filter(testimony=testimony)
    assert (first.kind, first.origin, first.scopes) == ("grant", "testimony", [INTERVIEW])
    do_update_testimony(documenter, testimony, consent_scopes=[INTERVIEW, ICC])
    latest = ConsentRecord.objects.filter(testimony=testimony).latest("id")
    assert latest.scopes == [INTERVIEW, ICC] and latest.origin == "testimony"
    do_update_testimony(documenter, testimony, notes="sin cambio de consentimiento")
    assert ConsentRecord.objects.filter(testimony=testimony).count() == 2


def test_the_migration_records_the_scopes_held_before_consent_records(case, source):
    from django.apps import apps

    migration = importlib.import_module("expediente_web.records.migrations.0004_consent_records")
    made = records_models.Testimony.objects.create
    held = made(
        case=case,
        narrative="Relato anterior.",
        language="es",
        consent_scopes=[INTERVIEW, ICC],
        source=source,
    )
    none = made(case=case, narrative="Sin consentimiento.", language="es", source=source)
    migration.record_scopes_held_before(apps, None)
    (record,) = ConsentRecord.objects.filter(testimony=held)
    assert (record.origin, record.kind, record.scopes, record.on) == (
        "before_records",
        "grant",
        [INTERVIEW, ICC],
        None,
    )
    assert not ConsentRecord.objects.filter(testimony=none).exists()


# -- every reader honours a withdrawal --------------------------------------------------------


def test_a_withdrawal_takes_the_testimony_out_of_an_export_for_its_recipient(
    analyst, testimony, tmp_path
):
    from expediente_web.intake.exporter import do_export_case

    _grant(analyst, testimony, [INTERVIEW, ICC], on=TODAY - dt.timedelta(days=2))
    words = testimony.narrative.encode()

    def exported(name):
        out = tmp_path / name
        do_export_case(testimony.case, out, recipient="icc", actor=analyst)
        return b"".join(p.read_bytes() for p in out.rglob("*") if p.is_file())

    assert words in exported("before")
    do_withdraw_consent(analyst, testimony, [ICC], on=TODAY)
    assert words not in exported("after")


def test_a_withdrawal_takes_the_testimony_out_of_the_matching_report_edition(analyst, testimony):
    from expediente_web.records.actions import do_create_testimony
    from expediente_web.reports.assembly import assemble

    case = testimony.case
    _grant(analyst, testimony, [INTERVIEW, ICC], on=TODAY - dt.timedelta(days=2))
    for n in range(5):  # enough testimonies that the edition shows their count
        do_create_testimony(
            analyst, case, f"Relato ficticio {n}.", "es", consent_scopes=[INTERVIEW, ICC]
        )
    before = assemble(analyst, case, "otp").testimonies
    assert (before.considered, before.included.value) == (6, 6)
    do_withdraw_consent(analyst, testimony, [ICC], on=TODAY)
    after = assemble(analyst, case, "otp").testimonies
    assert (after.considered, after.included.value) == (6, 5)
    # The team's own edition still holds it.
    assert assemble(analyst, case, "confidential").testimonies.included.value == 6


def test_a_partner_loses_the_words_when_sharing_is_withdrawn(
    documenter, partner, testimony, as_user
):
    _grant(documenter, testimony, [INTERVIEW, PARTNERS], on=TODAY - dt.timedelta(days=1))
    url = reverse("workspace:testimony", args=[testimony.case.code, testimony.uid])
    assert "celda bajo tierra" in as_user(partner).get(url).content.decode()
    do_withdraw_consent(documenter, testimony, [PARTNERS], on=TODAY)
    assert "celda bajo tierra" not in as_user(partner).get(url).content.decode()


# -- the testimony's page ---------------------------------------------------------------------


def _urls(testimony):
    args = [testimony.case.code, testimony.uid]
    return (
        reverse("workspace:testimony", args=args),
        reverse("workspace:testimony-consent", args=args),
        reverse("workspace:testimony-consent-withdraw", args=args),
    )


def test_the_page_records_and_withdraws_consent(documenter, testimony, as_user):
    page, grant, withdraw = _urls(testimony)
    client = as_user(documenter)
    response = client.post(
        grant,
        {
            "scopes": [INTERVIEW, ICC],
            "on": TODAY.isoformat(),
            "taken_by_me": "on",
            "taken_by_name": HOSTILE,
            "information_sheet": "v3",
            "interpreter": "",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("#consent")
    text = client.get(page).content.decode()
    assert 'id="consent"' in text and "v3" in text
    assert "<script>alert(1)" not in text and "&lt;script&gt;alert(1)" in text
    response = client.post(withdraw, {"scopes": [ICC], "on": TODAY.isoformat(), "reason": HOSTILE})
    assert response.status_code == 302
    testimony.refresh_from_db()
    assert testimony.consent_scopes == [INTERVIEW, ICC][:1]
    text = client.get(page).content.decode()
    assert "<img src=x" not in text
    # The reason is the witness's words: its view is recorded like any protected field's.
    entry = AuditEntry.objects.filter(action="view_identities").latest("seq")
    assert "consent_reason" in entry.payload["fields"]


def test_the_page_refuses_bad_input_at_its_field(documenter, testimony, as_user):
    _, grant, withdraw = _urls(testimony)
    client = as_user(documenter)
    writes = AuditEntry.objects.exclude(action="view_identities").count
    before = writes()
    response = client.post(withdraw, {"scopes": [ICC], "on": TODAY.isoformat()})
    assert response.status_code == 400
    assert 'id="withdraw-scopes_errors"' in response.content.decode()
    response = client.post(grant, {"scopes": [ICC], "on": "2017-02-30"})
    assert response.status_code == 400 and "grant-on_errors" in response.content.decode()
    assert writes() == before
    testimony.refresh_from_db()
    assert testimony.consent_scopes == [INTERVIEW]


def test_readers_see_the_history_without_the_forms_or_the_reason(
    documenter, viewer, testimony, as_user
):
    do_withdraw_consent(
        documenter, testimony, [INTERVIEW], on=timezone.localdate(), reason="Motivo privado"
    )
    page, grant, _ = _urls(testimony)
    text = as_user(viewer).get(page).content.decode()
    assert "Motivo privado" not in text and 'id="consent-grant"' not in text
    assert (
        as_user(viewer).post(grant, {"scopes": [ICC], "on": TODAY.isoformat()}).status_code == 403
    )


def _testimonies_file(path, scopes):
    import csv

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_id", "date", "language", "consent_scope", "narrative"])
        writer.writerow(["T1", "2018-01-10", "es", scopes, "Relato sintético con consentimiento."])
    return path


def test_a_new_version_of_a_list_that_changes_consent_records_a_grant(
    case, source, documenter, tmp_path
):
    from expediente_web.intake.importer import do_import_table

    first = _testimonies_file(tmp_path / "v1.csv", "consent.interview")
    do_import_table(case, first, kind="testimonies", source_code=source.code, actor=documenter)
    again = _testimonies_file(tmp_path / "v2.csv", "consent.interview;consent.share_icc")
    do_import_table(
        case, again, kind="testimonies", source_code=source.code, actor=documenter, update=True
    )
    testimony = records_models.Testimony.objects.get(case=case, source_record_id="T1")
    assert testimony.consent_scopes == [INTERVIEW, ICC]
    grants = list(testimony.consent_records.order_by("id"))
    assert [g.scopes for g in grants] == [[INTERVIEW], [INTERVIEW, ICC]]
    assert grants[1].origin == "import" and grants[1].import_batch.filename == "v2.csv"
    entry = AuditEntry.objects.filter(action="update_testimony").latest("seq")
    assert entry.payload["consent_record"] == str(grants[1].uid)


def test_an_import_that_carries_consent_records_a_grant_taken_by_it(
    case, source, documenter, tmp_path
):
    import csv

    from expediente_web.intake.importer import do_import_table

    path = tmp_path / "testimonies.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_id", "date", "language", "consent_scope", "narrative"])
        writer.writerow(
            [
                "T1",
                "2018-01-10",
                "es",
                "consent.interview;consent.share_icc",
                "Relato sintético con consentimiento.",
            ]
        )
        writer.writerow(["T2", "2018-01-11", "es", "", "Relato sintético sin consentimiento."])
    do_import_table(case, path, kind="testimonies", source_code=source.code, actor=documenter)
    with_consent = records_models.Testimony.objects.get(case=case, source_record_id="T1")
    (grant,) = with_consent.consent_records.all()
    assert (grant.kind, grant.origin, grant.scopes) == ("grant", "import", [INTERVIEW, ICC])
    assert grant.import_batch is not None and grant.import_batch.filename == "testimonies.csv"
    without = records_models.Testimony.objects.get(case=case, source_record_id="T2")
    assert not without.consent_records.exists()
    # What a withdrawal leaves is what every reader reads.
    do_withdraw_consent(documenter, with_consent, [ICC], on=TODAY)
    with_consent.refresh_from_db()
    assert with_consent.consent_scopes == [INTERVIEW]
