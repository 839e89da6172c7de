"""An import writes everything or nothing: a failure while writing rolls back every record, every
batch and the audit entries; a problem in any file of a directory stops the whole directory."""

from __future__ import annotations

import csv
import shutil

import pytest
from intake_tables import ACT_HEADER, write_csv

pytestmark = pytest.mark.django_db


class Boom(RuntimeError):
    pass


def test_a_failure_in_the_write_phase_rolls_back_everything(
    structured_case, source, table_files, counts, monkeypatch
):
    from expediente_web.intake import importer
    from expediente_web.intake.writer import TableWriter

    calls = {"n": 0}
    original = TableWriter.write

    def failing_write(self, rows):
        calls["n"] += 1
        if calls["n"] == 2:  # after one batch has been written
            raise Boom("disk full (simulated)")
        return original(self, rows)

    monkeypatch.setattr(importer, "BATCH_ROWS", 1)
    monkeypatch.setattr(TableWriter, "write", failing_write)
    before = counts()
    with pytest.raises(Boom):
        importer.do_import_table(structured_case, table_files["victims"], kind="victims",
                                 source_code="SRC-01")
    assert calls["n"] == 2
    assert counts() == before  # no person, act, batch or audit entry is left behind


def _demo_directory(tmp_path):
    from expediente.demo import generate, write_demo_case

    root = tmp_path / "demo"
    write_demo_case(generate(3, "small"), root)
    return root


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    return _demo_directory(tmp_path_factory.mktemp("demo"))


def test_a_bad_file_in_a_directory_writes_nothing_at_all(demo_dir, tmp_path, counts, db):
    from expediente_web.intake.case_directory import do_import_case_directory
    from expediente_web.intake.importer import ImportRefused

    root = tmp_path / "case"
    shutil.copytree(demo_dir, root)
    last = sorted((root / "acts").iterdir())[-1]
    write_csv(last, ACT_HEADER, [["X1", "NOBODY", "", "act.torture", "", "2017", "", "", "", "",
                                  "", "", "", "", ""]])
    before = counts()
    with pytest.raises(ImportRefused) as refused:
        do_import_case_directory("demo", root)
    bad = [c for c in refused.value.outcome.checks if not c.ok]
    assert [c.name for c in bad] == [f"acts/{last.name}"]
    assert [(p.row, p.column) for p in bad[0].problems] == [(2, "victim_record_id")]
    assert counts() == before  # not even the case was created


def test_a_failure_writing_a_later_file_undoes_the_earlier_ones(
    demo_dir, counts, monkeypatch, db
):
    from expediente_web.intake.case_directory import do_import_case_directory
    from expediente_web.intake.writer import TableWriter

    original = TableWriter.write

    def failing_write(self, rows):
        if self.kind == "testimonies":
            raise Boom("simulated failure on the first testimonies file")
        return original(self, rows)

    monkeypatch.setattr(TableWriter, "write", failing_write)
    before = counts()
    with pytest.raises(Boom):
        do_import_case_directory("demo", demo_dir)
    assert counts() == before


def _data_rows(path) -> int:
    with open(path, encoding="utf-8", newline="") as handle:
        return sum(1 for _ in csv.reader(handle)) - 1


def test_a_demo_directory_imports_whole(demo_dir, db):
    from expediente_web.audit.models import AuditEntry
    from expediente_web.cases.models import Case
    from expediente_web.intake.case_directory import do_import_case_directory
    from expediente_web.intake.models import ImportBatch
    from expediente_web.records.models import Act, Person, Testimony

    outcome = do_import_case_directory("demo", demo_dir)
    case = Case.objects.get(code="demo")
    acts_in_files = sum(_data_rows(p) for p in (demo_dir / "acts").iterdir())
    raw_list_acts = sum(r.counts.get("acts", 0) for r in outcome.written if r.kind == "victims")
    assert Act.objects.filter(case=case).count() == acts_in_files + raw_list_acts
    assert Person.objects.filter(case=case, source__isnull=False).count() == sum(
        r.rows for r in outcome.written if r.kind == "victims")
    assert Testimony.objects.filter(case=case).count() > 0
    # every imported record keeps its source, its row id there and its batch
    assert not Act.objects.filter(case=case, source__isnull=True).exists()
    assert not Act.objects.filter(case=case, source_record_id="").exists()
    assert not Act.objects.filter(case=case, import_batch__isnull=True).exists()
    # one audit entry per file (plus the case creation and the structure)
    batches = ImportBatch.objects.filter(case=case)
    entries = AuditEntry.objects.filter(case_code="demo", action="import_table")
    assert entries.count() == batches.exclude(kind="structure").count() == len(outcome.written)
    payload = entries.first().payload
    assert {"file", "sha256", "kind", "source", "rows", "created", "batch"} <= set(payload)
