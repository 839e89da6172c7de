"""Mapping files and the dry run that lists what a mapping still lacks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from expediente.tables import (
    MappingError,
    ProblemCode,
    TableMapping,
    check_file,
    dry_run,
    load_mapping,
    mapping_from_dict,
    read_records,
)

DATA = Path(__file__).parents[2] / "data" / "tables"


def test_shipped_example_maps_a_raw_ngo_list() -> None:
    mapping = load_mapping(DATA / "ngo_victims_mapping.yaml")
    records = list(read_records(DATA / "ngo_victims_raw.csv", mapping=mapping))
    assert [r.record_id for r in records] == ["1", "2", "3", "4"]
    first, second, third, fourth = records
    assert first.full_name == "Pedro Pablo Hernández"
    assert first.methods == ("method.beating", "method.asphyxiation")
    assert str(first.date) == "2017-03-12"
    assert second.outcome == "outcome.still_detained"  # mapped in the file
    assert second.act_type == "act.torture"  # matched by label
    assert str(second.date) == "2017-03"
    assert third.sex == "sex.unknown"  # '?' maps to nothing, then the default applies
    assert fourth.sex == "sex.male"  # 'Masc' is an alias
    assert fourth.act_type == "act.raid"


def test_dry_run_lists_unmatched_values_with_counts(write_file: Callable[..., Path]) -> None:
    text = (
        "Código,Nombre,Hecho,Fecha\n"
        "1,Ana,Tortura,2017\n2,Luis,Levantamiento,2017\n3,Eva,levantamiento,2017\n4,Leo,Paseo,2017\n"
    )
    path = write_file("raw.csv", text)
    mapping = mapping_from_dict(
        {
            "kind": "victims",
            "columns": {
                "Código": "record_id",
                "Nombre": "full_name",
                "Hecho": "act_type",
                "Fecha": "date",
            },
        }
    )
    result = dry_run(path, mapping=mapping)
    assert not result.ok
    assert result.unmapped == {"Hecho": [("Levantamiento", 1), ("levantamiento", 1), ("Paseo", 1)]}
    assert result.report.counts[ProblemCode.UNKNOWN_TERM] == 3
    assert "Levantamiento" in result.summary()

    # The drafted mapping, once completed, makes the file importable.
    draft = yaml.safe_load(result.suggested_mapping())
    assert draft["values"]["act_type"] == {
        "Levantamiento": None,
        "levantamiento": None,
        "Paseo": None,
    }
    draft["values"]["act_type"] = {
        "Levantamiento": "act.detention.abduction",  # 'levantamiento' matches it folded
        "Paseo": "act.disappearance.short_term",
    }
    assert dry_run(path, mapping=mapping_from_dict(draft)).ok


def test_dry_run_lists_unknown_columns(write_file: Callable[..., Path]) -> None:
    path = write_file("raw.csv", "record_id,name,kind,Color\nS1,Uno,source.press,rojo\n")
    result = dry_run(path, "sources")
    assert result.unknown_columns == ["Color"]


def test_date_format_per_field(write_file: Callable[..., Path]) -> None:
    path = write_file(
        "v.csv", "record_id,full_name,birth_date,date\nV1,Ana,04/12/1990,04/12/2017\n"
    )
    mapping = mapping_from_dict({"kind": "victims", "date_format": {"birth_date": "mdy"}})
    [record] = read_records(path, mapping=mapping)
    assert str(record.birth_date) == "1990-04-12"
    assert str(record.date) == "2017-12-04"


def test_ignored_column_and_value(write_file: Callable[..., Path]) -> None:
    path = write_file("v.csv", "record_id,full_name,sex,Interno\nV1,Ana,N/D,secreto\n")
    mapping = mapping_from_dict(
        {"kind": "victims", "columns": {"Interno": None}, "values": {"sex": {"N/D": None}}}
    )
    [record] = read_records(path, mapping=mapping)
    assert record.sex is None


def test_identity_mapping() -> None:
    assert TableMapping.identity("acts").kind == "acts"
    with pytest.raises(ValueError, match="unknown table kind"):
        TableMapping.identity("people")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "people"}, "unknown table kind"),
        ([1, 2], "must be a YAML mapping"),
        ({"kind": "acts", "columns": {"Fecha": "when"}}, "unknown field 'when'"),
        ({"kind": "acts", "columns": ["a"]}, "columns must be a mapping"),
        ({"kind": "acts", "values": {"date": {"x": "y"}}}, "not a vocabulary field"),
        ({"kind": "acts", "values": {"act_type": {"x": "act.nope"}}}, "not a term of"),
        ({"kind": "acts", "values": {"act_type": {"x": "method.beating"}}}, "not a term of"),
        ({"kind": "acts", "defaults": {"colour": "red"}}, "unknown field 'colour'"),
        ({"kind": "acts", "defaults": {"outcome": "free"}}, "defaults: outcome: 'free' is not"),
        ({"kind": "acts", "defaults": {"date": "2017-13"}}, "defaults: date: there is no month"),
        ({"kind": "acts", "date_format": "ymd"}, "date_format must be one of"),
    ],
)
def test_mapping_errors(data: object, message: str) -> None:
    with pytest.raises(MappingError, match=message):
        mapping_from_dict(data, source="m.yaml")


def test_mapping_file_errors_name_the_file(write_file: Callable[..., Path]) -> None:
    with pytest.raises(MappingError, match=r"m\.yaml"):
        load_mapping(write_file("m.yaml", "kind: [unclosed"))
    with pytest.raises(MappingError, match=r"nope\.yaml"):
        load_mapping(Path("/nonexistent/nope.yaml"))


def test_kind_and_mapping_must_agree(write_file: Callable[..., Path]) -> None:
    path = write_file("a.csv", "record_id\n")
    with pytest.raises(ValueError, match="mapping is for kind 'sources'"):
        check_file(path, "acts", TableMapping.identity("sources"))
    with pytest.raises(ValueError, match="give a kind or a mapping"):
        check_file(path)
