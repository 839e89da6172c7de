"""The reads: who is put on notice before a date (art. 28's "knew or should have known"), and
which acts fall outside temporal jurisdiction."""

from __future__ import annotations

import datetime as dt

import pytest
from django.http import Http404

from expediente_web.examination import actions
from expediente_web.examination.access import access_notice_for
from expediente_web.examination.temporal import outside_acts, temporal_counts
from expediente_web.records.models import Act

pytestmark = pytest.mark.django_db


@pytest.fixture
def notices(case, analyst, record):
    made = {}
    for key, date, person, unit in (
        ("early", "2017-03-02", record.commander, None),
        ("month", "2017-05", record.commander, None),  # may fall after 2017-05-14
        ("late", "2017-06-01", record.commander, record.unit),
        ("unit", "2017-04", None, record.unit),
        ("undated", "", record.commander, None),
    ):
        made[key] = actions.do_record_intervention(
            analyst, case, "intervention.complaint_prosecutor", date=date,
            notified_person=person, notified_unit=unit,
        )  # fmt: skip
    gone = actions.do_record_intervention(
        analyst, case, "intervention.press", date="2017-01", notified_person=record.commander
    )
    actions.do_delete_intervention(analyst, gone, "duplicada")
    return made


def test_notice_counts_only_what_certainly_came_before_the_date(case, analyst, record, notices):
    before = dt.date(2017, 5, 14)  # the day of the torture act a-1
    found = access_notice_for(analyst, case, record.commander, before)
    assert found == [notices["early"]]
    # A month that ends before the date counts; an intervention after the date never does.
    assert access_notice_for(analyst, case, record.commander, dt.date(2017, 6, 1)) == [
        notices["early"],
        notices["month"],
    ]
    later = access_notice_for(analyst, case, record.commander, dt.date(2017, 6, 2))
    assert notices["late"] in later and notices["undated"] not in later
    assert access_notice_for(analyst, case, record.unit, before) == [notices["unit"]]
    assert access_notice_for(analyst, case, record.unit, dt.date(2017, 4, 30)) == []


def test_notice_is_read_by_members_only(case, record, notices, outsider, viewer):
    assert access_notice_for(viewer, case, record.commander, dt.date(2018, 1, 1))
    with pytest.raises(Http404):
        access_notice_for(outsider, case, record.commander, dt.date(2018, 1, 1))


def test_notice_for_a_person_of_another_case_is_refused(case, analyst, record, other_case):
    _other, _stranger, elsewhere = other_case
    with pytest.raises(Http404):
        access_notice_for(analyst, case, elsewhere.commander, dt.date(2018, 1, 1))


def test_acts_whose_latest_date_is_before_the_entry_into_force_are_outside(case, record):
    acts = Act.objects.live().filter(case=case)
    # 1 June 2017: a-1 (14 May) and a-2 (May) are outside, h-a-7 (2017) spans the day,
    # a-3 and a-4 (June 2017) are within.
    day = dt.date(2017, 6, 1)
    assert set(outside_acts(acts, day)) == {record.act, record.other_act}
    assert temporal_counts(acts, day) == {"outside": 2, "straddling": 1, "within": 2, "undated": 0}
    # On the day itself an act is within: only acts before it are outside.
    assert temporal_counts(acts, dt.date(2017, 5, 14))["outside"] == 0
    assert temporal_counts(acts, dt.date(2002, 7, 1)) == {
        "outside": 0, "straddling": 0, "within": 5, "undated": 0,
    }  # fmt: skip
    Act.objects.filter(pk=record.linked_act.pk).update(
        date_text="", date_earliest=None, date_latest=None
    )
    assert temporal_counts(acts, day)["undated"] == 1
