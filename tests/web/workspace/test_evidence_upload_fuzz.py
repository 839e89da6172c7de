"""The evidence upload under generated hostile input (hypothesis), bounded in examples.

Whatever the file's name, bytes and form fields hold — control characters, markup, names that
lie about the type, empty or truncated files, hostile titles, unknown kinds and sources — the
upload either stores the file (a redirect to its page) or refuses it at its field; never a 500,
and
a refusal leaves the evidence, the custody chain, the audit log and the store exactly as they
were. Every value is synthetic.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from expediente_web.audit.models import AuditEntry
from expediente_web.evidence.models import CustodyEvent, EvidenceItem
from support.synthetic_files import pdf, png, wav

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=15,
    deadline=None,  # each example writes to the database; bounded by max_examples
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)

HOSTILE_TEXT = st.one_of(
    st.text(max_size=80),
    st.sampled_from([
        '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "../../etc/passwd",
        "=HYPERLINK(\"http://x.invalid\")", "\x00\x1b[31m", "a" * 600, "", " ",
    ]),
)
NAMES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["foto.png", "declaración.pdf", "audio.wav", "x.exe", ".htaccess",
                     "nota.txt", "sin-extension", "a/b\\c.pdf", "con\x00nulo.pdf"]),
)
REAL = [pdf(2), png(), wav(0.2)]
CONTENT = st.one_of(
    st.binary(max_size=2048),
    st.sampled_from(REAL),
    st.sampled_from(REAL).map(lambda b: b[: len(b) // 2]),  # cut off half-way
    st.builds(lambda b, junk: b + junk, st.sampled_from(REAL), st.binary(max_size=64)),
)
KINDS = st.one_of(st.text(max_size=20),
                  st.sampled_from(["", "evidence.document", "evidence.photo", "act.torture"]))


def _state(evidence_dir):
    files = sorted(p.name for p in evidence_dir.rglob("*") if p.is_file()) if (
        evidence_dir.exists()) else []
    return (EvidenceItem.objects.count(), CustodyEvent.objects.count(),
            AuditEntry.objects.count(), files)


@FUZZ
@given(name=NAMES, content=CONTENT, title=HOSTILE_TEXT, description=HOSTILE_TEXT,
       received_from=HOSTILE_TEXT, kind=KINDS, source=HOSTILE_TEXT)
def test_an_upload_is_stored_or_refused_never_half_written(
    client, case, documenter, settings, name, content, title, description, received_from, kind,
    source,
):
    client.force_login(documenter)
    before = _state(settings.EXPEDIENTE_EVIDENCE_DIR)
    data = {"file": SimpleUploadedFile(name or "x", content), "title": title,
            "description": description, "received_from": received_from,
            "kind": kind, "source": source}
    response = client.post(reverse("workspace:evidence-upload", args=[case.code]), data)
    assert response.status_code in (200, 302, 400, 413), response.status_code
    if response.status_code != 302:
        assert _state(settings.EXPEDIENTE_EVIDENCE_DIR) == before
    else:
        items, events, entries, _ = _state(settings.EXPEDIENTE_EVIDENCE_DIR)
        assert items == before[0] + 1 and events > before[1] and entries > before[2]
