import pytest
from django.db import connection


@pytest.mark.django_db
def test_it_runs_on_the_configured_database():
    from expediente_web.cases.models import Case

    Case.objects.create(code="smoke", title="Smoke")
    assert Case.objects.count() == 1
    assert connection.vendor in ("sqlite", "postgresql")
