"""The key ring this process unlocked, reopened when its key file changes.

A server and its worker unlock the key ring once, when they start (a passphrase typed at the
prompt is asked for once). `expediente keys rotate`, run beside them, writes a new key file
sealed under the same passphrase-derived key: the ring keeps its `Seal`, so the file is
re-sealed without asking again. A process holding the ring sees that the file changed (its
inode, size or modification time) at its next use of the ring and reopens it with the seal it
holds, without the passphrase: it reads the values re-encrypted under the new data key, finds
people by the new blind indexes, and its next database connection opens with the new database
key. A rotation needs no restart.

A file sealed under another passphrase (`keys passphrase`) is reopened with
`EXPEDIENTE_KEY_PASSPHRASE` or `EXPEDIENTE_KEY_PASSPHRASE_FILE` when they give the new one;
otherwise the process keeps the ring it holds and logs why: a changed passphrase alone changes
no key, but a rotation after it needs the server restarted with the new passphrase.

A ring from `EXPEDIENTE_KEYS` has no file and is never reopened.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from expediente_web.protection.keyring import (
    KeyRing,
    KeyRingError,
    is_sealed,
    load_keyring,
    parse_keyring,
    read_passphrase,
    reopen,
)

log = logging.getLogger(__name__)

FileState = tuple[int, int, int] | None  # inode, size, mtime in ns; None: no file


@dataclass
class _Held:
    ring: KeyRing
    state: FileState


_held: dict[tuple[str, str], _Held] = {}
_lock = threading.Lock()


def file_state(path: Path) -> FileState:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def held_keyring(path: Path) -> KeyRing:
    """The ring unlocked from `path` (or `EXPEDIENTE_KEYS`), reopened if the file changed since.

    Raises:
        KeyRingError: no ring, a malformed one, or a wrong passphrase (the first time).
    """
    env = os.environ.get("EXPEDIENTE_KEYS", "")
    key = (str(path), env)
    with _lock:
        held = _held.get(key)
        if held is None:
            state = None if env else file_state(path)
            held = _held[key] = _Held(load_keyring(path), state)
        elif not env:
            state = file_state(path)
            if state != held.state and state is not None:
                held.ring = _reopened(path, held.ring)
                held.state = state
        return held.ring


def _reopened(path: Path, ring: KeyRing) -> KeyRing:
    try:
        text = path.read_text(encoding="utf-8")
        if not is_sealed(text):
            return parse_keyring(text, path)
        if ring.seal is not None:
            try:
                return reopen(text, path, ring.seal)
            except KeyRingError:
                pass  # sealed under another passphrase: try the configured one
        if os.environ.get("EXPEDIENTE_KEY_PASSPHRASE") or os.environ.get(
                "EXPEDIENTE_KEY_PASSPHRASE_FILE"):
            return load_keyring(path, read_passphrase(path))
        raise KeyRingError(f"the key file {path} is sealed under another passphrase")
    except (KeyRingError, OSError) as exc:
        log.error("The key file changed but could not be reopened (%s); keeping the key ring "
                  "unlocked at start. Restart the server with the new passphrase.", exc)
        return ring


def forget_held() -> None:
    """Drop every unlocked ring (the next use unlocks the file again)."""
    with _lock:
        _held.clear()
