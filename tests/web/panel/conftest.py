"""Fixtures of the panel tests: a case whose matrix an analyst built, three members of its team
to review it, and a version frozen by the analyst."""

from __future__ import annotations

import pytest

from support.workspace_data import HOSTILE, build_record

CRIME = "art7.1.e"
REASONING = "Dos listas y un testimonio lo sostienen. " + HOSTILE


@pytest.fixture
def record(case, owner):
    return build_record(case, many=2, hostile=True)


@pytest.fixture
def assessed(case, analyst, record):
    from expediente_web.assessment import actions

    actions.do_select_crime(analyst, case, CRIME)
    actions.do_cite_evidence(analyst, case, "art7.1.e.1", "act", "supports", act=record.act)
    actions.do_cite_evidence(
        analyst, case, "art7.1.e.1", "excerpt", "supports", excerpt=record.excerpt
    )
    actions.do_cite_evidence(
        analyst, case, "art7.contextual.1.a", "document", "contradicts", item=record.item
    )
    actions.do_rate_element(analyst, case, "art7.1.e.1", "ladder.reasonable_grounds", REASONING)
    actions.do_rate_element(
        analyst, case, "art7.contextual.1", "ladder.some_information", "Indicios dispersos."
    )
    return case


def _member(make_user, case, owner, name, role):
    from expediente_web.cases.actions import do_set_membership

    user = make_user(name)
    do_set_membership(owner, case, user, role)
    return user


@pytest.fixture
def panelists(make_user, case, owner):
    """Three members of the team who had no hand in the matrix."""
    return [
        _member(make_user, case, owner, "rosa_panel", "role.reviewer"),
        _member(make_user, case, owner, "raul_panel", "role.reviewer"),
        _member(make_user, case, owner, "vico_panel", "role.viewer"),
    ]


@pytest.fixture
def version(assessed, analyst, panelists):
    from expediente_web.panel.actions import do_freeze_version

    return do_freeze_version(analyst, assessed, reviewers=panelists)


@pytest.fixture
def fill():
    """`fill(user, version, {element: rung}, default=rung, submit=True)`: save a finding on
    every element of the version (with reasoning naming the reviewer), then submit."""
    from expediente_web.panel.access import verified_content
    from expediente_web.panel.actions import do_save_finding, do_submit_findings

    def run(user, version, rungs=None, default="ladder.reasonable_basis", submit=True):
        for element in verified_content(version)["elements"]:
            rung = (rungs or {}).get(element["id"], default)
            do_save_finding(
                user,
                version,
                element["id"],
                rung,
                f"Hallazgo de {user.username} sobre {element['id']}",
            )
        if submit:
            do_submit_findings(user, version)

    return run


__all__ = ["CRIME", "HOSTILE", "REASONING"]
