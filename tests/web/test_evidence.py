"""Evidence files are stored once under their SHA-256, never overwritten, and re-verifiable."""

from __future__ import annotations

import hashlib
import io
import os

import pytest

from expediente_web.cases.validation import InvalidInput
from expediente_web.evidence.actions import do_record_custody_event, do_store_evidence
from expediente_web.evidence.integrity import check_items
from expediente_web.evidence.models import CustodyEvent, EvidenceItem
from expediente_web.evidence.store import open_evidence, path_for

pytestmark = pytest.mark.django_db

CONTENT = b"Synthetic scanned statement, page 1.\n" * 100
SHA = hashlib.sha256(CONTENT).hexdigest()


@pytest.fixture(autouse=True)
def evidence_dir(tmp_path, settings):
    settings.EXPEDIENTE_EVIDENCE_DIR = tmp_path / "evidence"
    return settings.EXPEDIENTE_EVIDENCE_DIR


def test_file_is_stored_under_its_hash_with_a_receipt(case, documenter, evidence_dir):
    item = do_store_evidence(documenter, case, io.BytesIO(CONTENT), "statement.pdf",
                             media_type="application/pdf", received_from="NGO field team")
    assert (item.sha256, item.size) == (SHA, len(CONTENT))
    path = evidence_dir / SHA[:2] / SHA[2:4] / SHA
    assert path == path_for(SHA) and open_evidence(SHA).read() == CONTENT
    assert CONTENT not in path.read_bytes()  # encrypted at rest
    assert not os.access(path, os.W_OK) or os.geteuid() == 0  # read-only (root ignores modes)
    assert oct(path.stat().st_mode & 0o222) == "0o0"
    receipt = CustodyEvent.objects.get(item=item)
    assert (receipt.action, receipt.hash_observed, receipt.from_party) == (
        "custody.received", SHA, "NGO field team")
    assert list((evidence_dir / "incoming").iterdir()) == []


def test_same_content_is_stored_once_and_never_overwritten(case, owner, documenter):
    from expediente_web.cases.actions import do_create_case

    do_store_evidence(documenter, case, io.BytesIO(CONTENT), "a.pdf")
    path = path_for(SHA)
    inode, mtime = path.stat().st_ino, path.stat().st_mtime_ns
    with pytest.raises(InvalidInput, match="already item") as err:
        do_store_evidence(documenter, case, io.BytesIO(CONTENT), "copy-of-a.pdf")
    assert err.value.field == "file"
    other = do_create_case(owner, "other", "Other")
    do_store_evidence(owner, other, io.BytesIO(CONTENT), "a.pdf")  # another case: one file
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == (inode, mtime)
    assert EvidenceItem.objects.filter(sha256=SHA).count() == 2


def test_size_limit(case, documenter, settings):
    settings.EXPEDIENTE_MAX_UPLOAD_BYTES = 100
    with pytest.raises(InvalidInput, match="limit of 100 bytes") as err:
        do_store_evidence(documenter, case, io.BytesIO(CONTENT), "big.pdf")
    assert err.value.field == "file"
    assert not EvidenceItem.objects.exists()
    assert not path_for(SHA).exists()


def test_check_detects_changed_and_missing_files(case, documenter):
    good = do_store_evidence(documenter, case, io.BytesIO(b"good file"), "good.txt")
    changed = do_store_evidence(documenter, case, io.BytesIO(CONTENT), "changed.pdf")
    missing = do_store_evidence(documenter, case, io.BytesIO(b"to lose"), "lost.txt")
    assert [p for _, p in check_items()] == [None, None, None]
    target = path_for(changed.sha256)
    os.chmod(target, 0o644)
    target.write_bytes(CONTENT + b"tampered")
    path_for(missing.sha256).unlink()
    problems = {str(p.item_uid): p for _, p in check_items() if p is not None}
    assert set(problems) == {str(changed.uid), str(missing.uid)}
    assert problems[str(changed.uid)].problem.startswith("file changed")
    assert problems[str(missing.uid)].problem == "file missing"
    assert str(good.uid) not in problems


def test_custody_events(case, documenter, reviewer):
    from expediente_web.cases.access import NotPermitted

    item = do_store_evidence(documenter, case, io.BytesIO(CONTENT), "s.pdf")
    do_record_custody_event(documenter, item, "custody.verified", hash_observed=SHA.upper())
    with pytest.raises(InvalidInput) as err:
        do_record_custody_event(documenter, item, "custody.verified", hash_observed="0" * 64)
    assert err.value.field == "hash_observed"
    with pytest.raises(InvalidInput) as err:
        do_record_custody_event(documenter, item, "custody.lost")
    assert err.value.field == "action"
    with pytest.raises(NotPermitted):
        do_record_custody_event(reviewer, item, "custody.copied")
    assert [e.action for e in item.custody.all()] == ["custody.received", "custody.verified"]


def test_derivative_must_say_how_it_was_made(case, documenter):
    original = do_store_evidence(documenter, case, io.BytesIO(CONTENT), "s.pdf")
    with pytest.raises(InvalidInput) as err:
        do_store_evidence(documenter, case, io.BytesIO(b"redacted"), "s-red.pdf",
                          parent=original)
    assert err.value.field == "transformation"
    copy = do_store_evidence(documenter, case, io.BytesIO(b"redacted"), "s-red.pdf",
                             parent=original, transformation="redacted names")
    assert list(original.derivatives.all()) == [copy]
