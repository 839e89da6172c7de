"""Finding people by name through a keyed token index: accents, typos, a missing surname, a
nickname; exact ID numbers; no name in clear in any table; only roles that see identities."""

from __future__ import annotations

import pytest

from expediente_web.cases.access import NotPermitted
from expediente_web.cases.validation import InvalidInput

PEOPLE = [
    {"given_names": "José Gregorio", "first_surname": "Pérez", "second_surname": "Rodríguez",
     "nickname": "Goyo", "id_number": "V-12.345.678"},
    {"full_name": "María de los Ángeles Quintero Lugo"},
    {"given_names": "Yusmary", "first_surname": "Betancourt", "second_surname": "Salazar"},
    {"given_names": "Jesús", "first_surname": "Pérez", "second_surname": "Marcano"},
    {"full_name": "Wilmer Alexander Chacón Uzcátegui", "nickname": "El Gocho"},
]


@pytest.fixture
def people(case, documenter, source):
    from expediente_web.records.actions import do_create_person

    return [do_create_person(documenter, case, source=source, **values) for values in PEOPLE]


def _names(user, case, text):
    from expediente_web.search.access import access_find_persons

    return [m.person.display_name() for m in access_find_persons(user, case, text)]


@pytest.mark.parametrize(("query", "expected"), [
    ("jose gregorio perez rodriguez", 0),       # no accents
    ("JOSÉ PÉREZ", 0),                          # one given name, one surname
    ("Jose Gregorio Peres", 0),                 # a typo (z → s)
    ("Gregorio Perez", 0),                      # second given name alone
    ("Goyo Pérez", 0),                          # nickname with a surname
    ("Maria Quintero", 1),                      # compound given name, one surname
    ("maria de los angeles quintero lugo", 1),
    ("Yusmari Betancur", 2),                    # two spelling variants
    ("Betancourt Salazar", 2),                  # surnames only
    ("Chucho Perez", 3),                        # a nickname of Jesús
    ("El Gocho", 4),                            # a nickname alone
    ("Wilmer Chacon", 4),
])
def test_a_person_is_found_in_the_forms_people_write(case, documenter, people, query, expected):
    found = _names(documenter, case, query)
    assert found and found[0] == people[expected].display_name(), found


def test_an_unknown_name_finds_nobody_close(case, documenter, people):
    assert _names(documenter, case, "Zacarías Villavicencio") == []


def test_an_id_number_is_looked_up_exactly_in_any_format(case, documenter, people):
    for written in ("12345678", "V-12.345.678", "v 12345678"):
        assert _names(documenter, case, written) == [people[0].display_name()]
    assert _names(documenter, case, "12345679") == []


def test_no_name_part_is_stored_in_clear(case, documenter, people):
    from django.db import connection

    from expediente.linkage.folding import fold

    parts = {fold(w) for values in PEOPLE for v in values.values() for w in str(v).split()
             if len(w) > 3}
    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM search_nametoken")
        tokens = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT terms FROM search_searchdocument")
        terms = " ".join(row[0] for row in cursor.fetchall())
    assert tokens and all(len(t) == 24 and all(c in "0123456789abcdef" for c in t)
                          for t in tokens)
    assert not any(part in terms for part in parts)


@pytest.mark.parametrize("persona", ["reviewer", "viewer"])
def test_roles_that_see_no_identities_cannot_search_names(request, case, people, persona):
    with pytest.raises(NotPermitted):
        _names(request.getfixturevalue(persona), case, "Pérez")


def test_each_search_that_shows_people_is_audited_without_the_query(case, documenter, people):
    from expediente_web.audit.models import AuditEntry

    _names(documenter, case, "Pérez")
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "find_persons" and entry.actor == documenter.username
    assert str(people[0].uid) in entry.payload["identities_shown"]
    assert "erez" not in str(entry.payload).lower()


def test_an_edit_or_a_soft_delete_keeps_the_index_current(case, documenter, people):
    from expediente_web.records.actions import do_delete_record, do_update_person

    do_update_person(documenter, people[2], first_surname="Betancur")
    assert _names(documenter, case, "Yusmary Betancur")[0].endswith("Betancur Salazar")
    do_delete_record(documenter, people[2], "duplicate")
    assert _names(documenter, case, "Yusmary Betancur") == []


def test_an_empty_query_is_refused_naming_the_field(case, documenter, people):
    with pytest.raises(InvalidInput) as refused:
        _names(documenter, case, "  ")
    assert refused.value.field == "name"


def test_rotating_the_index_key_re_makes_the_name_tokens(case, documenter, people):
    from django.db import connection

    from expediente_web.protection.cipher import reset_keyring_cache
    from expediente_web.protection.rotation import index_key_rotated

    before = set(_tokens(connection))
    new_ring = _ring_with_new_index_key()
    index_key_rotated.send(sender=None, ring=new_ring)
    after = set(_tokens(connection))
    assert after and not before & after  # every token is keyed anew
    reset_keyring_cache()


def _tokens(connection):
    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM search_nametoken")
        return [row[0] for row in cursor.fetchall()]


def _ring_with_new_index_key():
    from expediente_web.protection.cipher import current_keyring

    return current_keyring().with_new_index_key()
