"""Capture histories from a stored run: exactly the stored links, in the estimators' shape."""

from __future__ import annotations

import pytest

from expediente_web.analyses.adapters import capture_histories
from expediente_web.analyses.models import RecordLink

pytestmark = pytest.mark.django_db


def _sources_by_cluster(run, attribute="code"):
    found: dict[str, set[str]] = {}
    for cluster, value in RecordLink.objects.filter(run=run).values_list(
            "cluster", f"record__source__{attribute}"):
        found.setdefault(cluster, set()).add(value)
    return found


def test_it_has_one_row_per_person_and_one_column_per_source(linked):
    table = capture_histories(linked)
    expected = _sources_by_cluster(linked)
    assert table.columns == ["person_id", "OFICIAL", "ONG-A", "ONG-B", "PRENSA", "TESTIMONIO"]
    assert table.height == linked.persons == len(expected)
    for row in table.iter_rows(named=True):
        listed = {name for name in table.columns[1:] if row[name] == 1}
        assert listed == expected[row["person_id"]]
        assert all(row[name] in (0, 1) for name in table.columns[1:])


def test_it_groups_lists_by_kind_of_source(linked):
    table = capture_histories(linked, lists="kind")
    expected = _sources_by_cluster(linked, "kind")
    assert table.columns[1:] == sorted(set().union(*expected.values()))
    for row in table.iter_rows(named=True):
        assert {n for n in table.columns[1:] if row[n]} == expected[row["person_id"]]


def test_its_strata_come_from_each_persons_earliest_act(linked, victims):
    from expediente_web.records.models import Act

    table = capture_histories(linked, ["year", "state"])
    members: dict[str, list[int]] = {}
    for cluster, pk in RecordLink.objects.filter(run=linked).values_list("cluster", "record_id"):
        members.setdefault(cluster, []).append(pk)
    for row in table.iter_rows(named=True):
        first = (Act.objects.filter(victim_id__in=members[row["person_id"]])
                 .select_related("location").order_by("date_earliest", "id").first())
        assert row["year"] == str(first.date_earliest.year)
        assert row["state"] == (first.location.name if first.location else None)


def test_it_is_the_input_of_the_estimators(linked):
    from expediente.estimation import capture_table

    table = capture_table(capture_histories(linked), exclude=["person_id"])
    assert table.n_observed == linked.persons
    assert table.lists == ("OFICIAL", "ONG-A", "ONG-B", "PRENSA", "TESTIMONIO")


def test_it_names_an_unknown_stratum(linked):
    with pytest.raises(ValueError, match="colour"):
        capture_histories(linked, ["colour"])
