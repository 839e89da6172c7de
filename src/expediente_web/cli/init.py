"""`expediente init`: create the data directory, the key ring, the secret key and the database."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import click

from expediente_web.cli.failures import user_errors
from expediente_web.cli.setup import data_dir_option, setup_django


def _write_private(path: Path, text: str) -> None:
    """Create `path` with mode 0600; never replaces an existing file."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)


@click.command(name="init")
@data_dir_option
def command() -> None:
    """Create the data directory, key ring, secret key and database (safe to run again).

    The new key ring is sealed with a passphrase: $EXPEDIENTE_KEY_PASSPHRASE, the file named by
    $EXPEDIENTE_KEY_PASSPHRASE_FILE, else asked for. An existing key ring or secret key is never
    replaced. Losing the key ring means losing every
    protected value (names, ID numbers, contacts): back it up apart from the database.
    """
    from expediente_web.config import ConfigError, data_dir

    with user_errors():
        try:
            root = data_dir()
        except ConfigError as exc:
            raise click.ClickException(str(exc)) from None
        root.mkdir(parents=True, exist_ok=True)
        os.chmod(root, 0o700)
        (root / "evidence").mkdir(exist_ok=True)

        from expediente_web.protection.keyring import (
            load_keyring,
            new_keyring,
            new_seal,
            read_passphrase,
            sealed_text,
        )

        key_path = Path(os.environ.get("EXPEDIENTE_KEY_FILE") or root / "keys.json")
        if os.environ.get("EXPEDIENTE_KEYS"):
            key_note = "key ring: from $EXPEDIENTE_KEYS (no file written; not sealed)"
        elif key_path.exists():
            ring = load_keyring(key_path)  # refuse a bad one, or a wrong passphrase
            key_note = f"key ring: {key_path} (kept" + (
                ", sealed)" if ring.seal else
                ", NOT SEALED: seal it with `expediente keys passphrase`)")
        else:
            passphrase = read_passphrase(
                key_path, prompt="Choose a passphrase for the new key ring: ", confirm=True)
            seal = new_seal(passphrase)
            key_path.parent.mkdir(parents=True, exist_ok=True)
            from expediente_web.protection.sqlcipher_backend.keyed import AVAILABLE

            # With a database key the new database is encrypted as a whole (SQLCipher); without
            # SQLCipher on this system it stays plain, and the report below says so.
            _write_private(key_path, sealed_text(new_keyring(database_key=AVAILABLE), seal))
            key_note = f"key ring: {key_path} (created, sealed with the passphrase, mode 0600)"

        secret_path = root / "secret.key"
        if os.environ.get("EXPEDIENTE_SECRET_KEY") or os.environ.get(
            "EXPEDIENTE_SECRET_KEY_FILE"
        ):
            secret_note = "secret key: from the environment"  # noqa: S105 (a line of the report, not a password)
        elif secret_path.exists():
            secret_note = f"secret key: {secret_path} (kept)"
        else:
            _write_private(secret_path, secrets.token_urlsafe(50))
            secret_note = f"secret key: {secret_path} (created)"

        setup_django(migrate=True)
        from django.conf import settings

        from expediente_web.protection.cipher import current_keyring

        # A new database records the check values of its key ring; an existing one refuses a
        # key ring that is not its own, before anything is written with it.
        current_keyring()

        db = settings.DATABASES["default"]
        embedded = db["ENGINE"].endswith(("sqlite3", "sqlcipher_backend"))
        where = db["NAME"] if embedded else (
            f"{db['ENGINE'].rsplit('.', 1)[-1]} {db.get('NAME')} on {db.get('HOST') or 'local'}")
        encryption = _encryption_note() if embedded else None

    click.echo(f"Data directory ready: {root}")
    click.echo(f"  database: {where} (migrated)")
    if encryption:
        click.echo(f"  {encryption}")
    click.echo(f"  evidence store: {root / 'evidence'}")
    click.echo(f"  {key_note}")
    click.echo(f"  {secret_note}")
    click.secho(
        "Back up the key ring file apart from the database, and keep its passphrase apart from "
        "both: without them the protected fields (names, ID numbers, contacts) cannot be read, "
        "and whoever holds the data directory and the passphrase holds the data. "
        "`expediente keys escrow --out FILE` writes a second sealed copy for a trusted person.",
        fg="yellow", err=True,
    )


def _encryption_note() -> str:
    """How the embedded database is stored, said plainly (it is not always encrypted)."""
    from django.db import connection

    from expediente_web.protection.sqlcipher_backend.keyed import AVAILABLE, NO_SQLCIPHER

    connection.ensure_connection()
    if getattr(connection, "db_key_in_use", None) is not None:
        return "database encryption: SQLCipher, with the key ring's database key"
    if not AVAILABLE:
        return (f"database encryption: NONE — {NO_SQLCIPHER}. Narratives and other free text "
                "are stored in clear in the database file: keep the data directory on an "
                "encrypted disk")
    return ("database encryption: NONE — the database is plain: encrypt it with "
            "`expediente keys encrypt-database`")
