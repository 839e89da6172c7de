"""Peer review of acts and testimonies: draft › submitted › verified, verified by a second
person only, and a change after submission returns the record to draft."""

from __future__ import annotations

import pytest
from django.urls import reverse

from expediente_web.audit.models import AuditEntry
from expediente_web.cases.access import NotPermitted
from expediente_web.cases.validation import InvalidInput

pytestmark = pytest.mark.django_db


@pytest.fixture
def act(case, documenter, victim):
    from expediente_web.records.actions import do_create_act

    return do_create_act(documenter, case, victim, "act.torture", date="2017-05")


def _status(record):
    from expediente_web.records.models import Review

    found = Review.objects.filter(**{record._meta.model_name: record}).first()
    return found.status if found else "draft"


def test_a_record_starts_as_draft_and_is_verified_by_a_second_person(act, documenter, reviewer):
    from expediente_web.records.actions import do_submit_for_review, do_verify

    assert _status(act) == "draft"
    do_submit_for_review(documenter, act)
    assert _status(act) == "submitted"
    review = do_verify(reviewer, act)
    assert (review.status, review.verified_by, review.submitted_by) == (
        "verified",
        reviewer,
        documenter,
    )
    actions = list(
        AuditEntry.objects.filter(object_id=str(act.uid)).values_list("action", flat=True)
    )
    assert actions[-2:] == ["submit_for_review", "verify"]


def test_the_author_cannot_verify_their_own_record(act, case, owner, documenter):
    from expediente_web.records.actions import do_submit_for_review, do_verify

    # The owner submits the documenter's act; the documenter (its author) is no reviewer, and
    # the owner who submitted it may not verify it either.
    do_submit_for_review(owner, act)
    with pytest.raises(NotPermitted, match="submitted"):
        do_verify(owner, act)
    assert _status(act) == "submitted"


def test_whoever_changed_the_record_cannot_verify_it(act, analyst, documenter):
    from expediente_web.records.actions import do_submit_for_review, do_update_act, do_verify

    do_update_act(analyst, act, outcome="outcome.released")
    do_submit_for_review(documenter, act)
    with pytest.raises(NotPermitted, match="wrote or changed"):
        do_verify(analyst, act)


def test_roles_that_may_not_verify_are_refused(act, documenter, viewer):
    from expediente_web.records.actions import do_submit_for_review, do_verify

    do_submit_for_review(documenter, act)
    with pytest.raises(NotPermitted):
        do_verify(viewer, act)
    with pytest.raises(NotPermitted):
        do_verify(documenter, act)  # documenters write, they do not verify


def test_only_a_submitted_record_is_verified(act, reviewer):
    from expediente_web.records.actions import do_verify

    before = AuditEntry.objects.count()
    with pytest.raises(InvalidInput, match="draft"):
        do_verify(reviewer, act)
    assert AuditEntry.objects.count() == before


def test_a_change_to_a_verified_record_returns_it_to_draft(act, documenter, reviewer, unit):
    from expediente_web.records.actions import (
        do_add_involvement,
        do_submit_for_review,
        do_update_act,
        do_verify,
    )

    do_submit_for_review(documenter, act)
    do_verify(reviewer, act)
    do_update_act(documenter, act, outcome="outcome.released")
    assert _status(act) == "draft"
    entry = AuditEntry.objects.filter(action="update_act").latest("seq")
    assert entry.payload["review"] == {"from": "verified", "to": "draft"}
    do_submit_for_review(documenter, act)
    do_add_involvement(documenter, act, unit=unit)
    assert _status(act) == "draft"


def test_a_change_that_changes_nothing_keeps_the_status(act, documenter, reviewer):
    from expediente_web.records.actions import do_submit_for_review, do_update_act, do_verify

    do_submit_for_review(documenter, act)
    do_verify(reviewer, act)
    do_update_act(documenter, act, act_type="act.torture", date="2017-05")
    assert _status(act) == "verified"


def test_return_to_draft_needs_a_reason(act, documenter, reviewer):
    from expediente_web.records.actions import do_return_to_draft, do_submit_for_review

    do_submit_for_review(documenter, act)
    with pytest.raises(InvalidInput, match="reason"):
        do_return_to_draft(reviewer, act, "  ")
    do_return_to_draft(reviewer, act, "Falta la fuente del lugar")
    assert _status(act) == "draft"
    assert AuditEntry.objects.latest("seq").payload["reason"] == "Falta la fuente del lugar"


def test_testimonies_are_reviewed_too(testimony, documenter, reviewer):
    from expediente_web.records.actions import do_submit_for_review, do_verify

    do_submit_for_review(documenter, testimony)
    do_verify(reviewer, testimony)
    assert _status(testimony) == "verified"


def test_a_deleted_record_is_not_reviewed(act, documenter):
    from expediente_web.records.actions import do_delete_record, do_submit_for_review

    do_delete_record(documenter, act, "duplicado")
    with pytest.raises(InvalidInput, match="deleted"):
        do_submit_for_review(documenter, act)


def test_whoever_imported_the_record_cannot_verify_it(act, documenter, analyst):
    from expediente_web.intake.models import ImportBatch
    from expediente_web.records.actions import do_submit_for_review, do_verify
    from expediente_web.records.models import Act

    batch = ImportBatch.objects.create(
        case=act.case, kind="acts", filename="actos.csv", sha256="0" * 64, actor=analyst.username
    )
    Act.objects.filter(pk=act.pk).update(import_batch=batch)
    act.refresh_from_db()
    do_submit_for_review(documenter, act)
    with pytest.raises(NotPermitted, match="wrote or changed"):
        do_verify(analyst, act)


def test_the_lists_filter_by_review_status(record, documenter, reviewer, as_user):
    from expediente_web.records.actions import do_submit_for_review

    do_submit_for_review(documenter, record.act)
    do_submit_for_review(documenter, record.testimony)
    client = as_user(reviewer)
    code = record.case.code
    for name, obj in (("workspace:acts", record.act), ("workspace:testimonies", record.testimony)):
        submitted = client.get(reverse(name, kwargs={"code": code}), {"review": "submitted"})
        page = submitted.content.decode()
        assert str(obj.uid) in page and page.count("status-submitted") == 1
        drafts = client.get(reverse(name, kwargs={"code": code}), {"review": "draft"})
        assert str(obj.uid) not in drafts.content.decode()
        assert "status-draft" in drafts.content.decode()


def test_review_steps_in_the_browser_forms(record, documenter, reviewer, owner, as_user):
    code = record.case.code
    address = reverse(
        "workspace:record-review", kwargs={"code": code, "kind": "act", "uid": record.act.uid}
    )
    assert as_user(reviewer).post(address, {"step": "submit"}).status_code == 403
    assert as_user(documenter).post(address, {"step": "submit"}).status_code == 302
    # The owner did not write it: the owner may verify; the documenter may not (a writer role).
    assert as_user(documenter).post(address, {"step": "verify"}).status_code == 403
    response = as_user(reviewer).post(address, {"step": "return", "reason": ""}, follow=True)
    assert _status(record.act) == "submitted"
    assert "flash error" in response.content.decode()
    assert as_user(owner).post(address, {"step": "verify"}).status_code == 302
    assert _status(record.act) == "verified"
    units = reverse(
        "workspace:record-review", kwargs={"code": code, "kind": "unit", "uid": record.unit.uid}
    )
    assert as_user(owner).post(units, {"step": "submit"}).status_code == 404
