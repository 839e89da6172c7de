"""Pattern analysis on a case: the acts adapter, `expediente patterns --case` and the page."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from expediente.cli.patterns import command
from expediente_web.analyses.models import EstimateRun, LinkRun, RecordLink
from expediente_web.analyses.patterns import case_acts, case_patterns
from expediente_web.cases.access import NotPermitted
from expediente_web.records.models import Act, Event, Involvement, Location, Person, Unit
from support.two_factor import TwoFactorClient as Client

pytestmark = pytest.mark.django_db


def _act(case, victim, day, *, location=None, event=None, methods=(), act_type="act.torture",
         text=None):
    date = dt.date.fromisoformat(day) if day else None
    return Act.objects.create(case=case, victim=victim, act_type=act_type,
                              methods=list(methods), location=location, event=event,
                              date_text=text or day or "", date_earliest=date,
                              date_latest=date)


@pytest.fixture
def acts_case(case):
    """A synthetic case: a place tree, two units, four victim records (two of one person)."""
    country = Location.objects.create(case=case, code="VE", name="Venezuela",
                                      kind="location.country")
    lara = Location.objects.create(case=case, code="VE-L", name="Lara (ficticio)",
                                   kind="location.state", parent=country)
    town = Location.objects.create(case=case, code="VE-L-1", name="Municipio (ficticio)",
                                   kind="location.municipality", parent=lara)
    site = Location.objects.create(case=case, code="VE-L-1-S", name="Sede (ficticia)",
                                   kind="location.detention_site", parent=town)
    zulia = Location.objects.create(case=case, code="VE-Z", name="Zulia (ficticio)",
                                    kind="location.state", parent=country)
    intel = Unit.objects.create(case=case, code="U-INT", name="Inteligencia (ficticia)",
                                acronym="SIF")
    police = Unit.objects.create(case=case, code="U-POL", name="Policía (ficticia)")
    people = [Person.objects.create(case=case, full_name=f"Persona Ficticia {i}",
                                    id_number=f"V-00.000.00{i}", affiliation=aff)
              for i, aff in enumerate(["affiliation.student", "affiliation.student",
                                       "affiliation.journalist", ""])]
    event = Event.objects.create(case=case, title="Protesta (ficticia)", location=zulia)
    a1 = _act(case, people[0], "2017-05-02", location=site,
              methods=["method.beating", "method.asphyxiation"])
    a2 = _act(case, people[1], "2017-05-20", location=town, methods=["method.beating"])
    a3 = _act(case, people[2], "2017-07-01", event=event, act_type="act.detention.arbitrary")
    _act(case, people[3], None, location=lara)  # undated: left out
    gone = _act(case, people[3], "2017-06-01", location=lara)
    Act.objects.filter(pk=gone.pk).update(deleted_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    Involvement.objects.create(act=a1, unit=police, degree="involvement.suspected")
    Involvement.objects.create(act=a1, unit=intel, degree="involvement.direct")
    Involvement.objects.create(act=a2, unit=police, degree="involvement.ordered")
    return {"people": people, "acts": (a1, a2, a3)}


def test_the_adapter_takes_state_unit_and_affiliation_from_the_records(case, acts_case):
    acts = case_acts(case)
    frame = acts.frame.sort("start_date")
    assert frame["place"].to_list() == ["Lara (ficticio)", "Lara (ficticio)", "Zulia (ficticio)"]
    assert frame["unit"].to_list() == ["SIF", "Policía (ficticia)", None]  # direct beats suspected
    assert frame["victim_affiliation"].to_list() == ["affiliation.student",
                                                    "affiliation.student",
                                                    "affiliation.journalist"]
    assert frame["methods"].to_list()[0] == ["method.beating", "method.asphyxiation"]
    assert acts.undated == 1 and acts.several_units == 1 and acts.link_run is None
    assert frame["victim_id"].str.starts_with("record:").all()
    for value in frame.rows():  # nothing protected in the frame
        assert not any("Ficticia" in str(v) or "V-00" in str(v) for v in value)


def test_victims_are_the_persons_of_the_latest_linkage_run(case, acts_case):
    people = acts_case["people"]
    run = LinkRun.objects.create(case=case, actor="test", threshold=0.9)
    for person, cluster in zip(people[:3], ["p-1", "p-1", "p-2"], strict=True):
        RecordLink.objects.create(run=run, record=person, cluster=cluster)
    acts = case_acts(case)
    assert acts.link_run == run and acts.unlinked_victims == 0
    assert sorted(acts.frame["victim_id"].unique()) == ["person:p-1", "person:p-2"]
    found = case_patterns(None, case)
    assert found.report.widespread.victims == 2 and found.report.widespread.acts == 3
    assert any(str(run.uid) in note for note in found.report.notes)


def test_the_scale_is_the_latest_stored_estimate_or_says_there_is_none(case, acts_case):
    found = case_patterns(None, case)
    assert found.estimate_run is None
    assert found.report.widespread.estimated_victims is None
    assert any("no stored estimate" in note for note in found.report.notes)
    result = {"strata_column": None, "total": None, "refused_strata": {}, "estimates": [
        {"method": "loglinear", "lists": ["A", "B", "C"], "n_observed": 3, "estimate": 7.5,
         "intervals": [{"lower": 4.0, "upper": 15.0, "level": 0.95, "method": "bca"}]}]}
    stored = EstimateRun.objects.create(case=case, actor="ana", method="loglinear",
                                        parameters={"seed": 1}, result=result)
    found = case_patterns(None, case)
    assert found.estimate_run == stored
    assert found.report.widespread.estimated_victims == 7.5
    assert str(stored.uid) in found.report.scale


def test_someone_without_a_role_may_not_see_patterns(case, acts_case, outsider, viewer):
    with pytest.raises(NotPermitted):
        case_patterns(outsider, case)
    assert case_patterns(viewer, case).report.widespread.acts == 3


def test_the_command_on_a_case_prints_and_writes(case, acts_case, viewer, outsider, tmp_path):
    runner = CliRunner()
    result = runner.invoke(command, ["--case", case.code, "--user", viewer.username,
                                     "--by", "state", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Documented acts                      3 " in result.output
    assert "no stored estimate" in result.output
    assert "Victims by affiliation (3 of 3 victims have one" in result.output
    doc = json.loads((tmp_path / "patterns-indicators.json").read_text("utf-8"))
    assert doc["input"]["case"] == case.code and len(doc["input"]["acts_sha256"]) == 64
    counts = (tmp_path / "patterns-counts.csv").read_text("utf-8").splitlines()
    assert counts[0] == "state,acts,victims"
    assert "Lara (ficticio),2,2" in counts
    refused = runner.invoke(command, ["--case", case.code, "--user", outsider.username])
    assert refused.exit_code == 3 and "may not see the patterns" in refused.output
    unknown = runner.invoke(command, ["--case", "nope"])
    assert unknown.exit_code == 2 and "No case 'nope'" in unknown.output
    both = runner.invoke(command, ["--case", case.code, "--estimate", str(tmp_path / "x")])
    assert both.exit_code == 2
    assert "Traceback" not in refused.output + unknown.output + both.output


@pytest.mark.parametrize("role", ["owner", "analyst", "documenter", "reviewer", "viewer"])
def test_every_role_sees_the_page_without_protected_fields(case, acts_case, request, role):
    user = request.getfixturevalue(role)
    client = Client()
    client.force_login(user)
    response = client.get(f"/cases/{case.code}/linkage/patterns/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Patrones</h1>" in page and "<svg" in page
    assert "Víctimas documentadas" in page
    assert "no tiene estimación guardada" in page
    assert "3 de 3 víctimas tienen afiliación registrada" in page
    for person in acts_case["people"]:
        assert person.full_name not in page and person.id_number not in page


def test_an_outsider_finds_no_page(case, acts_case, outsider):
    client = Client()
    client.force_login(outsider)
    assert client.get(f"/cases/{case.code}/linkage/patterns/").status_code == 404


def test_a_case_without_acts_says_so(case, viewer):
    client = Client()
    client.force_login(viewer)
    page = client.get(f"/cases/{case.code}/linkage/patterns/").content.decode()
    assert "no tiene actos fechados" in page
    result = CliRunner().invoke(command, ["--case", case.code])
    assert result.exit_code == 2 and "no dated act" in result.output
