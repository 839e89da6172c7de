"""The Spanish naming front end: folding, phonetics, names, id numbers, partial dates."""

from __future__ import annotations

import datetime as dt

import pytest

from expediente.linkage.folding import fold
from expediente.linkage.identity_numbers import normalise_id_number
from expediente.linkage.lexicon import load_lexicon
from expediente.linkage.names import extract_nickname, join_particles, parse_name
from expediente.linkage.partial_dates import birth_interval, parse_partial
from expediente.linkage.phonetics import phonetic_key

LEXICON = load_lexicon()


def test_fold_strips_accents_case_and_punctuation() -> None:
    assert fold("  MUÑOZ-Pérez, José  ") == "munoz perez jose"
    assert fold(None) == ""


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("gonzalez", "gonsales"),
        ("yepes", "llepez"),
        ("vasquez", "basquez"),
        ("jimenez", "gimenez"),
        ("hernandez", "ernandez"),
        ("quintero", "kintero"),
    ],
)
def test_phonetic_key_merges_spanish_sound_alikes(a: str, b: str) -> None:
    assert phonetic_key(a) == phonetic_key(b)


def test_phonetic_key_keeps_different_names_apart() -> None:
    assert phonetic_key("perez") != phonetic_key("paredes")
    assert phonetic_key("rojas") != phonetic_key("rosas")


def test_particles_join_the_next_word() -> None:
    assert join_particles(["maria", "de", "los", "angeles", "de", "la", "cruz"]) == [
        "maria",
        "delosangeles",
        "delacruz",
    ]


def test_full_name_with_comma_is_surnames_first() -> None:
    parsed = parse_name(LEXICON, full_name="PÉREZ RODRÍGUEZ, JOSÉ GREGORIO")
    assert parsed.given == ("jose", "gregorio")
    assert parsed.surnames == ("perez", "rodriguez")


@pytest.mark.parametrize(
    ("text", "given", "surnames"),
    [
        ("José Gregorio Pérez Rodríguez", ("jose", "gregorio"), ("perez", "rodriguez")),
        ("JOSE GREGORIO PEREZ", ("jose", "gregorio"), ("perez",)),
        ("María de los Ángeles Rondón Mora", ("maria", "delosangeles"), ("rondon", "mora")),
        ("Luis Pérez González", ("luis",), ("perez", "gonzalez")),
        ("Ana Rojas", ("ana",), ("rojas",)),
        (
            "Yolanda del Valle González de la Cruz",
            ("yolanda", "delvalle"),
            ("gonzalez", "delacruz"),
        ),
    ],
)
def test_full_name_split_uses_the_lexicon(text: str, given: tuple, surnames: tuple) -> None:
    parsed = parse_name(LEXICON, full_name=text)
    assert parsed.given == given
    assert parsed.surnames == surnames


def test_split_columns_win_over_full_name() -> None:
    parsed = parse_name(LEXICON, full_name="X Y", given_names="Ana", first_surname="Mora")
    assert parsed.given == ("ana",)
    assert parsed.surnames == ("mora",)


def test_nickname_inside_full_name() -> None:
    assert extract_nickname('Pedro "El Gocho" Mora') == ("Pedro Mora", "gocho")
    assert parse_name(LEXICON, full_name="Pedro Mora (Perucho)").nickname == "perucho"
    assert parse_name(LEXICON, full_name="Pedro Mora alias el Flaco").nickname == "flaco"


@pytest.mark.parametrize(
    ("token", "canonical"),
    [
        ("pepe", ("jose",)),
        ("chucho", ("jesus",)),
        ("goyo", ("gregorio",)),
        ("beto", ("alberto",)),
        ("ma", ("maria",)),
        ("fco", ("francisco",)),
        ("chema", ("jose", "maria")),
        ("grgorio", ("gregorio",)),
        ("alejjandro", ("alejandro",)),
        ("j", ("j",)),
        ("zzyzx", ("zzyzx",)),
    ],
)
def test_given_name_variants_map_to_canonical_names(token: str, canonical: tuple) -> None:
    assert LEXICON.canonical_given(token) == canonical


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("V-12.345.678", ("V", "12345678")),
        ("v 12345678", ("V", "12345678")),
        ("E-81.234.567", ("E", "81234567")),
        ("12,345,678", (None, "12345678")),
        ("12345678.0", (None, "12345678")),
        ("0", (None, None)),
        ("S/N", (None, None)),
        (None, (None, None)),
        ("", (None, None)),
    ],
)
def test_cedula_normalisation(raw: object, expected: tuple) -> None:
    assert normalise_id_number(raw) == expected


def test_partial_dates() -> None:
    assert parse_partial("1985") == (1985, None, None)
    assert parse_partial("1985-03") == (1985, 3, None)
    assert parse_partial("1985-03-12") == (1985, 3, 12)
    assert parse_partial("12/03/1985") == (1985, 3, 12)
    assert parse_partial("2017-05/2017-07") == (2017, 5, None)
    assert parse_partial("1985-02-30") is None
    assert parse_partial("soon") is None


def test_birth_interval_from_age_at_event_contains_true_birth() -> None:
    birth = dt.date(1980, 6, 15)
    event = dt.date(2017, 3, 2)
    age = 36  # birthday not yet reached in March 2017
    lo, hi = birth_interval(age=age, event_date=event.isoformat())
    assert lo <= birth.toordinal() <= hi
    assert hi - lo <= 366 + 1
    year_lo, year_hi = birth_interval(birth_date="1980")
    assert year_lo <= birth.toordinal() <= year_hi
    assert birth_interval(age=36) is None  # no event date: nothing to anchor the age


def test_formats_other_lists_use() -> None:
    assert parse_partial("03/1985") == (1985, 3, None)
    assert parse_partial("12-03-1985") == (1985, 3, 12)
    assert birth_interval(age="35 años", event_date="2017") is not None
    assert parse_name(LEXICON, full_name="El Gocho").nickname == "gocho"


def test_sex_values_are_normalised() -> None:
    from expediente.linkage.prepare import normalise_sex

    assert [normalise_sex(v) for v in ("sex.female", "F", "Masculino", "HOMBRE")] == [
        "f",
        "f",
        "m",
        "m",
    ]
    assert normalise_sex("sex.unknown") is None
    assert normalise_sex(None) is None


def test_apostrophes_keep_a_surname_whole() -> None:
    parsed = parse_name(LEXICON, full_name="D'AMBROSIO HERNANDEZ, JUAN PABLO")
    assert parsed.surnames == ("dambrosio", "hernandez")
    assert parsed.given == ("juan", "pablo")
