"""`expediente keys`: the key ring of protected fields (status, rotate)."""

from __future__ import annotations

import sys

import click

from expediente_web.cli.failures import acting_user, open_database, user_errors
from expediente_web.cli.setup import actor_option, data_dir_option


@click.group(name="keys")
def command() -> None:
    """The key ring that encrypts protected fields (kept outside the database)."""


@command.command(name="status")
@data_dir_option
def status() -> None:
    """Show the key ring's keys and how many stored values each one encrypts."""
    with user_errors():
        open_database()
        from expediente_web.protection.cipher import current_keyring
        from expediente_web.protection.rotation import key_usage

        ring = current_keyring()
        usage = key_usage()
        where = ring.path or "$EXPEDIENTE_KEYS"
        click.echo(f"key ring: {where}")
        for key_id in sorted(ring.keys, key=lambda k: (len(k), k)):
            mark = " (active)" if key_id == ring.active else ""
            click.echo(f"  {key_id}{mark}: {usage.get(key_id, 0)} values")
        unknown = sorted(set(usage) - set(ring.keys))
        for key_id in unknown:
            click.echo(f"  {key_id}: {usage[key_id]} values — NOT IN THE KEY RING", err=True)
        if unknown:
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
