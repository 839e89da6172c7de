"""link.yaml, reading case directories and labels, and the ``expediente link`` command."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from expediente.cli.link import command
from expediente.linkage import ConfigError, LinkConfig, load_config
from expediente.linkage.config import config_from_dict
from expediente.linkage.inputs import read_labels, read_record_files

DATA = Path(__file__).resolve().parents[2] / "data" / "linkage"


def test_example_config_loads() -> None:
    config = load_config(DATA / "link.yaml")
    assert config.threshold == 0.5
    assert config.blocking[0] == ("id_number",)
    assert [f.name for f in config.fields][:2] == ["given_names", "surnames"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"treshold": 0.5}, "unknown setting"),
        ({"threshold": 1.5}, "threshold"),
        ({"link_type": "both"}, "link_type"),
        ({"fields": [{"name": "x", "kind": "fuzzy"}]}, "fields.x.kind"),
        ({"fields": [{"name": "x", "kind": "exact"}]}, "needs a column"),
        ({"fields": [{"kind": "exact"}]}, r"fields\[0\]"),
        ({"blocking": [[1]]}, r"blocking\[0\]"),
        ({"review_band": [0.9, 0.1]}, "review_band"),
    ],
)
def test_config_errors_name_the_setting(data: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        config_from_dict(data)


def test_case_directory_is_read_with_its_truth() -> None:
    records = read_record_files([DATA / "case"])
    assert set(records["source_id"].unique()) == {
        "OFICIAL",
        "ONG-A",
        "ONG-B",
        "PRENSA",
        "TESTIMONIO",
    }
    assert records["true_person_id"].null_count() == 0


def test_single_files_take_their_source_from_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "SRC-09.csv"
    pl.DataFrame({"record_id": ["a"], "full_name": ["Ana Mora"]}).write_csv(path)
    records = read_record_files([path])
    assert records["source_id"].to_list() == ["SRC-09"]


def test_labels_file_errors_name_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "labels.csv"
    path.write_text("source_a,record_a,source_b,record_b,decision\nA,1,B,2,accept\nA,1,B,3,maybe\n")
    from expediente.linkage import InputError

    with pytest.raises(InputError, match="row 3, column 'decision'"):
        read_labels(path)


def test_cli_prints_metrics_and_writes_outputs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        command,
        [
            str(DATA / "case"),
            "--truth",
            "true_person_id",
            "--config",
            str(DATA / "link.yaml"),
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "pairwise" in result.output
    assert "B-cubed" in result.output
    assert "persons counted" in result.output
    for name in (
        "membership.csv",
        "capture_history.csv",
        "links.csv",
        "review_queue.csv",
        "clusterings.csv",
        "capture_histories.csv",
        "model.json",
    ):
        assert (out / name).exists()
    history = pl.read_csv(out / "capture_history.csv")
    assert history.columns[0] == "person_id"


def test_cli_applies_labels_file(tmp_path: Path) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text(
        "source_a,record_a,source_b,record_b,decision\n"
        "OFICIAL,OFICIAL-00001,PRENSA,PRENSA-00001,reject\n"
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        command, [str(DATA / "case"), "--labels", str(labels), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    membership = pl.read_csv(out / "membership.csv")
    ids = dict(zip(membership["record_id"], membership["person_id"], strict=True))
    assert ids["OFICIAL-00001"] != ids["PRENSA-00001"]


def test_cli_bad_input_exits_2_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "link.yaml"
    bad.write_text("threshold: 3\n")
    result = CliRunner().invoke(command, [str(DATA / "case"), "--config", str(bad)])
    assert result.exit_code == 2
    assert "threshold" in result.output
    assert "Traceback" not in result.output
    result = CliRunner().invoke(command, [str(DATA / "case"), "--truth", "nope"])
    assert result.exit_code == 2
    assert "truth column" in result.output


def test_default_config_is_valid() -> None:
    assert LinkConfig().threshold == 0.5
