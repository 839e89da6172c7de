"""The authorization matrix: every route of the site × every persona → the status it answers.

HOW TO ADD A ROUTE (a new route without an entry fails tests/web/authz/test_matrix.py):

    1. Find its URL name as `reverse` takes it ("app:name" inside a namespace).
    2. Add one line to ROUTES below: "app:name": [get(EXPECT, kwargs=...), post(EXPECT, data=...)]
       - EXPECT is one of the shorthands (READ, ANALYSE, WRITE, OWNER, OPEN, ...) or a dict
         persona → status; `expect(READ, owner=302)` changes a shorthand in a few cells.
       - kwargs: a function of the `World` (tests/web/authz/test_matrix.py) giving the URL's
         kwargs; the default, CASE, gives {"code": the case's code}.
       - data: the POST body, a function of the World or a dict.
    3. Run `pytest tests/web/authz -q`.

A status says what the persona gets: 200 the page, 302 a redirect (to the sign-in page for an
anonymous visitor; elsewhere for a POST that did its work or refused it with a message), 403
refused, 404 "no such case" (a case a user is not a member of is not revealed to exist), 405
wrong method, 400 a form refused.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

PERSONAS = (
    "owner",
    "analyst",
    "documenter",
    "reviewer",
    "viewer",
    "partner",
    "outsider",
    "anonymous",
    "expired_partner",
)
MEMBERS = ("owner", "analyst", "documenter", "reviewer", "viewer", "partner")

Expect = Mapping[str, int]


def expect(base: Expect, **cells: int) -> dict[str, int]:
    """A shorthand with some cells changed: `expect(READ, partner=403)`."""
    unknown = set(cells) - set(PERSONAS)
    if unknown:
        raise KeyError(f"not personas: {sorted(unknown)}")
    return {**base, **cells}


def _members(status: int, others: int = 403, **cells: int) -> dict[str, int]:
    row = {p: (status if p in MEMBERS else others) for p in MEMBERS}
    row.update(outsider=404, anonymous=302, expired_partner=403)
    row.update(cells)
    return row


#: Every member reads; someone else's case is a 404; an anonymous visitor is sent to sign in;
#: an expired partner is told that access has ended.
READ = _members(200)
#: Only owners and analysts (linkage, estimation, decisions); other members are refused.
ANALYSE = {**_members(403), "owner": 302, "analyst": 302}
#: Pages open to anyone signed in or not.
OPEN = dict.fromkeys(PERSONAS, 200)
#: Pages of one's own account: signed-in users see them, anonymous visitors sign in first.
SIGNED_IN = {**dict.fromkeys(PERSONAS, 200), "anonymous": 302}


#: Pages and forms for those who write the record (owner, analyst, documenter).
WRITER_PAGE = {**_members(403), "owner": 200, "analyst": 200, "documenter": 200}
WRITER_FORM = {**_members(403), "owner": 400, "analyst": 400, "documenter": 400}
WRITER_DONE = {**_members(403), "owner": 302, "analyst": 302, "documenter": 302}


def _record_of(world: Any, kind: str) -> dict[str, Any]:
    return {"code": world.case.code, "kind": kind, "uid": str(getattr(world.record, kind).uid)}


def CASE(world: Any) -> dict[str, Any]:
    return {"code": world.case.code}


def NOTHING(world: Any) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Check:
    method: str
    expect: Expect
    kwargs: Callable[[Any], dict[str, Any]] = CASE
    data: Callable[[Any], dict[str, Any]] | dict[str, Any] = field(default_factory=dict)


def get(expect: Expect, kwargs: Callable[[Any], dict[str, Any]] = CASE) -> Check:
    return Check("get", expect, kwargs)


def post(
    expect: Expect,
    kwargs: Callable[[Any], dict[str, Any]] = CASE,
    data: Callable[[Any], dict[str, Any]] | dict[str, Any] | None = None,
) -> Check:
    return Check("post", expect, kwargs, data or {})


def uid_of(attr: str, key: str = "uid") -> Callable[[Any], dict[str, Any]]:
    """kwargs {"code": …, key: the uid of the world's record `attr`}."""
    return lambda w: {"code": w.case.code, key: str(getattr(w.record, attr).uid)}


def _stored_pdf(world: Any) -> dict[str, Any]:
    """kwargs of an evidence item whose file (a one-page PDF) is in the store (evidence area)."""
    item = getattr(world, "_stored_pdf_item", None)
    if item is None:
        import io

        from expediente_web.evidence.actions import do_store_evidence
        from support.synthetic_files import pdf

        item = do_store_evidence(world.users["owner"], world.case, io.BytesIO(pdf(1)),
                                 "matriz.pdf", media_type="application/pdf", pages=1)
        world._stored_pdf_item = item
    return {"code": world.case.code, "uid": str(item.uid)}


def _estimate_run(world: Any) -> Any:
    """A stored estimate of the world's case (estimation in the browser)."""
    run = getattr(world, "_estimate_run_made", None)
    if run is None:
        from expediente_web.analyses.models import EstimateRun

        run = EstimateRun.objects.create(
            case=world.case, actor="matrix_owner", method="loglinear",
            parameters={"method": "loglinear", "lists": "source", "list_names": ["A", "B", "C"],
                        "seed": 1, "level": 0.95, "n_boot": 0, "selection": "stepwise",
                        "pthresh": 0.02, "terms": [], "persons": 30, "input_sha256": "0" * 64},
            result={"estimates": [{"method": "loglinear", "n_observed": 30, "estimate": 41.0,
                                   "intervals": [{"lower": 33.0, "upper": 60.0, "level": 0.95,
                                                  "method": "profile"}],
                                   "details": {}, "parameters": {}, "warnings": []}],
                    "total": None, "strata_column": None, "refused_strata": {}})
        world._estimate_run_made = run
    return run


def _estimate_job(world: Any) -> Any:
    """A queued estimate job of the world's case."""
    job = getattr(world, "_estimate_job_made", None)
    if job is None:
        from expediente_web.jobs.actions import do_enqueue_job

        job = do_enqueue_job(world.users["owner"], world.case, "estimate", {})
        world._estimate_job_made = job
    return job


ROUTES: dict[str, list[Check]] = {
    # -- site ---------------------------------------------------------------------------------
    "home": [get(SIGNED_IN, NOTHING)],
    "case-records": [get(READ)],
    # The language switch works for everyone and sends the reader back where they were.
    "set_language": [
        post(dict.fromkeys(PERSONAS, 302), NOTHING, data={"language": "en", "next": "/"}),
        get(dict.fromkeys(PERSONAS, 302), NOTHING),
    ],
    # -- record pages (workspace) -------------------------------------------------------------
    "workspace:acts": [get(READ)],
    "workspace:act": [get(READ, uid_of("act"))],
    "workspace:persons": [get(READ)],
    "workspace:person": [get(READ, uid_of("victim"))],
    "workspace:resolved": [get(READ)],
    "workspace:events": [get(READ)],
    "workspace:event": [get(READ, uid_of("event"))],
    "workspace:testimonies": [get(READ)],
    "workspace:testimony": [get(READ, uid_of("testimony"))],
    "workspace:sources": [get(READ)],
    "workspace:source": [
        get(READ, lambda w: {"code": w.case.code, "source": w.record.source.code})
    ],
    # Sources' lineage (independent sources in the element matrix).
    "workspace:source-lineage": [
        post(
            WRITER_DONE,
            lambda w: {"code": w.case.code, "source": w.record.source.code},
            {"origin": "list:recopilación ficticia"},
        ),
        post(
            WRITER_FORM,
            lambda w: {"code": w.case.code, "source": w.record.source.code},
            {"derived_from": ["NO-SUCH-SOURCE"]},
        ),
    ],
    "workspace:units": [get(READ)],
    "workspace:unit": [get(READ, uid_of("unit"))],
    "workspace:locations": [get(READ)],
    "workspace:location": [get(READ, uid_of("state"))],
    "workspace:evidence": [get(READ)],
    "workspace:evidence-item": [get(READ, uid_of("item"))],
    # -- evidence files: uploading, the bytes, excerpts -----------------------------------------
    # The roles that write upload and cite; the bytes of a file (preview or download) go only
    # to the roles that see protected fields: reviewers, viewers and partners are refused them.
    # An empty form is refused (400) for those who may send it.
    "workspace:evidence-upload": [
        get(expect(_members(403), owner=200, analyst=200, documenter=200)),
        post(expect(_members(403), owner=400, analyst=400, documenter=400), data={}),
    ],
    "workspace:evidence-file": [
        get(expect(_members(403), owner=200, analyst=200, documenter=200), _stored_pdf),
    ],
    "workspace:evidence-page": [
        get(
            expect(_members(403), owner=200, analyst=200, documenter=200),
            lambda w: {**_stored_pdf(w), "page": 1},
        ),
    ],
    "workspace:evidence-excerpt": [
        post(expect(_members(403), owner=400, analyst=400, documenter=400), uid_of("item")),
    ],
    "workspace:evidence-cite": [
        post(
            expect(_members(403), owner=400, analyst=400, documenter=400),
            lambda w: {**uid_of("item")(w), "excerpt": str(w.record.item.excerpts.first().uid)},
        ),
    ],
    # -- changing records, their history, deletion and review (workspace) --------------------
    # Those who write the record (owner, analyst, documenter) change, delete and restore it;
    # every member reads its history. An empty form is refused at its fields (400), except a
    # person's, whose fields are all optional. Deleting without a reason and restoring a live
    # record come back to the page with a message. Submitting for review is for writers.
    "workspace:act-edit": [get(WRITER_PAGE, uid_of("act")), post(WRITER_FORM, uid_of("act"))],
    "workspace:person-edit": [
        get(WRITER_PAGE, uid_of("victim")),
        post(WRITER_DONE, uid_of("victim")),
    ],
    "workspace:testimony-edit": [
        get(WRITER_PAGE, uid_of("testimony")),
        post(WRITER_FORM, uid_of("testimony")),
    ],
    "workspace:event-edit": [
        get(WRITER_PAGE, uid_of("event")),
        post(WRITER_FORM, uid_of("event")),
    ],
    "workspace:unit-edit": [get(WRITER_PAGE, uid_of("unit")), post(WRITER_FORM, uid_of("unit"))],
    "workspace:location-edit": [
        get(WRITER_PAGE, uid_of("state")),
        post(WRITER_FORM, uid_of("state")),
    ],
    "workspace:record-history": [get(READ, lambda w: _record_of(w, "act"))],
    "workspace:record-delete": [post(WRITER_DONE, lambda w: _record_of(w, "act"))],
    "workspace:record-restore": [post(WRITER_DONE, lambda w: _record_of(w, "testimony"))],
    "workspace:record-review": [
        post(WRITER_DONE, lambda w: _record_of(w, "act"), data={"step": "submit"}),
        post(
            expect(_members(403), owner=302, analyst=302, reviewer=302),
            lambda w: _record_of(w, "testimony"),
            data={"step": "verify"},
        ),
    ],
    # -- linkage and patterns (analyses) ------------------------------------------------------
    "analyses:overview": [get(READ)],
    "analyses:run": [
        post(ANALYSE),
        get(expect(_members(405), outsider=405, anonymous=302, expired_partner=405)),
    ],
    "analyses:queue": [
        get(READ),
        post(expect(ANALYSE, owner=404, analyst=404), data={"pair": "0", "decision": "accept"}),
    ],
    "analyses:person": [get(READ, lambda w: {"code": w.case.code, "cluster": w.record.cluster})],
    "analyses:patterns": [get(READ)],
    # -- estimates of the total (estimation in the browser): every member reads them; only
    # owners and analysts start or re-run one (a background job, then a redirect to its page).
    "analyses:estimates": [get(READ)],
    "analyses:estimate-start": [
        post(ANALYSE, data={"method": "auto", "lists": "auto", "seed": "7", "level": "0.95"}),
        get(expect(_members(405), outsider=405, anonymous=302, expired_partner=405)),
    ],
    "analyses:estimate-job": [get(READ, lambda w: {"code": w.case.code,
                                                   "uid": _estimate_job(w).uid})],
    "analyses:estimate": [get(READ, lambda w: {"code": w.case.code,
                                               "uid": _estimate_run(w).uid})],
    "analyses:estimate-rerun": [post(ANALYSE, lambda w: {"code": w.case.code,
                                                         "uid": _estimate_run(w).uid})],
    # -- background jobs ----------------------------------------------------------------------
    "jobs:list": [get(READ)],
    "jobs:start": [post(ANALYSE, data={"kind": "linkage"})],
    "jobs:detail": [get(READ, lambda w: {"code": w.case.code, "uid": w.job().uid})],
    "jobs:progress": [get(READ, lambda w: {"code": w.case.code, "uid": w.job().uid})],
    "jobs:rerun": [post(ANALYSE, lambda w: {"code": w.case.code, "uid": w.job().uid})],
    # -- search --------------------------------------------------------------------------------
    # Every member searches their case; finding people by name needs a role that sees
    # identities. Saving and deleting a saved search redirect back to the page (a POST with
    # nothing to save is refused there with a message).
    "search:search": [get(READ)],
    "search:export": [get(READ, lambda w: {"code": w.case.code, "fmt": "csv"})],
    "search:save": [post(_members(302), data={})],
    "search:persons": [get(expect(READ, reviewer=403, viewer=403, partner=403))],
    "search:delete-saved": [post(_members(302), lambda w: {"code": w.case.code, "pk": 0})],
    # -- discussion ------------------------------------------------------------------------------
    # The case team's own: every member but a partner reads it; those who comment post (a
    # redirect back to the record); only its author deletes a comment. Notifications are one's
    # own: anyone else's is "not found".
    "discussion:case": [get(expect(READ, partner=403))],
    "discussion:thread": [
        get(expect(READ, partner=403), lambda w: _thread_of_act(w)),
        post(
            expect(_members(302), viewer=403, partner=403),
            lambda w: _thread_of_act(w),
            data={"body": "Nota de la matriz"},
        ),
    ],
    "discussion:delete": [
        post(
            expect(_members(403), documenter=302),
            lambda w: {"code": w.case.code, "pk": _documenters_comment(w).pk},
            data={"reason": "duplicada"},
        )
    ],
    "notifications:list": [get(SIGNED_IN, NOTHING)],
    "notifications:read": [
        post(
            {**dict.fromkeys(PERSONAS, 404), "documenter": 302, "anonymous": 302},
            lambda w: {"pk": _documenters_notification(w).pk},
        )
    ],
    "notifications:read-all": [post(dict.fromkeys(PERSONAS, 302), NOTHING)],
    # -- accounts -----------------------------------------------------------------------------
    # Personas here hold both factors where their role needs them; signing in with one factor
    # only, and the second step itself, are covered in tests/web/accounts/test_sign_in.py.
    "login": [get(OPEN, NOTHING)],
    "logout": [post(dict.fromkeys(PERSONAS, 302), NOTHING)],
    "account": [get(SIGNED_IN, NOTHING)],
    "password-change": [get(SIGNED_IN, NOTHING)],
    "two-factor-enrol": [get(SIGNED_IN, NOTHING)],
    # Signed in with both factors already: sent on to where they were going.
    "two-factor-verify": [get(dict.fromkeys(PERSONAS, 302), NOTHING)],
    "two-factor-recovery-codes": [get(SIGNED_IN, NOTHING)],
    # Security keys: one's own only (key 0 is nobody's); django-otp-webauthn's ceremonies need a
    # signed-in user (password-less sign-in is off), and a ceremony not begun is refused.
    "security-key-remove": [
        post({**dict.fromkeys(PERSONAS, 404), "anonymous": 302}, lambda w: {"pk": 0})
    ],
    "otp_webauthn:credential-registration-begin": [
        post({**dict.fromkeys(PERSONAS, 200), "anonymous": 403}, NOTHING)
    ],
    "otp_webauthn:credential-registration-complete": [
        post({**dict.fromkeys(PERSONAS, 400), "anonymous": 403}, NOTHING)
    ],
    "otp_webauthn:credential-authentication-begin": [
        post({**dict.fromkeys(PERSONAS, 200), "anonymous": 403}, NOTHING)
    ],
    "otp_webauthn:credential-authentication-complete": [
        post({**dict.fromkeys(PERSONAS, 400), "anonymous": 403}, NOTHING)
    ],
    "otp_webauthn:js-i18n-catalog": [get(OPEN, NOTHING)],
    # An invitation that does not exist is "not found" for everybody.
    "accept-invitation": [
        get(dict.fromkeys(PERSONAS, 404), lambda w: {"token": "no-such-invitation"})
    ],
    # Only the owner manages the team.
    "case-team": [get(expect(_members(403), owner=200))],
    "case-team-invite": [post(expect(_members(403), owner=400), data={})],
    "case-team-change": [
        post(
            expect(_members(403), owner=400),
            lambda w: {"code": w.case.code, "user_id": w.users["viewer"].pk},
            data={},
        )
    ],
    "case-team-revoke": [
        post(
            expect(_members(403), owner=302),
            lambda w: {"code": w.case.code, "user_id": w.users["viewer"].pk},
        )
    ],
    # -- guided entry (workspace: a testimony, an excerpt, the act) ---------------------------
    # Only the roles that write the record enter it; an empty form is refused at its fields
    # (400). The suggestion lists (places, persons) are for the same roles: persons are
    # suggested by name, which only roles that see identities may do, and those are the same.
    "workspace:entry-testimony": [
        get(expect(_members(403), owner=200, analyst=200, documenter=200)),
        post(expect(_members(403), owner=400, analyst=400, documenter=400), data={}),
    ],
    "workspace:entry-excerpt": [
        get(expect(_members(403), owner=200, analyst=200, documenter=200), uid_of("testimony")),
        post(
            expect(_members(403), owner=400, analyst=400, documenter=400),
            uid_of("testimony"),
            data={},
        ),
    ],
    "workspace:entry-act": [
        get(expect(_members(403), owner=200, analyst=200, documenter=200), uid_of("excerpt")),
        post(
            expect(_members(403), owner=400, analyst=400, documenter=400),
            uid_of("excerpt"),
            data={},
        ),
    ],
    "workspace:entry-places": [
        Check("get", expect(_members(403), owner=200, analyst=200, documenter=200),
              data={"place_q": "a"}),
    ],
    "workspace:entry-people": [
        Check("get", expect(_members(403), owner=200, analyst=200, documenter=200),
              data={"field": "victim", "victim_q": "ma"}),
    ],
}


# -- discussion: the records its routes need -----------------------------------------------------


def _thread_of_act(world: Any) -> dict[str, Any]:
    return {"code": world.case.code, "kind": "act", "ref": str(world.record.act.uid)}


def _documenters_comment(world: Any) -> Any:
    """A comment by the documenter that mentions them too (made once per world)."""
    comment = getattr(world, "_discussion_comment", None)
    if comment is None:
        from expediente_web.discussion.actions import do_post_comment

        comment = do_post_comment(world.users["documenter"], world.record.act, "Nota")
        world._discussion_comment = comment
    return comment


def _documenters_notification(world: Any) -> Any:
    note = getattr(world, "_discussion_notification", None)
    if note is None:
        from expediente_web.discussion.actions import do_post_comment

        comment = do_post_comment(world.users["owner"], world.record.act, "@matrix_documenter")
        note = comment.notifications.get()
        world._discussion_notification = note
    return note


# -- import from the browser (intake) -------------------------------------------------------------
# Only writers (owner, analyst, documenter) import; other members are refused, someone outside
# the case gets a 404. A POST with nothing in it is refused with the form (400) or a message
# (302 back to the upload's page).
_IMPORT_WRITERS = expect(_members(403), owner=200, analyst=200, documenter=200)
_IMPORT_POST = expect(_members(403), owner=302, analyst=302, documenter=302)


def _upload(world: Any) -> dict[str, Any]:
    """kwargs of an upload of the world's case, checked and waiting (made once per world)."""
    upload = getattr(world, "_intake_upload", None)
    if upload is None:
        from expediente_web.intake.models import ImportUpload

        upload = ImportUpload.objects.create(
            case=world.case, actor="matrix_documenter", filename="lista.csv", suffix=".csv",
            sha256="0" * 64, kind="victims", kind_chosen=True, source_code="",
            status=ImportUpload.CHECKED,
        )
        world._intake_upload = upload
    return {"code": world.case.code, "uid": str(upload.uid)}


ROUTES.update({
    "intake:start": [get(_IMPORT_WRITERS),
                     post(expect(_IMPORT_WRITERS, owner=400, analyst=400, documenter=400))],
    "intake:upload": [get(_IMPORT_WRITERS, _upload)],
    "intake:status": [get(_IMPORT_WRITERS, _upload)],
    "intake:map": [post(_IMPORT_POST, _upload)],
    "intake:run": [post(_IMPORT_POST, _upload)],
    "intake:discard": [post(_IMPORT_POST, _upload)],
})


# -- the case dashboard (dashboard) ---------------------------------------------------------------
# Every member reads it (a partner without the team's names); someone else's case is a 404.
ROUTES.update({
    "dashboard:case": [get(READ)],
})


# -- the public submission form and its triage (submissions) --------------------------------------
# The form is open to everyone, signed in or not (an empty POST is refused: its token is missing);
# triage is for the case's owners and documenters; opening the form is the owners'.
_TRIAGE = expect(_members(403), owner=200, documenter=200)


def _public_form(world: Any) -> dict[str, Any]:
    """kwargs of the world's case's public form, opened once per world."""
    if not getattr(world, "_public_form", None):
        from expediente_web.submissions.actions import do_set_public_form

        world._public_form = do_set_public_form(
            world.users["owner"], world.case, enabled=True, slug="matriz",
            public_title="Formulario de la matriz")
    return {"slug": world._public_form.slug}


def _submission(world: Any) -> dict[str, Any]:
    """kwargs of a submission with one file (made once per world)."""
    found = getattr(world, "_submission", None)
    if found is None:
        import io

        from expediente_web.submissions.actions import Incoming, do_receive_submission
        from support.synthetic_files import png

        _public_form(world)
        picture = png()
        found, _code = do_receive_submission(
            world._public_form, address="matrix", narrative="Relato sintético", language="es",
            files=[Incoming(io.BytesIO(picture), "foto.png", len(picture), "image/png")])
        world._submission = found
    return {"code": world.case.code, "uid": str(found.uid)}


def _submission_file(world: Any) -> dict[str, Any]:
    kwargs = _submission(world)
    return {**kwargs, "file_uid": str(world._submission.attachments.get().uid)}


ROUTES.update({
    "submissions:submit": [get(OPEN, _public_form),
                           post(dict.fromkeys(PERSONAS, 400), _public_form)],
    "submissions:follow-up": [get(OPEN, _public_form),
                              post(dict.fromkeys(PERSONAS, 400), _public_form)],
    "submissions:list": [get(_TRIAGE)],
    "submissions:detail": [get(_TRIAGE, _submission)],
    "submissions:attachment": [get(_TRIAGE, _submission_file)],
    "submissions:accept": [post(expect(_TRIAGE, owner=302, documenter=302), _submission)],
    "submissions:reject": [post(expect(_TRIAGE, owner=400, documenter=400), _submission)],
    "submissions:setting": [get(expect(_members(403), owner=200)),
                            post(expect(_members(403), owner=400), data={})],
})


# -- the element matrix (assessment) --------------------------------------------------------------
# Every member reads the matrix, its elements and its suspects (a partner without the team's
# notes and restricted reasoning); owners and analysts select, cite, withdraw and rate; the act
# search that feeds the citation form is theirs too.
_ASSESS_PAGE = {**_members(403), "owner": 200, "analyst": 200}


def _assessed(world: Any) -> Any:
    """The world's case with imprisonment selected, one citation, and its commander a suspect
    under art. 28(a) (made once per world)."""
    made = getattr(world, "_assessed", None)
    if made is None:
        from expediente_web.assessment import actions

        owner = world.users["owner"]
        crime = actions.do_select_crime(owner, world.case, "art7.1.e")
        mode = actions.do_select_mode(owner, world.case, world.record.commander, "art28.a")
        citation = actions.do_cite_evidence(owner, world.case, "art7.1.e.1", "act", "supports",
                                            act=world.record.act)
        made = world._assessed = {"crime": crime, "mode": mode, "citation": citation}
    return made


def _assessed_uid(key: str) -> Callable[[Any], dict[str, Any]]:
    return lambda w: {"code": w.case.code, "uid": str(_assessed(w)[key].uid)}


def _element(element: str, suspect: bool = False) -> Callable[[Any], dict[str, Any]]:
    def kwargs(w: Any) -> dict[str, Any]:
        _assessed(w)
        found = {"code": w.case.code, "element": element}
        if suspect:
            found["uid"] = str(w.record.commander.uid)
        return found

    return kwargs


_CITE = {"kind": "act", "stance": "contradicts", "act": "SRC-A a-2"}
_RATE = {"status": "ladder.some_information", "reasoning": "Una fuente lo menciona"}

ROUTES.update({
    "assessment:matrix": [get(READ)],
    "assessment:select": [post(ANALYSE, data={"term": "art7.1.f"})],
    "assessment:drop": [post(ANALYSE, _assessed_uid("crime"), data={"reason": "Fuera"})],
    "assessment:element": [get(READ, _element("art7.1.e.1"))],
    "assessment:cite": [post(ANALYSE, _element("art7.1.e.1"), data=_CITE)],
    "assessment:rate": [post(ANALYSE, _element("art7.1.e.1"), data=_RATE)],
    "assessment:withdraw": [post(ANALYSE, _assessed_uid("citation"), data={"reason": "Otra"})],
    "assessment:act-search": [get(_ASSESS_PAGE)],
    "assessment:suspects": [
        get(READ),
        post(ANALYSE, data=lambda w: {"person": str(w.record.commander.uid),
                                      "term": "art25.3.b.order"}),
    ],
    "assessment:suspect": [get(READ, lambda w: {"code": w.case.code,
                                                "uid": str(_assessed(w)["mode"].suspect.uid)})],
    "assessment:suspect-mode": [post(ANALYSE, lambda w: {"code": w.case.code,
                                                         "uid": str(_assessed(w)["mode"]
                                                                    .suspect.uid)},
                                     data={"term": "art28.b"})],
    "assessment:suspect-element": [get(READ, _element("art28.a.3", suspect=True))],
    "assessment:suspect-cite": [post(ANALYSE, _element("art28.a.3", suspect=True), data=_CITE)],
    "assessment:suspect-rate": [post(ANALYSE, _element("art28.a.3", suspect=True), data=_RATE)],
})


# -- reports (reports) ----------------------------------------------------------------------------
# A report leaves the team: the roles that may export (owner, analyst) make and download them;
# every other member is refused the page, its job cards and its files.
_REPORT_PAGE = {**_members(403), "owner": 200, "analyst": 200}


def _report_job(world: Any) -> dict[str, Any]:
    """A finished report job of the world's case, its zip in the data directory (made once)."""
    job = getattr(world, "_report_job_made", None)
    if job is None:
        import io
        import uuid
        import zipfile

        from expediente_web.jobs.models import Job
        from expediente_web.reports.jobs import seal

        report_id = str(uuid.uuid4())
        packed = io.BytesIO()
        with zipfile.ZipFile(packed, "w") as archive:
            archive.writestr("report.html", "<p>informe</p>")
        seal(world.case, report_id, packed.getvalue())
        job = Job.objects.create(case=world.case, kind="report_edition", actor="matrix_owner",
                                 status="succeeded",
                                 params={"edition": "public", "format": "html", "lang": "es"},
                                 result={"report": report_id, "edition": "public",
                                         "format": "html", "key": "SHA256:0"})
        world._report_job_made = job
    return {"code": world.case.code, "uid": str(job.uid)}


ROUTES.update({
    "reports:page": [get(_REPORT_PAGE)],
    "reports:start": [post(expect(_members(403), owner=302, analyst=302),
                           data={"edition": "public", "format": "html", "lang": "es"})],
    "reports:editions": [post(expect(_members(403), owner=302),
                              data={"editions": ["public", "otp", "confidential"]})],
    "reports:job": [get(_REPORT_PAGE, _report_job)],
    "reports:download": [get(_REPORT_PAGE, lambda w: {**_report_job(w), "what": "zip"})],
})


# -- the preliminary examination (examination) ----------------------------------------------------
# Every member reads the examination view, the jurisdiction basis, the attacks, interventions and
# national proceedings (a partner without the team's texts); owners and analysts write them.


def _examined(world: Any) -> dict[str, Any]:
    """An attack with the world's act linked, an intervention and a proceeding (made once)."""
    made = getattr(world, "_examined", None)
    if made is None:
        from expediente_web.examination import actions

        owner = world.users["owner"]
        attack = actions.do_create_attack(owner, world.case, "Ataque de la matriz")
        (link,) = actions.do_link_acts(owner, attack, [world.record.act])
        intervention = actions.do_record_intervention(
            owner, world.case, "intervention.habeas_corpus", notified_person=world.record.commander
        )
        proceeding = actions.do_record_proceeding(
            owner, world.case, "Tribunal ficticio", "proceeding.investigation"
        )
        made = world._examined = {
            "attack": attack, "link": link, "intervention": intervention, "proceeding": proceeding,
        }
    return made


def _examined_uid(key: str) -> Callable[[Any], dict[str, Any]]:
    return lambda w: {"code": w.case.code, "uid": str(_examined(w)[key].uid)}


_REASON = {"reason": "Registrado por error"}

ROUTES.update({
    "examination:overview": [get(READ)],
    "examination:assess": [post(ANALYSE, lambda w: {"code": w.case.code, "section": "impact"},
                                data={"text": "Terror en la comunidad ficticia"})],
    "examination:jurisdiction": [
        get(READ),
        post(ANALYSE, data={"entry_into_force": "2002-07-01",
                            "bases": ["jurisdiction.territorial"]}),
    ],
    "examination:acts": [get(READ)],
    "examination:attacks": [get(READ), post(ANALYSE, data={"title": "Otro ataque"})],
    "examination:attack": [get(READ, _examined_uid("attack"))],
    "examination:attack-link": [post(ANALYSE, _examined_uid("attack"), data={"acts": "SRC-A a-2"})],
    "examination:attack-delete": [post(ANALYSE, _examined_uid("attack"), data=_REASON)],
    "examination:attack-unlink": [post(ANALYSE, _examined_uid("link"), data=_REASON)],
    "examination:interventions": [get(READ), post(ANALYSE, data={"kind": "intervention.press"})],
    "examination:intervention": [get(READ, _examined_uid("intervention"))],
    "examination:intervention-response": [post(ANALYSE, _examined_uid("intervention"),
                                               data={"response": "response.denied"})],
    "examination:intervention-delete": [post(ANALYSE, _examined_uid("intervention"),
                                             data=_REASON)],
    "examination:proceedings": [get(READ), post(ANALYSE, data={"court": "Tribunal",
                                                               "status": "proceeding.trial"})],
    "examination:proceeding": [get(READ, _examined_uid("proceeding"))],
    "examination:proceeding-delete": [post(ANALYSE, _examined_uid("proceeding"), data=_REASON)],
})


# -- the panel review (panel) ---------------------------------------------------------------------
# The team (not partners) reads the frozen versions, who reviews them and, once all have
# submitted, the consolidated findings; owners and analysts freeze and assign; only the assigned
# reviewers (here the reviewer and the viewer, of three needed) record, submit and sign off.
_TEAM = expect(READ, partner=403)
_PANELISTS_PAGE = {**_members(403), "reviewer": 200, "viewer": 200}
_PANELISTS_DONE = {**_members(403), "reviewer": 302, "viewer": 302}


def _panel_version(world: Any) -> Any:
    """Version 1 of the world's matrix, frozen by the owner, reviewed by the reviewer and the
    viewer (one of its three places still open). Made once per world."""
    made = getattr(world, "_panel_version", None)
    if made is None:
        from expediente_web.panel.actions import do_freeze_version

        _assessed(world)
        made = world._panel_version = do_freeze_version(
            world.users["owner"], world.case,
            reviewers=[world.users["reviewer"], world.users["viewer"]],
        )
    return made


def _panel(extra: Callable[[Any], dict[str, Any]] | None = None) -> Callable[[Any], dict[str, Any]]:
    def kwargs(w: Any) -> dict[str, Any]:
        found = {"code": w.case.code, "number": _panel_version(w).number}
        return {**found, **(extra(w) if extra else {})}

    return kwargs


def _panel_assignment(w: Any) -> dict[str, Any]:
    from expediente_web.panel.models import Assignment

    found = Assignment.objects.get(version=_panel_version(w), reviewer=w.users["reviewer"])
    return {"uid": str(found.uid)}


_PANEL_DOCUMENTER = lambda w: {"reviewer": str(w.users["documenter"].pk)}  # noqa: E731

ROUTES.update({
    "panel:versions": [get(_TEAM)],
    "panel:freeze": [post(ANALYSE, data={"reviewers_required": "3"})],
    "panel:version": [get(_TEAM, _panel())],
    "panel:assign": [post(ANALYSE, _panel(), data=_PANEL_DOCUMENTER)],
    "panel:replace": [post(ANALYSE, _panel(_panel_assignment), data=_PANEL_DOCUMENTER)],
    "panel:findings": [get(_PANELISTS_PAGE, _panel())],
    "panel:save-finding": [post(_PANELISTS_DONE, _panel(lambda w: {"element": "art7.1.e.1"}),
                                data={"rung": "ladder.some_information",
                                      "reasoning": "Una lista lo menciona"})],
    "panel:submit": [post(_PANELISTS_DONE, _panel())],
    "panel:consolidated": [get(_TEAM, _panel())],
    "panel:sign-off": [post(_PANELISTS_DONE, _panel())],
})


# -- consent records, hearings, de facto posts (the record model) --------------------------------
# Those who write the record (owner, analyst, documenter) record consent and its withdrawal,
# hearings, appearances and time-coded excerpts; an empty form is refused at its fields (400).
# Every member reads the hearings.


def _hearing(world: Any) -> dict[str, Any]:
    """kwargs of a hearing of the world's case with a recording (a two-second WAV), made once."""
    hearing = getattr(world, "_hearing_made", None)
    if hearing is None:
        import io

        from expediente_web.evidence.actions import do_store_evidence
        from expediente_web.records.hearings import do_create_hearing
        from support.synthetic_files import wav

        owner = world.users["owner"]
        recording = do_store_evidence(owner, world.case, io.BytesIO(wav(2.0)), "audiencia.wav",
                                      kind="evidence.audio", media_type="audio/x-wav",
                                      duration_seconds=2)
        hearing = do_create_hearing(owner, world.case, "Audiencia ficticia", date="2017-09-14",
                                    venue="Sala ficticia", panel="Experta Uno — presidenta",
                                    recording=recording)
        world._hearing_made = hearing
    return {"code": world.case.code, "uid": str(hearing.uid)}


ROUTES.update({
    "workspace:testimony-consent": [post(WRITER_FORM, uid_of("testimony"))],
    "workspace:testimony-consent-withdraw": [post(WRITER_FORM, uid_of("testimony"))],
    "workspace:hearings": [get(READ), post(WRITER_FORM)],
    "workspace:hearing": [get(READ, _hearing)],
    "workspace:hearing-appearance": [post(WRITER_FORM, _hearing)],
    "workspace:hearing-excerpt": [post(WRITER_FORM, _hearing)],
    "workspace:unit-relation": [post(WRITER_FORM, uid_of("unit"))],
})
