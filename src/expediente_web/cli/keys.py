"""`expediente keys`: the key ring of protected fields (status, rotate)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from expediente_web.cli.failures import acting_user, open_database, user_errors
from expediente_web.cli.setup import actor_option, data_dir_option


@click.group(name="keys")
def command() -> None:
    """The key ring that encrypts protected fields (kept outside the database)."""


@command.command(name="status")
@data_dir_option
def status() -> None:
    """Verify the key ring against this database and show how many values each key encrypts.

    Every key is compared with the check value the database keeps of the key of that id; the
    exit code is 1 when a key differs (a wrong key ring), when stored values need a key that is
    not in the ring, or when the ring lacks the index key the blind indexes use.
    """
    with user_errors():
        open_database()
        from django.conf import settings

        from expediente_web.protection.key_check import key_states, ring_name
        from expediente_web.protection.keyring import load_keyring
        from expediente_web.protection.rotation import key_usage

        ring = load_keyring(Path(settings.EXPEDIENTE_KEY_FILE))  # as given: not verified yet
        states = key_states(ring)
        usage = key_usage()
        click.echo(f"key ring: {ring_name(ring)}")
        problems = 0
        for state in states:
            if state.kind == "data":
                mark = " (active)" if state.key_id == ring.active else ""
                line = f"  {state.key_id}{mark}: {usage.get(state.key_id, 0)} values"
            else:
                mark = " (used by the blind indexes)" if state.in_use else ""
                line = f"  index key {state.key_id}{mark}"
            if state.matches:
                click.echo(f"{line} — verified against the database")
            elif state.matches is False:
                problems += 1
                click.echo(f"{line} — DIFFERS from the key {state.key_id} this database was "
                           "written with: this is not the database's key ring", err=True)
            elif state.in_ring:
                click.echo(f"{line} — not recorded in the database yet")
            elif state.in_use or usage.get(state.key_id):
                problems += 1
                click.echo(f"{line} — NOT IN THE KEY RING, and the database needs it", err=True)
            else:
                click.echo(f"{line} — retired (not in the key ring, no value needs it)")
        in_db = {s.key_id for s in states if s.kind == "data"}
        for key_id in sorted(set(usage) - in_db):
            problems += 1
            click.echo(f"  {key_id}: {usage[key_id]} values — NOT IN THE KEY RING", err=True)
        if problems:
            raise SystemExit(1)


@command.command(name="rotate")
@data_dir_option
@actor_option
@click.option("--retire-old", is_flag=True,
              help="After re-encrypting, remove the old keys from the key ring file.")
def rotate(username: str | None, retire_old: bool) -> None:
    """Add a new active key and re-encrypt every protected value under it (one transaction).

    The key ring file is updated first (old keys kept), so an interrupted rotation loses
    nothing; run it again. Back up the new key ring file.
    """
    with user_errors():
        open_database()
        from expediente_web.protection.rotation import (
            count_values,
            key_file,
            retire_old_keys,
        )
        from expediente_web.protection.rotation import (
            rotate as rotate_keys,
        )

        actor = acting_user(username)
        total = count_values()
        with click.progressbar(length=total, label="Re-encrypting",
                               file=sys.stderr, hidden=not sys.stderr.isatty()) as bar:
            new_key, done = rotate_keys(actor, progress=bar.update)
        click.echo(f"New active key {new_key}; {done} protected values re-encrypted.")
        if retire_old:
            retired = retire_old_keys(actor)
            if retired:
                click.echo(f"Retired keys: {', '.join(retired)}")
        click.echo(f"Key ring: {key_file()} — back it up again, apart from the database.")


@command.command(name="upgrade")
@data_dir_option
def upgrade() -> None:
    """Add the audit log's keys (HMAC and signing key) to a key ring made before they existed.

    The data and index keys are kept as they are. Back up the key ring file again afterwards.
    """
    with user_errors():
        from expediente_web.cli.setup import setup_django

        setup_django()
        from django.conf import settings

        from expediente_web.audit.ring_upgrade import upgrade_keyring

        path = Path(settings.EXPEDIENTE_KEY_FILE)
        added = upgrade_keyring(path)
    if added:
        click.echo(f"Added {' and '.join(added)} to {path} — back it up again, apart from the "
                   "database.")
    else:
        click.echo(f"{path} already holds the audit keys; nothing changed.")
