"""`expediente import` and `export` against hostile files: exit 2 with a message naming the file
and row, never a traceback, and nothing written."""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from expediente.cli import main

pytestmark = pytest.mark.django_db

DEEP = 100_000


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def case_with_source():
    assert invoke("case", "create", "c1", "--title", "Synthetic case").exit_code == 0
    from expediente_web.cases.models import Case, Source

    Source.objects.create(
        case=Case.objects.get(code="c1"),
        code="SRC-01",
        name="Lista ficticia",
        kind="source.ngo_list",
    )


def _no_traceback(result):
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, RecursionError | LookupError)


@pytest.mark.parametrize(
    "name, text, where",
    [
        # the whole file is one deep array
        ("victims.json", "[" * DEEP + "]" * DEEP, "row 1: [malformed_file]"),
        # a row whose cell nests deeper than a cell can mean (decodes, then walked)
        (
            "victims.json",
            '[{"record_id": "V1", "full_name": ' + "[" * 500 + "]" * 500 + "}]",
            "row 1: [malformed_file]",
        ),
        # a cell nested past the decoder's own limit
        (
            "victims.json",
            '[{"record_id": "V1", "full_name": ' + "[" * DEEP + "]" * DEEP + "}]",
            "row 1: [malformed_file]",
        ),
        # JSON Lines: one object per line, the second one deep
        (
            "victims.jsonl",
            '{"record_id": "V1", "full_name": "Ana (ficticia)"}\n'
            '{"record_id": "V2", "full_name": ' + "[" * DEEP + "]" * DEEP + "}\n",
            "row 2: [malformed_file]",
        ),
        # a deep line that never closes
        ("victims.jsonl", "{" * DEEP + "\n", "row 1: [malformed_file]"),
    ],
)
def test_deeply_nested_json_tables_are_refused_with_exit_2(
    case_with_source, tmp_path, name, text, where
):
    from expediente_web.records.models import Person

    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = invoke("import", path, "--case", "c1", "--source", "SRC-01", "--kind", "victims")
    _no_traceback(result)
    assert f"{name}: 1 problem(s)" in result.stderr
    assert where in result.stderr and "levels deep" in result.stderr
    assert Person.objects.count() == 0


def test_nesting_inside_strings_is_text_not_depth(case_with_source, tmp_path):
    from expediente_web.records.models import Person

    path = tmp_path / "victims.json"
    path.write_text(
        json.dumps([{"record_id": "V1", "full_name": "[" * 50 + " (ficticia)"}]), encoding="utf-8"
    )
    result = invoke("import", path, "--case", "c1", "--source", "SRC-01", "--kind", "victims")
    assert result.exit_code == 0, result.output
    assert Person.objects.get().full_name.startswith("[[[")


def _folder(root: Path, **extra) -> Path:
    """A minimal case folder: one source, one victim, one act (with a known uid)."""
    root.mkdir()
    (root / "sources.csv").write_text(
        "record_id,name,kind\nSRC-01,Lista,source.ngo_list\n", encoding="utf-8"
    )
    (root / "victims").mkdir()
    (root / "victims" / "SRC-01.csv").write_text(
        "record_id,full_name\nV1,Ana Ficticia\n", encoding="utf-8"
    )
    for name, data in extra.items():
        path = root / name.replace("__", "/").replace("_json", ".json")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return root


def test_a_comment_on_a_user_account_is_refused_with_exit_2(tmp_path):
    from expediente_web.cases.models import Case

    root = _folder(
        tmp_path / "d",
        comments_json=[
            {"target": {"model": "auth.user", "uid": str(uuid.uuid4())}, "author": "x", "body": "y"}
        ],
    )
    result = invoke("import", root, "--case", "atk")
    _no_traceback(result)
    assert "comments.json: 1 problem(s)" in result.stderr
    assert "row 1, column 'target.model': [unknown_reference] 'auth.user'" in result.stderr
    assert not Case.objects.filter(code="atk").exists()


def test_deleting_a_user_account_is_refused_with_exit_2(tmp_path):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_user(username="olga")
    root = _folder(
        tmp_path / "d",
        deleted_json=[
            {
                "model": "auth.user",
                "uid": str(uuid.uuid4()),
                "code": "olga",
                "deleted_at": "2018-01-01T00:00:00+00:00",
            }
        ],
    )
    result = invoke("import", root, "--case", "atk")
    _no_traceback(result)
    assert "deleted.json: 1 problem(s)" in result.stderr
    assert "row 1, column 'model': [unknown_reference]" in result.stderr


def test_an_evidence_hash_that_is_a_path_is_refused_with_exit_2(tmp_path, settings):
    settings.EXPEDIENTE_EVIDENCE_DIR = tmp_path / "store"
    secret = tmp_path / "secret.key"
    secret.write_bytes(b"synthetic secret")
    root = _folder(
        tmp_path / "d",
        evidence__items_json=[
            {"uid": str(uuid.uuid4()), "sha256": str(secret), "size": 16, "filename": "a"}
        ],
    )
    result = invoke("import", root, "--case", "atk")
    _no_traceback(result)
    assert "evidence/items.json: 1 problem(s)" in result.stderr
    assert "row 1, column 'sha256': [malformed_file]" in result.stderr
    assert "is not a SHA-256" in result.stderr
    assert not (tmp_path / "store").exists() or not any(
        p.is_file() for p in (tmp_path / "store").rglob("*")
    )


def test_deep_json_in_a_case_folder_is_refused_with_exit_2(tmp_path):
    root = _folder(tmp_path / "d", structure_json="{" * DEEP)
    result = invoke("import", root, "--case", "atk")
    _no_traceback(result)
    assert "structure.json: 1 problem(s)" in result.stderr
    assert "nests deeper than" in result.stderr


def test_an_export_that_cannot_be_completed_exits_2_and_leaves_nothing(tmp_path, settings):
    from expediente_web.cases.models import Case
    from expediente_web.evidence.models import EvidenceItem

    settings.EXPEDIENTE_EVIDENCE_DIR = tmp_path / "store"
    assert invoke("case", "create", "c2", "--title", "Synthetic").exit_code == 0
    sha = hashlib.sha256(b"missing").hexdigest()
    EvidenceItem.objects.create(
        case=Case.objects.get(code="c2"), sha256=sha, size=7, filename="acta.pdf"
    )
    exports = tmp_path / "exports"
    result = invoke("export", "--case", "c2", "--out", exports / "out")
    _no_traceback(result)
    assert "cannot be read" in result.stderr and "expediente check" in result.stderr
    assert not exports.exists()


def test_check_names_an_item_whose_hash_is_a_path_without_reading_it(tmp_path, settings):
    """What an import before this version could leave: an item whose hash is the path of the
    key ring. `check` says so instead of hashing whatever file the path names."""
    from expediente_web.cases.models import Case
    from expediente_web.evidence.models import EvidenceItem

    settings.EXPEDIENTE_EVIDENCE_DIR = tmp_path / "store"
    secret = tmp_path / "keys.json"
    secret.write_bytes(b"synthetic key ring")
    assert invoke("case", "create", "c3", "--title", "Synthetic").exit_code == 0
    # Relative to the store, as the old import's path_for() joined it (it fits the column).
    relative = os.path.relpath(secret, settings.EXPEDIENTE_EVIDENCE_DIR / "ab" / "cd")
    item = EvidenceItem.objects.create(
        case=Case.objects.get(code="c3"), sha256=relative, size=18, filename="keys.json"
    )
    result = invoke("check")
    assert result.exit_code == 1, result.output
    assert f"item {item.uid} (c3, keys.json)" in result.stderr
    assert "is not a SHA-256" in result.stderr and "Traceback" not in result.output
