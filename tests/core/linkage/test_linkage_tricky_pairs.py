"""Tricky Spanish-name pairs, end to end: each pair is written by hand (synthetic people) and
mixed into a seeded synthetic background, so that the model is trained as it would be on a case.
"""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest

from expediente.linkage import LinkConfig, link_records
from expediente.linkage.lexicon import load_lexicon
from expediente.linkage.synthetic import generate

SYNTHETIC = "SINTÉTICO / SYNTHETIC"


def _row(schema: pl.Schema, source: str, record: str, truth: str, **values: Any) -> dict:
    row: dict[str, Any] = dict.fromkeys(schema.names())
    row.update(source_id=source, record_id=record, true_person_id=truth, notes=SYNTHETIC)
    row.update(values)
    return row


def _tricky(schema: pl.Schema) -> list[dict]:
    r = _row
    return [
        # Compound given name with particles; capitals without accents; V- cédula with dots
        # against digits only; the maternal surname missing.
        r(schema, "OFICIAL", "X-01", "Z1", full_name="MARIA DE LOS ANGELES RONDON MORA",
          id_number="V-14.852.963", sex="F", state="VE-A", event_date="2017-05-03"),
        r(schema, "ONG-A", "X-02", "Z1", given_names="María de los Ángeles",
          first_surname="Rondón", id_number="14852963", sex="femenino", state="VE-A",
          event_date="2017-05"),
        # The hypocorism of the second given name; age at the event instead of a birth date.
        r(schema, "ONG-B", "X-03", "Z2", given_names="José Gregorio", first_surname="Pérez",
          second_surname="Villarroel", birth_date="1979-08-14", sex="M", state="VE-K",
          event_date="2016-02-09"),
        r(schema, "PRENSA", "X-04", "Z2", full_name="Goyo Pérez Villarroel", age=36, sex="M",
          state="VE-K", event_date="2016-02"),
        # Surnames in swapped order; a year-only birth date.
        r(schema, "ONG-A", "X-05", "Z3", given_names="Luis Alberto", first_surname="Salazar",
          second_surname="Quintero", birth_date="1990", sex="M", state="VE-L",
          event_date="2018-07-01"),
        r(schema, "TESTIMONIO", "X-06", "Z3", full_name="Luis Alberto Quintero Salazar",
          birth_date="1990-03-02", sex="M", state="VE-L", event_date="2018-07"),
        # Particles in a compound given name and in a surname; a cédula written with spaces.
        r(schema, "OFICIAL", "X-07", "Z4", full_name="YOLANDA DEL VALLE GONZALEZ DE LA CRUZ",
          id_number="V 9 876 543", sex="F", state="VE-S", event_date="2014-04-02"),
        r(schema, "ONG-B", "X-08", "Z4", given_names="Yolanda", first_surname="González",
          second_surname="de la Cruz", id_number="9876543", sex="F", state="VE-S",
          event_date="2014"),
        # A nickname only, one surname, a month/year birth date.
        r(schema, "ONG-A", "X-09", "Z5", given_names="Jesús Manuel", first_surname="Carrillo",
          second_surname="Ortiz", birth_date="1985-11-23", sex="M", state="VE-X",
          event_date="2019-01-23"),
        r(schema, "TESTIMONIO", "X-10", "Z5", full_name="Chucho Carrillo", nickname="Chucho",
          birth_date="1985-11", sex="M", state="VE-X", event_date="2019-01"),
        # An E- (foreign resident) cédula written two ways; the abbreviation "Ma.".
        r(schema, "OFICIAL", "X-11", "Z6", full_name="ANA MA. FERREIRA", id_number="E-81.234.567",
          sex="F", state="VE-B", event_date="2017-06-10"),
        r(schema, "ONG-B", "X-12", "Z6", given_names="Ana María", first_surname="Ferreira",
          second_surname="Dos Santos", id_number="e 81234567", sex="F", state="VE-B",
          event_date="2017-06-10"),
        # A diminutive as the whole given name in a press report.
        r(schema, "ONG-A", "X-13", "Z7", given_names="Víctor", first_surname="García",
          second_surname="Pérez", birth_date="1966", age=51, sex="M", state="VE-T",
          event_date="2018-07-01"),
        r(schema, "PRENSA", "X-14", "Z7", full_name="Vitico García", age=51, sex="M",
          state="VE-T", event_date="2018-07-01"),
        # Father and son: the same name, birth dates 36 years apart, different cédulas.
        r(schema, "ONG-A", "X-15", "Z8", given_names="Wilmer José", first_surname="Pacheco",
          second_surname="Lugo", id_number="V-5.111.222", birth_date="1958-02-01", sex="M",
          state="VE-A", event_date="2017-05-03"),
        r(schema, "OFICIAL", "X-16", "Z9", full_name="WILMER JOSE PACHECO LUGO",
          id_number="V-24.333.444", birth_date="1994-06-30", sex="M", state="VE-A",
          event_date="2017-05-03"),
    ]


@pytest.fixture(scope="module")
def person_of() -> dict[str, str]:
    background = generate(300, seed=3)
    frame = pl.concat([background, pl.DataFrame(_tricky(background.schema),
                                                schema=background.schema)])
    result = link_records(frame, LinkConfig(truth_column="true_person_id"))
    membership = result.membership
    return dict(zip(membership["record_id"], membership["person_id"], strict=True))


@pytest.mark.parametrize(
    ("a", "b", "why"),
    [
        ("X-01", "X-02", "compound given name, capitals, V- cédula, missing maternal surname"),
        ("X-03", "X-04", "hypocorism of the second given name, age instead of birth date"),
        ("X-05", "X-06", "swapped surnames"),
        ("X-07", "X-08", "particles, cédula with spaces"),
        ("X-09", "X-10", "nickname only, month/year birth date"),
        ("X-11", "X-12", "E- cédula, abbreviation Ma."),
        ("X-13", "X-14", "diminutive Vitico"),
    ],
)
def test_tricky_pairs_are_one_person(person_of: dict[str, str], a: str, b: str,
                                     why: str) -> None:
    assert person_of[a] == person_of[b], why


def test_father_and_son_of_the_same_name_stay_two_persons(person_of: dict[str, str]) -> None:
    assert person_of["X-15"] != person_of["X-16"]


@pytest.mark.parametrize(
    ("token", "canonical"),
    [("vitico", ("victor",)), ("marielos", ("maria", "delosangeles")),
     ("mafer", ("maria", "fernanda")), ("meche", ("mercedes",))],
)
def test_common_venezuelan_hypocorisms_are_in_the_lexicon(token: str, canonical: tuple) -> None:
    assert load_lexicon().canonical_given(token) == canonical
