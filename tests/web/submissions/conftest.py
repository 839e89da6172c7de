"""A case with its public form open, and helpers that send the form as a browser would."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def public_form(case, owner):
    from expediente_web.submissions.actions import do_set_public_form

    return do_set_public_form(
        owner, case, enabled=True, slug="testimonios-ve", public_title="Testimonios (sintético)"
    )


@pytest.fixture
def public():
    """An anonymous visitor, in English."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")
