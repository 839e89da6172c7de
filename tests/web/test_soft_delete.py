"""Records are never deleted, only marked deleted with a reason."""

from __future__ import annotations

import io

import pytest

from expediente_web.cases.models import HardDeleteError, Source
from expediente_web.cases.validation import InvalidInput
from expediente_web.evidence.actions import do_store_evidence
from expediente_web.evidence.models import EvidenceItem
from expediente_web.records.actions import do_add_comment, do_delete_record
from expediente_web.records.models import Comment, Person

pytestmark = pytest.mark.django_db


def test_soft_delete_keeps_the_row_and_hides_it_from_live(documenter, victim):
    do_delete_record(documenter, victim, "duplicate of another record")
    row = Person.objects.get(pk=victim.pk)
    assert row.deleted_at is not None and row.deleted_reason == "duplicate of another record"
    assert not Person.objects.live().filter(pk=victim.pk).exists()


def test_delete_needs_a_reason_and_happens_once(documenter, victim):
    with pytest.raises(InvalidInput) as err:
        do_delete_record(documenter, victim, "  ")
    assert err.value.field == "reason"
    do_delete_record(documenter, victim, "wrong case")
    with pytest.raises(InvalidInput, match="already deleted"):
        do_delete_record(documenter, victim, "again")


def test_orm_delete_of_case_records_is_refused(case, documenter, source, victim):
    item = do_store_evidence(documenter, case, io.BytesIO(b"x"), "x.txt")
    comment = do_add_comment(documenter, victim, "c")
    for obj in (victim, source, item, comment):
        with pytest.raises(HardDeleteError):
            obj.delete()
    for model in (Person, Source, EvidenceItem, Comment):
        with pytest.raises(HardDeleteError):
            model.objects.all().delete()
    assert Person.objects.filter(pk=victim.pk).exists()


def test_deleted_records_cannot_be_referenced(case, documenter, victim):
    from expediente_web.records.actions import do_create_act

    do_delete_record(documenter, victim, "merged")
    with pytest.raises(InvalidInput, match="was deleted") as err:
        do_create_act(documenter, case, victim, "act.torture")
    assert err.value.field == "victim"
