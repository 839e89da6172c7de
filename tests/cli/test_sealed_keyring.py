"""The key ring file is sealed with a passphrase: init seals it, every command unlocks it, a
wrong or missing passphrase is a clear refusal, and it can be resealed and escrowed."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from expediente_web.protection.keyring import (
    KeyRingError,
    is_sealed,
    new_keyring,
    new_seal,
    sealed_text,
    unseal,
)

pytestmark = pytest.mark.skipif(
    os.environ.get("EXPEDIENTE_TEST_DB") == "postgres",
    reason="the key ring file is the same on either database; tested on the embedded default",
)

PASSPHRASE = "first synthetic passphrase"


def run(*args: str, data_dir: Path, **env_extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in ("EXPEDIENTE_KEYS", "DATABASE_URL", "DJANGO_SETTINGS_MODULE",
                        "EXPEDIENTE_KEY_FILE", "EXPEDIENTE_SECRET_KEY",
                        "EXPEDIENTE_KEY_PASSPHRASE", "EXPEDIENTE_KEY_PASSPHRASE_FILE")}
    env["PYTHONPATH"] = str(Path(__file__).parents[2] / "src")
    env.update(env_extra)
    return subprocess.run(
        [sys.executable, "-c", "from expediente.cli import main; main()", *args,
         "--data-dir", str(data_dir)],
        capture_output=True, text=True, env=env, timeout=180, stdin=subprocess.DEVNULL,
    )


def refused(result: subprocess.CompletedProcess, *words: str) -> None:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


def test_init_without_a_passphrase_is_refused_and_writes_no_key_ring(tmp_path):
    data = tmp_path / "data"
    refused(run("init", data_dir=data), "EXPEDIENTE_KEY_PASSPHRASE")
    assert not (data / "keys.json").exists()
    assert not (data / "expediente.sqlite3").exists()


def test_the_ring_is_sealed_and_opens_with_its_passphrase_only(tmp_path):
    data = tmp_path / "data"
    first = run("init", data_dir=data, EXPEDIENTE_KEY_PASSPHRASE=PASSPHRASE)
    assert first.returncode == 0, first.stderr
    text = (data / "keys.json").read_text()
    assert is_sealed(text)
    raw = json.loads(text)
    assert raw["kdf"]["name"] == "scrypt" and raw["kdf"]["n"] >= 2**17
    assert not {"keys", "index_key", "active", "audit_key"} & set(raw)
    ring = unseal(text, None, PASSPHRASE)
    for key in [*ring.keys.values(), ring.index_key, ring.audit_key]:
        assert base64.b64encode(key).decode() not in text  # no key in clear in the file

    ok = run("keys", "status", data_dir=data, EXPEDIENTE_KEY_PASSPHRASE=PASSPHRASE)
    assert ok.returncode == 0, ok.stderr
    assert "sealed with a passphrase" in ok.stdout

    refused(run("keys", "status", data_dir=data, EXPEDIENTE_KEY_PASSPHRASE="not the one at all"),
            "Wrong passphrase")
    refused(run("keys", "status", data_dir=data), "is sealed with a passphrase")
    # Rotation refuses a wrong passphrase before changing anything.
    before = (data / "keys.json").read_bytes()
    refused(run("keys", "rotate", data_dir=data, EXPEDIENTE_KEY_PASSPHRASE="not the one at all"),
            "Wrong passphrase")
    assert (data / "keys.json").read_bytes() == before

    from_file = tmp_path / "passphrase.txt"
    from_file.write_text(PASSPHRASE + "\n")
    ok = run("keys", "rotate", data_dir=data, EXPEDIENTE_KEY_PASSPHRASE_FILE=str(from_file))
    assert ok.returncode == 0, ok.stderr
    rotated = unseal((data / "keys.json").read_text(), None, PASSPHRASE)  # still sealed, same one
    assert rotated.active == "k2" and set(rotated.keys) == {"k1", "k2"}

    # A new passphrase: the old one no longer opens the file, the new one does.
    changed = run("keys", "passphrase", data_dir=data, EXPEDIENTE_KEY_PASSPHRASE=PASSPHRASE,
                  EXPEDIENTE_NEW_KEY_PASSPHRASE="second synthetic passphrase")
    assert changed.returncode == 0, changed.stderr
    text = (data / "keys.json").read_text()
    with pytest.raises(KeyRingError, match="Wrong passphrase"):
        unseal(text, None, PASSPHRASE)
    assert unseal(text, None, "second synthetic passphrase") == rotated

    # An escrowed copy opens with its own passphrase and holds the same keys.
    escrowed = tmp_path / "escrow" / "keys-escrow.json"
    same = run("keys", "escrow", "--out", str(escrowed), data_dir=data,
               EXPEDIENTE_KEY_PASSPHRASE="second synthetic passphrase",
               EXPEDIENTE_ESCROW_PASSPHRASE="second synthetic passphrase")
    refused(same, "must differ")
    assert not escrowed.exists()
    made = run("keys", "escrow", "--out", str(escrowed), data_dir=data,
               EXPEDIENTE_KEY_PASSPHRASE="second synthetic passphrase",
               EXPEDIENTE_ESCROW_PASSPHRASE="passphrase of the trusted person")
    assert made.returncode == 0, made.stderr
    assert unseal(escrowed.read_text(), None, "passphrase of the trusted person") == rotated
    with pytest.raises(KeyRingError):
        unseal(escrowed.read_text(), None, "second synthetic passphrase")
    refused(run("keys", "escrow", "--out", str(escrowed), data_dir=data,
                EXPEDIENTE_KEY_PASSPHRASE="second synthetic passphrase",
                EXPEDIENTE_ESCROW_PASSPHRASE="another one of the trusted person"),
            "never overwritten")


def test_an_altered_header_or_body_is_refused_not_garbage():
    ring = new_keyring()
    text = sealed_text(ring, new_seal(PASSPHRASE))
    assert unseal(text, None, PASSPHRASE) == ring
    raw = json.loads(text)
    weaker = {**raw, "kdf": {**raw["kdf"], "n": 2**14}}
    with pytest.raises(KeyRingError, match=r"Wrong passphrase|altered"):
        unseal(json.dumps(weaker), None, PASSPHRASE)
    body = bytearray(base64.b64decode(raw["ciphertext"]))
    body[5] ^= 1
    flipped = {**raw, "ciphertext": base64.b64encode(bytes(body)).decode()}
    with pytest.raises(KeyRingError, match="altered"):
        unseal(json.dumps(flipped), None, PASSPHRASE)
    with pytest.raises(KeyRingError, match="malformed"):
        unseal(json.dumps({**raw, "kdf": {**raw["kdf"], "n": 2**40}}), None, PASSPHRASE)
    with pytest.raises(KeyRingError, match="too short"):
        new_seal("short")
