"""Appends from several connections at once keep the chain linear."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from expediente_web.audit.chain import append, verify
from expediente_web.audit.models import AuditEntry


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_linear_chain():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself (IMMEDIATE transactions, one file lock)")
    before = AuditEntry.objects.count()
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(10):
                with transaction.atomic():
                    append(f"writer{n}", "test_append", payload={"i": i})
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert AuditEntry.objects.count() == before + 60
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    assert verify() == []
