"""An independent generator of four Venezuelan-style victim lists, with ground truth.

Written for the linkage benchmark only, without reading or reusing the project's two other
generators (``expediente.linkage.synthetic`` and ``expediente.demo``): its own name model,
its own writing styles, its own errors. Every person is synthetic; names are random
combinations of name words and invented words.

The four lists, as the issue describing real ones has them:

- ``ONG`` (an NGO's list): split name columns with accents as typed by volunteers, birth
  date in ISO form (``1984-03-07``), cédula as bare digits, state, sex, event date.
- ``OFICIAL`` (an official record): upper case without accents, ``SURNAMES, GIVEN NAMES`` or
  ``GIVEN NAMES SURNAMES``, day/month/year dates, ``V-`` prefixed cédulas (with or without
  dots), state or municipality.
- ``PRENSA`` (press reports): a full name as the reporter wrote it, very often one given name
  and one surname, sometimes a nickname with the surnames, a year of birth or nothing, a
  state, no cédula, no date of the events; a person may be reported twice.
- ``TESTIMONIO`` (testimonies): a full name as the witness said it (the second given name
  alone, a hypocorism, one surname), a year of birth or nothing, a state or a municipality,
  no cédula, no date of the events.

The name-frequency model is a Zipf law over ranks, ``p(rank) ∝ rank ** -s``: family names
follow such a power law in many countries (D. H. Zanette and S. C. Manrubia, "Vertical
transmission of culture and the distribution of family names", Physica A 295 (2001)
295–301; S. Miyazima et al., "Power-law distribution of family names in Japanese societies",
Physica A 278 (2000) 282–288), with exponents near 1 for the head of the distribution. The
ranked lists are a head of common Spanish name words, in an order chosen here, followed by a
long tail of invented words built from Spanish syllables, so that a few names are shared by
thousands of different persons and most by a handful.

Hard cases on purpose: siblings (both surnames, close birth years, same state), fathers and
sons with the same given name and first surname, very common full names held by many
unrelated persons, typos and transposed letters in surnames.

Usage::

    PYTHONPATH=src python bench/linkage/independent_lists.py --persons 8000 --seed 1201 \
        --out /tmp/independent-1201.csv

Seeds: 1201 is the **tuning** seed; 2903 is **held out** (see ``bench/linkage/README.md``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import unicodedata
from dataclasses import dataclass, field

import numpy as np
import polars as pl

TUNING_SEED = 1201
HELD_OUT_SEED = 2903


def _words(text: str) -> list[str]:
    return text.split()


# Heads of the ranked lists (rank order chosen for this generator; accents as written).
_SURNAME_HEAD = _words(
    "Rodríguez Pérez González Hernández Martínez García López Sánchez Ramírez Díaz Torres "
    "Rojas Romero Flores Morales Suárez Gutiérrez Castillo Mendoza Medina Vargas Ramos "
    "Moreno Ruiz Álvarez Jiménez Chacón Briceño Contreras Gómez Silva Herrera Rivas Guerrero "
    "Acosta Marcano Salazar Parra Aguilar Blanco Castro Fernández Molina Zambrano Peña "
    "Rondón Guzmán Ortega Mora Vásquez Ortiz Delgado Colmenares Bastidas Márquez Villegas "
    "Uzcátegui Quintero Escalona Montilla Linares Carrillo Sosa Rincón Pacheco Arias "
    "Aponte Cedeño Figueroa Calderón Pineda Nieves Lugo Tovar Cordero Mejías Valera Bolívar "
    "Palacios Infante Reyes Navas Bello Meléndez Ochoa Carvajal Oropeza Sifontes Barrios"
)
_SURNAME_PARTICLED = ("de la Cruz", "del Valle", "de Sousa", "de Abreu", "de los Santos")
_MALE_HEAD = _words(
    "José Luis Carlos Juan Jesús Miguel Antonio Pedro Manuel Francisco Rafael Jorge Ángel "
    "Víctor Alejandro Daniel David Eduardo Ricardo Fernando Javier Alexander Gregorio Andrés "
    "Héctor Oscar Ramón Félix Enrique Julio Wilmer Yonathan Gustavo Humberto Nelson Freddy "
    "Richard Leonardo Orlando Alberto Ernesto Rubén Douglas Argenis Darwin Jhonny Édgar "
    "Roberto Simón Tomás Elías Samuel Sergio Hugo Omar Iván Gabriel Ignacio Arturo"
)
_FEMALE_HEAD = _words(
    "María Ana Carmen Rosa Luisa Yolanda Milagros Yusmary Carolina Gabriela Daniela Andreína "
    "Luz Marisol Gladys Elena Josefina Beatriz Isabel Adriana Yelitza Mariela Coromoto Teresa "
    "Patricia Mercedes Zulay Nancy Marlene Francis Mayerlin Jennifer Leidy Yajaira Alejandra "
    "Margarita Elizabeth Victoria Lucía Karina Soraya Dayana Yamileth Inés Rebeca Judith "
    "Antonieta Belkis Noris Sonia Aura Delia Esther Irma Lisbeth Nelly Olga Petra"
)
_FEMALE_PARTICLED = ("del Carmen", "de los Ángeles", "del Valle", "de Jesús")

# Hypocorisms: how a witness or a reporter may call a person (given name -> ways).
_HYPOCORISMS = {
    "José": ("Pepe", "Cheo", "Chepe"),
    "Jesús": ("Chucho", "Chuo", "Chuy"),
    "Francisco": ("Pancho", "Paco", "Chico"),
    "Rafael": ("Rafa", "Fello"),
    "Manuel": ("Manolo", "Lolo"),
    "Antonio": ("Toño", "Tony"),
    "Alejandro": ("Alex", "Jando"),
    "Alexander": ("Alex",),
    "Gregorio": ("Goyo",),
    "Eduardo": ("Lalo",),
    "Guillermo": ("Memo",),
    "Ignacio": ("Nacho",),
    "Roberto": ("Beto",),
    "Alberto": ("Beto",),
    "Enrique": ("Quique",),
    "Daniel": ("Dani",),
    "Fernando": ("Nando",),
    "Ricardo": ("Richi",),
    "Carlos": ("Carlitos",),
    "Luis": ("Lucho",),
    "María": ("Mari",),
    "Rosa": ("Rosita",),
    "Isabel": ("Chabela",),
    "Mercedes": ("Meche",),
    "Guadalupe": ("Lupe",),
    "Dolores": ("Lola",),
    "Josefina": ("Pina", "Fina"),
    "Gabriela": ("Gaby",),
    "Alejandra": ("Ale",),
    "Margarita": ("Margot",),
}
# Nicknames with no relation to the name (the press uses them; they cannot be resolved).
_NICKNAMES = ("el Flaco", "el Gocho", "el Negro", "el Catire", "el Chino", "la Flaca", "el Mono")

_STATES = {
    "Zulia": ("Maracaibo", "San Francisco", "Cabimas", "Lagunillas"),
    "Miranda": ("Sucre", "Chacao", "Baruta", "Guaicaipuro", "Plaza"),
    "Distrito Capital": ("Libertador",),
    "Carabobo": ("Valencia", "Guacara", "Puerto Cabello"),
    "Lara": ("Iribarren", "Palavecino", "Torres"),
    "Aragua": ("Girardot", "Mariño", "Zamora"),
    "Bolívar": ("Caroní", "Heres", "Sifontes"),
    "Anzoátegui": ("Sotillo", "Simón Bolívar", "Anaco"),
    "Táchira": ("San Cristóbal", "Cárdenas", "Junín"),
    "Mérida": ("Libertador", "Campo Elías", "Alberto Adriani"),
    "Sucre": ("Sucre", "Bermúdez", "Ribero"),
    "Monagas": ("Maturín", "Piar"),
    "Falcón": ("Miranda", "Carirubana"),
    "Barinas": ("Barinas", "Pedraza"),
    "Portuguesa": ("Guanare", "Páez"),
    "Trujillo": ("Valera", "Boconó"),
}
_STATE_WEIGHTS = np.array([14, 12, 11, 9, 7, 7, 6, 6, 5, 4, 4, 4, 3, 3, 3, 2], dtype=float)

_ONSETS = _words("b c d f g j l m n p r s t v z ch br cr gr pl tr ll qu")
_VOWELS = _words("a e i o u a e o")
_CODAS = ("", "", "", "n", "r", "s", "l", "z")
_SURNAME_ENDINGS = ("ez", "es", "ano", "ero", "illo", "ón", "ales", "era", "ado", "ega")


def _invented(rng: np.random.Generator, endings: tuple[str, ...], syllables: int) -> str:
    word = "".join(
        str(rng.choice(_ONSETS)) + str(rng.choice(_VOWELS)) + str(rng.choice(_CODAS))
        for _ in range(syllables)
    )
    return (word + str(rng.choice(endings))).capitalize()


def _zipf(n: int, s: float) -> np.ndarray:
    p = np.arange(1, n + 1, dtype=float) ** -s
    return p / p.sum()


@dataclass
class _NameModel:
    surnames: list[str]
    surname_p: np.ndarray
    male: list[str]
    male_p: np.ndarray
    female: list[str]
    female_p: np.ndarray


def _name_model(rng: np.random.Generator) -> _NameModel:
    def ranked(head: list[str], extra: tuple[str, ...], tail: int, endings: tuple[str, ...]):
        words = list(head)
        # Particled names sit in the middle of the ranking.
        for k, w in enumerate(extra):
            words.insert(25 + 9 * k, w)
        seen = {w.lower() for w in words}
        while len(words) < len(head) + len(extra) + tail:
            w = _invented(rng, endings, int(rng.integers(1, 3)))
            if w.lower() not in seen and len(w) >= 4:
                seen.add(w.lower())
                words.append(w)
        return words

    surnames = ranked(_SURNAME_HEAD, _SURNAME_PARTICLED, 4000, _SURNAME_ENDINGS)
    male = ranked(_MALE_HEAD, (), 700, ("o", "el", "er", "son", "ir", "an"))
    female = ranked(_FEMALE_HEAD, _FEMALE_PARTICLED, 700, ("a", "ia", "ela", "is", "ina", "ys"))
    return _NameModel(
        surnames,
        _zipf(len(surnames), 0.95),
        male,
        _zipf(len(male), 1.1),
        female,
        _zipf(len(female), 1.1),
    )


@dataclass
class _Person:
    pid: str
    sex: str
    given: list[str]
    surnames: list[str]
    birth: dt.date
    cedula: str | None
    state: str
    municipality: str
    event: dt.date
    visibility: float
    extra: dict[str, object] = field(default_factory=dict)


def _pick(rng: np.random.Generator, words: list[str], p: np.ndarray) -> str:
    return words[int(rng.choice(len(words), p=p))]


def _given_names(rng: np.random.Generator, model: _NameModel, sex: str) -> list[str]:
    words, p = (model.male, model.male_p) if sex == "M" else (model.female, model.female_p)
    first = _pick(rng, words, p)
    if rng.random() < 0.62:
        second = _pick(rng, words, p)
        if second != first:
            return [first, second]
    return [first]


def _cedula(rng: np.random.Generator, birth: dt.date) -> str:
    # Older people hold lower numbers, roughly as the registry issued them.
    base = 3_000_000 + (birth.year - 1940) * 420_000 + int(rng.integers(0, 420_000))
    return str(max(base, 1_000_000))


def _persons(rng: np.random.Generator, n: int, model: _NameModel) -> list[_Person]:
    states = list(_STATES)
    state_p = _STATE_WEIGHTS / _STATE_WEIGHTS.sum()
    persons: list[_Person] = []
    while len(persons) < n:
        sex = "M" if rng.random() < 0.78 else "F"
        surnames = [_pick(rng, model.surnames, model.surname_p) for _ in range(2)]
        state = states[int(rng.choice(len(states), p=state_p))]
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=int(rng.integers(0, 365 * 55)))
        event = dt.date(2014, 1, 1) + dt.timedelta(days=int(rng.integers(0, 365 * 6)))
        family = int(rng.choice([1, 2, 3], p=[0.86, 0.11, 0.03]))
        for member in range(min(family, n - len(persons))):
            if member == 0:
                m_sex, m_given, m_surnames, m_birth = sex, None, surnames, birth
            elif rng.random() < 0.3 and sex == "M":
                # A son named after his father: same given names and first surname.
                m_sex = "M"
                m_given = persons[-member].given
                m_surnames = [surnames[0], _pick(rng, model.surnames, model.surname_p)]
                m_birth = birth + dt.timedelta(days=int(rng.integers(365 * 19, 365 * 32)))
                if m_birth.year > 2004:
                    m_birth = birth - dt.timedelta(days=int(rng.integers(365 * 19, 365 * 30)))
            else:  # a sibling
                m_sex = "M" if rng.random() < 0.7 else "F"
                m_given, m_surnames = None, surnames
                m_birth = birth + dt.timedelta(days=int(rng.integers(-365 * 8, 365 * 8)))
            given = list(m_given) if m_given else _given_names(rng, model, m_sex)
            municipality = str(rng.choice(_STATES[state]))
            persons.append(
                _Person(
                    pid=f"T{len(persons) + 1:06d}",
                    sex=m_sex,
                    given=given,
                    surnames=list(m_surnames),
                    birth=m_birth,
                    cedula=_cedula(rng, m_birth),
                    state=state,
                    municipality=municipality,
                    event=event + dt.timedelta(days=int(rng.integers(0, 3))) if member else event,
                    visibility=float(rng.gamma(2.0, 0.5)),
                )
            )
    return persons


# ---- how each list writes a value ------------------------------------------------------


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


_CONFUSIONS = {
    "b": "v",
    "v": "b",
    "s": "z",
    "z": "s",
    "c": "s",
    "y": "i",
    "i": "y",
    "ll": "y",
    "n": "m",
    "m": "n",
    "r": "rr",
    "e": "a",
    "o": "u",
}


def _typo(rng: np.random.Generator, word: str) -> str:
    """One error of the kinds typists and transcribers make."""
    if len(word) < 4:
        return word
    kind = rng.choice(["transpose", "confuse", "drop", "double", "accent"])
    i = int(rng.integers(1, len(word) - 1))
    if kind == "transpose":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "confuse":
        for a, b in _CONFUSIONS.items():
            at = word.lower().find(a, 1)
            if at > 0:
                return word[:at] + b + word[at + len(a) :]
        return word
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    return _strip_accents(word)


def _maybe_typo(rng: np.random.Generator, word: str, rate: float) -> str:
    return _typo(rng, word) if rng.random() < rate else word


def _birth_year(rng: np.random.Generator, person: _Person, wrong: float) -> int:
    year = person.birth.year
    if rng.random() < wrong:
        year += int(rng.choice([-1, 1]))
    return year


def _ong(rng: np.random.Generator, p: _Person, rid: int) -> dict[str, object]:
    given = [_maybe_typo(rng, g, 0.03) for g in p.given]
    if len(given) == 2 and rng.random() < 0.15:
        given = given[:1]
    surnames = [_maybe_typo(rng, s, 0.05) for s in p.surnames]
    second = surnames[1] if rng.random() > 0.15 else None
    birth = p.birth.isoformat() if rng.random() < 0.7 else None
    if birth is None and rng.random() < 0.4:
        birth = str(_birth_year(rng, p, 0.1))
    cedula = p.cedula if rng.random() < 0.72 else None
    if cedula and rng.random() < 0.03:
        i = int(rng.integers(0, len(cedula)))
        cedula = cedula[:i] + str(int(rng.integers(0, 10))) + cedula[i + 1 :]
    return {
        "source_id": "ONG",
        "record_id": f"ONG-{rid:05d}",
        "given_names": " ".join(given),
        "first_surname": surnames[0],
        "second_surname": second,
        "id_number": cedula,
        "birth_date": birth,
        "sex": "Masculino" if p.sex == "M" else "Femenino",
        "state": p.state if rng.random() < 0.95 else None,
        "event_date": p.event.isoformat(),
    }


def _oficial(rng: np.random.Generator, p: _Person, rid: int) -> dict[str, object]:
    given = " ".join(_maybe_typo(rng, g, 0.02) for g in p.given)
    surnames = " ".join(_maybe_typo(rng, s, 0.03) for s in p.surnames)
    name = f"{surnames}, {given}" if rng.random() < 0.6 else f"{given} {surnames}"
    cedula = None
    if rng.random() < 0.93:
        digits = p.cedula or ""
        dotted = f"{int(digits):,}".replace(",", ".")
        cedula = "V-" + (dotted if rng.random() < 0.5 else digits)
    place = p.state if rng.random() < 0.6 else f"{p.municipality}, {p.state}"
    event = p.event + dt.timedelta(days=int(rng.integers(0, 2)))
    return {
        "source_id": "OFICIAL",
        "record_id": f"OF-{rid:05d}",
        "full_name": _strip_accents(name).upper(),
        "id_number": cedula,
        "birth_date": p.birth.strftime("%d/%m/%Y") if rng.random() < 0.9 else None,
        "sex": p.sex,
        "state": _strip_accents(place).upper(),
        "event_date": event.strftime("%d/%m/%Y"),
    }


def _spoken_given(rng: np.random.Generator, p: _Person) -> str:
    """The given name a witness or reporter uses: the first, the second, or a hypocorism."""
    roll = rng.random()
    if len(p.given) == 2 and roll < 0.18:
        return p.given[1]
    if roll < 0.32 and p.given[0] in _HYPOCORISMS:
        return str(rng.choice(_HYPOCORISMS[p.given[0]]))
    if len(p.given) == 2 and roll < 0.45:
        return " ".join(p.given)
    return p.given[0]


def _written_name(rng: np.random.Generator, p: _Person, typo: float) -> str:
    surnames = [_maybe_typo(rng, s, typo) for s in p.surnames]
    shown = surnames[:1] if rng.random() < 0.6 else surnames
    given = _spoken_given(rng, p)
    if rng.random() < 0.06:
        nick = str(rng.choice(_NICKNAMES))
        return f'"{nick}" {" ".join(shown)}' if rng.random() < 0.5 else f"{given} {shown[0]}"
    return f"{given} {' '.join(shown)}"


def _prensa(rng: np.random.Generator, p: _Person, rid: int) -> dict[str, object]:
    roll = rng.random()
    birth = str(_birth_year(rng, p, 0.2)) if roll < 0.35 else None
    return {
        "source_id": "PRENSA",
        "record_id": f"PR-{rid:05d}",
        "full_name": _written_name(rng, p, 0.06),
        "birth_date": birth,
        "state": p.state if rng.random() < 0.85 else None,
    }


def _testimonio(rng: np.random.Generator, p: _Person, rid: int) -> dict[str, object]:
    birth = str(_birth_year(rng, p, 0.15)) if rng.random() < 0.4 else None
    place = p.state if rng.random() < 0.55 else f"{p.municipality}, {p.state}"
    return {
        "source_id": "TESTIMONIO",
        "record_id": f"TE-{rid:05d}",
        "full_name": _written_name(rng, p, 0.08),
        "birth_date": birth,
        "state": place if rng.random() < 0.9 else None,
    }


_WRITERS = {"ONG": _ong, "OFICIAL": _oficial, "PRENSA": _prensa, "TESTIMONIO": _testimonio}
_CAPTURE = {"ONG": 0.55, "OFICIAL": 0.48, "PRENSA": 0.33, "TESTIMONIO": 0.38}
_COLUMNS = (
    "source_id",
    "record_id",
    "full_name",
    "given_names",
    "first_surname",
    "second_surname",
    "id_number",
    "birth_date",
    "sex",
    "state",
    "event_date",
    "true_person_id",
)


def generate(persons: int = 8000, seed: int = TUNING_SEED) -> pl.DataFrame:
    """Four lists of the same synthetic population, with ``true_person_id``.

    Every person is in at least one list (a list of documented victims); capture depends on
    a person's visibility (heterogeneous), and the press repeats some persons.
    """
    rng = np.random.default_rng(seed)
    model = _name_model(rng)
    people = _persons(rng, persons, model)
    rows: list[dict[str, object]] = []
    counters = dict.fromkeys(_WRITERS, 0)
    for p in people:
        chosen = [s for s, c in _CAPTURE.items() if rng.random() < min(0.95, c * p.visibility)]
        if not chosen:
            chosen = [str(rng.choice(list(_CAPTURE), p=[0.35, 0.25, 0.2, 0.2]))]
        for source in chosen:
            repeats = 1 + int(source == "PRENSA" and rng.random() < 0.15)
            for _ in range(repeats):
                counters[source] += 1
                row = _WRITERS[source](rng, p, counters[source])
                row["true_person_id"] = p.pid
                rows.append(row)
    order = rng.permutation(len(rows))
    data = {c: [rows[i].get(c) for i in order] for c in _COLUMNS}
    return pl.DataFrame(data, schema=dict.fromkeys(_COLUMNS, pl.Utf8))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=8000)
    parser.add_argument("--seed", type=int, default=TUNING_SEED)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    frame = generate(args.persons, args.seed)
    frame.write_csv(args.out)
    print(f"{frame.height} records of {frame['true_person_id'].n_unique()} persons -> {args.out}")


if __name__ == "__main__":
    main()
