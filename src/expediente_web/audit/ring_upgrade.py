"""Adding the audit keys to a key ring made before they existed (`expediente keys upgrade`)."""

from __future__ import annotations

import dataclasses
import os
import secrets
from pathlib import Path

from expediente_web.protection.keyring import KeyRingError, load_keyring, save_keyring


def upgrade_keyring(path: Path) -> list[str]:
    """Add whichever of `audit_key` and `signing_key` the key ring file lacks; the names added
    (none when it has both). Every other key is kept as it is."""
    if os.environ.get("EXPEDIENTE_KEYS"):
        raise KeyRingError(
            "The key ring comes from $EXPEDIENTE_KEYS, which this command cannot change: write "
            "it to a file, run `expediente keys upgrade` with EXPEDIENTE_KEY_FILE naming that "
            "file, and put the upgraded JSON back into $EXPEDIENTE_KEYS."
        )
    ring = load_keyring(path)
    added = {}
    if ring.audit_key is None:
        added["audit_key"] = secrets.token_bytes(32)
    if ring.signing_key is None:
        added["signing_key"] = secrets.token_bytes(32)
    if added:
        save_keyring(dataclasses.replace(ring, **added), path)
    return sorted(added)
