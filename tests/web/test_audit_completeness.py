"""Every audited service writes an audit entry: all `do_*` functions of every app's actions.

The services are found by importing each `expediente_web.<app>.actions` module and listing its
`do_*` functions, so a new service without a recipe here fails the test until one is added.
Each recipe calls the service with valid arguments on a small synthetic case and the test
checks the audit log grew by at least one entry.
"""

from __future__ import annotations

import importlib
import inspect
import io
import pkgutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import expediente_web

sys.path.insert(0, str(Path(__file__).parent / "analyses"))
sys.path.insert(0, str(Path(__file__).parents[1]))

pytestmark = pytest.mark.django_db


def services() -> dict[str, Callable[..., Any]]:
    found = {}
    for module_info in pkgutil.iter_modules(expediente_web.__path__):
        if not module_info.ispkg:
            continue
        try:
            module = importlib.import_module(f"expediente_web.{module_info.name}.actions")
        except ModuleNotFoundError as exc:
            if exc.name != f"expediente_web.{module_info.name}.actions":
                raise
            continue
        for name, func in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("do_") and func.__module__ == module.__name__:
                found[f"{module_info.name}.{name}"] = func
    return found


class World:
    """A case with an owner, an analyst, sources, places, persons, acts and evidence."""

    def __init__(self, make_user: Callable[[str], Any], case: Any, owner: Any) -> None:
        from expediente_web.cases.actions import do_set_membership
        from expediente_web.evidence.actions import do_store_evidence
        from expediente_web.records.actions import (
            do_create_act,
            do_create_person,
            do_create_testimony,
            do_create_unit,
        )

        self.case, self.owner = case, owner
        self.analyst = make_user("ana_analyst")
        do_set_membership(owner, case, self.analyst, "role.analyst")
        from expediente_web.cases.actions import do_create_source
        from expediente_web.records.actions import do_create_location

        self.source = do_create_source(owner, case, "ONG-W", "ONG ficticia", "source.ngo_list")
        self.place = do_create_location(owner, case, "VE-W", "Estado Ficticio", "location.state")
        self.person = do_create_person(
            owner, case, full_name="Persona Ficticia Uno", source=self.source
        )
        self.other = do_create_person(
            owner, case, full_name="Persona Ficticia Dos", source=self.source
        )
        self.unit = do_create_unit(owner, case, "U-F", "Unidad Ficticia")
        self.act = do_create_act(
            owner,
            case,
            self.person,
            "act.detention.arbitrary",
            date="2017-05-03",
            location=self.place,
        )
        self.testimony = do_create_testimony(
            owner, case, "Relato ficticio de prueba.", "es", source=self.source
        )
        self.item = do_store_evidence(owner, case, io.BytesIO(b"evidencia ficticia"), "prueba.txt")
        self.stranger = make_user("pablo_partner")


def _linkage(w: World) -> Any:
    from analyses_data import load_victims, wide_band_config

    load_victims(w.case)  # 98 records of 44 persons from five sources

    from expediente_web.analyses.actions import do_run_linkage

    return do_run_linkage(w.analyst, w.case, wide_band_config())


def _accept_invitation(w: World) -> Any:
    from expediente_web.accounts.actions import do_accept_invitation, do_invite_member

    _, _, token = do_invite_member(w.owner, w.case, "nuevo_ficticio", "role.analyst")
    return lambda: do_accept_invitation(token, "una clave larga y ficticia 42")


def _totp(w: World) -> Any:
    from expediente_web.accounts.actions import do_confirm_totp, do_start_totp
    from support.two_factor import code_for_key

    device = do_start_totp(w.owner)
    return lambda: do_confirm_totp(w.owner, device, code_for_key(device.bin_key))


def _remove_key(w: World) -> Any:
    import secrets

    from expediente_web.accounts.actions import do_remove_security_key
    from expediente_web.accounts.security_keys import credential_model
    from support.two_factor import enrol_totp

    enrol_totp(w.owner)
    key = credential_model().objects.create(
        user=w.owner, name="Security key 1", confirmed=True, credential_id=secrets.token_bytes(32),
        public_key=secrets.token_bytes(77), sign_count=0, transports=[], discoverable=True)
    return lambda: do_remove_security_key(w.owner, key)


def _api_token(w: World) -> Any:
    from expediente_web.api.actions import do_create_api_token

    token, _ = do_create_api_token(w.owner, w.case, w.analyst, "read")
    return token


def _saved_search(w: World) -> Any:
    from expediente_web.search.actions import do_save_search

    return do_save_search(w.analyst, w.case, "mías", "ficticia")


def _excerpt(w: World) -> Any:
    from expediente_web.evidence.actions import do_create_excerpt

    return do_create_excerpt(w.owner, w.case, testimony=w.testimony, start=0, end=6)


def _records() -> Any:
    return importlib.import_module("expediente_web.records.actions")


# name → (prepare(world) → None | a zero-argument call) … each recipe either calls the service
# itself (returning what it made) or returns the call to measure after its own preparation.
RECIPES: dict[str, Callable[[World], Any]] = {
    "accounts.do_invite_member": lambda w: importlib.import_module(
        "expediente_web.accounts.actions"
    ).do_invite_member(w.owner, w.case, "inv_ficticio", "role.analyst"),
    "accounts.do_accept_invitation": _accept_invitation,
    "accounts.do_change_password": lambda w: (
        w.owner.set_password("clave vieja ficticia 1"),
        w.owner.save(),
        lambda: importlib.import_module("expediente_web.accounts.actions").do_change_password(
            w.owner, "clave vieja ficticia 1", "clave nueva ficticia 22"
        ),
    )[-1],
    "accounts.do_set_password": lambda w: importlib.import_module(
        "expediente_web.accounts.actions"
    ).do_set_password(None, w.analyst, "clave puesta ficticia 3"),
    "accounts.do_start_totp": lambda w: importlib.import_module(
        "expediente_web.accounts.actions"
    ).do_start_totp(w.owner),
    "accounts.do_confirm_totp": _totp,
    "accounts.do_remove_security_key": _remove_key,
    "accounts.do_create_recovery_codes": lambda w: importlib.import_module(
        "expediente_web.accounts.actions"
    ).do_create_recovery_codes(w.owner),
    "analyses.do_run_linkage": _linkage,
    "analyses.do_decide_pair": lambda w: importlib.import_module(
        "expediente_web.analyses.actions"
    ).do_decide_pair(w.analyst, w.case, w.person, w.other, "accept", note="ficticia"),
    "analyses.do_run_estimate": lambda w: (
        _linkage(w),
        lambda: importlib.import_module("expediente_web.analyses.actions").do_run_estimate(
            w.analyst, w.case, "loglinear", seed=7, options={"n_boot": 0}
        ),
    )[-1],
    "api.do_create_api_token": _api_token,
    "api.do_revoke_api_token": lambda w: (
        t := _api_token(w),
        lambda: importlib.import_module("expediente_web.api.actions").do_revoke_api_token(
            w.owner, t
        ),
    )[-1],
    "cases.do_create_user": lambda w: importlib.import_module(
        "expediente_web.cases.actions"
    ).do_create_user(None, "creado_ficticio"),
    "cases.do_create_case": lambda w: importlib.import_module(
        "expediente_web.cases.actions"
    ).do_create_case(w.owner, "c-otro", "Otro ficticio"),
    "cases.do_set_membership": lambda w: importlib.import_module(
        "expediente_web.cases.actions"
    ).do_set_membership(w.owner, w.case, w.stranger, "role.reviewer"),
    "cases.do_revoke_membership": lambda w: importlib.import_module(
        "expediente_web.cases.actions"
    ).do_revoke_membership(w.owner, w.case, w.analyst),
    "cases.do_create_source": lambda w: importlib.import_module(
        "expediente_web.cases.actions"
    ).do_create_source(w.owner, w.case, "S-N", "Nueva", "source.ngo_list"),
    "cases.do_set_source_lineage": lambda w: importlib.import_module(
        "expediente_web.cases.actions"
    ).do_set_source_lineage(
        w.owner,
        importlib.import_module("expediente_web.cases.actions").do_create_source(
            w.owner, w.case, "S-P", "Prensa ficticia", "source.press"
        ),
        ["ONG-W"],
        "list:recopilación ficticia",
    ),
    "evidence.do_store_evidence": lambda w: importlib.import_module(
        "expediente_web.evidence.actions"
    ).do_store_evidence(w.owner, w.case, io.BytesIO(b"otra evidencia ficticia"), "otra.txt"),
    "evidence.do_record_custody_event": lambda w: importlib.import_module(
        "expediente_web.evidence.actions"
    ).do_record_custody_event(w.owner, w.item, "custody.verified", to_party="archivo ficticio"),
    "evidence.do_record_evidence_access": lambda w: importlib.import_module(
        "expediente_web.evidence.actions"
    ).do_record_evidence_access(w.owner, w.item, "view"),
    "evidence.do_create_excerpt": _excerpt,
    "evidence.do_cite_excerpt": lambda w: (
        e := _excerpt(w),
        lambda: importlib.import_module("expediente_web.evidence.actions").do_cite_excerpt(
            w.owner, e, w.act
        ),
    )[-1],
    "jobs.do_enqueue_job": lambda w: importlib.import_module(
        "expediente_web.jobs.actions"
    ).do_enqueue_job(w.analyst, w.case, "linkage"),
    "records.do_create_person": lambda w: importlib.import_module(
        "expediente_web.records.actions"
    ).do_create_person(w.owner, w.case, full_name="Tres F"),
    "records.do_update_person": lambda w: importlib.import_module(
        "expediente_web.records.actions"
    ).do_update_person(w.owner, w.person, nickname="Uno"),
    "records.do_create_location": lambda w: importlib.import_module(
        "expediente_web.records.actions"
    ).do_create_location(w.owner, w.case, "L-N", "Lugar", "location.site"),
    "records.do_create_unit": lambda w: importlib.import_module(
        "expediente_web.records.actions"
    ).do_create_unit(w.owner, w.case, "U-N", "Unidad N"),
    "records.do_create_position": lambda w: importlib.import_module(
        "expediente_web.records.actions"
    ).do_create_position(w.owner, w.case, w.other, w.unit, title="Jefe ficticio"),
    "records.do_create_event": lambda w: importlib.import_module(
        "expediente_web.records.actions"
    ).do_create_event(w.owner, w.case, "Evento ficticio"),
    "records.do_create_act": lambda w: importlib.import_module(
        "expediente_web.records.actions"
    ).do_create_act(w.owner, w.case, w.other, "act.torture", date="2017-06-01"),
    "records.do_update_act": lambda w: importlib.import_module(
        "expediente_web.records.actions"
    ).do_update_act(w.owner, w.act, outcome="outcome.released"),
    "records.do_add_involvement": lambda w: importlib.import_module(
        "expediente_web.records.actions"
    ).do_add_involvement(w.owner, w.act, unit=w.unit),
    "records.do_add_measured_fact": lambda w: importlib.import_module(
        "expediente_web.records.actions"
    ).do_add_measured_fact(w.owner, w.act, "measure.days_incommunicado", 3),
    "records.do_create_testimony": lambda w: importlib.import_module(
        "expediente_web.records.actions"
    ).do_create_testimony(w.owner, w.case, "Otro relato.", "es"),
    "records.do_add_comment": lambda w: importlib.import_module(
        "expediente_web.records.actions"
    ).do_add_comment(w.owner, w.act, "Nota ficticia"),
    "records.do_delete_record": lambda w: importlib.import_module(
        "expediente_web.records.actions"
    ).do_delete_record(w.owner, w.testimony, "duplicado"),
    # -- discussion
    "discussion.do_post_comment": lambda w: importlib.import_module(
        "expediente_web.discussion.actions"
    ).do_post_comment(w.owner, w.act, "Nota ficticia para @ana_analyst"),
    "discussion.do_delete_comment": lambda w: (
        c := importlib.import_module("expediente_web.discussion.actions").do_post_comment(
            w.owner, w.act, "Nota ficticia"
        ),
        lambda: importlib.import_module("expediente_web.discussion.actions").do_delete_comment(
            w.owner, c, "duplicada"
        ),
    )[-1],
    "discussion.do_mark_notification_read": lambda w: (
        c := importlib.import_module("expediente_web.discussion.actions").do_post_comment(
            w.owner, w.act, "@ana_analyst mira"
        ),
        lambda: importlib.import_module(
            "expediente_web.discussion.actions"
        ).do_mark_notification_read(w.analyst, c.notifications.get()),
    )[-1],
    "discussion.do_mark_all_notifications_read": lambda w: (
        c := importlib.import_module("expediente_web.discussion.actions").do_post_comment(
            w.owner, w.act, "@ana_analyst mira"
        ),
        lambda: importlib.import_module(
            "expediente_web.discussion.actions"
        ).do_mark_all_notifications_read(w.analyst, c.notifications.all()),
    )[-1],
    # -- changing records, review and restore
    "records.do_update_testimony": lambda w: _records().do_update_testimony(
        w.owner, w.testimony, interviewer="Entrevistador ficticio"
    ),
    "records.do_update_event": lambda w: (
        e := _records().do_create_event(w.owner, w.case, "Evento ficticio"),
        lambda: _records().do_update_event(w.owner, e, title="Evento ficticio cambiado"),
    )[-1],
    "records.do_update_unit": lambda w: _records().do_update_unit(w.owner, w.unit, acronym="UF"),
    "records.do_update_location": lambda w: _records().do_update_location(
        w.owner, w.place, name="Estado Ficticio Norte"
    ),
    "records.do_submit_for_review": lambda w: _records().do_submit_for_review(w.owner, w.act),
    "records.do_verify": lambda w: (
        _records().do_submit_for_review(w.owner, w.act),
        lambda: _records().do_verify(w.analyst, w.act),
    )[-1],
    "records.do_return_to_draft": lambda w: (
        _records().do_submit_for_review(w.owner, w.act),
        lambda: _records().do_return_to_draft(w.analyst, w.act, "falta la fuente"),
    )[-1],
    "records.do_restore_record": lambda w: (
        _records().do_delete_record(w.owner, w.testimony, "duplicado"),
        lambda: _records().do_restore_record(w.owner, w.testimony, "no era duplicado"),
    )[-1],
    "search.do_save_search": _saved_search,
    "search.do_delete_saved_search": lambda w: (
        s := _saved_search(w),
        lambda: importlib.import_module("expediente_web.search.actions").do_delete_saved_search(
            w.analyst, s
        ),
    )[-1],
    "workspace.do_record_identity_view": lambda w: importlib.import_module(
        "expediente_web.workspace.actions"
    ).do_record_identity_view(
        w.owner, w.case, [str(w.person.uid)], page="persona", fields=["full_name"]
    ),
}


# -- the public submission form (submissions) ----------------------------------------------------


def _submissions() -> Any:
    return importlib.import_module("expediente_web.submissions.actions")


def _public_form(w: World) -> Any:
    return _submissions().do_set_public_form(
        w.owner, w.case, enabled=True, slug="formulario", public_title="Formulario ficticio"
    )


def _received(w: World) -> Any:
    return _submissions().do_receive_submission(
        _public_form(w), address="prueba", narrative="Relato ficticio", language="es"
    )


RECIPES.update({
    "submissions.do_set_public_form": lambda w: lambda: _public_form(w),
    "submissions.do_receive_submission": lambda w: (
        form := _public_form(w),
        lambda: _submissions().do_receive_submission(
            form, address="prueba", narrative="Relato ficticio", language="es"
        ),
    )[-1],
    "submissions.do_add_to_submission": lambda w: (
        got := _received(w),
        lambda: _submissions().do_add_to_submission(
            _public_form(w), got[1], address="prueba", text="Más"
        ),
    )[-1],
    "submissions.do_accept_submission": lambda w: (
        got := _received(w),
        lambda: _submissions().do_accept_submission(w.owner, got[0]),
    )[-1],
    "submissions.do_reject_submission": lambda w: (
        got := _received(w),
        lambda: _submissions().do_reject_submission(w.owner, got[0], "duplicado"),
    )[-1],
})

# -- the element matrix (assessment) ------------------------------------------------------------


def _matrix() -> Any:
    return importlib.import_module("expediente_web.assessment.actions")


def _with_crime(w: World) -> Any:
    return _matrix().do_select_crime(w.analyst, w.case, "art7.1.e")


RECIPES.update({
    "assessment.do_select_crime": _with_crime,
    "assessment.do_select_mode": lambda w: _matrix().do_select_mode(
        w.analyst, w.case, w.person, "art28.a"),
    "assessment.do_drop_selection": lambda w: (
        chosen := _with_crime(w),
        lambda: _matrix().do_drop_selection(w.analyst, chosen, "fuera del alcance"),
    )[-1],
    "assessment.do_cite_evidence": lambda w: (
        _with_crime(w),
        lambda: _matrix().do_cite_evidence(w.analyst, w.case, "art7.1.e.1", "act", "supports",
                                           act=w.act),
    )[-1],
    "assessment.do_withdraw_citation": lambda w: (
        _with_crime(w),
        cited := _matrix().do_cite_evidence(w.analyst, w.case, "art7.1.e.1", "act",
                                            "supports", act=w.act),
        lambda: _matrix().do_withdraw_citation(w.analyst, cited, "otra víctima"),
    )[-1],
    "assessment.do_rate_element": lambda w: (
        _with_crime(w),
        lambda: _matrix().do_rate_element(w.analyst, w.case, "art7.1.e.1",
                                          "ladder.some_information", "una lista lo menciona"),
    )[-1],
})


def test_every_service_has_a_recipe():
    missing = sorted(set(services()) - set(RECIPES))
    assert not missing, f"add a recipe to RECIPES for: {', '.join(missing)}"
    stale = sorted(set(RECIPES) - set(services()))
    assert not stale, f"recipes for services that no longer exist: {', '.join(stale)}"


@pytest.mark.parametrize("name", sorted(services()))
def test_every_service_writes_an_audit_entry(name, make_user, case, owner):
    from expediente_web.audit.models import AuditEntry

    if name not in RECIPES:
        pytest.fail(f"no recipe for {name}: add one to RECIPES")
    world = World(make_user, case, owner)
    recipe = RECIPES[name]
    before = AuditEntry.objects.count()
    made = recipe(world)
    if callable(made) and not isinstance(made, type):
        before = AuditEntry.objects.count()  # the preparation's own entries do not count
        made()
    assert AuditEntry.objects.count() > before, f"{name} wrote no audit entry"

# -- reports ------------------------------------------------------------------------------------


def _reports() -> Any:
    return importlib.import_module("expediente_web.reports.actions")


RECIPES.update({
    "reports.do_set_report_editions": lambda w: _reports().do_set_report_editions(
        w.owner, w.case, ["public", "confidential"]),
    "reports.do_make_report": lambda w: _reports().do_make_report(
        w.owner, w.case, "confidential", "html",
        Path(tempfile.mkdtemp(prefix="expediente-report-")) / "out"),
})

# -- the panel review (panel) -------------------------------------------------------------------


def _panel() -> Any:
    return importlib.import_module("expediente_web.panel.actions")


def _panel_version(w: World, reviewers: int = 0) -> Any:
    """A version frozen by the owner, with `reviewers` of two members of the team assigned."""
    from expediente_web.cases.actions import do_set_membership

    panel = []
    for name in ("rosa_panel", "raul_panel", "vico_panel")[:max(reviewers, 2)]:
        user = type(w.owner).objects.create_user(username=name)
        do_set_membership(w.owner, w.case, user, "role.reviewer")
        panel.append(user)
    w.panel = panel
    return _panel().do_freeze_version(w.owner, w.case, reviewers_required=2,
                                      reviewers=panel[:reviewers])


def _panel_submitted(w: World) -> Any:
    from expediente_web.panel.access import verified_content

    version = _panel_version(w, 2)
    for user in w.panel:
        for element in verified_content(version)["elements"]:
            _panel().do_save_finding(user, version, element["id"], "ladder.some_information",
                                     "hallazgo ficticio")
        _panel().do_submit_findings(user, version)
    return version


RECIPES.update({
    "panel.do_freeze_version": lambda w: _panel().do_freeze_version(w.owner, w.case),
    "panel.do_assign_reviewer": lambda w: (
        version := _panel_version(w),
        lambda: _panel().do_assign_reviewer(w.owner, version, w.panel[0]),
    )[-1],
    "panel.do_replace_reviewer": lambda w: (
        version := _panel_version(w, 1),
        lambda: _panel().do_replace_reviewer(
            w.owner, _panel().round_state(version).assignments[0], w.panel[1]),
    )[-1],
    "panel.do_save_finding": lambda w: (
        version := _panel_version(w, 1),
        lambda: _panel().do_save_finding(w.panel[0], version, "art7.contextual.1",
                                         "ladder.some_information", "hallazgo ficticio"),
    )[-1],
    "panel.do_submit_findings": lambda w: (
        version := _panel_version(w, 1),
        [_panel().do_save_finding(w.panel[0], version, e, "ladder.some_information", "ficticio")
         for e in ("art7.contextual.1", "art7.contextual.1.a", "art7.contextual.1.b",
                   "art7.contextual.1.c", "art7.contextual.1.d", "art7.contextual.1.e",
                   "art7.contextual.2")],
        lambda: _panel().do_submit_findings(w.panel[0], version),
    )[-1],
    "panel.do_sign_off": lambda w: (
        version := _panel_submitted(w),
        lambda: _panel().do_sign_off(w.panel[0], version),
    )[-1],
})

# -- the preliminary examination (examination) --------------------------------------------------


def _exam() -> Any:
    return importlib.import_module("expediente_web.examination.actions")


def _attack(w: World) -> Any:
    return _exam().do_create_attack(w.analyst, w.case, "Ataque ficticio", places=[w.place])


RECIPES.update({
    "examination.do_create_attack": _attack,
    "examination.do_delete_attack": lambda w: (
        made := _attack(w),
        lambda: _exam().do_delete_attack(w.analyst, made, "duplicado"),
    )[-1],
    "examination.do_link_acts": lambda w: (
        made := _attack(w),
        lambda: _exam().do_link_acts(w.analyst, made, [w.act]),
    )[-1],
    "examination.do_unlink_act": lambda w: (
        made := _attack(w),
        links := _exam().do_link_acts(w.analyst, made, [w.act]),
        lambda: _exam().do_unlink_act(w.analyst, links[0], "otra operación"),
    )[-1],
    "examination.do_record_intervention": lambda w: _exam().do_record_intervention(
        w.analyst, w.case, "intervention.habeas_corpus", date="2017-05-10", acts=[w.act],
        victims=[w.person], notified_unit=w.unit),
    "examination.do_record_response": lambda w: (
        made := _exam().do_record_intervention(w.analyst, w.case, "intervention.press"),
        lambda: _exam().do_record_response(w.analyst, made, "response.none"),
    )[-1],
    "examination.do_delete_intervention": lambda w: (
        made := _exam().do_record_intervention(w.analyst, w.case, "intervention.press"),
        lambda: _exam().do_delete_intervention(w.analyst, made, "duplicado"),
    )[-1],
    "examination.do_record_proceeding": lambda w: _exam().do_record_proceeding(
        w.analyst, w.case, "Tribunal ficticio", "proceeding.investigation", acts=[w.act],
        accused=[w.other]),
    "examination.do_delete_proceeding": lambda w: (
        made := _exam().do_record_proceeding(w.analyst, w.case, "Tribunal", "proceeding.trial"),
        lambda: _exam().do_delete_proceeding(w.analyst, made, "duplicado"),
    )[-1],
    "examination.do_set_jurisdiction": lambda w: _exam().do_set_jurisdiction(
        w.analyst, w.case, "2002-07-01", ["jurisdiction.territorial"]),
    "examination.do_write_assessment": lambda w: _exam().do_write_assessment(
        w.analyst, w.case, "impact", "Impacto ficticio"),
})
