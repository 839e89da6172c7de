"""A suspect's notice for art. 28: the interventions that reached them or a unit of their posts
while they may have held it, and for each linked act the first one certainly before it."""

from __future__ import annotations

import pytest

from expediente_web.assessment.notice import suspect_notice
from expediente_web.assessment.suspects import suspect_record
from expediente_web.examination.actions import do_record_intervention

pytestmark = pytest.mark.django_db


def _interventions(analyst, case, record):
    organization = record.unit.parent
    before = do_record_intervention(
        analyst,
        case,
        "intervention.habeas_corpus",
        date="2017-02",
        notified_unit=organization,
        filed_by="Familia ficticia",
    )
    after = do_record_intervention(
        analyst,
        case,
        "intervention.complaint_prosecutor",
        date="2017-06-02",
        notified_unit=record.unit,
    )
    after_the_post = do_record_intervention(
        analyst,
        case,
        "intervention.habeas_corpus",
        date="2019-03",
        notified_unit=organization,
    )
    in_person = do_record_intervention(
        analyst,
        case,
        "intervention.press",
        date="2017-05-14",
        notified_person=record.commander,
    )
    return before, after, after_the_post, in_person


def test_notice_counts_what_reached_the_suspect_while_in_post_and_before_each_act(
    case, analyst, record
):
    before, after, _after_the_post, in_person = _interventions(analyst, case, record)
    found = suspect_record(analyst, case, record.commander)
    notice = suspect_notice(analyst, case, record.commander, found)
    listed = [n.intervention for n in notice.interventions]
    assert listed == [before, in_person, after]  # oldest first; not once the post had ended
    assert {n.intervention: n.unit for n in notice.interventions}[in_person] is None
    # The act of 2017-05-14: the habeas corpus of February came first; the press story of the
    # same day is not certainly before it.
    assert notice.before_act[record.act.pk].intervention == before


def test_the_suspects_page_shows_the_notice_and_the_first_before_each_act(
    case, analyst, record, as_user
):
    from expediente_web.assessment.actions import do_select_mode

    before, *_ = _interventions(analyst, case, record)
    do_select_mode(analyst, case, record.commander, "art28.a")
    page = as_user(analyst).get(
        f"/cases/{case.code}/assessment/suspects/{record.commander.uid}/",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert "Notice: interventions that reached them" in body
    link = f"/cases/{case.code}/examination/interventions/{before.uid}/"
    assert body.count(link) == 2  # in the notice table and beside the act it preceded
