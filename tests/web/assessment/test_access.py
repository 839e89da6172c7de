"""Who reads and who writes the matrix, role by role."""

from __future__ import annotations

import pytest
from django.http import Http404

from expediente_web.assessment import actions
from expediente_web.assessment.access import (
    access_citations,
    access_selections,
    can_read_notes,
    can_read_reasoning,
    can_write,
)
from expediente_web.assessment.loading import load_matrix
from expediente_web.assessment.models import ElementRating
from expediente_web.cases.access import role_in

pytestmark = pytest.mark.django_db

#: role → (writes, reads notes, reads restricted reasoning)
EXPECTED = {
    "owner": (True, True, True),
    "analyst": (True, True, True),
    "documenter": (False, True, True),
    "reviewer": (False, True, True),
    "viewer": (False, True, True),
    "partner": (False, False, False),
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_reads_and_writes_as_documented(case, analyst, record, request, role):
    user = request.getfixturevalue(role)
    actions.do_select_crime(analyst, case, "art7.1.e")
    rating = actions.do_rate_element(
        analyst, case, "art7.1.e.1", "ladder.some_information", "Razonamiento"
    )
    role_name = role_in(user, case)
    writes, notes, reasoning = EXPECTED[role]
    assert can_write(role_name) is writes
    assert can_read_notes(role_name) is notes
    assert can_read_reasoning(role_name, rating) is reasoning
    # Every member reads the matrix itself.
    assert load_matrix(user, case).row("art7.1.e.1") is not None


def test_a_shared_reasoning_reaches_partners(case, analyst, partner, record):
    actions.do_select_crime(analyst, case, "art7.1.e")
    actions.do_rate_element(
        analyst, case, "art7.1.e.1", "ladder.some_information", "Compartible", restricted=False
    )
    rating = ElementRating.objects.get()
    assert can_read_reasoning(role_in(partner, case), rating)
    assert not can_read_notes(role_in(partner, case))


def test_an_outsider_reads_nothing(case, analyst, outsider, record):
    actions.do_select_crime(analyst, case, "art7.1.e")
    for read in (access_selections, access_citations, load_matrix):
        with pytest.raises(Http404):
            read(outsider, case)
