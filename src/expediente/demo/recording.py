"""How each source writes down what it captured: its recording style and its errors.

A source's ``style`` decides the shape of its records — ``official`` lists write
``PEREZ GONZALEZ, JOSE GREGORIO`` and ``V-12.345.678``; ``ngo`` lists keep accents, split
name fields and digits-only cédulas, sometimes a birth year only; ``press`` gives one given
name and one surname or a nickname and an age; ``testimony`` sources give nicknames and
month/year dates; ``form`` (public submissions) is free text in any case. Its ``errors``
give per-record probabilities of typos, dropped or swapped surnames, dropped second given
names, dropped accents and wrong or missing ID numbers.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from expediente.demo.case import SYNTHETIC_NOTE
from expediente.demo.population import TruePerson
from expediente.demo.spelling import digit_slip, strip_accents, typo
from expediente.demo.timeline import years_between
from expediente.demo.victimisation import TrueAct

VICTIM_HEADER = (
    "record_id",
    "full_name",
    "given_names",
    "first_surname",
    "second_surname",
    "nickname",
    "id_number",
    "birth_date",
    "age",
    "sex",
    "occupation",
    "affiliation",
    "phone",
    "address",
    "state",
    "notes",
    "synthetic",
)
ACT_HEADER = (
    "record_id",
    "victim_record_id",
    "event_code",
    "act_type",
    "methods",
    "date",
    "location_code",
    "outcome",
    "unit_code",
    "perpetrator_record_id",
    "involvement",
    "weight_lost_kg",
    "days_incommunicado",
    "cell_depth_m",
    "description",
    "synthetic",
)
TESTIMONY_HEADER = (
    "record_id",
    "witness_record_id",
    "witness_name",
    "witness_phone",
    "date",
    "language",
    "interviewer",
    "consent_scope",
    "narrative",
    "act_record_ids",
    "synthetic",
)
# How precisely each style dates an act: (day, month, year) weights.
_DATE_PRECISION = {
    "ngo": (80, 15, 5),
    "official": (97, 3, 0),
    "press": (90, 10, 0),
    "testimony": (35, 50, 15),
    "form": (30, 50, 20),
}
_UNIT_ATTRIBUTION = {  # (true unit, parent unit, blank) weights; the rest is a wrong unit
    "ngo": (60, 18, 18),
    "official": (20, 5, 75),
    "press": (40, 30, 27),
    "testimony": (70, 12, 15),
    "form": (40, 20, 35),
}
_CONSENTS = (
    "consent.audio",
    "consent.share_icc",
    "consent.share_un",
    "consent.share_oas",
    "consent.share_national",
    "consent.share_lawyers",
    "consent.publish_anonymised",
    "consent.future_contact",
    "consent.medical",
)


@dataclass(slots=True)
class WrittenName:
    """A name as one source writes it."""

    given: str
    first: str
    second: str
    nickname: str
    full: str = ""


class Recorder:
    """Renders one source's view of its captured victims and their acts."""

    def __init__(
        self,
        source: dict[str, Any],
        rng: random.Random,
        parents: dict[str, str],
        unit_parents: dict[str, str],
        unit_codes: list[str],
    ) -> None:
        self.source = source
        self.style: str = source["style"]
        self.errors: dict[str, float] = source.get("errors", {})
        self.rng = rng
        self.parents = parents
        self.unit_parents = unit_parents
        self.unit_codes = unit_codes
        self.error_counts: dict[str, int] = {}

    def _err(self, kind: str) -> bool:
        hit = self.rng.random() < self.errors.get(kind, 0.0)
        if hit:
            self.error_counts[kind] = self.error_counts.get(kind, 0) + 1
        return hit

    # -- people --------------------------------------------------------------------------

    def written_name(self, person: TruePerson) -> WrittenName:
        """Apply the source's name errors to the true name."""
        rng = self.rng
        given, first, second = person.given_names, person.first_surname, person.second_surname
        if " " in given and self._err("drop_second_given"):
            tokens = given.split()
            # Usually the first name survives; some people go by their second (Gregorio).
            given = tokens[0] if rng.random() < 0.8 else tokens[-1]
        if self._err("swap_surnames"):
            first, second = second, first
        if self._err("drop_second_surname"):
            second = ""
        if self._err("typo"):
            which = rng.randrange(3)
            if which == 0:
                given = typo(given, rng)
            elif which == 1:
                first = typo(first, rng)
            else:
                second = typo(second, rng)
        nickname = person.nickname
        if self._err("drop_accents"):
            given, first, second, nickname = (
                strip_accents(given),
                strip_accents(first),
                strip_accents(second),
                strip_accents(nickname),
            )
        return WrittenName(given, first, second, nickname)

    def id_number(self, person: TruePerson) -> str:
        """The cédula as the source writes it, or '' when it has none."""
        if self._err("id_missing"):
            return ""
        digits = str(person.id_digits)
        if self._err("id_typo"):
            digits = digit_slip(digits, self.rng)
        dotted = f"{int(digits):,}".replace(",", ".")
        nat = person.nationality
        style = self.style
        if style == "official":
            return f"{nat}-{dotted}"
        if style == "ngo":
            return digits if self.rng.random() < 0.8 else f"{nat}-{dotted}"
        if style == "testimony":
            return self.rng.choice((f"{nat}{digits}", dotted, f"{nat}-{dotted}"))
        return self.rng.choice((f"{nat}-{digits}", dotted, f"{nat.lower()}{digits}", digits))

    def birth_date(self, person: TruePerson, raw: bool = False) -> str:
        """The birth date at the source's precision: full, year only or missing."""
        if self._err("birth_missing"):
            return ""
        born = person.birth_date
        if self._err("birth_year_only"):
            return f"{born.year:04d}"
        return f"{born.day:02d}/{born.month:02d}/{born.year:04d}" if raw else born.isoformat()

    def victim_row(self, record_id: str, person: TruePerson) -> tuple[str, ...]:
        """One row of the standard ``victims`` table."""
        rng = self.rng
        style = self.style
        name = self.written_name(person)
        full = given = first = second = nickname = ""
        if style == "official":
            surnames = f"{name.first} {name.second}".strip()
            full = strip_accents(f"{surnames}, {name.given}").upper()
        elif style == "press":
            if name.nickname and self._err("nickname_only"):
                full = f"{name.nickname} {name.first}"
            else:
                full = f"{name.given.split()[0] if rng.random() < 0.7 else name.given} {name.first}"
                if name.second and rng.random() < 0.3:
                    full += f" {name.second}"
            nickname = name.nickname if rng.random() < 0.3 else ""
        elif style == "testimony" and name.nickname and self._err("nickname_in_name"):
            full = f"{name.given} «{name.nickname}» {name.first} {name.second}".strip()
        else:
            given, first, second = name.given, name.first, name.second
            share = {"ngo": 0.25, "testimony": 0.6}.get(style, 0.3)
            nickname = name.nickname if rng.random() < share else ""
        sex = f"sex.{person.sex}"
        if style == "press" and rng.random() < 0.3:
            sex = ""
        age = ""
        if style == "press" or (style in ("ngo", "testimony") and rng.random() < 0.5):
            years = years_between(person.birth_date, person.episode)
            age = str(years + (rng.choice((-1, 1)) if rng.random() < 0.05 else 0))
        occupation = person.occupation if rng.random() < 0.6 else ""
        if style == "official":
            occupation = strip_accents(occupation).upper() if rng.random() < 0.5 else ""
        affiliation = (
            person.affiliation if style in ("ngo", "testimony") and rng.random() < 0.5 else ""
        )
        phone = person.phone if style == "testimony" and rng.random() < 0.5 else ""
        address = person.address if style == "official" and rng.random() < 0.5 else ""
        if address:
            address = strip_accents(address).upper()
        state = person.state if rng.random() < (0.6 if style == "press" else 0.92) else ""
        id_number = "" if style == "press" else self.id_number(person)
        birth = "" if style == "press" else self.birth_date(person)
        return (
            record_id,
            full,
            given,
            first,
            second,
            nickname,
            id_number,
            birth,
            age,
            sex,
            occupation,
            affiliation,
            phone,
            address,
            state,
            SYNTHETIC_NOTE,
            SYNTHETIC_NOTE,
        )

    # -- acts ----------------------------------------------------------------------------

    def act_date(self, act: TrueAct, raw: bool = False) -> str:
        """The date of an act at the source's precision, sometimes slightly wrong."""
        rng = self.rng
        start = act.start
        if rng.random() < 0.04:
            start = start + dt.timedelta(days=rng.choice((-3, -2, -1, 1, 2, 5)))
        precision = rng.choices(("day", "month", "year"), _DATE_PRECISION[self.style])[0]
        if raw:
            if precision == "day":
                return f"{start.day:02d}/{start.month:02d}/{start.year:04d}"
            if precision == "month":
                return f"{start.month:02d}/{start.year:04d}"
            return f"{start.year:04d}"
        text = {"day": start.isoformat(), "month": start.isoformat()[:7], "year": str(start.year)}[
            precision
        ]
        if act.end is not None and act.end > start and self.style == "ngo" and rng.random() < 0.4:
            text = f"{start.isoformat()}/{act.end.isoformat()}"
        return text

    def unit_code(self, act: TrueAct) -> str:
        """The perpetrator unit as the source attributes it (or not)."""
        rng = self.rng
        weights = _UNIT_ATTRIBUTION[self.style]
        roll = rng.random() * 100
        if roll < weights[0]:
            return act.unit
        if roll < weights[0] + weights[1]:
            return self.unit_parents.get(act.unit) or act.unit
        if roll < sum(weights):
            return ""
        return rng.choice(self.unit_codes)  # a wrong attribution

    def location_code(self, act: TrueAct) -> str:
        """The place of an act as precisely as the source knows it."""
        rng = self.rng
        code = act.location
        keep = {"ngo": 0.7, "testimony": 0.85, "official": 0.4, "press": 0.3, "form": 0.2}[
            self.style
        ]
        while rng.random() > keep and self.parents.get(code):
            parent = self.parents[code]
            if parent == "VE":
                break
            code = parent
            keep = 0.6
        return code

    def act_row(self, record_id: str, victim_record_id: str, act: TrueAct) -> tuple[str, ...]:
        """One row of the standard ``acts`` table."""
        rng = self.rng
        style = self.style
        act_type = act.act_type
        if act_type == "act.torture" and style in ("press", "official") and rng.random() < 0.2:
            act_type = "act.ill_treatment"  # underreported as ill-treatment
        methods = ""
        if act.methods:
            if style == "testimony":
                methods = ";".join(act.methods)
            elif style == "ngo":
                methods = ";".join(m for m in act.methods if rng.random() < 0.7)
            elif rng.random() < 0.2:
                methods = act.methods[0]
        outcome = (
            act.outcome
            if act.outcome and rng.random() < (0.6 if style == "official" else 0.85)
            else ""
        )
        unit = self.unit_code(act)
        perpetrator = act.perpetrator if style == "testimony" and rng.random() < 0.6 else ""
        involvement = ""
        if unit or perpetrator:
            involvement = "involvement.suspected" if style == "press" else "involvement.direct"
        measured = {"testimony": 0.8, "ngo": 0.5}.get(style, 0.0)
        weight = ""
        if act.weight_lost_kg is not None and rng.random() < measured:
            weight = (
                f"{round(act.weight_lost_kg):d}"
                if style == "testimony"
                else f"{act.weight_lost_kg:.1f}"
            )
        days = ""
        if act.days_incommunicado is not None and rng.random() < measured + 0.1:
            days = str(act.days_incommunicado)
        depth = ""
        if act.cell_depth_m is not None and rng.random() < measured:
            depth = (
                f"{5 * round(act.cell_depth_m / 5):d}"
                if style == "testimony"
                else f"{act.cell_depth_m:.1f}"
            )
        event = (
            act.event
            if act.event and rng.random() < {"ngo": 0.5, "press": 0.6}.get(style, 0.3)
            else ""
        )
        description = ""
        if style in ("press", "official") and rng.random() < 0.5:
            description = f"Hecho registrado por la fuente ({style}); datos ficticios."
        return (
            record_id,
            victim_record_id,
            event,
            act_type,
            methods,
            self.act_date(act),
            self.location_code(act),
            outcome,
            unit,
            perpetrator,
            involvement,
            weight,
            days,
            depth,
            description,
            SYNTHETIC_NOTE,
        )

    # -- testimonies ---------------------------------------------------------------------

    def consent_scope(self) -> str:
        """The consents a witness gave: always the interview, then a random subset."""
        chosen = ["consent.interview"] + [c for c in _CONSENTS if self.rng.random() < 0.4]
        return ";".join(chosen)

    # -- raw spreadsheets ----------------------------------------------------------------

    def raw_victim_fields(self, record_id: str, person: TruePerson, act: TrueAct) -> dict[str, str]:
        """Canonical field values of a one-act-per-row list, before its raw layout is applied."""
        rng = self.rng
        name = self.written_name(person)
        fields: dict[str, str] = {"record_id": record_id, "notes": SYNTHETIC_NOTE}
        if self.style == "official":
            surnames = f"{name.first} {name.second}".strip()
            fields["full_name"] = strip_accents(f"{surnames}, {name.given}").upper()
            if rng.random() < 0.5:
                fields["address"] = strip_accents(person.address).upper()
        elif self.style == "form":
            full = f"{name.given} {name.first} {name.second}".strip()
            fields["full_name"] = rng.choice((full.lower(), full, full.upper(), full.title()))
            fields["phone"] = person.phone if rng.random() < 0.8 else ""
        else:
            fields.update(
                given_names=name.given,
                first_surname=name.first,
                second_surname=name.second,
                nickname=name.nickname if rng.random() < 0.3 else "",
                occupation=person.occupation if rng.random() < 0.6 else "",
            )
            if rng.random() < 0.5:
                fields["age"] = str(years_between(person.birth_date, person.episode))
        fields["id_number"] = self.id_number(person)
        fields["birth_date"] = self.birth_date(person, raw=True)
        fields["sex"] = f"sex.{person.sex}" if rng.random() < 0.97 else ""
        fields["state"] = person.state if rng.random() < 0.9 else ""
        fields["act_type"] = act.act_type
        fields["date"] = self.act_date(act, raw=True)
        fields["outcome"] = act.outcome if rng.random() < 0.8 else ""
        if act.methods and self.style != "official":
            fields["methods"] = ";".join(m for m in act.methods if rng.random() < 0.7)
        if self.style != "official":
            fields["unit_code"] = self.unit_code(act)
        fields["location_code"] = self.location_code(act)
        return fields
