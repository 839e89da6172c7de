"""`expediente link --case` and `expediente estimate --case` (the functions the commands call)."""

from __future__ import annotations

import csv

import pytest
from analyses_data import DATA
from click.testing import CliRunner

from expediente_web.analyses.models import EstimateRun, LinkRun
from expediente_web.cli import estimate_case, link_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def truth_file(tmp_path):
    path = tmp_path / "records.csv"
    with DATA.open(encoding="utf-8") as source, path.open("w", encoding="utf-8",
                                                            newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["source_id", "kind", "record_id", "true_person_id"])
        for row in csv.DictReader(source):
            writer.writerow([row["source_id"], "victims", row["record_id"],
                             row["true_person_id"]])
    return path


def test_it_links_a_case_and_prints_accuracy_against_the_truth(case, analyst, victims,
                                                               truth_file):
    result = CliRunner().invoke(link_case.command, ["--case", case.code, "--user",
                                                    analyst.username, "--truth",
                                                    str(truth_file)])
    assert result.exit_code == 0, result.output
    run = LinkRun.objects.get()
    assert f"persons counted      {run.persons:,}" in result.output
    assert "review queue" in result.output
    assert "pairwise             precision" in result.output
    assert "persons vs true" in result.output and "44 true" in result.output


def test_it_refuses_an_unknown_case_a_user_without_the_role_and_a_bad_config(
        case, reviewer, victims, tmp_path):
    runner = CliRunner()
    unknown = runner.invoke(link_case.command, ["--case", "nope"])
    assert unknown.exit_code == 2 and "No case 'nope'" in unknown.output
    refused = runner.invoke(link_case.command, ["--case", case.code, "--user",
                                                reviewer.username])
    assert refused.exit_code == 3 and "may not run person linkage" in refused.output
    bad = tmp_path / "link.yaml"
    bad.write_text("threshold: 7\n", encoding="utf-8")
    config = runner.invoke(link_case.command, ["--case", case.code, "--config", str(bad)])
    assert config.exit_code == 2 and "threshold" in config.output
    assert "Traceback" not in unknown.output + refused.output + config.output
    assert not LinkRun.objects.exists()


def test_it_estimates_a_linked_case_and_stores_it(case, analyst, linked, tmp_path):
    result = CliRunner().invoke(estimate_case.command, [
        "--case", case.code, "--user", analyst.username, "--n-boot", "0", "--seed", "5",
        "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    run = EstimateRun.objects.get()
    assert f"stored as estimate   {run.uid}" in result.output
    assert "loglinear: recorded" in result.output
    assert run.parameters["seed"] == 5
    assert (tmp_path / "capture_history.csv").exists()
    assert (tmp_path / "estimate-loglinear.json").exists()


def test_it_says_to_link_first(case, victims):
    result = CliRunner().invoke(estimate_case.command, ["--case", case.code])
    assert result.exit_code == 2
    assert "expediente link --case" in result.output


def test_the_expediente_command_hands_case_work_to_the_case_side(case, analyst, victims,
                                                                 truth_file):
    from expediente.cli import main

    runner = CliRunner()
    linked = runner.invoke(main, ["link", "--case", case.code, "--user", analyst.username,
                                  "--truth-records", str(truth_file)])
    assert linked.exit_code == 0, linked.output
    assert "persons vs true" in linked.output
    estimated = runner.invoke(main, ["estimate", "--case", case.code, "--user",
                                     analyst.username, "--n-boot", "0"])
    assert estimated.exit_code == 0, estimated.output
    assert EstimateRun.objects.get().link_run == LinkRun.objects.get()


def test_the_expediente_command_wants_files_or_a_case(case):
    from expediente.cli import main

    runner = CliRunner()
    neither = runner.invoke(main, ["link"])
    assert neither.exit_code == 2 and "either FILES or --case" in neither.output
    both = runner.invoke(main, ["estimate", str(DATA), "--case", case.code])
    assert both.exit_code == 2 and "either FILE or --case" in both.output


def test_a_bad_truth_file_is_refused_before_a_run_is_stored(case, analyst, victims, tmp_path):
    from expediente.cli import main

    bad = tmp_path / "records.csv"
    bad.write_text("source_id,record_id\nS,1\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["link", "--case", case.code, "--user", analyst.username,
                                       "--truth-records", str(bad)])
    assert result.exit_code == 2 and "true_person_id" in result.output
    assert not LinkRun.objects.exists()


def test_file_options_are_refused_with_a_case(case):
    from expediente.cli import main

    result = CliRunner().invoke(main, ["estimate", "--case", case.code, "--lists", "kind"])
    assert result.exit_code == 2 and "--case-lists" in result.output
