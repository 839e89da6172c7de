"""The attacks on protected data that a copy of the database allowed, repeated: each does no harm.

- a ciphertext (and blind index) copied onto another row, column or table;
- a key ring with the same key id but other keys, writing or reading;
- the retired ring of a rotated database, confirming known ID numbers;
- a web application with no secret key of its own.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.db import connection, transaction

from expediente_web.protection.cipher import blind_index, reset_keyring_cache
from expediente_web.protection.keyring import KeyRingError, load_keyring, new_keyring
from expediente_web.records.models import Person
from expediente_web.records.models import Testimony as Statement

pytestmark = pytest.mark.django_db

q = connection.ops.quote_name


@pytest.fixture(autouse=True)
def _fresh_key_checks():
    """Each test's database records its key check values anew (the process caches a verified
    ring, and a test's rows are rolled back after it)."""
    reset_keyring_cache()
    yield
    reset_keyring_cache()


@pytest.fixture
def two_victims(case, documenter, source):
    from expediente_web.records.actions import do_create_person

    ana = do_create_person(documenter, case, full_name="Ana Ficticia Uno", id_number="V-11.111.111",
                           phone="0414-555-0001", source=source, source_record_id="A")
    bea = do_create_person(documenter, case, full_name="Bea Inventada Dos",
                           id_number="V-22.222.222", source=source, source_record_id="B")
    return ana, bea


def _raw(table: str, pk: int, *columns: str) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(q(c) for c in columns)} FROM {q(table)} "
                       f"WHERE {q('id')} = %s", [pk])
        return cursor.fetchone()


def _set_raw(table: str, pk: int, **values: str) -> None:
    sets = ", ".join(f"{q(c)} = %s" for c in values)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {q(table)} SET {sets} WHERE {q('id')} = %s",
                       [*values.values(), pk])


# -- 5. a value is bound to its table, column and row -------------------------------------------


def test_a_name_and_index_copied_onto_another_victim_do_not_read_as_that_victim(
    two_victims, case, documenter
):
    from expediente_web.records.access import find_persons_by_name

    ana, bea = two_victims
    name, index = _raw("records_person", ana.pk, "full_name", "name_index")
    _set_raw("records_person", bea.pk, full_name=name, name_index=index)  # the attack
    tampered = Person.objects.get(pk=bea.pk)
    with pytest.raises(KeyRingError, match=f"records_person.full_name of row {bea.uid}"):
        _ = tampered.full_name
    # The copied index finds the row, but the row never shows Ana's name.
    found = list(find_persons_by_name(documenter, case, "Ana Ficticia Uno"))
    assert {p.pk for p in found} == {ana.pk, bea.pk}
    for person in found:
        if person.pk == bea.pk:
            with pytest.raises(KeyRingError, match="copied there from another row"):
                _ = person.full_name
        else:
            assert person.full_name == "Ana Ficticia Uno"
    assert Person.objects.get(pk=bea.pk).id_number == "V-22.222.222"  # the rest still reads


def test_a_value_moved_to_another_column_or_table_does_not_decrypt(two_victims, testimony):
    ana, _ = two_victims
    (phone,) = _raw("records_person", ana.pk, "phone")
    _set_raw("records_person", ana.pk, address=phone)
    with pytest.raises(KeyRingError, match=r"records_person\.address"):
        _ = Person.objects.get(pk=ana.pk).address
    _set_raw("records_testimony", testimony.pk, witness_contact=phone)
    with pytest.raises(KeyRingError, match=r"records_testimony\.witness_contact"):
        _ = Statement.objects.get(pk=testimony.pk).witness_contact


def test_values_written_by_bulk_create_are_bound_to_their_rows(case, source):
    from django.utils import timezone

    rows = [Person(case=case, source=source, source_record_id=f"R{n}", full_name=f"Nombre {n}",
                   created_at=timezone.now()) for n in range(3)]
    Person.objects.bulk_create(rows)
    found = Person.objects.filter(source_record_id__startswith="R")
    stored = {p.source_record_id: p for p in found}
    assert [stored[f"R{n}"].full_name for n in range(3)] == ["Nombre 0", "Nombre 1", "Nombre 2"]
    (first,) = _raw("records_person", stored["R0"].pk, "full_name")
    _set_raw("records_person", stored["R1"].pk, full_name=first)
    with pytest.raises(KeyRingError, match=str(stored["R1"].uid)):
        _ = Person.objects.get(pk=stored["R1"].pk).full_name


def test_values_written_by_an_import_are_bound_to_their_rows(case, source, owner, tmp_path):
    from expediente_web.intake.importer import do_import_table

    path = tmp_path / "victims.csv"
    path.write_text("record_id,full_name,id_number\nV1,Carla Ficticia,V-33.333.333\n"
                    "V2,Dora Inventada,V-44.444.444\n", encoding="utf-8")
    do_import_table(case, path, kind="victims", source_code=source.code, actor=owner)
    v1, v2 = (Person.objects.get(source_record_id=r) for r in ("V1", "V2"))
    assert (v1.full_name, v2.id_number) == ("Carla Ficticia", "V-44.444.444")
    (cedula,) = _raw("records_person", v1.pk, "id_number")
    _set_raw("records_person", v2.pk, id_number=cedula)
    with pytest.raises(KeyRingError, match=f"records_person.id_number of row {v2.uid}"):
        _ = Person.objects.get(pk=v2.pk).id_number


def test_protected_values_cannot_be_written_without_their_row(two_victims):
    ana, _ = two_victims
    with pytest.raises(ValueError, match="written only through a model instance"), \
            transaction.atomic():
        Person.objects.filter(pk=ana.pk).update(full_name="Otra Persona")
    assert Person.objects.get(pk=ana.pk).full_name == "Ana Ficticia Uno"


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


def test_rotation_keeps_every_value_bound_to_its_row(two_victims, key_file):
    from expediente_web.protection.rotation import rotate

    ana, bea = two_victims
    rotate()
    reset_keyring_cache()
    assert Person.objects.get(pk=ana.pk).full_name == "Ana Ficticia Uno"
    (name,) = _raw("records_person", ana.pk, "full_name")
    assert name.startswith("k2:")
    _set_raw("records_person", bea.pk, full_name=name)
    with pytest.raises(KeyRingError, match=str(bea.uid)):
        _ = Person.objects.get(pk=bea.pk).full_name


def test_a_rotation_leaves_no_row_the_audit_log_does_not_know(two_victims, key_file):
    """Every re-encrypted row's digest goes into the rotation's entry, so `audit verify
    --records` does not take the rotation for an edit made outside the services."""
    from expediente_web.audit.rowcheck import check_kept_digests, check_rows
    from expediente_web.protection.rotation import rotate

    rotate()
    reset_keyring_cache()
    assert check_kept_digests() == [] and check_rows() == []


def test_rotation_refuses_a_tampered_row_by_name_and_changes_nothing(two_victims, key_file):
    from expediente_web.protection.rotation import rotate

    ana, bea = two_victims
    (name,) = _raw("records_person", ana.pk, "full_name")
    _set_raw("records_person", bea.pk, full_name=name)
    before = _raw("records_person", ana.pk, "full_name", "id_number", "name_index")
    with pytest.raises(KeyRingError, match=f"records_person.full_name of row {bea.uid}"):
        rotate()
    assert _raw("records_person", ana.pk, "full_name", "id_number", "name_index") == before
    reset_keyring_cache()
    assert Person.objects.get(pk=ana.pk).full_name == "Ana Ficticia Uno"  # still readable


# -- 6. a key ring that is not this database's is refused before anything happens ---------------


@pytest.fixture
def wrong_ring(monkeypatch):
    """Another ring with the same key id k1 (and index key i1), as a second `init` makes."""

    def use(ring_json: str) -> None:
        monkeypatch.setenv("EXPEDIENTE_KEYS", ring_json)
        reset_keyring_cache()

    yield use
    monkeypatch.undo()
    reset_keyring_cache()


def test_a_ring_with_the_same_key_id_writes_nothing(two_victims, case, documenter, wrong_ring):
    from expediente_web.audit.models import AuditEntry
    from expediente_web.records.actions import do_create_person

    persons, entries = Person.objects.count(), AuditEntry.objects.count()
    wrong_ring(new_keyring().to_json())
    with pytest.raises(KeyRingError, match="is not this database's: data key k1, index key i1"):
        do_create_person(documenter, case, full_name="Eva Ficticia")
    assert (Person.objects.count(), AuditEntry.objects.count()) == (persons, entries)
    with pytest.raises(KeyRingError, match="Nothing was read or written"):
        _ = Person.objects.get(pk=two_victims[0].pk).full_name


def test_a_ring_with_the_right_data_key_but_another_index_key_is_refused(two_victims, wrong_ring):
    ring = json.loads(os.environ["EXPEDIENTE_KEYS"])
    ring["index_key"] = json.loads(new_keyring().to_json())["index_key"]
    wrong_ring(json.dumps(ring))
    with pytest.raises(KeyRingError, match="index key i1 differ"):
        blind_index("id_number", "11111111")


def test_a_ring_sharing_no_key_with_the_database_is_refused(two_victims, wrong_ring):
    ring = json.loads(new_keyring().to_json())
    ring["keys"] = {"k9": ring["keys"]["k1"]}
    ring["active"], ring["index_id"] = "k9", "i9"
    wrong_ring(json.dumps(ring))
    with pytest.raises(KeyRingError, match="lacks index key 'i1'"):
        _ = Person.objects.get(pk=two_victims[0].pk).full_name


def test_the_right_ring_reads_everything_after_a_refused_one(two_victims, wrong_ring):
    from expediente_web.protection.key_check import key_states

    right = os.environ["EXPEDIENTE_KEYS"]
    wrong_ring(new_keyring().to_json())
    with pytest.raises(KeyRingError):
        _ = Person.objects.get(pk=two_victims[0].pk).full_name
    wrong_ring(right)
    assert [p.full_name for p in Person.objects.order_by("id")] == ["Ana Ficticia Uno",
                                                                     "Bea Inventada Dos"]
    states = key_states(load_keyring(Path("unused: the ring is in the environment")))
    assert all(s.matches for s in states if s.in_ring)


# -- 7. the index key rotates with the data key -------------------------------------------------


def test_the_retired_ring_confirms_no_id_number_of_the_rotated_database(two_victims, key_file,
                                                                        case, documenter):
    from expediente_web.protection.rotation import retire_old_keys, rotate
    from expediente_web.records.access import find_persons_by_id_number

    retired = load_keyring(key_file)
    cedulas = ["V-11.111.111", "V-22.222.222"]
    assert all(blind_index("id_number", c, retired) in _stored_indexes() for c in cedulas)
    rotate()
    retire_old_keys()
    reset_keyring_cache()
    stored = _stored_indexes()
    # The attacker's guesses under the retired index key match nothing…
    assert not any(blind_index(kind, v, retired) in stored for kind, v in
                   [("id_number", c) for c in cedulas] + [("name", "Ana Ficticia Uno")])
    # … while the rotated database still finds its people.
    for cedula, person in zip(cedulas, two_victims, strict=True):
        assert list(find_persons_by_id_number(documenter, case, cedula)) == [person]
    ring = load_keyring(key_file)
    assert ring.index_id == "i2" and ring.index_key != retired.index_key
    assert not ring.old_index_keys
    # And the retired ring itself is refused by the rotated database.
    key_file.write_text(retired.to_json())
    reset_keyring_cache()
    with pytest.raises(KeyRingError, match="lacks"):
        _ = Person.objects.get(pk=two_victims[0].pk).full_name


def _stored_indexes() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number_index, name_index FROM records_person")
        return {v for row in cursor.fetchall() for v in row if v}


def test_pseudonyms_change_with_the_index_key(two_victims, key_file):
    from expediente_web.protection.cipher import pseudonym
    from expediente_web.protection.rotation import rotate

    ana, _ = two_victims
    before = pseudonym("P", str(ana.uid))
    assert pseudonym("P", str(ana.uid)) == before  # stable between rotations
    rotate()
    reset_keyring_cache()
    assert pseudonym("P", str(ana.uid)) != before


def test_an_interrupted_rotation_keeps_lookups_working_and_can_be_run_again(
    two_victims, key_file, case, documenter, monkeypatch
):
    from expediente_web.protection import rotation
    from expediente_web.records.access import find_persons_by_id_number

    def crash(*args, **kwargs):
        raise RuntimeError("power cut")

    with monkeypatch.context() as patched, pytest.raises(RuntimeError):
        patched.setattr(rotation, "register", crash)  # after re-encrypting, before the commit
        rotation.rotate()
    ring = load_keyring(key_file)
    assert ring.index_id == "i2" and "i1" in ring.old_index_keys  # the file was written first
    reset_keyring_cache()
    # The database still names i1, so lookups and reads work with the new file.
    assert list(find_persons_by_id_number(documenter, case, "11111111")) == [two_victims[0]]
    assert Person.objects.get(pk=two_victims[1].pk).full_name == "Bea Inventada Dos"
    new_key, done = rotation.rotate()
    assert new_key == "k3" and done == 5
    reset_keyring_cache()
    assert list(find_persons_by_id_number(documenter, case, "22222222")) == [two_victims[1]]
    assert rotation.retire_old_keys() == ["k1", "k2", "i1", "i2"]


# -- 8. no built-in secret key --------------------------------------------------------------------


def test_without_a_secret_key_the_settings_hold_a_marked_random_placeholder(settings):
    from expediente_web.protection.secret_key import PLACEHOLDER_PREFIX, settings_value

    assert settings.SECRET_KEY.startswith(PLACEHOLDER_PREFIX)  # no secret.key in the test dir
    assert settings.SECRET_KEY != "not-initialised-" + "x" * 40
    assert settings_value(settings.DATA_DIR) != settings_value(settings.DATA_DIR)


def test_check_deploy_reports_a_missing_or_weak_secret_key(settings):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    with pytest.raises(SystemCheckError, match=r"expediente\.E001.*No secret key"):
        call_command("check", deploy=True, tags=["security"])
    settings.SECRET_KEY = "not-initialised-" + "x" * 10
    with pytest.raises(SystemCheckError, match=r"expediente\.E001.*too weak"):
        call_command("check", deploy=True, tags=["security"])


def test_check_deploy_accepts_a_real_secret_key(settings):
    from django.core.checks import run_checks

    settings.SECRET_KEY = "a-real-key-" + "Kq7xW2pZ9mB4vN8cR1tY6uH3jL5sD0fG"
    found = run_checks(include_deployment_checks=True, tags=["security"])
    assert not [m for m in found if m.id == "expediente.E001"]
