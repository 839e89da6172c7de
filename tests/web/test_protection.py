"""Identifying data is encrypted at rest, found through blind indexes, and rotates with the key."""

from __future__ import annotations

import json
import os

import pytest
from django.db import connection

from expediente_web.protection.cipher import reset_keyring_cache
from expediente_web.protection.keyring import KeyRingError, load_keyring, new_keyring, parse_keyring
from expediente_web.records.access import find_persons_by_id_number, find_persons_by_name
from expediente_web.records.models import Person
from expediente_web.records.models import Testimony as Statement

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_key_checks():
    """Each test's database records its key check values anew (the process caches a verified
    ring, and a test's rows are rolled back after it)."""
    reset_keyring_cache()
    yield
    reset_keyring_cache()

# Every protected value the fixtures store, and folded forms of some, that must never appear.
SECRETS = ["María José", "Maria Jose", "Pérez", "Perez", "de la Cruz", "12.345.678", "12345678",
           "1985-03", "412 555 0101", "5550101", "Calle Ficticia", "414 555 0199", "5550199"]


def _raw_rows(table: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
        return cursor.fetchall()


def test_no_protected_value_in_clear_in_raw_rows(victim, testimony, documenter, case):
    from expediente_web.records.actions import do_update_person

    do_update_person(documenter, victim, nickname="La Flaca")
    tables = ["records_person", "records_testimony", "audit_auditentry"]
    dump = "\n".join(repr(row) for table in tables for row in _raw_rows(table))
    assert "Me detuvieron" in dump  # the narrative is not a protected field: the dump is real
    for secret in [*SECRETS, "La Flaca"]:
        assert secret.lower() not in dump.lower(), secret


def test_protected_values_decrypt_and_carry_their_key_id(victim, testimony):
    person = Person.objects.get(pk=victim.pk)
    assert (person.given_names, person.id_number) == ("María José", "V-12.345.678")
    assert Statement.objects.get(pk=testimony.pk).witness_contact == "+58 414 555 0199"
    raw = _raw_rows("records_person")
    assert any(str(cell).startswith("k1:") for row in raw for cell in row)


def test_blind_index_lookups(case, documenter, victim):
    for raw in ("V-12.345.678", "12345678", "v 12 345 678"):
        assert list(find_persons_by_id_number(documenter, case, raw)) == [victim]
    assert list(find_persons_by_name(documenter, case, "MARIA JOSE  perez de la cruz")) == [
        victim]
    assert not find_persons_by_name(documenter, case, "Maria Perez").exists()
    assert not find_persons_by_id_number(documenter, case, "").exists()


def test_blind_index_follows_an_update(case, documenter, victim):
    from expediente_web.records.actions import do_update_person

    do_update_person(documenter, victim, id_number="E-81.234.567")
    assert not find_persons_by_id_number(documenter, case, "12345678").exists()
    assert list(find_persons_by_id_number(documenter, case, "81234567")) == [victim]


def test_reviewers_cannot_look_up_protected_fields(case, reviewer, victim):
    from expediente_web.cases.access import NotPermitted

    with pytest.raises(NotPermitted):
        find_persons_by_id_number(reviewer, case, "12345678")


@pytest.fixture
def key_file(tmp_path, monkeypatch, settings):
    """The test key ring moved from the environment into a file, as `expediente init` makes."""
    path = tmp_path / "keys.json"
    path.write_text(os.environ["EXPEDIENTE_KEYS"], encoding="utf-8")
    monkeypatch.delenv("EXPEDIENTE_KEYS")
    settings.EXPEDIENTE_KEY_FILE = path
    reset_keyring_cache()
    yield path
    reset_keyring_cache()


def test_rotation_reencrypts_everything_and_lookups_still_work(case, documenter, victim,
                                                               testimony, key_file):
    from expediente_web.audit.chain import verify
    from expediente_web.audit.models import AuditEntry
    from expediente_web.protection.rotation import key_usage, retire_old_keys, rotate

    assert key_usage() == {"k1": 9}
    before = Person.objects.get(pk=victim.pk).updated_at
    new_key, done = rotate(documenter)
    assert (new_key, done) == ("k2", 9)
    assert key_usage() == {"k2": 9}
    assert set(load_keyring(key_file).keys) == {"k1", "k2"}
    person = Person.objects.get(pk=victim.pk)
    assert person.id_number == "V-12.345.678" and person.updated_at == before
    assert list(find_persons_by_id_number(documenter, case, "12345678")) == [victim]
    assert list(find_persons_by_name(documenter, case, "María José Pérez de la Cruz")) == [
        victim]
    entry = AuditEntry.objects.get(action="rotate_keys")
    assert entry.payload["values_reencrypted"] == 9 and entry.actor == documenter.username
    assert retire_old_keys(documenter) == ["k1", "i1"]
    ring = load_keyring(key_file)
    assert set(ring.keys) == {"k2"} and ring.active == "k2"
    assert ring.index_id == "i2" and not ring.old_index_keys  # the index key rotated too
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    reset_keyring_cache()
    assert Statement.objects.get(pk=testimony.pk).witness_contact == "+58 414 555 0199"
    assert verify() == []


def test_old_keys_are_kept_while_values_need_them(victim, key_file):
    from expediente_web.protection.rotation import retire_old_keys

    ring = parse_keyring(key_file.read_text())
    key_file.write_text(ring.with_new_active_key().to_json())
    reset_keyring_cache()
    with pytest.raises(KeyRingError, match="still in use"):
        retire_old_keys()
    assert "k1" in load_keyring(key_file).keys


def test_rotation_refuses_a_key_ring_from_the_environment(victim):
    from expediente_web.protection.rotation import rotate

    with pytest.raises(KeyRingError, match="EXPEDIENTE_KEYS"):
        rotate()


def test_a_wrong_key_ring_gives_a_clear_error(victim, monkeypatch):
    wrong = new_keyring()  # same key id k1, different key
    monkeypatch.setenv("EXPEDIENTE_KEYS", wrong.to_json())
    reset_keyring_cache()
    try:
        with pytest.raises(KeyRingError, match="data key k1, index key i1 differ"):
            _ = Person.objects.get(pk=victim.pk).given_names
    finally:
        monkeypatch.undo()
        reset_keyring_cache()


def test_a_missing_key_gives_a_clear_error(victim, monkeypatch):
    other = json.loads(os.environ["EXPEDIENTE_KEYS"])  # this database's index key, …
    other["keys"] = {"k7": json.loads(new_keyring().to_json())["keys"]["k1"]}  # … without k1
    other["active"] = "k7"
    monkeypatch.setenv("EXPEDIENTE_KEYS", json.dumps(other))
    reset_keyring_cache()
    try:
        with pytest.raises(KeyRingError, match="key 'k1', which is not in the key ring"):
            _ = Person.objects.get(pk=victim.pk).given_names
    finally:
        monkeypatch.undo()
        reset_keyring_cache()


def test_a_missing_key_file_gives_a_clear_error(monkeypatch, settings, tmp_path):
    from expediente_web.protection.cipher import current_keyring

    monkeypatch.delenv("EXPEDIENTE_KEYS")
    settings.EXPEDIENTE_KEY_FILE = tmp_path / "nowhere.json"
    reset_keyring_cache()
    try:
        with pytest.raises(KeyRingError, match="expediente init"):
            current_keyring()
    finally:
        monkeypatch.undo()
        reset_keyring_cache()


def test_rotation_with_a_wrong_key_ring_changes_nothing(victim, key_file):
    from expediente_web.protection.rotation import rotate

    key_file.write_text(new_keyring().to_json())  # a different k1
    reset_keyring_cache()
    before = key_file.read_text()
    with pytest.raises(KeyRingError, match="is not this database's"):
        rotate()
    assert key_file.read_text() == before


def _sealed_without_binding(plaintext: str) -> str:
    """A value as it was stored before values were bound to their rows."""
    import base64

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from expediente_web.protection.cipher import current_keyring

    nonce = os.urandom(12)
    sealed = AESGCM(current_keyring().key("k1")).encrypt(nonce, plaintext.encode(), None)
    return "k1:" + base64.b64encode(nonce + sealed).decode()


def test_the_migration_rebinds_values_written_before_binding(victim, monkeypatch):
    from types import SimpleNamespace

    from django.apps import apps

    from expediente_web.protection.legacy import rebind
    from expediente_web.protection.models import KeyCheck

    legacy = _sealed_without_binding("Nombre Antiguo")
    table = connection.ops.quote_name("records_person")
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET given_names = %s WHERE id = %s", [legacy, victim.pk])
    KeyCheck.objects.all().delete()  # as before the key check table existed
    schema_editor = SimpleNamespace(connection=connection)
    monkeypatch.setenv("EXPEDIENTE_KEYS", new_keyring().to_json())  # a wrong ring is refused …
    reset_keyring_cache()
    with pytest.raises(KeyRingError, match=r"records_person\.given_names of row"):
        rebind(apps, schema_editor)
    assert _raw_rows("records_person")[0].count(legacy) == 1  # … and changes nothing
    monkeypatch.undo()
    reset_keyring_cache()
    rebind(apps, schema_editor)
    reset_keyring_cache()
    person = Person.objects.get(pk=victim.pk)
    assert (person.given_names, person.first_surname) == ("Nombre Antiguo", "Pérez")
    assert set(KeyCheck.objects.values_list("kind", "key_id")) == {("data", "k1"), ("index", "i1")}


def test_a_file_no_item_names_does_not_keep_an_old_key(victim, key_file, tmp_path):
    """A stored file left by a refused import, sealed under another ring's key of the same id,
    neither stops the rotation nor keeps the old key in the ring."""
    import io

    from expediente_web.evidence.store import _encrypt_into, path_for
    from expediente_web.evidence.store import key_usage as evidence_key_usage
    from expediente_web.protection.rotation import retire_old_keys, rotate

    foreign = new_keyring()  # its data key is also "k1"
    with open(tmp_path / "sealed", "w+b") as sealed:
        sha, _ = _encrypt_into(io.BytesIO(b"left behind by an import that was refused"),
                               sealed, None, foreign.key("k1"), "k1")
    path_for(sha).parent.mkdir(parents=True)
    (tmp_path / "sealed").rename(path_for(sha))
    assert evidence_key_usage() == {"k1": 1} and evidence_key_usage(named_only=True) == {}
    rotate()
    assert evidence_key_usage() == {"k1": 1}  # not ours to open: left as it was
    assert retire_old_keys() == ["k1", "i1"]
