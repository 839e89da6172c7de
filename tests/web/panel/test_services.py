"""The panel's services: freezing, assigning, blind findings, submitting, signing off — and what
none of them, nor the models, nor a hand in the database, can change afterwards."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from expediente.legal.freeze import content_digest
from expediente_web.cases.access import NotPermitted
from expediente_web.cases.validation import InvalidInput
from expediente_web.panel import actions
from expediente_web.panel.access import (
    VersionAltered,
    access_findings,
    access_round,
    access_verified,
    verified_content,
)
from expediente_web.panel.models import Assignment, Finding, FrozenVersion, ImmutableRowError

from .conftest import CRIME, REASONING

pytestmark = pytest.mark.django_db


# -- freezing -------------------------------------------------------------------------------


def test_a_frozen_version_holds_the_matrix_with_its_digest(version, assessed, record):
    content = verified_content(version)
    assert version.number == 1 and version.reviewers_required == 3
    assert version.digest == content_digest(content)
    assert content["crimes"] == [CRIME]
    assert [g["id"] for g in content["groups"]] == ["art7.contextual", CRIME]
    ids = [e["id"] for e in content["elements"]]
    assert ids[0] == "art7.contextual.1" and "art7.1.e.3" in ids and len(ids) == 10
    element = next(e for e in content["elements"] if e["id"] == "art7.1.e.1")
    assert element["rung"] == "ladder.reasonable_grounds"
    assert element["reasoning"] == REASONING
    assert element["analyst"] == "ana_analyst" and element["rated_by"] == ["ana_analyst"]
    kinds = {(item["kind"], item["stance"]) for item in element["evidence"]}
    assert kinds == {("act", "supports"), ("excerpt", "supports")}
    act = next(i for i in element["evidence"] if i["kind"] == "act")
    assert act["act_type"] == record.act.act_type and act["source"] == record.act.source.code
    excerpt = next(i for i in element["evidence"] if i["kind"] == "excerpt")
    # The witness by pseudonym only: no name of a person anywhere in the snapshot.
    if record.excerpt.testimony.witness is not None:
        assert excerpt["witness"].startswith("R-")
    text = version.snapshot
    for person in record.persons:
        name = person.display_name()
        if name:
            assert name not in text


def test_the_snapshot_is_encrypted_at_rest(version):
    with connection.cursor() as cursor:
        cursor.execute("SELECT snapshot FROM panel_frozenversion WHERE id = %s", [version.pk])
        stored = cursor.fetchone()[0]
    assert "art7.1.e.1" not in stored and "Dos listas" not in stored


def test_versions_count_up_per_case(version, analyst, assessed):
    again = actions.do_freeze_version(analyst, assessed, reviewers_required=2)
    assert again.number == 2 and again.reviewers_required == 2


@pytest.mark.parametrize("count", [1, 0, 10, "tres"])
def test_a_version_needs_two_to_nine_reviewers(assessed, analyst, count, audit_count):
    before = audit_count()
    with pytest.raises(InvalidInput) as refused:
        actions.do_freeze_version(analyst, assessed, reviewers_required=count)
    assert refused.value.field == "reviewers_required"
    assert FrozenVersion.objects.count() == 0 and audit_count() == before


def test_only_owners_and_analysts_freeze(assessed, reviewer, documenter):
    for user in (reviewer, documenter):
        with pytest.raises(NotPermitted):
            actions.do_freeze_version(user, assessed)


def test_a_freeze_with_a_bad_reviewer_freezes_nothing(assessed, analyst, panelists):
    with pytest.raises(InvalidInput) as refused:
        actions.do_freeze_version(analyst, assessed, reviewers=[panelists[0], analyst])
    assert "froze this version" in refused.value.reason
    assert FrozenVersion.objects.count() == 0 and Assignment.objects.count() == 0


# -- reviewers ------------------------------------------------------------------------------


def test_who_may_not_review(version, analyst, owner, partner, outsider, make_user, case):
    from expediente_web.assessment import actions as matrix
    from expediente_web.cases.actions import do_set_membership

    second = make_user("ana_segunda")
    do_set_membership(owner, case, second, "role.analyst")
    # She rated an element before the freeze of version 2: she may not review it.
    matrix.do_rate_element(second, case, "art7.1.e.2", "ladder.some_information", "Poco.")
    two = actions.do_freeze_version(owner, case)
    with pytest.raises(InvalidInput, match="froze this version"):
        actions.do_assign_reviewer(owner, two, owner)
    with pytest.raises(InvalidInput, match="rated elements"):
        actions.do_assign_reviewer(owner, two, second)
    with pytest.raises(InvalidInput, match="rated elements"):
        actions.do_assign_reviewer(owner, two, analyst)  # rated art7.1.e.1
    with pytest.raises(InvalidInput, match="not a member"):
        actions.do_assign_reviewer(owner, two, partner)
    with pytest.raises(InvalidInput, match="not a member"):
        actions.do_assign_reviewer(owner, two, outsider)


def test_a_version_takes_as_many_reviewers_as_it_needs(version, analyst, viewer):
    with pytest.raises(InvalidInput, match="already has its 3 reviewers"):
        actions.do_assign_reviewer(analyst, version, viewer)


def test_a_reviewer_is_replaced_only_before_submitting(version, analyst, panelists, viewer, fill):
    first, second, _third = panelists
    actions.do_save_finding(first, version, "art7.1.e.1", "ladder.no_information", "borrador")
    old = access_round(analyst, version).of(first)
    new = actions.do_replace_reviewer(analyst, old, viewer)
    state = access_round(analyst, version)
    assert [a.reviewer_name for a in state.assignments] == [
        "raul_panel",
        "vico_panel",
        "vera_viewer",
    ]
    assert [a.reviewer_name for a in state.replaced] == ["rosa_panel"]
    assert new.reviewer == viewer
    # The replaced reviewer can no longer write.
    with pytest.raises(NotPermitted):
        actions.do_save_finding(first, version, "art7.1.e.1", "ladder.no_information", "x")
    fill(second, version)
    submitted = access_round(analyst, version).of(second)
    with pytest.raises(InvalidInput, match="replaced only before"):
        actions.do_replace_reviewer(analyst, submitted, first)


# -- findings, blind ------------------------------------------------------------------------


def test_findings_are_blind_until_everyone_submitted(version, panelists, owner, analyst, fill):
    first, second, third = panelists
    fill(first, version)
    actions.do_save_finding(
        second, version, "art7.1.e.1", "ladder.no_information", "borrador de Raúl"
    )
    # Each reviewer reads their own only; the owner and the analyst read nobody's.
    assert set(access_findings(first, version)) == {"rosa_panel"}
    assert set(access_findings(second, version)) == {"raul_panel"}
    assert access_findings(second, version)["raul_panel"]["art7.1.e.1"].reasoning == (
        "borrador de Raúl"
    )
    assert access_findings(third, version) == {"vico_panel": {}}
    assert access_findings(owner, version) == {}
    assert access_findings(analyst, version) == {}
    # Who has submitted is no secret.
    assert [a.reviewer_name for a in access_round(owner, version).submitted] == ["rosa_panel"]
    fill(second, version)
    assert access_findings(owner, version) == {}
    fill(third, version)
    everyone = access_findings(owner, version)
    assert set(everyone) == {"rosa_panel", "raul_panel", "vico_panel"}
    assert all(len(found) == 10 for found in everyone.values())


def test_a_partner_reads_no_version(version, partner):
    with pytest.raises(NotPermitted):
        access_findings(partner, version)


def test_only_an_assigned_reviewer_saves_or_submits(version, viewer, owner, documenter):
    for user in (viewer, owner, documenter):
        with pytest.raises(NotPermitted):
            actions.do_save_finding(user, version, "art7.1.e.1", "ladder.no_information", "x")
        with pytest.raises(NotPermitted):
            actions.do_submit_findings(user, version)


def test_a_finding_is_on_an_element_of_the_version_and_a_rung(version, panelists):
    with pytest.raises(InvalidInput) as refused:
        actions.do_save_finding(panelists[0], version, "art7.1.k.1", "", "x")
    assert refused.value.field == "element"
    with pytest.raises(InvalidInput) as refused:
        actions.do_save_finding(panelists[0], version, "art7.1.e.1", "ladder.proved", "x")
    assert refused.value.field == "rung"


def test_submitting_needs_every_element(version, panelists, fill):
    fill(panelists[0], version, submit=False)
    actions.do_save_finding(panelists[0], version, "art7.1.e.2", "ladder.some_information", "")
    with pytest.raises(InvalidInput, match=r"still missing: art7\.1\.e\.2"):
        actions.do_submit_findings(panelists[0], version)


def test_submitted_findings_cannot_change(version, panelists, fill, audit_count):
    first = panelists[0]
    fill(first, version)
    before = audit_count()
    with pytest.raises(InvalidInput, match="cannot change"):
        actions.do_save_finding(first, version, "art7.1.e.1", "ladder.no_information", "otra")
    with pytest.raises(InvalidInput, match="cannot change"):
        actions.do_submit_findings(first, version)
    assert audit_count() == before
    # The models refuse too, whoever calls them.
    finding = Finding.objects.filter(element="art7.1.e.1").first()
    finding.rung = "ladder.no_information"
    with pytest.raises(ImmutableRowError):
        finding.save()
    with pytest.raises(ImmutableRowError):
        finding.delete()
    with pytest.raises(ImmutableRowError):
        Finding.objects.create(
            assignment=finding.assignment, element="nuevo", saved_at=finding.saved_at
        )
    mine = Assignment.objects.get(pk=finding.assignment_id)
    mine.submitted_at = None
    with pytest.raises(ImmutableRowError):
        mine.save()


def test_a_frozen_version_cannot_change_nor_go(version):
    version.reviewers_required = 2
    with pytest.raises(ImmutableRowError):
        version.save()
    with pytest.raises(ImmutableRowError):
        FrozenVersion.objects.get(pk=version.pk).delete()


# -- the digest -----------------------------------------------------------------------------


def _write_column(table: str, column: str, value: str, pk: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk])


def test_a_version_that_does_not_match_its_digest_is_refused(version, panelists, analyst, case):
    _write_column("panel_frozenversion", "digest", "0" * 64, version.pk)
    with pytest.raises(VersionAltered, match="does not match its digest"):
        access_verified(analyst, case, 1)
    with pytest.raises(VersionAltered):
        actions.do_save_finding(
            panelists[0],
            FrozenVersion.objects.get(pk=version.pk),
            "art7.1.e.1",
            "ladder.no_information",
            "x",
        )


def test_a_snapshot_rewritten_with_a_valid_ciphertext_is_refused(version, analyst, case):
    """Someone with the key ring writes another content in: it decrypts, and its digest is
    another one."""
    from expediente_web.panel.models import FrozenVersion as Model
    from expediente_web.protection.cipher import encrypt

    content = json.loads(version.snapshot)
    content["elements"][7]["rung"] = "ladder.substantial_grounds"
    field = Model._meta.get_field("snapshot")
    sealed = encrypt(json.dumps(content), bound_to=field.binding(version))
    _write_column("panel_frozenversion", "snapshot", sealed, version.pk)
    with pytest.raises(VersionAltered, match="digest"):
        access_verified(analyst, case, 1)


def test_a_snapshot_that_does_not_decrypt_is_refused(version, analyst, case):
    _write_column("panel_frozenversion", "snapshot", "k1:AAAA", version.pk)
    with pytest.raises(VersionAltered, match="does not decrypt"):
        access_verified(analyst, case, 1)


# -- audit ----------------------------------------------------------------------------------


def _panel_problems():
    from expediente_web.audit.rowcheck import check_kept_digests, check_rows

    return [p for p in check_kept_digests() + check_rows() if p.table.startswith("panel_")]


def test_every_write_is_audited_and_a_hand_edit_is_named(version, panelists, fill):
    from expediente_web.audit.models import AuditEntry

    for user in panelists:
        fill(user, version)
    actions.do_sign_off(panelists[0], version)
    actions_seen = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "freeze_version",
        "assign_reviewer",
        "save_finding",
        "submit_findings",
        "sign_off",
    } <= actions_seen
    entry = AuditEntry.objects.filter(action="freeze_version").get()
    assert entry.payload["fields"]["digest"] == version.digest
    assert entry.payload["protected_changed"] == ["snapshot"]
    assert "Dos listas" not in json.dumps(entry.payload)
    saved = AuditEntry.objects.filter(action="save_finding").first()
    assert "Hallazgo" not in json.dumps(saved.payload)
    assert _panel_problems() == []
    finding = Finding.objects.filter(element="art7.1.e.1").first()
    _write_column("panel_finding", "rung", "ladder.substantial_grounds", finding.pk)
    problems = _panel_problems()
    assert [(p.table, p.row_id) for p in problems] == [("panel_finding", finding.pk)]
    assert "changed outside the services" in problems[0].problem
    assert problems[0].name == str(finding.uid)


def test_a_hand_edit_of_a_version_is_named(version):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE panel_frozenversion SET reviewers_required = 2 WHERE id = %s", [version.pk]
        )
    assert [(p.table, p.row_id) for p in _panel_problems()] == [("panel_frozenversion", version.pk)]


# -- sign-off -------------------------------------------------------------------------------


def test_sign_off_once_all_submitted_then_closed(version, panelists, analyst, fill):
    first, second, third = panelists
    fill(first, version)
    with pytest.raises(InvalidInput, match="1 of 3 have"):
        actions.do_sign_off(first, version)
    fill(second, version)
    fill(third, version)
    with pytest.raises(NotPermitted):
        actions.do_sign_off(analyst, version)
    for user in panelists:
        actions.do_sign_off(user, version)
    with pytest.raises(InvalidInput, match="already"):
        actions.do_sign_off(first, version)
    state = access_round(analyst, version)
    assert state.signed_off and state.closed_at is not None
