"""Evidence files are encrypted at rest: AES-256-GCM in segments under a per-file key, named by
the SHA-256 of their plaintext, read only through `open_evidence`, refused when altered, cut off,
reordered, moved or under a key not in the ring; rotation rewraps their keys."""

from __future__ import annotations

import hashlib
import io
import os

import pytest

from expediente_web.evidence import store
from expediente_web.evidence.store import (
    HEADER_BYTES,
    EvidenceUnreadable,
    PlainEvidence,
    open_evidence,
    path_for,
    plaintext_sha256,
)
from expediente_web.protection.cipher import reset_keyring_cache

pytestmark = pytest.mark.django_db

# A synthetic statement, long enough for several segments once they are made small.
TEXT = ("Declaración sintética: el testigo Ramiro Ficticio vio al sargento Inventado en la "
        "plaza de Villa Imaginaria el 3 de marzo. ").encode() * 7


@pytest.fixture(autouse=True)
def _store(tmp_path, settings, monkeypatch):
    settings.EXPEDIENTE_EVIDENCE_DIR = tmp_path / "evidence"
    monkeypatch.setattr(store, "SEGMENT", 64)  # many segments from a small file
    reset_keyring_cache()
    yield
    reset_keyring_cache()


def put(data: bytes) -> store.Stored:
    return store.store(io.BytesIO(data))


def segments(path) -> tuple[bytes, list[bytes]]:
    raw = path.read_bytes()
    body = raw[HEADER_BYTES:]
    return raw[:HEADER_BYTES], [body[i:i + 64 + 16] for i in range(0, len(body), 64 + 16)]


def rewrite(path, data: bytes) -> None:
    os.chmod(path, 0o644)
    path.write_bytes(data)


@pytest.mark.parametrize("size", [0, 1, 63, 64, 128, 129, len(TEXT)])
def test_round_trip_under_the_plaintext_hash_and_nothing_in_clear(size):
    data = TEXT[:size]
    stored = put(data)
    assert stored.sha256 == hashlib.sha256(data).hexdigest() and stored.size == size
    with open_evidence(stored.sha256) as reader:
        assert reader.read() == data
    with open_evidence(stored.sha256) as reader:  # read in pieces, across segments
        pieces = [reader.read(50) for _ in range(size // 50 + 2)]
    assert b"".join(pieces) == data
    assert plaintext_sha256(stored.sha256) == stored.sha256
    raw = path_for(stored.sha256).read_bytes()
    assert len(raw) == HEADER_BYTES + (size // 64 + 1) * 16 + size
    if size >= 16:
        assert data[:16] not in raw and b"Ficticio" not in raw


def test_the_same_content_twice_is_one_file():
    first, second = put(TEXT), put(TEXT)
    assert first.new and not second.new and first.path == second.path


def test_an_altered_byte_is_refused_naming_the_segment():
    stored = put(TEXT)
    raw = bytearray(stored.path.read_bytes())
    raw[HEADER_BYTES + 64 + 16 + 3] ^= 1  # in segment 1
    rewrite(stored.path, bytes(raw))
    with open_evidence(stored.sha256) as reader, pytest.raises(EvidenceUnreadable,
                                                               match="Segment 1"):
        reader.read()


def test_a_file_cut_at_a_segment_boundary_or_reordered_is_refused():
    stored = put(TEXT)
    header, parts = segments(stored.path)
    assert len(parts) > 3
    rewrite(stored.path, header + b"".join(parts[:2]))  # the last segments dropped
    with open_evidence(stored.sha256) as reader, pytest.raises(EvidenceUnreadable,
                                                               match="cut off"):
        reader.read()
    rewrite(stored.path, header + parts[1] + parts[0] + b"".join(parts[2:]))
    with open_evidence(stored.sha256) as reader, pytest.raises(EvidenceUnreadable):
        reader.read()
    rewrite(stored.path, header + b"".join(parts[:-2]) + parts[-1])  # a middle one dropped
    with open_evidence(stored.sha256) as reader, pytest.raises(EvidenceUnreadable):
        reader.read()


def test_a_file_moved_under_another_hash_does_not_open():
    one, other = put(TEXT), put(b"otra acta sintetica")
    rewrite(other.path, one.path.read_bytes())  # the ciphertext of one, named as the other
    with pytest.raises(EvidenceUnreadable, match="moved from another file"):
        open_evidence(other.sha256)


def test_a_key_ring_without_the_files_key_is_refused(monkeypatch):
    from expediente_web.protection.keyring import KeyRingError, new_keyring

    stored = put(TEXT)
    with pytest.raises(KeyRingError):
        open_evidence(stored.sha256, ring=new_keyring().with_new_active_key().without_old_keys())
    with pytest.raises(EvidenceUnreadable, match="not this store's"):
        open_evidence(stored.sha256, ring=new_keyring())  # another ring's k1


def test_a_file_stored_in_clear_is_refused_until_encrypted():
    data = b"acta de una version anterior, en claro (sintetica)"
    sha = hashlib.sha256(data).hexdigest()
    path_for(sha).parent.mkdir(parents=True)
    path_for(sha).write_bytes(data)
    with pytest.raises(PlainEvidence, match="encrypt-evidence"):
        open_evidence(sha)
    assert store.key_usage() == {"plain": 1}
    assert store.encrypt_plain_files() == 1
    assert data not in path_for(sha).read_bytes()
    assert open_evidence(sha).read() == data and store.key_usage() == {"k1": 1}


def test_check_and_export_read_the_plaintext(case, documenter, tmp_path):
    from expediente_web.evidence.actions import do_store_evidence
    from expediente_web.evidence.integrity import check_items

    item = do_store_evidence(documenter, case, io.BytesIO(TEXT), "acta.txt")
    assert [p for _, p in check_items()] == [None]
    raw = bytearray(path_for(item.sha256).read_bytes())
    raw[-1] ^= 1
    rewrite(path_for(item.sha256), bytes(raw))
    problems = [p for _, p in check_items() if p is not None]
    assert len(problems) == 1 and problems[0].problem.startswith("file changed")


def test_rotation_rewraps_every_file_key_and_retires_the_old_key(tmp_path, monkeypatch,
                                                                 settings):
    from expediente_web.protection.rotation import retire_old_keys, rotate

    path = tmp_path / "keys.json"
    path.write_text(os.environ["EXPEDIENTE_KEYS"], encoding="utf-8")
    monkeypatch.delenv("EXPEDIENTE_KEYS")
    settings.EXPEDIENTE_KEY_FILE = path
    reset_keyring_cache()
    stored = [put(TEXT), put(TEXT[:10])]
    before = [s.path.read_bytes()[HEADER_BYTES:] for s in stored]
    assert store.key_usage() == {"k1": 2}
    new_key, _ = rotate()
    assert store.key_usage() == {new_key: 2}
    # Only the headers changed: the segments are the same bytes, and still read.
    assert [s.path.read_bytes()[HEADER_BYTES:] for s in stored] == before
    assert sorted(retire_old_keys()) == ["i1", "k1"]
    reset_keyring_cache()
    assert [open_evidence(s.sha256).read() for s in stored] == [TEXT, TEXT[:10]]


@pytest.mark.parametrize(("url", "refused"), [
    ("postgres://u:p@db.example.org/x", True),
    ("postgres://u:p@db.example.org/x?sslmode=prefer", True),
    ("postgres://u:p@db.example.org/x?sslmode=disable", True),
    ("postgres://u:p@db.example.org/x?sslmode=require", False),
    ("postgres://u:p@db.example.org/x?sslmode=verify-full", False),
    ("postgres://u:p@localhost/x", False),
    ("postgres://u:p@127.0.0.1/x", False),
    ("postgres://u@/x?host=/run/postgresql", False),
    ("sqlite:////tmp/x.sqlite3", False),
])
def test_a_remote_postgresql_database_is_refused_without_tls(url, refused, settings):
    import dj_database_url

    from expediente_web.config import ConfigError
    from expediente_web.protection.cipher import current_keyring
    from expediente_web.protection.transport import transport_problem

    db = dj_database_url.parse(url)
    assert bool(transport_problem(db)) is refused
    if refused:
        settings.DATABASES = {**settings.DATABASES, "default": {**settings.DATABASES["default"],
                                                                **db}}
        with pytest.raises(ConfigError, match="sslmode"):
            current_keyring()


def test_old_key_is_kept_while_a_file_still_needs_it(tmp_path, monkeypatch, settings, case,
                                                     documenter):
    """A rotation stopped before every file was rewrapped: `--retire-old` refuses, and running
    the rotation again finishes the job."""
    from expediente_web.protection.keyring import KeyRingError
    from expediente_web.protection.rotation import retire_old_keys, rotate

    path = tmp_path / "keys.json"
    path.write_text(os.environ["EXPEDIENTE_KEYS"], encoding="utf-8")
    monkeypatch.delenv("EXPEDIENTE_KEYS")
    settings.EXPEDIENTE_KEY_FILE = path
    reset_keyring_cache()
    from expediente_web.evidence.actions import do_store_evidence

    stored = do_store_evidence(documenter, case, io.BytesIO(TEXT), "statement.txt")
    with monkeypatch.context() as patch:
        patch.setattr(store, "rewrap", lambda ring: 0)  # stopped before the evidence
        rotate()
    assert store.key_usage() == {"k1": 1}
    with pytest.raises(KeyRingError, match="k1: 1 values"):
        retire_old_keys()
    reset_keyring_cache()
    assert open_evidence(stored.sha256).read() == TEXT  # the old key still opens it
    rotate()
    assert store.key_usage() == {"k3": 1}
    assert "k1" in retire_old_keys()
