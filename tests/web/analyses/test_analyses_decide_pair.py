"""`do_decide_pair`: reviewers' decisions stored, audited and re-applied on every run."""

from __future__ import annotations

import hashlib

import pytest

from expediente_web.analyses.actions import do_decide_pair, do_run_linkage
from expediente_web.analyses.models import PairDecision
from expediente_web.audit.models import AuditEntry
from expediente_web.cases.access import NotPermitted
from expediente_web.cases.validation import InvalidInput

pytestmark = pytest.mark.django_db


def _same_cluster_pair(clusters):
    by_cluster: dict[str, list[int]] = {}
    for pk, cluster in clusters.items():
        by_cluster.setdefault(cluster, []).append(pk)
    return next(sorted(pks)[:2] for pks in by_cluster.values() if len(pks) > 1)


def _different_cluster_pair(clusters):
    pks = sorted(clusters)
    first = pks[0]
    return first, next(pk for pk in pks if clusters[pk] != clusters[first])


def _person(pk):
    from expediente_web.records.models import Person

    return Person.objects.get(pk=pk)


def test_it_stores_and_audits_a_decision(case, analyst, victims):
    a, b = victims["PRENSA-00002"], victims["OFICIAL-00003"]
    before = AuditEntry.objects.count()
    decision = do_decide_pair(analyst, case, b, a, "reject", note="Cédulas distintas")
    stored = PairDecision.objects.get()
    assert stored == decision
    assert (stored.record_a_id, stored.record_b_id) == tuple(sorted((a.pk, b.pk)))
    assert stored.actor == analyst.username
    entry = AuditEntry.objects.order_by("-seq").first()
    assert AuditEntry.objects.count() == before + 1
    assert entry.action == "decide_pair"
    assert entry.payload["decision"] == "reject"
    assert {entry.payload["record_a"], entry.payload["record_b"]} == {str(a.uid), str(b.uid)}
    assert "Cédulas" not in str(entry.payload)
    # A keyed fingerprint, not a plain hash that a guess of the note could be checked against.
    assert entry.payload["note_hmac"]
    assert hashlib.sha256("Cédulas distintas".encode()).hexdigest() not in str(entry.payload)


def test_an_accepted_pair_is_one_person_in_the_next_run(case, analyst, linked, cluster_of):
    a, b = _different_cluster_pair(cluster_of(linked))
    do_decide_pair(analyst, case, _person(a), _person(b), "accept")
    rerun = do_run_linkage(analyst, case)
    clusters = cluster_of(rerun)
    assert clusters[a] == clusters[b]
    assert rerun.labels_applied == 1


def test_a_rejected_pair_is_two_persons_in_the_next_run(case, analyst, linked, cluster_of):
    a, b = _same_cluster_pair(cluster_of(linked))
    do_decide_pair(analyst, case, _person(a), _person(b), "reject")
    clusters = cluster_of(do_run_linkage(analyst, case))
    assert clusters[a] != clusters[b]


def test_decisions_stay_applied_run_after_run(case, analyst, linked, cluster_of):
    a, b = _same_cluster_pair(cluster_of(linked))
    do_decide_pair(analyst, case, _person(a), _person(b), "reject")
    do_run_linkage(analyst, case)
    clusters = cluster_of(do_run_linkage(analyst, case))
    assert clusters[a] != clusters[b]


def test_the_latest_decision_on_a_pair_wins(case, analyst, linked, cluster_of):
    a, b = _same_cluster_pair(cluster_of(linked))
    do_decide_pair(analyst, case, _person(a), _person(b), "reject")
    do_decide_pair(analyst, case, _person(b), _person(a), "accept")
    clusters = cluster_of(do_run_linkage(analyst, case))
    assert clusters[a] == clusters[b]
    assert PairDecision.objects.count() == 2


def test_an_unsure_decision_leaves_the_pair_to_the_model(case, analyst, linked, cluster_of):
    a, b = _same_cluster_pair(cluster_of(linked))
    do_decide_pair(analyst, case, _person(a), _person(b), "unsure")
    rerun = do_run_linkage(analyst, case)
    assert rerun.labels_applied == 0
    clusters = cluster_of(rerun)
    assert clusters[a] == clusters[b]


def test_a_decided_pair_leaves_the_queue(case, analyst, linked):
    from expediente_web.analyses.views import _pending_pairs

    pending = _pending_pairs(case, linked)
    first = pending[0]
    do_decide_pair(analyst, case, first.record_a, first.record_b, "unsure")
    assert _pending_pairs(case, linked) == pending[1:]


@pytest.mark.parametrize("persona", ["documenter", "reviewer", "viewer", "outsider"])
def test_only_owners_and_analysts_decide(request, case, victims, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(NotPermitted):
        do_decide_pair(user, case, victims["PRENSA-00002"], victims["OFICIAL-00003"], "accept")
    assert not PairDecision.objects.exists()


def test_it_refuses_what_is_not_a_decision(case, analyst, victims, make_user):
    a, b = victims["PRENSA-00002"], victims["OFICIAL-00003"]
    with pytest.raises(InvalidInput, match="decision"):
        do_decide_pair(analyst, case, a, b, "maybe")
    with pytest.raises(InvalidInput, match="two different records"):
        do_decide_pair(analyst, case, a, a, "accept")
    from expediente_web.cases.actions import do_create_case

    other = do_create_case(make_user("otto_other_owner"), "otro", "Otro caso (sintético)")
    from expediente_web.records.models import Person

    stranger = Person.objects.create(case=other, full_name="Persona Ficticia")
    with pytest.raises(InvalidInput, match="not in case"):
        do_decide_pair(analyst, case, a, stranger, "accept")
    assert not PairDecision.objects.exists()
