"""The number of SQL queries of every list and record page is bounded, whatever the number of
rows: each list shows 50 rows of a record of 60 or more, so one query per row (an N+1) would
blow the bound. The bounds include the session, the user, the case and role checks, and the
audit entry of a page that reveals identities."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from support.workspace_data import url_kwargs

pytestmark = pytest.mark.django_db


def test_every_record_page_has_a_bound(record):
    assert set(BOUNDS) == set(url_kwargs(record))


#: URL name → the most queries its page may make (for a role that sees identities).
BOUNDS = {
    "case-records": 16,
    "workspace:acts": 22,
    "workspace:act": 35,  # + its history and review (record_tools)
    "workspace:persons": 22,
    "workspace:person": 36,  # + its history (record_tools)
    "workspace:resolved": 22,
    "workspace:events": 13,  # + the header's count of unread notifications
    "workspace:event": 25,  # + its history (record_tools)
    "workspace:testimonies": 22,
    "workspace:testimony": 29,  # + its history and review (record_tools), its consent history
    "workspace:sources": 20,
    "workspace:source": 23,  # + the other sources, for its lineage
    "workspace:units": 12,
    # + its history (record_tools); its relations, and the relations and command posts of the
    # case on the day asked (the chain of command: three queries whatever its depth)
    "workspace:unit": 34,
    "workspace:locations": 12,
    "workspace:location": 21,  # + its history (record_tools)
    "workspace:evidence": 16,
    "workspace:evidence-item": 18,  # + its discussion and the header's count
    "workspace:evidence-upload": 13,  # + the header's count of unread notifications
}


@pytest.mark.parametrize("name", sorted(BOUNDS))
def test_queries_are_bounded(record, documenter, as_user, name):
    client = as_user(documenter)
    address = reverse(name, kwargs=url_kwargs(record)[name])
    client.get(address)  # warm caches (content types, the session) as a second visit would
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200
    assert len(queries) <= BOUNDS[name], f"{name}: {len(queries)} queries\n" + "\n".join(
        q["sql"][:160] for q in queries
    )


# -- estimates of the total (estimation in the browser) ---------------------------------------

#: The estimation page lists 25 stored estimates a page; an estimate's page shows one row per
#: stratum. Neither may make a query per row.
ESTIMATE_BOUNDS = {"analyses:estimates": 18, "analyses:estimate": 16}


def _stored_estimates(case, count=30, strata=40):
    from expediente_web.analyses.models import EstimateRun, LinkRun

    link = LinkRun.objects.filter(case=case).first()
    rows = [{"stratum": str(2000 + i), "method": "lcmcr", "n_observed": 10 + i,
             "estimate": 15.0 + i, "warnings": [],
             "intervals": [{"lower": 10.0 + i, "upper": 30.0 + i, "level": 0.95,
                            "method": "posterior"}],
             "details": {"diagnostics": {"rhat_n": 1.01, "ess_n": 900.0}}}
            for i in range(strata)]
    total = {**rows[0], "stratum": None, "n_observed": 900, "estimate": 1300.0}
    runs = [EstimateRun.objects.create(
        case=case, link_run=link, actor="ana", method="lcmcr",
        parameters={"method": "lcmcr", "lists": "kind", "strata": "year", "seed": i,
                    "level": 0.95, "list_names": ["source.press", "source.ngo_list"],
                    "requested_method": "auto", "requested_lists": "auto",
                    "input_sha256": "0" * 64, "persons": 900},
        result={"strata_column": "year", "estimates": rows, "total": total,
                "refused_strata": {}}) for i in range(count)]
    return runs[-1]


@pytest.mark.parametrize("name", sorted(ESTIMATE_BOUNDS))
def test_estimate_pages_are_bounded(record, documenter, as_user, name):
    run = _stored_estimates(record.case)
    kwargs = {"code": record.case.code}
    if name == "analyses:estimate":
        kwargs["uid"] = str(run.uid)
    client = as_user(documenter)
    address = reverse(name, kwargs=kwargs)
    client.get(address)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200
    assert len(queries) <= ESTIMATE_BOUNDS[name], f"{name}: {len(queries)} queries\n" + "\n".join(
        q["sql"][:160] for q in queries
    )


# -- public submissions (submissions) ---------------------------------------------------------

#: The triage list shows up to 200 submissions with their counts; a submission's page shows its
#: additions and files. Neither may make a query per row.
SUBMISSION_BOUNDS = {"submissions:list": 14, "submissions:detail": 19}


def _many_submissions(case, owner, count=60, extras=8):
    import io

    from expediente_web.submissions.actions import (
        Incoming,
        do_add_to_submission,
        do_receive_submission,
        do_set_public_form,
    )

    form = do_set_public_form(owner, case, enabled=True, slug="cuenta", public_title="Cuenta")
    code = ""
    for i in range(count):
        submission, code = do_receive_submission(
            form, address=f"a{i}", narrative=f"Relato sintético {i}", language="es",
            sender_name="Nombre Sintético" if i % 2 else "")
    for i in range(extras):
        body = b"nota sintetica %d" % i
        do_add_to_submission(form, code, address=f"b{i}", text=f"Añadido {i}",
                             files=[Incoming(io.BytesIO(body), f"n{i}.txt", len(body),
                                             "text/plain")])
    return submission


@pytest.mark.parametrize("name", sorted(SUBMISSION_BOUNDS))
def test_submission_pages_are_bounded(record, owner, documenter, as_user, settings, name):
    settings.EXPEDIENTE_SUBMISSIONS_PER_CASE_PER_HOUR = 1000
    submission = _many_submissions(record.case, owner)
    kwargs = {"code": record.case.code}
    if name == "submissions:detail":
        kwargs["uid"] = str(submission.uid)
    client = as_user(documenter)
    address = reverse(name, kwargs=kwargs)
    client.get(address)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200
    assert len(queries) <= SUBMISSION_BOUNDS[name], f"{name}: {len(queries)} queries\n" + (
        "\n".join(q["sql"][:160] for q in queries)
    )


# -- the element matrix (assessment) ----------------------------------------------------------

#: The matrix, an element with 40 citations, the suspects and a suspect's page: none may make a
#: query per citation, act or post (an analyst's view, with the forms and their choices).
ASSESSMENT_BOUNDS = {
    "assessment:matrix": 25,  # + the sources' lineage, for the matrix and the facts
    "assessment:element": 40,  # + the facts its cited acts belong to, the sources' lineage
    "assessment:suspects": 26,
    "assessment:suspect": 38,  # + the sources' lineage, the interventions that gave notice
}


def _assessed(record, analyst):
    from expediente_web.assessment import actions
    from expediente_web.records.models import Act

    case = record.case
    actions.do_select_crime(analyst, case, "art7.1.e")
    actions.do_select_crime(analyst, case, "art7.1.f")
    actions.do_select_mode(analyst, case, record.commander, "art28.a")
    for person in record.persons[:30]:  # thirty more suspects: no query per suspect
        actions.do_select_mode(analyst, case, person, "art25.3.b.order")
    for i, act in enumerate(Act.objects.filter(case=case).order_by("id")[:40]):
        actions.do_cite_evidence(analyst, case, "art7.1.e.1", "act",
                                 "supports" if i % 3 else "contradicts", act=act, note=f"n{i}")
        actions.do_cite_evidence(analyst, case, "art28.a.1", "act", "supports", act=act,
                                 suspect=record.commander)
    actions.do_cite_evidence(analyst, case, "art7.1.e.1", "excerpt", "supports",
                             excerpt=record.excerpt)
    actions.do_cite_evidence(analyst, case, "art7.1.e.1", "document", "supports",
                             item=record.item)
    actions.do_rate_element(analyst, case, "art7.1.e.1", "ladder.reasonable_basis", "Porque")
    actions.do_rate_element(analyst, case, "art7.1.e.1", "ladder.reasonable_grounds", "Más")


@pytest.mark.parametrize("name", sorted(ASSESSMENT_BOUNDS))
def test_assessment_pages_are_bounded(record, analyst, as_user, name):
    _assessed(record, analyst)
    kwargs = {"code": record.case.code}
    if name == "assessment:element":
        kwargs["element"] = "art7.1.e.1"
    if name == "assessment:suspect":
        kwargs["uid"] = str(record.commander.uid)
    client = as_user(analyst)
    address = reverse(name, kwargs=kwargs)
    client.get(address)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200
    assert len(queries) <= ASSESSMENT_BOUNDS[name], f"{name}: {len(queries)} queries\n" + (
        "\n".join(q["sql"][:160] for q in queries)
    )


# -- the preliminary examination (examination) ------------------------------------------------

EXAMINATION_BOUNDS = {
    "examination:overview": 65,  # every section, the patterns report, the matrix, two audit entries
    "examination:jurisdiction": 12,
    "examination:acts": 15,
    "examination:attacks": 15,
    "examination:attack": 23,
    "examination:interventions": 25,
    "examination:intervention": 26,
    "examination:proceedings": 24,
    "examination:proceeding": 24,
}


def _examined(record, analyst):
    """Twenty of everything, so that one query per row would show."""
    from expediente_web.examination import actions
    from expediente_web.records.models import Act

    case = record.case
    acts = list(Act.objects.filter(case=case).order_by("id")[:60])
    actions.do_set_jurisdiction(analyst, case, "2017-06-01", ["jurisdiction.territorial"])
    for n in range(20):
        attack = actions.do_create_attack(
            analyst, case, f"Ataque {n}", places=[record.state, record.country],
            description="Descripción", population="Opositores",
        )  # fmt: skip
        actions.do_link_acts(analyst, attack, acts)
        actions.do_record_intervention(
            analyst, case, "intervention.habeas_corpus", date="2017-05",
            notified_unit=record.unit, notified_person=record.commander, acts=acts[:5],
            victims=record.persons[:5], summary="Resumen",
        )  # fmt: skip
        actions.do_record_proceeding(
            analyst, case, f"Tribunal {n}", "proceeding.trial", acts=acts[:10],
            accused=[record.commander, *record.persons[:3]],
            indicators=["complementarity.low_level_only"], notes="Nota",
        )  # fmt: skip
    for section in ("jurisdiction", "gravity", "impact", "admissibility", "interests_of_justice"):
        actions.do_write_assessment(analyst, case, section, "Evaluación")
    return attack


@pytest.mark.parametrize("name", sorted(EXAMINATION_BOUNDS))
def test_examination_pages_are_bounded(record, analyst, as_user, name):
    from expediente_web.examination.models import Intervention, NationalProceeding

    attack = _examined(record, analyst)
    kwargs = {"code": record.case.code}
    if name == "examination:attack":
        kwargs["uid"] = str(attack.uid)
    if name == "examination:intervention":
        kwargs["uid"] = str(Intervention.objects.first().uid)
    if name == "examination:proceeding":
        kwargs["uid"] = str(NationalProceeding.objects.first().uid)
    client = as_user(analyst)
    address = reverse(name, kwargs=kwargs)
    if name == "examination:acts":
        address += "?temporal=outside"
    client.get(address)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200
    assert len(queries) <= EXAMINATION_BOUNDS[name], f"{name}: {len(queries)} queries\n" + (
        "\n".join(q["sql"][:160] for q in queries)
    )
