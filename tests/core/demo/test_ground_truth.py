"""The ground truth is complete and consistent with what the sources wrote."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _id_column(path: Path) -> str:
    with path.open(encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle))[0]  # record_id or the raw header standing for it


def test_every_victim_record_maps_to_a_true_person(small_dir: Path) -> None:
    persons = {row["true_person_id"]: row for row in _rows(small_dir / "truth" / "persons.csv")}
    truth = {
        (row["source_id"], row["record_id"]): row["true_person_id"]
        for row in _rows(small_dir / "truth" / "records.csv")
        if row["kind"] == "victims"
    }
    written = set()
    for path in sorted((small_dir / "victims").glob("*.csv")):
        column = _id_column(path)
        for row in _rows(path):
            key = (path.stem, row[column])
            assert key not in written, f"duplicate record id {key}"
            written.add(key)
            person = persons[truth[key]]
            assert person["documented"] == "1"
            assert path.stem in person["sources"].split(";")
    assert written == set(truth)


def test_documented_counts_agree(small_dir: Path) -> None:
    summary = json.loads((small_dir / "truth" / "summary.json").read_text(encoding="utf-8"))
    persons = _rows(small_dir / "truth" / "persons.csv")
    records = _rows(small_dir / "truth" / "records.csv")
    documented = {r["true_person_id"] for r in records if r["kind"] == "victims"}
    assert summary["true_victims"] == len(persons)
    assert summary["documented_victims"] == len(documented)
    assert documented == {p["true_person_id"] for p in persons if p["documented"] == "1"}
    assert summary["undocumented_victims"] > 0  # there is something left to estimate
    histogram = summary["victims_by_number_of_sources"]
    assert sum(histogram.values()) == len(persons)
    assert histogram["0"] == summary["undocumented_victims"]


def test_every_act_record_has_a_true_act_and_unit(small_dir: Path) -> None:
    structure = json.loads((small_dir / "structure.json").read_text(encoding="utf-8"))
    units = {unit["code"] for unit in structure["organizations"]}
    true_acts = {row["true_act_id"]: row for row in _rows(small_dir / "truth" / "true_acts.csv")}
    person_of_record = {
        (row["source_id"], row["record_id"]): row["true_person_id"]
        for row in _rows(small_dir / "truth" / "records.csv")
    }
    truth = _rows(small_dir / "truth" / "acts.csv")
    seen = Counter()
    for row in truth:
        act = true_acts[row["true_act_id"]]
        assert row["true_unit_code"] == act["unit_code"]
        assert row["true_unit_code"] in units
        assert row["true_person_id"] == act["true_person_id"]
        seen[row["true_act_id"]] += 1
    assert all(int(act["records"]) == seen[act_id] for act_id, act in true_acts.items())
    person_of_act = {(row["source_id"], row["record_id"]): row["true_person_id"] for row in truth}
    for path in sorted((small_dir / "acts").glob("*.csv")):
        for row in _rows(path):
            # the act's victim is the same true person as the record it points to
            victim = person_of_record[(path.stem, row["victim_record_id"])]
            assert person_of_act[(path.stem, row["record_id"])] == victim


def test_references_resolve_within_source_and_structure(small_dir: Path) -> None:
    structure = json.loads((small_dir / "structure.json").read_text(encoding="utf-8"))
    locations = {loc["code"] for loc in structure["locations"]}
    units = {unit["code"] for unit in structure["organizations"]}
    events = {event["code"] for event in structure["events"]}
    persons = {person["record_id"] for person in structure["persons"]}
    for loc in structure["locations"]:
        assert loc["parent_code"] in locations | {""}
    for unit in structure["organizations"]:
        assert unit["parent_code"] in units | {""}
    for position in structure["positions"]:
        assert position["person_record_id"] in persons and position["unit_code"] in units
        assert position["start_date"] <= position["end_date"]
    for path in sorted((small_dir / "acts").glob("*.csv")):
        victims = {row["record_id"] for row in _rows(small_dir / "victims" / path.name)}
        for row in _rows(path):
            assert row["victim_record_id"] in victims
            assert row["location_code"] in locations | {""}
            assert row["unit_code"] in units | {""}
            assert row["event_code"] in events | {""}
            assert row["perpetrator_record_id"] in persons | {""}
    for path in sorted((small_dir / "testimonies").glob("*.csv")):
        acts = {row["record_id"] for row in _rows(small_dir / "acts" / path.name)}
        victims = {row["record_id"] for row in _rows(small_dir / "victims" / path.name)}
        for row in _rows(path):
            assert row["witness_record_id"] in victims | {""}
            assert set(row["act_record_ids"].split(";")) <= acts


def test_structure_has_the_case_tree(small_dir: Path) -> None:
    structure = json.loads((small_dir / "structure.json").read_text(encoding="utf-8"))
    kinds = Counter(loc["kind"] for loc in structure["locations"])
    assert kinds["location.country"] == 1 and kinds["location.state"] >= 20
    assert kinds["location.detention_site"] >= 10
    assert any("subterránea" in loc["name"] for loc in structure["locations"])
    types = {unit["unit_type"] for unit in structure["organizations"]}
    assert {"unit.intelligence", "unit.military", "unit.police", "unit.armed_group"} <= types
    assert all("ficti" in unit["name"] for unit in structure["organizations"])
    # commanders succeed one another: several heads per unit over time
    heads = Counter(p["unit_code"] for p in structure["positions"] if p["title"] != "Funcionario/a")
    assert max(heads.values()) >= 3
