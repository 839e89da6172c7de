"""`expediente verify-release DIR`: exit 0 when intact, 1 on any change, 2 when unreadable."""

from __future__ import annotations

import base64
from pathlib import Path

from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from expediente.cli import main
from expediente.legal.manifest import SIGNATURE_NAME, key_fingerprint, sign_release

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))


def release(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    root.mkdir()
    (root / "index.html").write_text("<p>Edición pública</p>", encoding="utf-8")
    (root / "data.csv").write_text("estado,n\nMiranda,40\n", encoding="utf-8")
    sign_release(root, KEY)
    return root


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["verify-release", *args])
    return result.exit_code, result.stdout, result.stderr


def test_intact_release_exits_0_and_prints_the_fingerprint(tmp_path: Path) -> None:
    code, out, _ = run(str(release(tmp_path)))
    assert code == 0
    assert "OK: 2 files match the manifest" in out
    assert key_fingerprint(KEY.public_key()) in out
    assert "Compare this fingerprint" in out


def test_every_change_is_listed_and_exits_1(tmp_path: Path) -> None:
    root = release(tmp_path)
    (root / "index.html").write_text("forged", encoding="utf-8")
    (root / "data.csv").unlink()
    (root / "tracker.js").write_text("x", encoding="utf-8")
    code, out, err = run(str(root))
    assert code == 1
    assert "CHANGED  index.html" in out
    assert "REMOVED  data.csv" in out
    assert "ADDED    tracker.js" in out
    assert "FAILED: 3 problem(s)" in err


def test_bad_signature_exits_1(tmp_path: Path) -> None:
    root = release(tmp_path)
    (root / SIGNATURE_NAME).write_bytes(base64.b64encode(b"\1" * 64))
    code, out, _ = run(str(root))
    assert code == 1 and "BAD SIGNATURE" in out


def test_pinned_key(tmp_path: Path) -> None:
    root = release(tmp_path)
    good, other = tmp_path / "good.pem", tmp_path / "other.pem"
    for path, key in ((good, KEY), (other, Ed25519PrivateKey.generate())):
        pem = key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        path.write_bytes(pem)
    code, out, _ = run(str(root), "--public-key", str(good))
    assert code == 0 and "(the key given)" in out
    code, out, _ = run(str(root), "--public-key", str(other))
    assert code == 1 and "WRONG KEY" in out


def test_unreadable_input_exits_2_with_a_message_and_no_traceback(tmp_path: Path) -> None:
    code, _, err = run(str(tmp_path / "absent"))
    assert code == 2 and "is not a folder" in err and "Traceback" not in err
    code, _, err = run(str(tmp_path))
    assert code == 2 and "no MANIFEST.json" in err
    (tmp_path / "junk.pem").write_text("junk", encoding="utf-8")
    code, _, err = run(str(release(tmp_path)), "--public-key", str(tmp_path / "junk.pem"))
    assert code == 2 and "no Ed25519 public key" in err
