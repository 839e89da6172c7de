"""Every file and every record says it is synthetic."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from expediente.demo import SYNTHETIC_NOTE


def test_every_csv_row_is_flagged(small_dir: Path) -> None:
    files = sorted(small_dir.rglob("*.csv"))
    assert len(files) > 40
    for path in files:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert rows, path
        for row in rows:
            assert row["synthetic"] == SYNTHETIC_NOTE, (path, row)


def test_victim_notes_are_flagged(small_dir: Path) -> None:
    with (small_dir / "victims" / "SRC-01.csv").open(encoding="utf-8") as handle:
        assert all(row["notes"] == SYNTHETIC_NOTE for row in csv.DictReader(handle))


def test_structure_readme_mappings_and_summary_are_flagged(small_dir: Path) -> None:
    structure = json.loads((small_dir / "structure.json").read_text(encoding="utf-8"))
    assert structure["case"]["synthetic"] is True
    assert SYNTHETIC_NOTE in structure["case"]["description"]
    for key in ("locations", "organizations", "persons", "positions", "events"):
        assert structure[key]
        assert all(item["notes"] == SYNTHETIC_NOTE for item in structure[key]), key
    assert SYNTHETIC_NOTE in (small_dir / "README.txt").read_text(encoding="utf-8")
    for mapping in (small_dir / "mappings").glob("*.yaml"):
        assert SYNTHETIC_NOTE in mapping.read_text(encoding="utf-8").splitlines()[0]
    summary = json.loads((small_dir / "truth" / "summary.json").read_text(encoding="utf-8"))
    assert summary["synthetic"] is True


def test_testimony_narratives_say_they_are_fictional(small_dir: Path) -> None:
    for path in (small_dir / "testimonies").glob("*.csv"):
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                assert "ficticio" in row["narrative"] and SYNTHETIC_NOTE in row["narrative"]
