"""Receipt codes: what lets a sender add to their submission later without an account.

A code is 120 random bits written as six groups of four base32 characters (`K7QD-…`), shown
once, on the page that confirms the submission. The database holds only its HMAC-SHA256 under
the key ring's index key (and that key's id), so neither a copy of the database nor the audit
log can be used to add to a submission. A code is checked against every index key the ring
still holds, so it keeps working across a key rotation until the old index key is retired.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

from expediente_web.protection.cipher import current_keyring

_GROUPS = 6
_NOT_BASE32 = re.compile(r"[^A-Z2-7]")


def new_code() -> str:
    """A fresh receipt code, formatted for reading aloud or copying by hand."""
    raw = base64.b32encode(secrets.token_bytes(15)).decode("ascii")  # 24 characters
    return "-".join(raw[i : i + 4] for i in range(0, 4 * _GROUPS, 4))


def normalise(code: str) -> str:
    """The code as typed, without spaces, dashes or case; "" for anything that is not one."""
    folded = (code or "").upper().replace("0", "O").replace("1", "I").replace("8", "B")
    cleaned = _NOT_BASE32.sub("", folded)
    return cleaned if len(cleaned) == 4 * _GROUPS else ""


def _mac(key: bytes, normalised: str) -> str:
    return hmac.new(key, f"submission-receipt\x00{normalised}".encode(), hashlib.sha256).hexdigest()


def digest(code: str) -> tuple[str, str]:
    """(the HMAC of the code under the current index key, that key's id)."""
    ring = current_keyring()
    return _mac(ring.index_key, normalise(code)), ring.index_id


def candidates(code: str) -> list[str]:
    """The HMACs the code would be stored under, one per index key of the ring ([] for text
    that is not a receipt code)."""
    normalised = normalise(code)
    if not normalised:
        return []
    return [_mac(key, normalised) for key in current_keyring().index_keys.values()]
