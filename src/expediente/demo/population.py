"""The true victim population: who suffered what, documented by any source or not."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from itertools import accumulate

from expediente.demo.resources import load_data
from expediente.demo.timeline import Timeline


@dataclass(slots=True)
class TruePerson:
    """One true victim with their real identity (all invented)."""

    person_id: str
    profile: str
    sex: str  # "female" | "male"
    given_names: str
    first_surname: str
    second_surname: str
    nickname: str
    birth_date: dt.date
    nationality: str  # "V" (national) | "E" (foreign resident)
    id_digits: int
    state: str
    municipality: str
    visibility: float
    occupation: str
    affiliation: str
    episode: dt.date  # when the person's first act happened
    address: str
    phone: str


def _zipf(n: int, exponent: float = 0.9) -> list[float]:
    """Cumulative Zipf-like weights for a frequency-ordered list of length `n`."""
    return list(accumulate(1.0 / (k + 1) ** exponent for k in range(n)))


class NameBook:
    """Samples realistic Spanish names from the data lists."""

    def __init__(self) -> None:
        names = load_data("names")
        self.given = {"female": list(names["given_female"]), "male": list(names["given_male"])}
        self.compound = {
            "female": list(names["compound_female"]),
            "male": list(names["compound_male"]),
        }
        self.compound_share = dict(names["compound_share"])
        self.surnames = list(dict.fromkeys(names["surnames"]))
        self.particles = list(names["particle_surnames"])
        self.particle_share = float(names["particle_share"])
        self.nicknames: dict[str, list[str]] = names["nicknames"]
        self.street = list(names["street_nicknames"])
        self._cum = {
            key: _zipf(len(values))
            for key, values in {
                "female": self.given["female"],
                "male": self.given["male"],
                "cfemale": self.compound["female"],
                "cmale": self.compound["male"],
                "surnames": self.surnames,
            }.items()
        }

    def given_names(self, sex: str, rng: random.Random) -> str:
        """One or two given names ('María de los Ángeles', 'José Gregorio', 'Luis')."""
        if rng.random() < self.compound_share[sex]:
            return rng.choices(self.compound[sex], cum_weights=self._cum["c" + sex])[0]
        first = rng.choices(self.given[sex], cum_weights=self._cum[sex])[0]
        if rng.random() < 0.25:  # two separate given names, drawn independently
            second = rng.choices(self.given[sex], cum_weights=self._cum[sex])[0]
            if second != first:
                return f"{first} {second}"
        return first

    def surname(self, rng: random.Random) -> str:
        """One surname, sometimes with a particle ('de la Cruz')."""
        if rng.random() < self.particle_share:
            return rng.choice(self.particles)
        return rng.choices(self.surnames, cum_weights=self._cum["surnames"])[0]

    def nickname(self, given_names: str, sex: str, rng: random.Random) -> str:
        """A nickname the person is known by, or '' (most people have none on record)."""
        options = self.nicknames.get(given_names) or self.nicknames.get(given_names.split()[0])
        if options and rng.random() < 0.55:
            return rng.choice(options)
        if rng.random() < 0.08:
            street = rng.choice(self.street)
            if sex == "female" and street.startswith("El "):
                street = "La " + street[3:-1] + ("a" if street.endswith("o") else street[-1])
            return street
        return ""


def _phone(rng: random.Random) -> str:
    # Mobile prefixes of the country with a fixed 555 block: visibly synthetic numbers.
    prefix = rng.choice(("0412", "0414", "0416", "0424", "0426"))
    return f"{prefix}-555-{rng.randrange(10000):04d}"


def sample_population(
    count: int, rng: random.Random, timeline: Timeline, names: NameBook
) -> list[TruePerson]:
    """Draw `count` true victims with their identities, places, profiles and first-act dates."""
    scenario = load_data("scenario")
    places = load_data("places")
    profiles: dict[str, dict] = scenario["profiles"]
    profile_names = list(profiles)
    profile_cum = list(accumulate(float(p["share"]) for p in profiles.values()))
    states = places["states"]
    state_cum = list(accumulate(float(s["weight"]) for s in states))
    capital = [s for s in states if s["code"] in ("VE-A", "VE-M")]
    capital_bias: dict[str, float] = scenario.get("capital_bias", {})
    people: list[TruePerson] = []
    for index in range(count):
        profile_name = rng.choices(profile_names, cum_weights=profile_cum)[0]
        profile = profiles[profile_name]
        sex = "female" if rng.random() < float(profile["female_share"]) else "male"
        given = names.given_names(sex, rng)
        first = names.surname(rng)
        second = names.surname(rng)
        while second == first and rng.random() < 0.9:  # same two surnames happen, rarely
            second = names.surname(rng)
        if rng.random() < capital_bias.get(profile_name, 0.0):
            state = rng.choice(capital)
        else:
            state = rng.choices(states, cum_weights=state_cum)[0]
        municipality = rng.choice(state["municipalities"])
        episode = timeline.sample_day(rng)
        low, high = profile["age"]
        age = rng.randint(int(low), int(high))
        birth = episode - dt.timedelta(days=int(age * 365.25) + rng.randrange(365))
        foreign = bool(profile.get("foreign"))
        if foreign:
            digits = 80_000_000 + rng.randrange(4_500_000)
        else:
            # Cédula numbers grow with the year of birth (issued in sequence).
            centre = 550_000 * (birth.year - 1950) + 1_000_000
            digits = max(600_000, int(centre + rng.uniform(-1_200_000, 1_200_000)))
        occupation = rng.choice(profile["occupations"])
        if "|" in occupation:
            male_form, female_form = occupation.split("|")
            occupation = female_form if sex == "female" else male_form
        people.append(
            TruePerson(
                person_id=f"P-{index + 1:06d}",
                profile=profile_name,
                sex=sex,
                given_names=given,
                first_surname=first,
                second_surname=second,
                nickname=names.nickname(given, sex, rng),
                birth_date=birth,
                nationality="E" if foreign else "V",
                id_digits=digits,
                state=state["code"],
                municipality=municipality,
                visibility=rng.gauss(float(profile["visibility"]), 1.0),
                occupation=occupation,
                affiliation=str(profile["affiliation"]),
                episode=episode,
                address=f"Calle {rng.randint(1, 40)}, casa {rng.randint(1, 120)}, {municipality}",
                phone=_phone(rng),
            )
        )
    return people
