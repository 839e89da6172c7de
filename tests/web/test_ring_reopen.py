"""The key ring a process holds is reopened when its file changes: with the seal it holds when a
rotation re-sealed the file (no passphrase, no key derivation), with the configured passphrase
when the file was sealed under a new one, and kept as it was, with the reason logged, when
neither opens it."""

from __future__ import annotations

import pytest

from expediente_web.protection import keyring as keyring_module
from expediente_web.protection.keyring import new_keyring, new_seal, save_keyring
from expediente_web.protection.unlocked import forget_held, held_keyring

PASSPHRASE = "synthetic passphrase one"
OTHER = "synthetic passphrase two"


@pytest.fixture
def key_file(tmp_path, monkeypatch):
    monkeypatch.delenv("EXPEDIENTE_KEYS")
    monkeypatch.delenv("EXPEDIENTE_KEY_PASSPHRASE_FILE", raising=False)
    monkeypatch.setenv("EXPEDIENTE_KEY_PASSPHRASE", PASSPHRASE)
    path = tmp_path / "keys.json"
    save_keyring(new_keyring(), path, seal=new_seal(PASSPHRASE))
    forget_held()
    yield path
    forget_held()


def test_a_rotated_file_is_reopened_with_the_seal_held(key_file, monkeypatch):
    first = held_keyring(key_file)
    assert held_keyring(key_file) is first  # unchanged file: the same ring, nothing read
    rotated = first.with_new_active_key().with_new_index_key()
    save_keyring(rotated, key_file)  # re-sealed under the seal it was read with
    monkeypatch.delenv("EXPEDIENTE_KEY_PASSPHRASE")

    def no_derivation(*args):
        raise AssertionError("the passphrase was derived again")

    monkeypatch.setattr(keyring_module, "_derive", no_derivation)
    again = held_keyring(key_file)
    assert again == rotated and again.active != first.active


def test_a_file_sealed_under_a_new_passphrase_opens_with_the_configured_one(key_file, monkeypatch):
    first = held_keyring(key_file)
    rotated = first.with_new_active_key()
    save_keyring(rotated, key_file, seal=new_seal(OTHER))
    monkeypatch.setenv("EXPEDIENTE_KEY_PASSPHRASE", OTHER)
    assert held_keyring(key_file) == rotated


def test_a_file_nothing_opens_leaves_the_held_ring_and_says_why(key_file, monkeypatch, caplog):
    first = held_keyring(key_file)
    save_keyring(first.with_new_active_key(), key_file, seal=new_seal(OTHER))
    monkeypatch.delenv("EXPEDIENTE_KEY_PASSPHRASE")
    assert held_keyring(key_file) is first
    assert "could not be reopened" in caplog.text and "Restart the server" in caplog.text
    caplog.clear()
    assert held_keyring(key_file) is first
    assert not caplog.text  # said once, not at every use


def test_an_altered_file_is_not_taken(key_file, caplog):
    first = held_keyring(key_file)
    text = key_file.read_text()
    key_file.write_text(text.replace('"ciphertext": "', '"ciphertext": "AAAA'))
    assert held_keyring(key_file) is first
    assert "could not be reopened" in caplog.text
