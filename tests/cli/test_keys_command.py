"""`expediente keys status|rotate` on the test database."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from expediente.cli import main
from expediente_web.protection.cipher import reset_keyring_cache
from expediente_web.protection.keyring import load_keyring

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_key_checks():
    """Each test's database records its key check values anew (the process caches a verified
    ring, and a test's rows are rolled back after it)."""
    reset_keyring_cache()
    yield
    reset_keyring_cache()


@pytest.fixture
def key_file(tmp_path, monkeypatch, settings):
    path = tmp_path / "keys.json"
    path.write_text(os.environ["EXPEDIENTE_KEYS"], encoding="utf-8")
    monkeypatch.delenv("EXPEDIENTE_KEYS")
    settings.EXPEDIENTE_KEY_FILE = path
    reset_keyring_cache()
    yield path
    reset_keyring_cache()


@pytest.fixture
def persons():
    from django.contrib.auth import get_user_model

    from expediente_web.cases.actions import do_create_case
    from expediente_web.records.actions import do_create_person

    user = get_user_model().objects.create_user("owner")
    case = do_create_case(user, "c1", "Case one")
    for n in range(3):
        do_create_person(user, case, given_names=f"Nombre {n}", id_number=f"V-{n}")
    return 6


def test_rotate_then_status(key_file, persons):
    runner = CliRunner()
    result = runner.invoke(main, ["keys", "rotate", "--user", "owner"])
    assert result.exit_code == 0, result.output
    assert f"New active key k2; {persons} protected values re-encrypted." in result.stdout
    status = runner.invoke(main, ["keys", "status"])
    assert "k1: 0 values" in status.stdout and f"k2 (active): {persons} values" in status.stdout
    retire = runner.invoke(main, ["keys", "rotate", "--retire-old"])
    assert retire.exit_code == 0 and "Retired keys: k1, k2" in retire.stdout
    assert set(load_keyring(key_file).keys) == {"k3"}


def test_rotate_with_the_ring_in_the_environment_is_refused(persons):
    result = CliRunner().invoke(main, ["keys", "rotate"])
    assert result.exit_code == 2
    assert "EXPEDIENTE_KEYS" in result.stderr and result.exception.__class__ is SystemExit


def test_rotate_as_an_unknown_user_is_refused(key_file, persons):
    result = CliRunner().invoke(main, ["keys", "rotate", "--user", "nobody"])
    assert result.exit_code == 2 and "No user 'nobody'" in result.stderr
    assert set(load_keyring(key_file).keys) == {"k1"}
