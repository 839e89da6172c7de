"""Sending the public form as a browser would: a token served a minute ago, an empty honeypot."""

from __future__ import annotations

import re
import time
from typing import Any

from django.test import Client


def token(seconds_ago: float = 60) -> str:
    from expediente_web.submissions.guard import form_token

    return form_token(time.time() - seconds_ago)


def submission_data(**values: Any) -> dict[str, Any]:
    data = {
        "narrative": "Vi cómo se llevaron a mi vecino en una camioneta sin placas.",
        "language": "es",
        "sender_name": "",
        "sender_contact": "",
        "website": "",
        "token": token(),
    }
    data.update(values)
    return data


def send(client: Client, slug: str = "testimonios-ve", **values: Any):
    return client.post(f"/submit/{slug}/", submission_data(**values))


def receipt_of(response) -> str:
    found = re.search(r'id="receipt-code">([A-Z2-7-]+)<', response.content.decode())
    assert found, response.content.decode()[:2000]
    return found.group(1)
