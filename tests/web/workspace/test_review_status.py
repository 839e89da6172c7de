"""Peer review of acts and testimonies: draft › submitted › verified, verified by a second
person only, and a change after submission returns the record to draft."""

from __future__ import annotations

import pytest

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
