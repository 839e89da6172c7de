"""A pseudonymised export leaks no protected value written inside a narrative.

The attack: a testimony names its witness, a victim and a perpetrator and writes their names,
cédulas, phone numbers, birth dates, addresses and e-mail in the forms people write them
("0414-555-1234", "+58 414 5551234", "16/03/1980", "16 de marzo de 1980", "March 16, 1980"…).
The case is imported from a case directory and exported with `expediente export`; every
variant must come out as a pseudonym, and no identifying string may be anywhere in the export.
Every person, number and place is invented.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from expediente.cli import main

pytestmark = pytest.mark.django_db

CASE = "leak-test"

WITNESS = {
    "record_id": "V1", "given_names": "Yelitza Coromoto", "first_surname": "Arráiz",
    "second_surname": "de la Peña", "nickname": "la Flaca", "id_number": "V-19.876.543",
    "birth_date": "1980-03-16", "phone": "0414-555-1234",
    "address": "Calle Ficticia 12, Urb. Los Samanes, Caracas",
}  # fmt: skip
VICTIM = {
    "record_id": "V2", "given_names": "Wilmer José", "first_surname": "Quintero",
    "second_surname": "Núñez", "nickname": "el Gocho", "id_number": "E-84.123.456",
    "birth_date": "1975-11-02", "phone": "+58 212 555 9876",
    "address": "Av. Imaginaria, Edif. Sol, piso 3, apto 3-B, Maracay",
}  # fmt: skip
PERPETRATOR = {
    "record_id": "PER-1", "given_names": "Críspulo Andrés", "first_surname": "Maldonado",
    "second_surname": "Urbáez", "nickname": "el Tuerto", "id_number": "V-7.654.321",
    "birth_date": "1962-07-01", "phone": "+58 (212) 555-4433", "address": "",
}  # fmt: skip
WITNESS_NAME = "Yelitza C. Arráiz"
WITNESS_CONTACT = "+58 412 555 0101 / yelitza.arraiz@example.org"

#: Strings none of which may appear anywhere in a pseudonymised export (compared folded).
CORES = (
    "yelitza", "coromoto", "arraiz", "flaca", "wilmer", "quintero", "nunez", "gocho",
    "crispulo", "maldonado", "urbaez", "tuerto", "ficticia", "samanes", "imaginaria",
    "19876543", "19.876.543", "84123456", "84.123.456", "7654321", "7.654.321",
    "5551234", "555-1234", "5559876", "5554433", "5550101", "example.org",
    "1980", "1975", "1962",
)  # fmt: skip

HEX_IDS = re.compile(r"\b[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\b"
                     r"|\b[0-9a-f]{40,64}\b")

MONTHS_ES = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
             "septiembre", "octubre", "noviembre", "diciembre")  # fmt: skip
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")  # fmt: skip
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


# --- Variants, written the way people write them (independently of the code under test) ---


def name_variants(p: dict[str, str]) -> list[str]:
    given, first, second, nick = (p["given_names"], p["first_surname"], p["second_surname"],
                                  p["nickname"])  # fmt: skip
    bare = second.split()[-1]
    full = f"{given} {first} {second}"
    g1, g2 = given.split()
    return [
        full,
        full.upper(),
        _fold(full),
        f"{given} {first}",
        f"{first} {second}",
        first,
        first.upper(),
        _fold(first),
        second,
        bare,
        _fold(bare).upper(),
        given,
        g1,
        g2,
        f"{g1}-{g2} {first}",
        f"{g1}  {g2}\n{first}",
        unicodedata.normalize("NFD", full),
        f"{first}-{bare}",
        f"{g1} {first}",
        f"{given} {first} {bare}",
        nick,
        nick.upper(),
        f"{g1.upper()} {first.upper()} {bare.upper()}",
    ]


def id_variants(p: dict[str, str]) -> list[str]:
    letter = p["id_number"][0]
    digits = re.sub(r"\D", "", p["id_number"])
    dotted = f"{int(digits):,}".replace(",", ".")
    spaced, dashed = dotted.replace(".", " "), dotted.replace(".", "-")
    return [
        f"{letter}-{dotted}",
        f"{letter}{digits}",
        digits,
        dotted,
        f"{letter}-{digits}",
        f"{letter.lower()}-{dotted}",
        f"{letter} {spaced}",
        f"{letter}.-{dotted}",
        f"{letter}.- {dotted}",
        dashed,
        spaced,
        f"E-{dotted}",
        f"{letter}\u2013{dotted}",
        f"{letter}- {dotted}",
        dotted.replace(".", ","),
        f"{letter.lower()}.{dotted}",
        f"{letter}{dotted}",
        f"{letter} - {dotted}",
    ]


def phone_variants(country: str, significant: str) -> list[str]:
    a, b, c = significant[:3], significant[3:6], significant[6:]
    c1, c2 = c[:2], c[2:]
    return [
        f"0{a}-{b}-{c}",
        f"0{a} {b} {c}",
        f"0{a}{b}{c}",
        f"(0{a}) {b}-{c}",
        f"0{a}.{b}.{c}",
        f"+{country} {a} {b}{c}",
        f"+{country} {a}-{b}-{c}",
        f"+{country} ({a}) {b} {c1} {c2}",
        f"00{country} {a} {b} {c}",
        f"+{country}-{a}-{b}-{c1}-{c2}",
        f"{country} {a} {b} {c}",
        f"+{country} (0) {a} {b} {c}",
        f"{a} {b} {c}",
        f"0{a}/{b}.{c1}.{c2}",
        f"(+{country}) {a} {b}{c}",
        f"0{a} \u2013 {b} \u2013 {c}",
        f"+{country}{a}{b}{c}",
        f"0{a}-{b}{c}",
        f"0{a} {b} {c1} {c2}",
        f"+{country}.{a}.{b}.{c}",
        f"(0{a})-{b}-{c}",
    ]


def date_variants(iso: str) -> list[str]:
    y, m, d = (int(x) for x in iso.split("-"))
    es, en = MONTHS_ES[m - 1], MONTHS_EN[m - 1]
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(d if d < 20 else d % 10, "th")
    yy = f"{y % 100:02d}"
    out = [
        f"{d:02d}/{m:02d}/{y}",
        f"{d}/{m}/{y}",
        f"{d:02d}-{m:02d}-{y}",
        f"{d:02d}.{m:02d}.{y}",
        f"{m:02d}/{d:02d}/{y}",
        f"{y}-{m:02d}-{d:02d}",
        f"{y}/{m:02d}/{d:02d}",
        f"{y}{m:02d}{d:02d}",
        f"{d:02d}/{m:02d}/{yy}",
        f"{d} de {es} de {y}",
        f"{d} de {es.capitalize()} del {y}",
        f"{d} {es} {y}",
        f"{en} {d}, {y}",
        f"{d} {en} {y}",
        f"the {d}{suffix} of {en}, {y}",
        f"{en[:3]}. {d}, {y}",
        f"{d}-{es[:3]}-{y}",
        f"{d}-{ROMAN[m - 1]}-{y}",
        f"{es} {d} de {y}",
        f"{d} de {es} del {yy}",
        f"{d}{suffix} {en} {y}",
        f"{d} DE {es.upper()} DE {y}",
        f"{d} {en[:3]} {y}",
    ]
    if d == 1:
        out += [f"1º de {es} de {y}", f"primero de {es} de {y}"]
    return out


WITNESS_ADDRESSES = [
    "Calle Ficticia 12, Urb. Los Samanes, Caracas", "CALLE FICTICIA 12, URB. LOS SAMANES, CARACAS",
    "calle ficticia 12 urb los samanes caracas", "Calle Ficticia 12", "Calle Ficticia Nº 12",
    "Calle Ficticia N° 12", "Calle Ficticia #12", "C/ Ficticia 12", "Cl. Ficticia 12",
    "Calle Ficticia, nro. 12", "Calle Ficticia No. 12",
    "Calle Ficticia 12, Urbanización Los Samanes",
    "Calle Ficticia 12 - Urb. Los Samanes - Caracas", "CALLE FICTICIA #12",
    "calle ficticia nro 12, urb. los samanes", "Urb. Los Samanes, Caracas",
    "Calle  Ficticia\n12", "Calle Ficticia 12; Urb. Los Samanes; Caracas",
]  # fmt: skip
VICTIM_ADDRESSES = [
    "Av. Imaginaria, Edif. Sol, piso 3, apto 3-B, Maracay",
    "Avenida Imaginaria, Edificio Sol, piso 3, apartamento 3-B, Maracay",
    "av imaginaria edif sol piso 3 apto 3b maracay", "Av. Imaginaria, Edif. Sol",
    "Avda. Imaginaria, Edificio Sol", "AV. IMAGINARIA, EDIF. SOL, PISO 3",
    "Edif. Sol, piso 3, apto 3-B", "Edificio Sol, piso 3", "Av Imaginaria, Edf Sol, p 3, apt 3B",
    "Avenida Imaginaria - Edificio Sol - Piso 3 - Apto. 3-B - Maracay",
    "Av. Imaginaria, Edif. Sol, piso 3, apto 3-B", "Edif. Sol, piso 3, apto 3-B, Maracay",
    "apto 3-B, Maracay", "piso 3, apto 3-B, Maracay", "Edif. Sol, Piso 3, Apto. 3-B, Maracay",
    "av. imaginaria, edif. sol, piso 3", "Av.Imaginaria,Edif.Sol", "Imaginaria, Edif. Sol",
]  # fmt: skip
EMAILS = [
    "yelitza.arraiz@example.org", "YELITZA.ARRAIZ@EXAMPLE.ORG", "Yelitza.Arraiz@Example.org",
    "yelitza.arraiz @ example.org", "yelitza.arraiz [at] example.org",
    "yelitza.arraiz(at)example.org", "yelitza.arraiz arroba example.org",
    "yelitza punto arraiz arroba example punto org", "yelitza.arraiz at example dot org",
    "yelitza.arraiz[at]example[dot]org", "yelitza dot arraiz at example dot org",
    "<yelitza.arraiz@example.org>", "yelitza.arraiz [arroba] example [punto] org",
    "yelitza.arraiz (arroba) example.org", "yelitza.arraiz @example.org",
    "yelitza.arraiz@ example.org", "yelitza.arraiz (at) example (dot) org",
    "Yelitza.Arraiz [AT] Example [DOT] Org",
]  # fmt: skip


def _phone_parts(stored: str) -> tuple[str, str]:
    """(calling code, national significant number) of a stored Venezuelan number."""
    digits = re.sub(r"\D", "", stored)
    return ("58", digits[2:]) if stored.startswith("+") else ("58", digits.lstrip("0"))


def variants_by_field() -> list[tuple[str, str, str]]:
    """(person's record id, field, variant) for every variant of every protected field."""
    out: list[tuple[str, str, str]] = []
    for person, addresses in ((WITNESS, WITNESS_ADDRESSES), (VICTIM, VICTIM_ADDRESSES),
                              (PERPETRATOR, [])):  # fmt: skip
        rid = person["record_id"]
        out += [(rid, "names", v) for v in name_variants(person)]
        out += [(rid, "id_number", v) for v in id_variants(person)]
        out += [(rid, "phone", v) for v in phone_variants(*_phone_parts(person["phone"]))]
        out += [(rid, "birth_date", v) for v in date_variants(person["birth_date"])]
        out += [(rid, "address", v) for v in addresses]
    out += [("V1", "witness_name", v) for v in (WITNESS_NAME, WITNESS_NAME.upper())]
    out += [("V1", "witness_contact", v) for v in phone_variants("58", "4125550101")]
    out += [("V1", "witness_contact", v) for v in EMAILS]
    return out


def test_every_field_has_at_least_18_variants():
    counts: dict[tuple[str, str], int] = {}
    for rid, kind, _ in variants_by_field():
        counts[(rid, kind)] = counts.get((rid, kind), 0) + 1
    short = {k: n for k, n in counts.items() if n < 18 and k[1] not in ("witness_name",)}
    # The perpetrator has no address; every other person and field has 18 variants or more.
    assert not short, short
    assert {kind for _, kind in counts} == {
        "names",
        "id_number",
        "phone",
        "birth_date",
        "address",
        "witness_name",
        "witness_contact",
    }


# --- The case, imported from a case directory -------------------------------------------------


def _write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


PERSON_COLUMNS = ["record_id", "given_names", "first_surname", "second_surname", "nickname",
                  "id_number", "birth_date", "phone", "address"]  # fmt: skip


def _case_directory(folder: Path, narrative: str) -> Path:
    structure = {
        "case": {"code": CASE, "title": "Caso sintético de fuga", "country": "VE",
                 "period": "2017", "description": "Datos inventados."},
        "locations": [{"code": "VE", "name": "País", "kind": "location.country"},
                      {"code": "VE-X", "name": "Estado X", "kind": "location.state",
                       "parent_code": "VE"}],
        "organizations": [{"code": "U-1", "name": "Unidad X (sintética)",
                           "unit_type": "unit.intelligence"}],
        "persons": [{**PERPETRATOR, "sex": "sex.male", "role": "perpetrator"}],
        "positions": [],
        "events": [],
    }  # fmt: skip
    (folder / "structure.json").parent.mkdir(parents=True, exist_ok=True)
    (folder / "structure.json").write_text(json.dumps(structure, ensure_ascii=False), "utf-8")
    _write_csv(
        folder / "sources.csv",
        ["record_id", "name", "kind", "reliability"],
        [["SRC-01", "Entrevistas (sintéticas)", "source.interview", "reliability.high"]],
    )
    _write_csv(folder / "victims" / "SRC-01.csv", [*PERSON_COLUMNS, "sex", "state"],
               [[p[c] for c in PERSON_COLUMNS] + ["sex.female", "VE-X"]
                for p in (WITNESS, VICTIM)])  # fmt: skip
    _write_csv(folder / "acts" / "SRC-01.csv",
               ["record_id", "victim_record_id", "act_type", "date", "unit_code",
                "perpetrator_record_id", "involvement"],
               [["A1", "V1", "act.torture", "2017-05", "U-1", "PER-1", "involvement.direct"],
                ["A2", "V2", "act.detention.arbitrary", "2017-06", "", "", ""]])  # fmt: skip
    _write_csv(folder / "testimonies" / "SRC-01.csv",
               ["record_id", "witness_record_id", "witness_name", "witness_phone", "date",
                "language", "consent_scope", "narrative", "act_record_ids"],
               [["T1", "V1", WITNESS_NAME, WITNESS_CONTACT, "2018-01-10", "es",
                 "consent.interview", narrative, "A1;A2"]])  # fmt: skip
    return folder


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _line(variant: str) -> str:
    return f"«{variant}»"


def _lines(narrative: str) -> list[str]:
    """The variants of a narrative written with `_line`, one per line (a variant may hold a
    line break, and its replacement may not)."""
    return narrative.removeprefix("«").removesuffix("»").split("»\n«")


@pytest.fixture
def exported(tmp_path):
    """The case imported, then exported pseudonymised (by an analyst) and in clear (owner)."""
    variants = variants_by_field()
    narrative = "\n".join(_line(v) for _, _, v in variants)
    result = invoke("import", _case_directory(tmp_path / "case", narrative), "--case", CASE)
    assert result.exit_code == 0, result.output
    assert (
        invoke("user", "create", "ana", "--no-login", "--role", "analyst", "--case", CASE).exit_code
        == 0
    )
    assert (
        invoke("user", "create", "olga", "--no-login", "--role", "owner", "--case", CASE).exit_code
        == 0
    )
    result = invoke("export", "--case", CASE, "--out", tmp_path / "pseudo", "--user", "ana")
    assert result.exit_code == 0, result.output
    result = invoke(
        "export",
        "--case",
        CASE,
        "--out",
        tmp_path / "clear",
        "--user",
        "olga",
        "--include-protected",
    )
    assert result.exit_code == 0, result.output
    return tmp_path / "pseudo", tmp_path / "clear", variants, narrative


def _narrative(out: Path) -> str:
    with open(out / "testimonies" / "SRC-01.csv", encoding="utf-8") as handle:
        return next(csv.DictReader(handle))["narrative"]


def _pseudonyms() -> dict[str, str]:
    from expediente_web.protection.cipher import pseudonym
    from expediente_web.records.models import Person

    return {p.source_record_id: pseudonym("P", str(p.uid))
            for p in Person.objects.filter(case__code=CASE)}  # fmt: skip


def test_no_variant_of_any_protected_field_survives_the_export(exported):
    pseudo, _, variants, narrative = exported
    pseudonyms = _pseudonyms()
    token = re.compile(r"\[?P-[A-Z2-7]{8}(?::[a-z_]+)?\]?")
    written = _lines(_narrative(pseudo))
    assert len(written) == len(variants) == len(_lines(narrative))
    leaks = []
    for (rid, kind, variant), got in zip(variants, written, strict=True):
        rest = token.sub("", got)
        owners = {m.group().strip("[]").split(":")[0] for m in token.finditer(got)}
        if re.search(r"\w", rest) or owners != {pseudonyms[rid]}:
            leaks.append(f"{rid} {kind}: {variant!r} → {got!r}")
    assert not leaks, f"{len(leaks)} of {len(variants)} variants leaked:\n" + "\n".join(leaks)


def test_fields_other_than_names_are_tagged_with_what_they_were(exported):
    pseudo, _, _, _ = exported
    p1 = _pseudonyms()["V1"]
    text = _narrative(pseudo)
    for tag in ("phone", "birth_date", "address", "email"):
        assert f"[{p1}:{tag}]" in text


def test_nothing_identifying_is_anywhere_in_the_export_but_all_of_it_is_in_the_clear_one(
    exported,
):
    pseudo, clear, _, _ = exported

    def found_in(folder: Path) -> set[str]:
        dump = _fold("\n".join(p.read_text("utf-8", errors="replace")
                               for p in folder.rglob("*") if p.is_file()))  # fmt: skip
        # Record uids and file hashes are random hex: "1980" turns up in one by chance.
        dump = HEX_IDS.sub(" ", dump)
        return {core for core in CORES if core in dump}

    assert found_in(pseudo) == set()
    # The same scan finds every one of them in the export made with the protected fields.
    assert found_in(clear) == set(CORES)
    assert _narrative(clear) == exported[3]


# --- What is deliberately left alone ----------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    # A house number before a phone is not taken for a calling code.
    ("calle 5 0414-555-1234", "calle 5 [P-Y:phone]"),
    # A year alone is everywhere; a date of another day is another date.
    ("en 1980 hubo elecciones; el 17/03/1980 no", "en 1980 hubo elecciones; el 17/03/1980 no"),
    # A town alone is no address; the stored street with its number is.
    ("la llevaron a Caracas", "la llevaron a Caracas"),
    ("vive en Ficticia 12", "vive en [P-Y:address]"),
    # Longer numbers that hold the cédula's digits are other numbers.
    ("expediente 1198765430", "expediente 1198765430"),
    ("su cédula, 19.876.543.", "su cédula, P-Y."),
])  # fmt: skip
def test_replacement_stays_within_the_values_it_was_given(text, expected):
    from types import SimpleNamespace

    from expediente_web.intake.narrative_names import PERSON_FIELDS, NameReplacer

    replacer = NameReplacer()
    person = SimpleNamespace(**{f: WITNESS.get(f, "") for f in PERSON_FIELDS})
    replacer.add_person(person, "P-Y")
    assert replacer.replace(text) == expected
