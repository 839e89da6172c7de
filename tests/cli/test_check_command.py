"""`expediente check` re-hashes evidence files."""

from __future__ import annotations

import io
import os

import pytest
from click.testing import CliRunner

from expediente.cli import main

pytestmark = pytest.mark.django_db


@pytest.fixture
def items(tmp_path, settings):
    from django.contrib.auth import get_user_model

    from expediente_web.cases.actions import do_create_case
    from expediente_web.evidence.actions import do_store_evidence

    settings.EXPEDIENTE_EVIDENCE_DIR = tmp_path / "evidence"
    user = get_user_model().objects.create_user("owner")
    case = do_create_case(user, "c1", "Case one")
    return [do_store_evidence(user, case, io.BytesIO(f"file {n}".encode()), f"f{n}.txt")
            for n in range(3)]


def test_intact_store(items):
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 0, result.output
    assert "evidence intact: 3 items" in result.stdout


def test_changed_file_is_reported_by_item_and_path(items):
    from expediente_web.evidence.store import path_for

    path = path_for(items[1].sha256)
    os.chmod(path, 0o644)
    path.write_bytes(b"edited")
    result = CliRunner().invoke(main, ["check"])
    assert result.exit_code == 1
    assert f"item {items[1].uid} (c1, f1.txt) at {path}: file changed" in result.stderr
    assert str(items[0].uid) not in result.stderr
