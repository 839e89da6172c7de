"""Signed release manifests, and the attacks the verifier must catch."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from expediente.legal.manifest import (
    MANIFEST_NAME,
    SIGNATURE_NAME,
    ManifestError,
    build_manifest,
    key_fingerprint,
    load_public_key,
    sign_release,
    verify_release,
)

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))  # a fixed test key
OTHER = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))


def release(tmp_path: Path) -> Path:
    root = tmp_path / "public"
    (root / "charts").mkdir(parents=True)
    (root / "index.html").write_text("<h1>Informe</h1>", encoding="utf-8")
    (root / "report.pdf").write_bytes(b"%PDF-1.7 synthetic")
    (root / "charts" / "acts.png").write_bytes(b"\x89PNG synthetic")
    (root / "charts" / "año.csv").write_text("estado,n\nMiranda,40\n", encoding="utf-8")
    sign_release(root, KEY)
    return root


def test_a_fresh_release_verifies(tmp_path: Path) -> None:
    root = release(tmp_path)
    result = verify_release(root)
    assert result.ok and result.signature_ok and result.key_ok
    assert result.files == 4
    assert result.fingerprint == key_fingerprint(KEY.public_key())
    assert verify_release(root, expected_key=KEY.public_key()).ok
    manifest = json.loads((root / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert [f["path"] for f in manifest["files"]] == [
        "charts/acts.png", "charts/año.csv", "index.html", "report.pdf",
    ]  # fmt: skip
    assert manifest["format"] == "expediente-release-manifest/1"
    assert MANIFEST_NAME not in {f["path"] for f in manifest["files"]}


def test_sha256_of_each_file_is_recorded(tmp_path: Path) -> None:
    root = release(tmp_path)
    manifest = json.loads((root / MANIFEST_NAME).read_text(encoding="utf-8"))
    for entry in manifest["files"]:
        data = (root / entry["path"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["size"] == len(data)


def test_changed_added_and_removed_files_are_each_named(tmp_path: Path) -> None:
    root = release(tmp_path)
    (root / "index.html").write_text("<h1>Informe alterado</h1>", encoding="utf-8")
    (root / "charts" / "acts.png").unlink()
    (root / "extra.js").write_text("alert(1)", encoding="utf-8")
    (root / "charts" / "new").mkdir()
    (root / "charts" / "new" / "x.csv").write_text("1", encoding="utf-8")
    result = verify_release(root)
    assert not result.ok
    assert result.signature_ok  # the manifest itself is intact
    assert result.changed == ("index.html",)
    assert result.removed == ("charts/acts.png",)
    assert result.added == ("charts/new/x.csv", "extra.js")


def test_a_change_of_one_byte_is_caught(tmp_path: Path) -> None:
    root = release(tmp_path)
    data = bytearray((root / "report.pdf").read_bytes())
    data[-1] ^= 1
    (root / "report.pdf").write_bytes(bytes(data))
    assert verify_release(root).changed == ("report.pdf",)


def test_an_edited_manifest_breaks_the_signature(tmp_path: Path) -> None:
    root = release(tmp_path)
    (root / "index.html").write_text("forged", encoding="utf-8")
    manifest = json.loads((root / MANIFEST_NAME).read_text(encoding="utf-8"))
    for entry in manifest["files"]:  # the forger updates the hash to match
        if entry["path"] == "index.html":
            entry["sha256"] = hashlib.sha256(b"forged").hexdigest()
    (root / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    result = verify_release(root)
    assert result.changed == ()
    assert not result.signature_ok and not result.ok


def test_a_forged_signature_or_garbage_signature_fails(tmp_path: Path) -> None:
    root = release(tmp_path)
    (root / SIGNATURE_NAME).write_bytes(base64.b64encode(b"\0" * 64))
    assert not verify_release(root).signature_ok
    (root / SIGNATURE_NAME).write_text("not base64 !!", encoding="utf-8")
    assert not verify_release(root).signature_ok


def test_re_signing_with_another_key_is_caught_only_by_pinning(tmp_path: Path) -> None:
    root = release(tmp_path)
    (root / "index.html").write_text("forged", encoding="utf-8")
    sign_release(root, OTHER)  # the forger signs the forged folder with their own key
    unpinned = verify_release(root)
    assert unpinned.ok  # consistent in itself ...
    assert unpinned.fingerprint != key_fingerprint(KEY.public_key())  # ... but another key
    pinned = verify_release(root, expected_key=KEY.public_key())
    assert not pinned.key_ok and not pinned.ok


def test_swapping_the_key_in_the_manifest_breaks_the_signature(tmp_path: Path) -> None:
    root = release(tmp_path)
    manifest = json.loads((root / MANIFEST_NAME).read_text(encoding="utf-8"))
    raw = OTHER.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    manifest["public_key"] = base64.b64encode(raw).decode()
    (root / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    assert not verify_release(root).signature_ok


@pytest.mark.parametrize("bad_path", ["../outside.txt", "/etc/passwd", "a/../../b", "a\\b", "./x"])
def test_unsafe_paths_in_a_manifest_are_refused(tmp_path: Path, bad_path: str) -> None:
    root = release(tmp_path)
    manifest = json.loads((root / MANIFEST_NAME).read_text(encoding="utf-8"))
    manifest["files"].append({"path": bad_path, "size": 1, "sha256": "0" * 64})
    data = (json.dumps(manifest) + "\n").encode()
    (root / MANIFEST_NAME).write_bytes(data)
    (root / SIGNATURE_NAME).write_bytes(base64.b64encode(KEY.sign(data)))  # even if signed
    with pytest.raises(ManifestError, match="unsafe path"):
        verify_release(root)


def test_duplicate_entries_are_refused(tmp_path: Path) -> None:
    root = release(tmp_path)
    manifest = json.loads((root / MANIFEST_NAME).read_text(encoding="utf-8"))
    manifest["files"].append(dict(manifest["files"][0]))
    (root / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ManifestError, match="listed twice"):
        verify_release(root)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_links_are_reported_and_never_signed(tmp_path: Path) -> None:
    root = release(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("protected", encoding="utf-8")
    (root / "link.txt").symlink_to(secret)
    result = verify_release(root)
    assert result.unsafe == ("link.txt is a symbolic link",)
    assert not result.ok
    with pytest.raises(ManifestError, match="symbolic link"):
        build_manifest(root, KEY.public_key())


def test_unreadable_releases_are_errors_not_failures(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="not a folder"):
        verify_release(tmp_path / "missing")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ManifestError, match=r"no MANIFEST\.json"):
        verify_release(empty)
    root = release(tmp_path)
    (root / MANIFEST_NAME).write_text("{not json", encoding="utf-8")
    with pytest.raises(ManifestError, match="not valid JSON"):
        verify_release(root)
    (root / MANIFEST_NAME).write_text('{"format": "other"}', encoding="utf-8")
    with pytest.raises(ManifestError, match="not an Expediente release manifest"):
        verify_release(root)


def test_public_keys_load_from_pem_or_base64(tmp_path: Path) -> None:
    public = KEY.public_key()
    pem = tmp_path / "key.pem"
    pem.write_bytes(
        public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    raw = tmp_path / "key.b64"
    raw.write_text(base64.b64encode(public.public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode() + "\n")  # fmt: skip
    assert key_fingerprint(load_public_key(pem)) == key_fingerprint(public)
    assert key_fingerprint(load_public_key(raw)) == key_fingerprint(public)
    (tmp_path / "bad").write_text("hello")
    with pytest.raises(ManifestError, match="no Ed25519 public key"):
        load_public_key(tmp_path / "bad")
    with pytest.raises(ManifestError, match="cannot read"):
        load_public_key(tmp_path / "absent")


def test_hidden_files_count_like_any_other(tmp_path: Path) -> None:
    root = release(tmp_path)
    (root / ".htaccess").write_text("Redirect / https://example.invalid/", encoding="utf-8")
    (root / "charts" / ".cache").mkdir()
    (root / "charts" / ".cache" / "x").write_bytes(b"1")
    assert verify_release(root).added == (".htaccess", "charts/.cache/x")
