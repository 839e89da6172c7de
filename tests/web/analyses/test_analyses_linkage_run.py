"""`do_run_linkage`: a case's victim records resolved into persons and stored, audited."""

from __future__ import annotations

import json

import pytest
from analyses_data import truth_rows

from expediente_web.analyses.actions import do_run_linkage
from expediente_web.analyses.models import LinkRun, RecordLink, ReviewPair
from expediente_web.audit.models import AuditEntry
from expediente_web.cases.access import NotPermitted

pytestmark = pytest.mark.django_db


def test_it_stores_every_record_with_its_person(linked, victims, cluster_of):
    clusters = cluster_of(linked)
    assert set(clusters) == {p.pk for p in victims.values()}
    assert linked.records == len(victims) == 98
    assert linked.persons == len(set(clusters.values()))
    assert linked.labels_applied == 0


def test_it_resolves_the_synthetic_lists_close_to_the_truth(linked, victims, cluster_of):
    from expediente.linkage import evaluate

    clusters = cluster_of(linked)
    predicted = [clusters[victims[row["record_id"]].pk] for row in truth_rows()]
    truth = [row["true_person_id"] for row in truth_rows()]
    import numpy as np

    metrics = evaluate(np.array(predicted, dtype=object), np.array(truth, dtype=object))
    assert metrics.pair_f1 >= 0.85
    assert abs(metrics.persons_error) <= 0.2


def test_it_stores_the_review_queue_in_order_with_explanations(linked):
    pairs = list(ReviewPair.objects.filter(run=linked))
    assert pairs, "the synthetic lists leave some pairs uncertain"
    assert [p.rank for p in pairs] == list(range(1, len(pairs) + 1))
    assert linked.summary["review_queue_stored"] == len(pairs)
    low, high = linked.config["review_band"]
    for pair in pairs:
        assert low <= pair.probability < high
        assert pair.record_a_id < pair.record_b_id
        fields = [f["field"] for f in pair.explanation["fields"]]
        assert fields == [f["name"] for f in linked.config["fields"]]


def test_it_writes_one_audit_entry_without_protected_values(case, analyst, victims):
    before = AuditEntry.objects.count()
    run = do_run_linkage(analyst, case)
    entries = list(AuditEntry.objects.order_by("seq")[before:])
    assert [e.action for e in entries] == ["run_linkage"]
    payload = json.dumps(entries[0].payload, ensure_ascii=False)
    assert entries[0].payload["run"] == str(run.uid)
    assert entries[0].payload["persons"] == run.persons
    assert entries[0].payload["threshold"] == run.threshold
    for row in truth_rows():
        for column in ("full_name", "first_surname", "id_number", "birth_date"):
            if len(row[column]) > 3:
                assert row[column] not in payload


def test_it_links_only_live_victim_records(case, analyst, documenter, victims, cluster_of):
    from expediente_web.records.actions import do_create_person, do_delete_record

    gone = victims["OFICIAL-00001"]
    do_delete_record(documenter, gone, "duplicate entry made by mistake")
    witness = do_create_person(documenter, case, full_name="Testigo Ficticio",
                               source=gone.source, source_record_id="W-1")
    run = do_run_linkage(analyst, case)
    linked_pks = set(cluster_of(run))
    assert gone.pk not in linked_pks
    assert witness.pk not in linked_pks
    assert run.records == 97


@pytest.mark.parametrize("persona", ["documenter", "reviewer", "viewer", "outsider"])
def test_it_refuses_roles_that_do_not_run_analyses(request, case, victims, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(NotPermitted):
        do_run_linkage(user, case)
    assert not LinkRun.objects.exists()


def test_the_owner_and_the_console_operator_may_run_it(case, owner, victims):
    assert do_run_linkage(owner, case).actor == owner.username
    assert do_run_linkage(None, case).actor == "operator"


def test_it_refuses_a_case_with_nothing_to_link(case, analyst):
    from expediente_web.cases.validation import InvalidInput

    with pytest.raises(InvalidInput, match="records"):
        do_run_linkage(analyst, case)
    assert not RecordLink.objects.exists()
