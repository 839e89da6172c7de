"""The demo files are valid case tables: the import's own validator accepts every file."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

tables = pytest.importorskip("expediente.tables")
vocabularies = pytest.importorskip("expediente.vocabularies")


def _files(root: Path):
    for kind in ("victims", "acts", "testimonies"):
        for path in sorted((root / kind).glob("*.csv")):
            yield kind, path


def test_every_file_passes_import_validation(small_dir: Path) -> None:
    checked = 0
    for kind, path in _files(small_dir):
        mapping_path = small_dir / "mappings" / f"{path.stem}.yaml"
        mapping = tables.load_mapping(mapping_path) if mapping_path.exists() else None
        report = tables.check_file(path, kind, mapping)
        assert report.ok, (path, [str(p) for p in report.problems[:5]])
        checked += 1
    assert checked >= 40
    assert tables.check_file(small_dir / "sources.csv", "sources").ok


def test_raw_sources_ship_a_mapping(small_dir: Path) -> None:
    mappings = sorted(p.stem for p in (small_dir / "mappings").glob("*.yaml"))
    assert len(mappings) >= 3
    for code in mappings:
        with (small_dir / "victims" / f"{code}.csv").open(encoding="utf-8") as handle:
            header = next(csv.reader(handle))
        assert "record_id" not in header  # raw headers, not canonical ones
        mapping = tables.load_mapping(small_dir / "mappings" / f"{code}.yaml")
        assert mapping.kind == "victims"
        assert set(header) <= set(mapping.columns)
        assert any(raw.isupper() or " " in raw for raw in mapping.values["act_type"])


def test_term_ids_exist_in_the_vocabularies(small_dir: Path) -> None:
    vocab = vocabularies.load_vocabularies()
    term_columns = {
        "acts": ("act_type", "methods", "outcome", "involvement"),
        "victims": ("sex",),
        "testimonies": ("consent_scope",),
    }
    used: set[str] = set()
    for kind, path in _files(small_dir):
        if (small_dir / "mappings" / f"{path.stem}.yaml").exists():
            continue
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                for column in term_columns[kind]:
                    used.update(v for v in row[column].split(";") if v)
                if kind == "victims" and row["affiliation"]:
                    used.add(row["affiliation"])
    assert {"act.torture", "method.underground_cell", "outcome.killed", "sex.female"} <= used
    assert sorted(t for t in used if t not in vocab) == []
