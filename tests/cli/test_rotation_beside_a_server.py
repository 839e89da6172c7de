"""`expediente keys rotate` while a server is running: the process that unlocked the key ring
before the rotation keeps reading after it, with no restart and no passphrase asked again.

A long-running process stands in for the server (it unlocks the sealed ring once, then answers
one look-up per line it reads, closing its database connection between them as the server does
between requests). Between two look-ups another process rotates every key: the data key (every
protected value re-encrypted), the index key (every blind index recomputed) and the database
key (SQLCipher rekeys the file). The holder still decrypts the names, still finds the person by
ID number, and its new connection opens with the new database key; a value it writes after the
rotation is under the new data key. Every name is fictional."""

from __future__ import annotations

import json
import os
import subprocess

import pytest
from backup_support import PYTHON, RING_PASSPHRASE, cli, seeded_installation

from expediente_web.protection.sqlcipher_backend import keyed
from support.encrypted_db import data_dir_ring

pytestmark = pytest.mark.skipif(os.environ.get("EXPEDIENTE_TEST_DB") == "postgres",
                                reason="the embedded data directory's key file and database")

HOLDER = r"""
import json, os, sys
from expediente_web.cli.setup import setup_django
setup_django()
from django.db import close_old_connections, connection
from expediente_web.cases.models import Case
from expediente_web.protection.cipher import key_id_of
from expediente_web.records.actions import do_create_person
from expediente_web.records.models import Person
from expediente_web.protection.cipher import blind_index

case = Case.objects.get(code="C-BK")
owner = case.memberships.get().user
# Unlocked; from here on the holder has no passphrase to unlock the ring with again.
os.environ.pop("EXPEDIENTE_KEY_PASSPHRASE")
print("ready", flush=True)
for line in sys.stdin:
    close_old_connections()  # as the server does after every request
    names = sorted(p.full_name for p in Person.objects.filter(case=case))
    found = [p.full_name for p in Person.objects.filter(
        case=case, id_number_index=blind_index("id_number", "V-90000002"))]
    made = do_create_person(owner, case, full_name="Persona Ficticia Nueva " + line.strip(),
                            id_number="V-80000000" + line.strip())
    with connection.cursor() as cursor:  # the stored form, as written
        cursor.execute("SELECT full_name FROM records_person WHERE id = %s", [made.pk])
        stored = cursor.fetchone()[0]
    print(json.dumps({"names": names, "found": found, "written_under": key_id_of(stored),
                      "db_key": connection.db_key_in_use.hex()}), flush=True)
"""


def ask(holder: subprocess.Popen, n: str) -> dict:
    holder.stdin.write(n + "\n")
    holder.stdin.flush()
    line = holder.stdout.readline()
    if not line:
        holder.stdin.close()
        pytest.fail(f"the holder stopped: {holder.stderr.read()}")
    return json.loads(line)


@pytest.mark.skipif(not keyed.AVAILABLE, reason="no SQLCipher wheel for this platform")
def test_a_running_process_keeps_reading_through_a_rotation(tmp_path):
    data = tmp_path / "data"
    env = seeded_installation(data, n=4)
    holder = subprocess.Popen([PYTHON, "-c", HOLDER], env=env, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready", holder.stderr.read()
        before = ask(holder, "1")
        old = data_dir_ring(data, RING_PASSPHRASE)
        assert before["found"] == ["Persona Ficticia 2 Ñandú"]
        assert before["written_under"] == old.active

        done = cli(env, "keys", "rotate", timeout=600)
        assert done.returncode == 0, done.stderr
        new = data_dir_ring(data, RING_PASSPHRASE)
        assert new.active != old.active and new.index_id != old.index_id
        assert new.db_key != old.db_key

        after = ask(holder, "2")
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)
    assert after["names"] == sorted([*before["names"], "Persona Ficticia Nueva 1"])
    assert after["found"] == ["Persona Ficticia 2 Ñandú"]  # the blind index under the new key
    assert after["written_under"] == new.active
    assert after["db_key"] == new.db_key.hex()  # its new connection: the new database key
    assert holder.returncode == 0, holder.stderr.read()
    verified = cli(env, "audit", "verify", timeout=600)
    assert verified.returncode == 0, verified.stderr
