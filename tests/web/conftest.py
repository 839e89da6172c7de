"""Persona fixtures for the case record: one case, and users in each role (and none)."""

from __future__ import annotations

import pytest
from django.test import Client

from support.two_factor import TwoFactorClient


@pytest.fixture(autouse=True)
def _services_speak_english():
    """A service called from a test (no request, no command) says its errors in English, as
    the command line does under the suite's EXPEDIENTE_LANG=en; the site's default language
    is Spanish. Pages pick their own language from the request; a test that wants a service's
    Spanish says `translation.override("es")`."""
    from django.core.signals import request_finished
    from django.utils import translation

    def english_again(**kwargs):
        # A page request activates its own language and leaves it active in this thread.
        translation.activate("en")

    translation.activate("en")
    request_finished.connect(english_again, dispatch_uid="tests-services-speak-english")
    yield
    request_finished.disconnect(dispatch_uid="tests-services-speak-english")
    translation.deactivate()


@pytest.fixture
def client():
    return TwoFactorClient()


@pytest.fixture
def as_user(client):
    """`as_user(user)` → the test client signed in as that user (both factors, as the shared
    `client` fixture does)."""

    def sign(user):
        client.force_login(user)
        return client

    return sign


@pytest.fixture
def password_only_client():
    """A client whose `force_login` gives a session without the second factor."""
    return Client()


@pytest.fixture
def make_user(db):
    from django.contrib.auth import get_user_model

    def make(username: str):
        # No password: hashing one costs a third of a second, and no test logs in.
        return get_user_model().objects.create_user(username=username)

    return make


@pytest.fixture
def owner(make_user):
    return make_user("olga_owner")


@pytest.fixture
def case(owner):
    from expediente_web.cases.actions import do_create_case

    return do_create_case(owner, "ve-2017", "Venezuela 2017 (synthetic)", country="Venezuela",
                          period="2017")


def _member(make_user, case, owner, name: str, role: str):
    from expediente_web.cases.actions import do_set_membership

    user = make_user(name)
    do_set_membership(owner, case, user, role)
    return user


@pytest.fixture
def documenter(make_user, case, owner):
    return _member(make_user, case, owner, "dora_documenter", "role.documenter")


@pytest.fixture
def analyst(make_user, case, owner):
    return _member(make_user, case, owner, "ana_analyst", "role.analyst")


@pytest.fixture
def reviewer(make_user, case, owner):
    return _member(make_user, case, owner, "rita_reviewer", "role.reviewer")


@pytest.fixture
def viewer(make_user, case, owner):
    return _member(make_user, case, owner, "vera_viewer", "role.viewer")


@pytest.fixture
def partner(make_user, case, owner):
    """A partner organisation's member, until thirty days from now."""
    import datetime as dt

    from django.utils import timezone

    from expediente_web.cases.actions import do_set_membership

    user = make_user("paula_partner")
    do_set_membership(
        owner, case, user, "role.partner", expires_at=timezone.now() + dt.timedelta(days=30)
    )
    return user


@pytest.fixture
def outsider(make_user, case):
    return make_user("oscar_outsider")


@pytest.fixture
def source(case, documenter):
    from expediente_web.cases.actions import do_create_source

    return do_create_source(documenter, case, "SRC-01", "Lista de una ONG (sintética)",
                            "source.ngo_list", reliability="reliability.medium")


@pytest.fixture
def victim(case, documenter, source):
    from expediente_web.records.actions import do_create_person

    return do_create_person(
        documenter, case, given_names="María José", first_surname="Pérez",
        second_surname="de la Cruz", id_number="V-12.345.678", birth_date="1985-03",
        phone="+58 412 555 0101", address="Calle Ficticia 1, Caracas", sex="sex.female",
        source=source, source_record_id="row-1",
    )


@pytest.fixture
def state_location(case, documenter):
    from expediente_web.records.actions import do_create_location

    return do_create_location(documenter, case, "VE-X", "Estado Ficticio", "location.state")


@pytest.fixture
def unit(case, documenter):
    from expediente_web.records.actions import do_create_unit

    return do_create_unit(documenter, case, "U-INT", "Servicio de inteligencia (ficticio)",
                          acronym="SIF", unit_type="unit.intelligence")


@pytest.fixture
def testimony(case, documenter, source, victim):
    from expediente_web.records.actions import do_create_testimony

    return do_create_testimony(
        documenter, case, "Me detuvieron en mayo y me llevaron a una celda bajo tierra.", "es",
        date="2017-06-02", witness=victim, witness_name="María José Pérez",
        witness_contact="+58 414 555 0199", consent_scopes=["consent.interview"], source=source,
        source_record_id="t-1",
    )


@pytest.fixture
def audit_count():
    from expediente_web.audit.models import AuditEntry

    return lambda: AuditEntry.objects.count()
