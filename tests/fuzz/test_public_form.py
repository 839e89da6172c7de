"""The public submission form under generated hostile input (hypothesis), bounded in time.

Whatever a visitor posts — control characters, surrogates, markup, huge texts, odd languages,
a filled honeypot, forged or early tokens, files of any bytes and any name, receipt codes of any
shape — the form answers 200 (stored), 400 (refused, with the form) or 429 (a limit), never a
server error; a refusal writes nothing (no submission, addition, file row or audit entry), and a
success writes exactly one submission or addition. Every value is synthetic.
"""

from __future__ import annotations

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from support.synthetic_files import pdf, png

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=30,
    deadline=None,  # each example writes to the database; the run is bounded by max_examples
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)

HOSTILE = st.sampled_from(
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "\x00",
        "\x1b[31m",
        "\ufeff",
        "\u202e",
        "'; DROP TABLE submissions_publicsubmission; --",
        "Ñandú",
        "a" * 60_000,
        "\r\n",
        "{{ 7*7 }}",
        "{% debug %}",
        '=HYPERLINK("http://x")',
    ]
)
TEXT = st.one_of(st.text(max_size=80), HOSTILE, st.just(""))


def _token(age: float) -> str:
    from expediente_web.submissions.guard import form_token

    return form_token(time.time() - age)


TOKEN = st.one_of(
    st.floats(min_value=-60, max_value=3 * 24 * 3600).map(_token),
    st.just(""),
    st.text(max_size=40),
)
FILE = st.builds(
    lambda name, body: SimpleUploadedFile(name or "f", body),
    st.one_of(st.text(max_size=40), st.sampled_from(["foto.png", "../../etc/passwd", "a.pdf"])),
    st.one_of(
        st.binary(max_size=2048),
        st.sampled_from([png(), pdf(1), b"PK\x03\x04" + b"\x00" * 40, b"<svg onload=x>"]),
    ),
)
FORM = st.fixed_dictionaries(
    {
        "narrative": TEXT,
        "language": st.one_of(st.sampled_from(["es", "en"]), st.text(max_size=4)),
        "sender_name": TEXT,
        "sender_contact": TEXT,
        "token": TOKEN,
    },
    optional={
        "may_contact": st.sampled_from(["on", "", "yes", "\x00"]),
        "website": TEXT,
        "attachments": st.lists(FILE, max_size=3),
    },
)


@pytest.fixture
def fuzz_form(db, settings):
    from django.contrib.auth import get_user_model

    from expediente_web.cases.actions import do_create_case
    from expediente_web.submissions.actions import do_set_public_form

    settings.EXPEDIENTE_SUBMISSIONS_PER_ADDRESS_PER_HOUR = 10_000
    settings.EXPEDIENTE_SUBMISSIONS_PER_CASE_PER_HOUR = 10_000
    settings.EXPEDIENTE_SUBMISSION_MAX_ATTACHMENT_BYTES = 1500
    owner = get_user_model().objects.create_user("fuzz_owner")
    case = do_create_case(owner, "fuzz-case", "Caso de prueba (sintético)")
    return do_set_public_form(owner, case, enabled=True, slug="fuzz", public_title="Fuzz")


def _counts() -> tuple[int, int, int, int]:
    from expediente_web.audit.models import AuditEntry
    from expediente_web.submissions.models import (
        PublicSubmission,
        SubmissionAddition,
        SubmissionAttachment,
    )

    return (
        PublicSubmission.objects.count(),
        SubmissionAddition.objects.count(),
        SubmissionAttachment.objects.count(),
        AuditEntry.objects.count(),
    )


@FUZZ
@given(data=FORM)
@example(  # one that must be stored, so the property is never checked on refusals only
    data={
        "narrative": "Relato sintético",
        "language": "es",
        "sender_name": "",
        "sender_contact": "",
        "token": _token(60),
        "attachments": [SimpleUploadedFile("foto.png", png())],
    }
)
def test_the_form_never_fails_and_never_writes_half(fuzz_form, data):
    for upload in data.get("attachments", []):
        upload.seek(0)
    before = _counts()
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post("/submit/fuzz/", data)
    after = _counts()
    assert response.status_code in (200, 400, 429), response.status_code
    if response.status_code == 200:
        assert after[0] == before[0] + 1 and after[1] == before[1]
        assert after[3] == before[3] + 1
        assert 'id="receipt-code"' in response.content.decode()
    else:
        assert after == before


FOLLOW_UP = st.fixed_dictionaries(
    {
        "receipt": st.one_of(st.text(max_size=40), st.just("AAAA-BBBB-CCCC-DDDD-EEEE-FFFF")),
        "text": TEXT,
        "token": TOKEN,
    },
    optional={"website": TEXT, "attachments": st.lists(FILE, max_size=2)},
)


@FUZZ
@given(data=FOLLOW_UP, use_real_code=st.booleans())
def test_the_follow_up_never_fails_and_adds_only_with_the_code(fuzz_form, data, use_real_code):
    from expediente_web.submissions.actions import do_receive_submission

    if use_real_code:
        _submission, data["receipt"] = do_receive_submission(
            fuzz_form, address="fuzz", narrative="Relato sintético", language="es"
        )
    for upload in data.get("attachments", []):
        upload.seek(0)
    before = _counts()
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post("/submit/fuzz/follow-up/", data)
    after = _counts()
    assert response.status_code in (200, 400, 429), response.status_code
    if response.status_code == 200:
        assert use_real_code
        assert after[0] == before[0] and after[1] == before[1] + 1
    else:
        # A wrong code is counted and audited (one entry); nothing else is written.
        assert after[:3] == before[:3]
        assert after[3] - before[3] in (0, 1)
