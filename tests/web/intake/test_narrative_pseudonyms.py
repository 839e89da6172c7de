"""A pseudonymised export replaces, in each narrative, the names and ID numbers of the witness
and of the victims of the acts the testimony supports with their pseudonyms. All names are
invented."""

from __future__ import annotations

import csv
import unicodedata
from types import SimpleNamespace

import pytest


def _person(**values):
    fields = ("full_name", "given_names", "first_surname", "second_surname", "nickname",
              "id_number")
    return SimpleNamespace(**{f: values.get(f, "") for f in fields})


def _replacer():
    from expediente_web.intake.narrative_names import NameReplacer

    replacer = NameReplacer()
    replacer.add_person(_person(given_names="María José", first_surname="Pérez",
                                second_surname="de la Cruz", nickname="La Flaca",
                                id_number="V-12.345.678"), "P-MJ")
    replacer.add_person(_person(full_name="Juan Carlos Díaz Rangel"), "P-JC")
    return replacer


@pytest.mark.parametrize(("text", "expected"), [
    ("Vi a María José Pérez de la Cruz.", "Vi a P-MJ."),
    ("vi a MARIA JOSE PEREZ en el pasillo", "vi a P-MJ en el pasillo"),  # case and accents
    ("María  José\nPérez", "P-MJ"),  # any blanks between the words
    ("la llamaban «la flaca»", "la llamaban «P-MJ»"),
    ("cédula V-12.345.678, o sea 12345678", "cédula P-MJ, o sea P-MJ"),
    ("Juan Carlos Díaz Rangel y Pérez", "P-JC y P-MJ"),
    ("Pérezoso, Cruzado y Josefina no son nombres suyos",  # whole words only
     "Pérezoso, Cruzado y Josefina no son nombres suyos"),
    ("Luisa Rangel declaró", "Luisa Rangel declaró"),  # not a form of anyone's name
    (unicodedata.normalize("NFD", "Pérez llegó"), "P-MJ " + unicodedata.normalize("NFD", "llegó")),
    ("", ""),
])
def test_name_forms_are_replaced_whole_word_ignoring_case_and_accents(text, expected):
    assert _replacer().replace(text) == expected


def test_the_longest_form_wins():
    replacer = _replacer()
    # "María José Pérez de la Cruz" is one person, not a pseudonym then "de la Cruz".
    assert replacer.replace("María José Pérez de la Cruz") == "P-MJ"



@pytest.mark.django_db
def test_a_pseudonymised_export_scrubs_the_narrative(imported_case, analyst, owner, tmp_path):
    from expediente_web.intake.exporter import do_export_case
    from expediente_web.protection.cipher import pseudonym
    from expediente_web.records.models import Person, Testimony

    # T1's witness is V2; T1 supports A1 (victim V2) and the list's act V1 (victim V1).
    narrative = ("Yo, JUAN CARLOS DIAZ RANGEL, vi a María José Pérez (cédula 12.345.678) en el "
                 "sótano. Luisa Rangel no estaba. Lo firma Juan Carlos Díaz.")
    Testimony.objects.filter(source_record_id="T1").update(narrative=narrative)
    v1 = Person.objects.get(source_record_id="V1")
    v2 = Person.objects.get(source_record_id="V2")
    p1, p2 = pseudonym("P", str(v1.uid)), pseudonym("P", str(v2.uid))

    do_export_case(imported_case, tmp_path / "pseudo", actor=analyst)
    with open(tmp_path / "pseudo" / "testimonies" / "SRC-01.csv", encoding="utf-8") as handle:
        row = next(csv.DictReader(handle))
    assert row["narrative"] == (
        f"Yo, {p2}, vi a {p1} (cédula {p1}) en el sótano. Luisa Rangel no estaba. "
        f"Lo firma {p2}."
    )
    # V3 (Luisa Rangel) is a victim of no act that T1 supports: her name stays.
    do_export_case(imported_case, tmp_path / "clear", include_protected=True, actor=owner)
    with open(tmp_path / "clear" / "testimonies" / "SRC-01.csv", encoding="utf-8") as handle:
        assert next(csv.DictReader(handle))["narrative"] == narrative


@pytest.mark.django_db
def test_a_pseudonymised_export_scrubs_the_quotes_of_excerpts_too(
    imported_case, analyst, documenter, owner, tmp_path
):
    import json

    from expediente_web.evidence.actions import do_create_excerpt
    from expediente_web.intake.exporter import do_export_case
    from expediente_web.protection.cipher import pseudonym
    from expediente_web.records.models import Person, Testimony

    # An excerpt keeps its span of the narrative as a quote: masking only the narrative would
    # leave the witness's name in clear in excerpts.json.
    narrative = "Yo, Juan Carlos Díaz Rangel, lo vi todo desde la esquina."
    Testimony.objects.filter(source_record_id="T1").update(narrative=narrative)
    testimony = Testimony.objects.get(source_record_id="T1")
    do_create_excerpt(documenter, imported_case, testimony=testimony, start=0, end=30)
    p2 = pseudonym("P", str(Person.objects.get(source_record_id="V2").uid))

    do_export_case(imported_case, tmp_path / "pseudo", actor=analyst)
    dump = (tmp_path / "pseudo" / "evidence" / "excerpts.json").read_text(encoding="utf-8")
    assert "Díaz" not in dump and "Juan Carlos" not in dump
    [excerpt] = [e for e in json.loads(dump) if (e["start"], e["end"]) == (0, 30)]
    assert excerpt["quote"] == f"Yo, {p2}, l"

    do_export_case(imported_case, tmp_path / "clear", include_protected=True, actor=owner)
    clear = json.loads((tmp_path / "clear" / "evidence" / "excerpts.json").read_text("utf-8"))
    assert [e["quote"] for e in clear if e["end"] == 30] == [narrative[:30]]
