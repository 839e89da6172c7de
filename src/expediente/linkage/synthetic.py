"""A synthetic generator of Venezuelan-style multi-source victim lists, with ground truth.

Entirely synthetic: names are drawn from short lists of common Spanish names plus invented
rare ones, numbers and dates are random. It exists to test and benchmark linkage. Each
source writes names in its own way, as real lists do:

- ``OFICIAL``: capitals without accents, often "SURNAMES, GIVEN NAMES", cédula as
  ``V-12.345.678``, full birth date.
- ``ONG-A``: split name columns with accents, digits-only cédula, sometimes a birth year
  only, sometimes no maternal surname.
- ``ONG-B``: full name in mixed case, age at the event instead of a birth date.
- ``PRENSA``: one given name and one surname, or a nickname and a surname; age; no cédula.
- ``TESTIMONIO``: a nickname or the second given name, month/year of birth or age.

Families (siblings share both surnames) and namesakes make it hard on purpose.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from expediente.linkage.config import CANONICAL_COLUMNS

_FEMALE = [
    "María",
    "Ana",
    "Carmen",
    "Rosa",
    "Luisa",
    "Josefina",
    "Yolanda",
    "Carolina",
    "Andrea",
    "Daniela",
    "Gabriela",
    "Mariana",
    "Alejandra",
    "Patricia",
    "Isabel",
    "Elena",
    "Teresa",
    "Beatriz",
    "Adriana",
    "Claudia",
    "Laura",
    "Ana",
    "Mónica",
    "Verónica",
    "Marta",
    "Lucía",
    "Natalia",
    "Valentina",
    "Camila",
    "Sofía",
    "Gloria",
    "Mercedes",
    "Milagros",
    "Yusmary",
    "Yuleidy",
    "Marisol",
    "Maribel",
    "Mariela",
    "Nelly",
    "Yajaira",
    "Zulay",
    "Nancy",
    "Ingrid",
    "Dayana",
    "Génesis",
    "Johana",
    "Lisbeth",
    "Yurbis",
    "Deisy",
    "Yorgelis",
    "Anyelin",
    "Keila",
    "Roxana",
    "Yelimar",
    "Dubraska",
    "Nathaly",
    "Yennifer",
    "Oriana",
    "Ninoska",
    "Maigualida",
]
_MALE = [
    "José",
    "Juan",
    "Luis",
    "Carlos",
    "Jesús",
    "Antonio",
    "Manuel",
    "Francisco",
    "Pedro",
    "Miguel",
    "Rafael",
    "Ángel",
    "Alejandro",
    "David",
    "Daniel",
    "Jorge",
    "Ramón",
    "Alberto",
    "Fernando",
    "Ricardo",
    "Eduardo",
    "Roberto",
    "Óscar",
    "Víctor",
    "Javier",
    "Enrique",
    "Andrés",
    "Gabriel",
    "Sergio",
    "Raúl",
    "Mario",
    "Héctor",
    "Julio",
    "César",
    "Gustavo",
    "Orlando",
    "Nelson",
    "Freddy",
    "Wilmer",
    "Jhonny",
    "Richard",
    "Edgar",
    "Leonardo",
    "Gregorio",
    "Ignacio",
    "Joaquín",
    "Wuilmer",
    "Anyelo",
    "Yorman",
    "Deivis",
    "Eleazar",
    "Jhonatan",
    "Yonder",
    "Kelvin",
    "Ronny",
    "Leomar",
    "Dixon",
    "Franklin",
    "Argenis",
    "Wladimir",
]
_FEMALE_SECOND = (
    "del Valle",
    "del Carmen",
    "de los Ángeles",
    "José",
    "Alejandra",
    "Teresa",
    "Isabel",
    "Elena",
    "Gabriela",
    "Andreína",
    "Fernanda",
    "Virginia",
)
_MALE_SECOND = (
    "José",
    "Gregorio",
    "Antonio",
    "Alberto",
    "Enrique",
    "Rafael",
    "Alejandro",
    "Ramón",
    "Luis",
    "Eduardo",
    "David",
    "de Jesús",
    "Ignacio",
    "Javier",
)
_SURNAMES = [
    "González",
    "Rodríguez",
    "Hernández",
    "García",
    "Pérez",
    "Martínez",
    "López",
    "Sánchez",
    "Ramírez",
    "Díaz",
    "Torres",
    "Romero",
    "Rojas",
    "Morales",
    "Flores",
    "Castillo",
    "Gutiérrez",
    "Jiménez",
    "Suárez",
    "Mendoza",
    "Medina",
    "Silva",
    "Vargas",
    "Álvarez",
    "Castro",
    "Moreno",
    "Ramos",
    "Herrera",
    "Rivas",
    "Fernández",
    "Contreras",
    "Guerrero",
    "Acosta",
    "Márquez",
    "Blanco",
    "Aguilar",
    "Ortiz",
    "Rondón",
    "Chacón",
    "Salazar",
    "Delgado",
    "Núñez",
    "Peña",
    "Bravo",
    "Colmenares",
    "Paredes",
    "Briceño",
    "Mora",
    "Molina",
    "Vásquez",
    "Figueroa",
    "Sosa",
    "León",
    "Rincón",
    "Escalona",
    "Zambrano",
    "Quintero",
    "Velásquez",
    "Graterol",
    "Uzcátegui",
    "Mujica",
    "Tovar",
    "Quevedo",
    "Rangel",
    "Sifontes",
    "Pernalete",
    "Yánez",
    "Guanipa",
    "Arvelo",
    "Carrero",
    "Lugo",
    "Viloria",
    "Hidalgo",
    "Montiel",
    "Pirela",
    "Urdaneta",
    "Arteaga",
    "Bolívar",
    "Mendible",
    "Añez",
    "Villalobos",
]
_PARTICLE_SURNAMES = ("de la Cruz", "del Valle", "de Armas", "de Freitas", "de Sousa")
_NICKNAMES = {
    "José": ("Pepe", "Cheo", "Chepe"),
    "Jesús": ("Chucho", "Chuo", "Chuy"),
    "Francisco": ("Pancho", "Paco"),
    "Gregorio": ("Goyo",),
    "Alberto": ("Beto",),
    "Luis": ("Lucho",),
    "Antonio": ("Toño", "Tony"),
    "Manuel": ("Manolo",),
    "Rafael": ("Rafa", "Felo"),
    "Enrique": ("Quique",),
    "Ramón": ("Moncho",),
    "Eduardo": ("Lalo",),
    "Gustavo": ("Tavo",),
    "Ignacio": ("Nacho",),
    "Dolores": ("Lola",),
    "Isabel": ("Chabela",),
    "Gabriela": ("Gaby",),
    "Alejandra": ("Ale",),
    "Teresa": ("Tere",),
    "Beatriz": ("Betty",),
}
_STATES = (
    "VE-A",
    "VE-B",
    "VE-C",
    "VE-D",
    "VE-F",
    "VE-G",
    "VE-K",
    "VE-L",
    "VE-M",
    "VE-N",
    "VE-P",
    "VE-S",
    "VE-T",
    "VE-V",
    "VE-X",
)
_KEYBOARD_NEIGHBOURS = dict(
    zip("abcdefghijklmnopqrstuvwxyz", "sqxsrdfgujlkknipwtadyvbzhx", strict=True)
)


#: Every generated record says what it is.
SYNTHETIC_NOTE = "SINTÉTICO / SYNTHETIC"


@dataclass(frozen=True)
class SourceStyle:
    """How a source writes its records and how likely it is to list a person."""

    name: str
    capture: float
    typo_rate: float


SOURCES = (
    SourceStyle("OFICIAL", 0.35, 0.03),
    SourceStyle("ONG-A", 0.45, 0.05),
    SourceStyle("ONG-B", 0.30, 0.06),
    SourceStyle("PRENSA", 0.30, 0.04),
    SourceStyle("TESTIMONIO", 0.25, 0.08),
)


def _invented(prefixes: str, middles: str, suffixes: str) -> tuple[str, ...]:
    """Invented but Spanish-looking names: the long tail that real name lists have."""
    return tuple(
        (p + m + s).capitalize()
        for p in prefixes.split()
        for m in middles.split(",")
        for s in suffixes.split()
    )


_TAIL_SURNAMES = _invented(
    "ar bel car cas gal lan mar mon pal ser val vil zam ur es bar gar can tor sal",
    ",a,e,i,o",
    "nda rra llo lez rez les ño nes do ra zo ta cio vera mar nte ro das",
)
_TAIL_FEMALE = _invented(
    "yu yo ye dei mai lis kei ro ne da", ",s,r,l,n", "mary leidy gelis beth ris ly"
)
_TAIL_MALE = _invented("yo dar jho wil ro ne da el ed fran", ",s,r,l,n", "ner son mar vis ny win")


def _fold_upper(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


def _typo(rng: np.random.Generator, word: str) -> str:
    if len(word) < 4:
        return word
    k = int(rng.integers(1, len(word) - 1))
    kind = rng.integers(4)
    if kind == 0:
        return word[:k] + word[k + 1 :]
    if kind == 1:
        return word[:k] + word[k + 1] + word[k] + word[k + 2 :]
    if kind == 2:
        c = word[k].lower()
        return word[:k] + _KEYBOARD_NEIGHBOURS.get(c, c) + word[k + 1 :]
    return word[:k] + word[k] + word[k:]


def _zipf_choice(
    rng: np.random.Generator, items: tuple[str, ...] | list[str], size: int, exponent: float = 0.9
) -> list[str]:
    weights = 1.0 / np.arange(1, len(items) + 1) ** exponent
    picks = rng.choice(len(items), size=size, p=weights / weights.sum())
    return [items[i] for i in picks]


def generate_persons(n: int, seed: int = 0, sibling_share: float = 0.12) -> pl.DataFrame:
    """True persons: names, sex, cédula, birth date, state, nickname, event date."""
    rng = np.random.default_rng(seed)
    sex = rng.choice(["sex.female", "sex.male"], size=n, p=[0.35, 0.65])
    # Common names first (Zipf ranks), then a long tail of invented ones, as in real lists.
    first_f = _zipf_choice(rng, [*_FEMALE, *_TAIL_FEMALE], n)
    first_m = _zipf_choice(rng, [*_MALE, *_TAIL_MALE], n)
    second_f = _zipf_choice(rng, _FEMALE_SECOND, n, 0.5)
    second_m = _zipf_choice(rng, _MALE_SECOND, n, 0.5)
    s1 = _zipf_choice(rng, [*_SURNAMES, *_TAIL_SURNAMES], n, 0.8)
    s2 = _zipf_choice(rng, [*_SURNAMES, *_TAIL_SURNAMES], n, 0.8)
    rows: list[dict[str, Any]] = []
    base = dt.date(1950, 1, 1).toordinal()
    for i in range(n):
        female = sex[i] == "sex.female"
        first = first_f[i] if female else first_m[i]
        second = (second_f[i] if female else second_m[i]) if rng.random() < 0.6 else ""
        if second == first:
            second = ""
        sur1, sur2 = s1[i], s2[i]
        if rng.random() < 0.03:
            sur1 = str(rng.choice(_PARTICLE_SURNAMES))
        birth = base + int(rng.integers(0, 365 * 50))
        if i > 0 and rng.random() < sibling_share:
            j = int(rng.integers(0, i))  # a sibling of an earlier person: same surnames
            sur1, sur2 = rows[j]["first_surname"], rows[j]["second_surname"]
            birth = rows[j]["_birth"] + int(rng.integers(-3000, 3000))
        nick_options = _NICKNAMES.get(first) or _NICKNAMES.get(second)
        nickname = str(rng.choice(nick_options)) if nick_options and rng.random() < 0.5 else ""
        year = dt.date.fromordinal(birth).year
        # Cédulas were issued roughly in order of birth: older people hold smaller numbers.
        cedula = max(1, (year - 1930) * 420_000 + int(rng.integers(0, 900_000)))
        event = dt.date(2014, 1, 1).toordinal() + int(rng.integers(0, 365 * 5))
        rows.append(
            {
                "true_person_id": f"T{i + 1:06d}",
                "given_names": f"{first} {second}".strip(),
                "first_given": first,
                "second_given": second,
                "first_surname": sur1,
                "second_surname": sur2,
                "nickname": nickname,
                "sex": str(sex[i]),
                "cedula": cedula,
                "foreign": bool(rng.random() < 0.04),
                "_birth": birth,
                "state": str(rng.choice(_STATES)),
                "_event": event,
            }
        )
    frame = pl.DataFrame(rows, infer_schema_length=None)
    return frame.with_columns(
        pl.col("_birth")
        .map_elements(lambda d: dt.date.fromordinal(d).isoformat(), return_dtype=pl.Utf8)
        .alias("birth_date"),
        pl.col("_event")
        .map_elements(lambda d: dt.date.fromordinal(d).isoformat(), return_dtype=pl.Utf8)
        .alias("event_date"),
    ).drop("_birth", "_event")


def _age(birth: str, event: str) -> int:
    b, e = dt.date.fromisoformat(birth), dt.date.fromisoformat(event)
    return e.year - b.year - ((e.month, e.day) < (b.month, b.day))


def _cedula_text(style: str, person: dict, rng: np.random.Generator) -> str:
    digits = str(person["cedula"])
    if rng.random() < 0.02:  # one digit mistyped
        k = int(rng.integers(len(digits)))
        digits = digits[:k] + str(rng.integers(10)) + digits[k + 1 :]
    letter = "E" if person["foreign"] else "V"
    if style == "dotted":
        groups = f"{int(digits):,}".replace(",", ".")
        return f"{letter}-{groups}"
    return digits


def _event_text(event: str, rng: np.random.Generator) -> str | None:
    """The event date as a source reports it: exact, month only, a few days off, or not."""
    r = rng.random()
    if r < 0.6:
        return event
    if r < 0.8:
        return event[:7]
    if r < 0.9:
        shifted = dt.date.fromisoformat(event) + dt.timedelta(days=int(rng.integers(-5, 6)))
        return shifted.isoformat()
    return None


def _record(style: SourceStyle, person: dict, rng: np.random.Generator) -> dict:
    def t(word: str) -> str:
        return _typo(rng, word) if word and rng.random() < style.typo_rate else word

    given, first, second = person["given_names"], person["first_given"], person["second_given"]
    s1, s2 = person["first_surname"], person["second_surname"]
    out: dict = {
        "full_name": None,
        "given_names": None,
        "first_surname": None,
        "second_surname": None,
        "nickname": None,
        "id_number": None,
        "birth_date": None,
        "age": None,
        "sex": None,
        "state": None,
        "event_date": _event_text(person["event_date"], rng),
    }
    age = _age(person["birth_date"], person["event_date"])
    if style.name == "OFICIAL":
        g, a, b = _fold_upper(t(given)), _fold_upper(t(s1)), _fold_upper(t(s2))
        out["full_name"] = f"{a} {b}, {g}" if rng.random() < 0.5 else f"{g} {a} {b}"
        out["id_number"] = _cedula_text("dotted", person, rng) if rng.random() < 0.9 else None
        out["birth_date"] = person["birth_date"] if rng.random() < 0.7 else None
        out["sex"] = person["sex"]
        out["state"] = person["state"]
    elif style.name == "ONG-A":
        out["given_names"] = t(given)
        out["first_surname"] = t(s1)
        out["second_surname"] = t(s2) if rng.random() < 0.85 else None
        out["id_number"] = _cedula_text("digits", person, rng) if rng.random() < 0.6 else None
        r = rng.random()
        out["birth_date"] = (
            person["birth_date"][:4] if r < 0.5 else person["birth_date"] if r < 0.8 else None
        )
        out["sex"] = person["sex"] if rng.random() < 0.8 else None
        out["state"] = person["state"] if rng.random() < 0.9 else None
    elif style.name == "ONG-B":
        parts = [t(given), t(s1)] + ([t(s2)] if rng.random() < 0.7 else [])
        out["full_name"] = " ".join(parts)
        out["id_number"] = _cedula_text("digits", person, rng) if rng.random() < 0.4 else None
        out["age"] = age if rng.random() < 0.6 else None
        out["state"] = person["state"] if rng.random() < 0.7 else None
    elif style.name == "PRENSA":
        r = rng.random()
        if r < 0.15 and person["nickname"]:
            name = f"{person['nickname']} {t(s1)}"
        elif r < 0.3:
            name = f"{t(first)} {t(s1)} {t(s2)}"
        elif r < 0.4 and second and not second.startswith("de"):
            name = f"{t(second)} {t(s1)}"
        else:
            name = f"{t(first)} {t(s1)}"
        out["full_name"] = name
        out["age"] = age if rng.random() < 0.6 else None
        out["state"] = person["state"] if rng.random() < 0.5 else None
    else:  # TESTIMONIO
        r = rng.random()
        if r < 0.2 and person["nickname"]:
            out["given_names"] = t(first)
            out["nickname"] = person["nickname"]
        elif r < 0.35 and second and not second.startswith("de"):
            out["given_names"] = t(second)
        else:
            out["given_names"] = t(given)
        out["first_surname"] = t(s1)
        out["second_surname"] = t(s2) if rng.random() < 0.6 else None
        r = rng.random()
        if r < 0.4:
            out["birth_date"] = person["birth_date"][:7]
        elif r < 0.8:
            out["age"] = age
        out["id_number"] = _cedula_text("digits", person, rng) if rng.random() < 0.2 else None
        out["sex"] = person["sex"] if rng.random() < 0.9 else None
    return out


def generate(n_persons: int = 1000, seed: int = 0, duplicate_rate: float = 0.03) -> pl.DataFrame:
    """Records of ``n_persons`` true persons as listed by five sources, with ground truth.

    Returns one frame with ``source_id``, ``record_id``, the victims-table columns,
    ``event_date``, ``notes`` (always "SINTÉTICO / SYNTHETIC") and ``true_person_id``.
    """
    persons = generate_persons(n_persons, seed)
    rng = np.random.default_rng(seed + 1)
    # Some victims are far better known than others: heterogeneous capture.
    visibility = rng.lognormal(0.0, 0.6, size=n_persons)
    rows = []
    person_rows = persons.to_dicts()
    for style in SOURCES:
        counter = 0
        p = np.clip(style.capture * visibility / visibility.mean(), 0, 0.95)
        listed = np.flatnonzero(rng.random(n_persons) < p)
        for i in listed.tolist():
            copies = 2 if rng.random() < duplicate_rate else 1
            for _ in range(copies):
                counter += 1
                record = _record(style, person_rows[i], rng)
                record.update(
                    source_id=style.name,
                    record_id=f"{style.name}-{counter:05d}",
                    true_person_id=person_rows[i]["true_person_id"],
                )
                rows.append(record)
    order = [*CANONICAL_COLUMNS, "notes", "true_person_id"]
    schema: dict[str, Any] = dict.fromkeys(order, pl.Utf8)
    schema["age"] = pl.Int64
    for row in rows:
        row["notes"] = SYNTHETIC_NOTE
    return pl.DataFrame([{k: r.get(k) for k in order} for r in rows], schema=schema)
