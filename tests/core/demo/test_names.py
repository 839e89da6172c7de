"""Names look like Venezuelan records: two surnames, compound names, particles, accents."""

from __future__ import annotations

import re

from expediente.demo import DemoCase

_ACCENTED = re.compile(r"[áéíóúÁÉÍÓÚñÑü]")
_OFFICIAL_ID = re.compile(r"^[VE]-\d{1,3}(\.\d{3})+$")


def _source(case: DemoCase, code: str):
    return next(s for s in case.sources if s.spec.code == code)


def test_true_names_are_realistic(small_case: DemoCase) -> None:
    persons = small_case.truth.persons.records()
    assert all(p["first_surname"] and p["second_surname"] for p in persons)
    compound = [p for p in persons if " " in p["given_names"]]
    assert len(compound) / len(persons) > 0.3
    assert any(p["given_names"] in ("José Gregorio", "María de los Ángeles") for p in persons)
    assert any(
        re.match(r"^(de|del|De|Di|D')", p["first_surname"] + p["second_surname"]) for p in persons
    )
    assert (
        sum(bool(_ACCENTED.search(p["first_surname"] + p["second_surname"])) for p in persons)
        > len(persons) / 5
    )
    nicknames = [p["nickname"] for p in persons if p["nickname"]]
    assert len(nicknames) / len(persons) > 0.1
    assert {"Goyo", "Chucho", "Pepe"} & set(nicknames)
    ids = [p["id_number"] for p in persons]
    assert all(_OFFICIAL_ID.match(i) for i in ids)
    assert any(i.startswith("E-") for i in ids) and any(i.startswith("V-") for i in ids)


def test_ngo_lists_keep_accents_and_split_names(small_case: DemoCase) -> None:
    rows = _source(small_case, "SRC-01").victims.records()
    assert (
        sum(
            bool(_ACCENTED.search(r["given_names"] + r["first_surname"] + r["second_surname"]))
            for r in rows
        )
        > len(rows) / 5
    )
    assert sum(bool(r["second_surname"]) for r in rows) / len(rows) > 0.75
    ids = [r["id_number"] for r in rows if r["id_number"]]
    assert sum(i.isdigit() for i in ids) / len(ids) > 0.6  # digits-only cédulas
    years_only = [r["birth_date"] for r in rows if re.fullmatch(r"\d{4}", r["birth_date"])]
    assert years_only  # some lists know the year of birth only


def test_official_lists_are_upper_case_without_accents(small_case: DemoCase) -> None:
    for code in ("SRC-15", "SRC-17", "SRC-18"):
        rows = _source(small_case, code).victims.records()
        assert rows
        for row in rows:
            assert row["full_name"] == row["full_name"].upper()
            assert not _ACCENTED.search(row["full_name"]), row
            assert "," in row["full_name"]  # SURNAMES, GIVEN NAMES
            assert row["id_number"] == "" or _OFFICIAL_ID.match(row["id_number"]), row


def test_press_uses_short_names_and_no_ids(small_case: DemoCase) -> None:
    rows = _source(small_case, "SRC-12").victims.records()
    assert all(r["id_number"] == "" and r["full_name"] for r in rows)
    assert sum(len(r["full_name"].split()) <= 3 for r in rows) / len(rows) > 0.7


def test_testimony_sources_use_nicknames_and_months(small_case: DemoCase) -> None:
    source = _source(small_case, "SRC-09")
    rows = source.victims.records()
    assert any(r["nickname"] or "«" in r["full_name"] for r in rows)
    dates = source.acts.column("date")
    assert any(re.fullmatch(r"\d{4}-\d{2}", d) for d in dates)
