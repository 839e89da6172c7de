"""What keeps the public form from being flooded, without any third-party service.

- A honeypot: a field people do not see (hidden by the stylesheet, skipped by keyboard and
  screen readers) that programs filling every field fill in.
- A minimum fill time: the form carries a signed token with the moment it was served and a
  random nonce; a form sent sooner than `EXPEDIENTE_SUBMISSION_MIN_SECONDS` after that, or
  later than `EXPEDIENTE_SUBMISSION_MAX_FORM_AGE` seconds, or with a token not signed by this
  site, is refused.
- Rate limits per hour: per sender's address, across every case
  (`EXPEDIENTE_SUBMISSIONS_PER_ADDRESS_PER_HOUR`), and per case
  (`EXPEDIENTE_SUBMISSIONS_PER_CASE_PER_HOUR`). The address is never stored: only its HMAC under
  the key ring's index key.

Sizes are bounded in `forms.py` (`EXPEDIENTE_SUBMISSION_MAX_ATTACHMENT_BYTES`,
`EXPEDIENTE_SUBMISSION_MAX_ATTACHMENTS`, and the length of each text).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import time
from typing import Any

from django.conf import settings
from django.core import signing
from django.utils import timezone

from expediente_web.protection.cipher import current_keyring

_SALT = "expediente.submissions.form-token"
WINDOW = dt.timedelta(hours=1)
#: Attempt rows older than this are dropped by the next write: the limits look back one hour.
KEEP = dt.timedelta(days=1)


class Refused(Exception):
    """A form the guard turns away; `code` says why (too_fast, expired, bad_token, honeypot,
    address_limit, case_limit)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def form_token(served_at: float | None = None) -> str:
    """The signed token a form carries: when it was served, and a nonce."""
    moment = time.time() if served_at is None else served_at
    return signing.dumps({"t": round(moment, 3), "n": secrets.token_hex(8)}, salt=_SALT)


def check_token(token: str, now: float | None = None) -> None:
    """Refuse a token not signed here, sent too soon after it was served, or too late."""
    try:
        data: Any = signing.loads(token or "", salt=_SALT)
        served = float(data["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise Refused("bad_token") from None
    elapsed = (time.time() if now is None else now) - served
    if elapsed < settings.EXPEDIENTE_SUBMISSION_MIN_SECONDS:
        raise Refused("too_fast")
    if elapsed > settings.EXPEDIENTE_SUBMISSION_MAX_FORM_AGE:
        raise Refused("expired")


def address_hash(address: str) -> str:
    """The sender's address as the rate limits keep it: an HMAC under the index key."""
    key = current_keyring().index_key
    return hmac.new(key, f"submission-address\x00{address}".encode(), hashlib.sha256).hexdigest()


def client_address(request: Any) -> str:
    """The address the request came from (the connection's; a proxy in front of the site is
    the sender as far as this can tell)."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def check_rates(case: Any, address: str) -> None:
    """Refuse when the address or the case has reached its limit for the last hour (call it
    inside the transaction that then writes the attempt)."""
    from expediente_web.submissions.models import SubmissionAttempt

    since = timezone.now() - WINDOW
    recent = SubmissionAttempt.objects.filter(at__gte=since)
    if recent.filter(address_hash=address).count() >= (
        settings.EXPEDIENTE_SUBMISSIONS_PER_ADDRESS_PER_HOUR
    ):
        raise Refused("address_limit")
    if recent.filter(case=case).count() >= settings.EXPEDIENTE_SUBMISSIONS_PER_CASE_PER_HOUR:
        raise Refused("case_limit")


def count_attempt(case: Any, address: str, outcome: str) -> None:
    """Write the attempt the limits count, and drop attempts older than `KEEP`."""
    from expediente_web.submissions.models import SubmissionAttempt

    now = timezone.now()
    SubmissionAttempt.objects.filter(at__lt=now - KEEP).delete()
    SubmissionAttempt.objects.create(case=case, address_hash=address, outcome=outcome, at=now)
