"""The examination pages: the preliminary-examination view's sections and links, the forms'
refusals at their fields, the team's texts kept from partners, hostile text inert."""

from __future__ import annotations

import pytest
from django.urls import reverse

from expediente_web.assessment import actions as matrix
from expediente_web.examination import actions
from expediente_web.examination.models import Attack, Intervention, NationalProceeding
from support.workspace_data import HOSTILE

pytestmark = pytest.mark.django_db


def _url(name, case, **kwargs):
    return reverse(f"examination:{name}", kwargs={"code": case.code, **kwargs})


@pytest.fixture
def examined(case, analyst, record):
    actions.do_set_jurisdiction(analyst, case, "2017-05-10", ["jurisdiction.territorial"])
    attack = actions.do_create_attack(
        analyst, case, f"Ataque {HOSTILE}", description=f"Descripción reservada {HOSTILE}",
        period="2017", places=[record.state], policy_indicators=[f"Directiva {HOSTILE}"],
    )  # fmt: skip
    actions.do_link_acts(analyst, attack, [record.act, record.other_act])
    proceeding = actions.do_record_proceeding(
        analyst, case, f"Tribunal {HOSTILE}", "proceeding.investigation",
        case_number="TF-1", acts=[record.act], accused=[record.commander],
        indicators=["complementarity.low_level_only", "complementarity.unjustified_delay"],
        notes=f"Nota reservada {HOSTILE}",
    )  # fmt: skip
    actions.do_write_assessment(analyst, case, "impact", f"Impacto reservado {HOSTILE}")
    matrix.do_rate_element(
        analyst, case, "art7.contextual.1.a", "ladder.reasonable_basis", "Varias fuentes"
    )
    return attack, proceeding


def test_the_view_shows_each_section_with_links_to_the_records(
    case, analyst, record, examined, as_user
):
    page = as_user(analyst).get(_url("overview", case), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    for section in ("jurisdiction", "gravity", "admissibility", "interests_of_justice"):
        assert f'id="section-{section}"' in html
    # Temporal: a-1 (2017-05-14) and a-3, a-4 (June 2017) are within, a-2 (May 2017) spans the
    # 10th, h-a-7 (2017) too.
    assert '?temporal=within">3</a>' in html and '?temporal=straddling">2</a>' in html
    assert '?temporal=outside">0</a>' in html
    # Nature: act types link to the act list filtered by them.
    assert "?act_type=act.torture" in html
    # Complementarity: the flags of the proceeding, linked to it, and the acts covered.
    assert 'data-flag="complementarity.low_level_only"' in html
    assert "Only low-level or direct perpetrators prosecuted" in html
    assert "cover 1 of the 5 acts" in html
    assert "No national proceeding for the conduct" not in html
    # The contextual element rated in the matrix, against the standard.
    assert 'data-element="art7.contextual.1.a"' in html
    assert "1 of 7 contextual elements" in html
    assert "Impacto reservado" in html
    assert "<script>window.__pwned" not in html and "&lt;script&gt;" in html


def test_a_case_without_proceedings_says_so(case, analyst, record, as_user):
    html = as_user(analyst).get(_url("overview", case), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="no-proceeding"' in html and "No national proceeding for the conduct" in html
    assert "No jurisdiction basis is recorded" in html


def test_the_acts_behind_a_temporal_count(case, analyst, record, examined, as_user):
    client = as_user(analyst)
    html = client.get(_url("acts", case) + "?temporal=straddling").content.decode()
    assert str(record.other_act.uid) in html and str(record.linked_act.uid) in html
    assert str(record.act.uid) not in html
    assert client.get(_url("acts", case) + "?temporal=sideways").status_code == 404
    covered = client.get(_url("acts", case) + "?coverage=covered").content.decode()
    assert str(record.act.uid) in covered and str(record.other_act.uid) not in covered
    by_method = client.get(_url("acts", case) + "?method=method.beating").content.decode()
    assert str(record.act.uid) in by_method and str(record.other_act.uid) not in by_method


def test_partners_see_the_numbers_not_the_teams_texts(case, partner, record, examined, as_user):
    attack, proceeding = examined
    client = as_user(partner)
    html = client.get(_url("overview", case), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Impacto reservado" not in html and "not shown to partners" in html
    html = client.get(_url("attack", case, uid=attack.uid)).content.decode()
    assert "Descripción reservada" not in html and "Directiva" not in html
    html = client.get(_url("proceeding", case, uid=proceeding.uid)).content.decode()
    assert "Nota reservada" not in html


def test_the_attack_page_lists_its_acts_and_links_more(case, analyst, record, examined, as_user):
    attack, _p = examined
    client = as_user(analyst)
    html = client.get(_url("attack", case, uid=attack.uid), HTTP_ACCEPT_LANGUAGE="en")
    assert "2 acts linked to the attack" in html.content.decode()
    refused = client.post(
        _url("attack-link", case, uid=attack.uid), {"acts": "SRC-A nope"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert (
        refused.status_code == 400
        and "nothing in this case is SRC-A nope" in refused.content.decode()
    )
    done = client.post(_url("attack-link", case, uid=attack.uid), {"acts": "SRC-B h-a-7"})
    assert done.status_code == 302
    assert attack.links.filter(deleted_at__isnull=True).count() == 3


def test_the_forms_refuse_at_their_fields_and_write_nothing(case, analyst, record, as_user):
    client = as_user(analyst)
    page = client.post(_url("attacks", case), {"title": "Ataque", "period": "2017-02-30"})
    assert page.status_code == 400 and not Attack.objects.exists()
    assert 'data-field="period"' in page.content.decode()
    page = client.post(
        _url("interventions", case), {"kind": "intervention.press", "date": "mañana"}
    )
    assert page.status_code == 400 and not Intervention.objects.exists()
    page = client.post(
        _url("proceedings", case),
        {"court": "Tribunal", "status": "proceeding.trial", "acts": "SRC-Z z-9"},
    )
    assert page.status_code == 400 and not NationalProceeding.objects.exists()
    page = client.post(_url("jurisdiction", case), {"entry_into_force": "2002", "bases": []})
    assert page.status_code == 400


def test_the_forms_record(case, analyst, record, as_user):
    client = as_user(analyst)
    done = client.post(
        _url("interventions", case),
        {
            "kind": "intervention.habeas_corpus",
            "date": "2017-05-20",
            "notified_person": str(record.commander.uid),
            "acts": "SRC-A a-1",
            "victims": "SRC-A v-1",
            "response": "response.denied",
        },
    )
    assert done.status_code == 302
    found = Intervention.objects.get()
    assert found.notified_person == record.commander and list(found.victims.all()) == [
        record.victim
    ]
    assert client.get(done["Location"]).status_code == 200
    done = client.post(
        _url("proceedings", case),
        {"court": "Tribunal", "status": "proceeding.trial", "acts": "SRC-A a-1",
         "accused": [str(record.commander.uid)], "indicators": ["complementarity.shielding"]},
    )  # fmt: skip
    assert done.status_code == 302 and NationalProceeding.objects.get().indicators == [
        "complementarity.shielding"
    ]
    done = client.post(
        _url("jurisdiction", case),
        {"entry_into_force": "2002-07-01", "bases": ["jurisdiction.territorial"]},
    )
    assert done.status_code == 302
    done = client.post(_url("assess", case, section="interests_of_justice"), {"text": "Ninguna"})
    assert done.status_code == 302 and done["Location"].endswith("#section-interests_of_justice")


def test_the_response_is_recorded_on_the_interventions_page(case, analyst, record, as_user):
    found = actions.do_record_intervention(analyst, case, "intervention.un_communication")
    client = as_user(analyst)
    refused = client.post(
        _url("intervention-response", case, uid=found.uid),
        {"response": "response.none", "response_date": "pronto"},
    )
    assert refused.status_code == 400 and 'data-field="response_date"' in refused.content.decode()
    done = client.post(
        _url("intervention-response", case, uid=found.uid),
        {"response": "response.acknowledged", "response_date": "2018-01"},
    )
    assert done.status_code == 302
    assert Intervention.objects.get(pk=found.pk).response == "response.acknowledged"


def test_the_latest_estimate_is_shown_with_its_interval_and_linked(case, analyst, record, as_user):
    from expediente_web.analyses.models import EstimateRun

    run = EstimateRun.objects.create(
        case=case, actor="ana_analyst", method="loglinear", parameters={"level": 0.95},
        result={"estimates": [{"method": "loglinear", "n_observed": 30, "estimate": 41.0,
                               "intervals": [{"lower": 33.0, "upper": 60.0, "level": 0.95,
                                              "method": "profile"}]}]},
    )  # fmt: skip
    html = as_user(analyst).get(_url("overview", case)).content.decode()
    link = reverse("analyses:estimate", kwargs={"code": case.code, "uid": run.uid})
    assert f'href="{link}" id="estimate-link">41 [33–60]</a>' in html


def test_the_interventions_page_says_who_was_on_notice_from_when(case, analyst, record, as_user):
    first = actions.do_record_intervention(
        analyst, case, "intervention.habeas_corpus", date="2017-05", notified_unit=record.unit
    )
    actions.do_record_intervention(
        analyst, case, "intervention.press", date="2017-07-02", notified_unit=record.unit,
        notified_person=record.commander,
    )  # fmt: skip
    actions.do_record_intervention(
        analyst, case, "intervention.complaint_ombudsman", notified_person=record.commander
    )
    html = as_user(analyst).get(_url("interventions", case)).content.decode()
    table = html[html.index('id="notice"') :]
    link = _url("intervention", case, uid=first.uid)
    assert f'<a href="{link}">2017-05-31</a>' in table
    assert table.index(record.unit.name[:20]) < table.index("Comandante Inventado Uno")
