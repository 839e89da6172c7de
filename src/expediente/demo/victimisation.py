"""The true acts: what each true victim suffered, when, where and at the hands of which unit."""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass
from itertools import accumulate

from expediente.demo.population import TruePerson
from expediente.demo.resources import load_data
from expediente.demo.structure import REGIONAL_FAMILIES, Structure

# Most serious first: a source that keeps one act per person keeps the most serious one.
SEVERITY = (
    "act.killing.in_custody",
    "act.killing.extrajudicial",
    "act.killing.protest",
    "act.disappearance.enforced",
    "act.torture",
    "act.sexual.rape",
    "act.sexual.violence",
    "act.detention.incommunicado",
    "act.disappearance.short_term",
    "act.detention.arbitrary",
    "act.deportation",
    "act.forced_displacement",
    "act.ill_treatment",
    "act.sexual.forced_nudity",
    "act.denial_medical_care",
    "act.raid",
    "act.persecution.political",
    "act.threat",
    "act.surveillance",
)
SEVERITY_RANK = {act: rank for rank, act in enumerate(SEVERITY)}

# Methods each family of units uses, with relative frequency (invented for the demo).
_METHODS = {
    "DIE": {
        "method.beating": 5,
        "method.asphyxiation": 3,
        "method.electric_shock": 3,
        "method.isolation": 3,
        "method.sensory_deprivation": 3,
        "method.sleep_deprivation": 2,
        "method.threats": 4,
        "method.cold_exposure": 2,
        "method.stress_position": 2,
        "method.suspension": 1,
        "method.forced_nudity": 1,
        "method.witnessing_torture": 1,
        "method.mock_execution": 1,
        "method.pharmacological": 0.5,
    },
    "DCM": {
        "method.beating": 5,
        "method.asphyxiation": 4,
        "method.electric_shock": 4,
        "method.suspension": 2,
        "method.stress_position": 2,
        "method.water": 1,
        "method.starvation": 2,
        "method.isolation": 3,
        "method.threats": 3,
        "method.burning": 1,
        "method.cold_exposure": 1,
        "method.mock_execution": 1,
        "method.sexual_violence": 0.5,
    },
    "OTHER": {
        "method.beating": 6,
        "method.threats": 3,
        "method.asphyxiation": 1,
        "method.electric_shock": 1,
        "method.stress_position": 1,
        "method.forced_nudity": 1,
        "method.burning": 0.5,
        "method.sexual_violence": 0.5,
    },
}
_END = dt.date(2019, 12, 31)


@dataclass(slots=True)
class TrueAct:
    """One act that really happened to one true victim."""

    act_id: str
    person: int  # index into the population
    act_type: str
    start: dt.date
    end: dt.date | None
    location: str
    unit: str
    event: str = ""
    methods: tuple[str, ...] = ()
    outcome: str = ""
    weight_lost_kg: float | None = None
    days_incommunicado: int | None = None
    cell_depth_m: float | None = None
    perpetrator: str = ""  # record_id of a perpetrator person in the structure
    involvement: str = "involvement.direct"

    @property
    def severity(self) -> int:
        """Rank of the act type, 0 = most serious."""
        return SEVERITY_RANK[self.act_type]


def family(unit: str) -> str:
    """The family of a unit code: ``DIE``, ``DCM`` or ``OTHER``."""
    head = unit.split("-")[0]
    return head if head in ("DIE", "DCM") else "OTHER"


class ActGenerator:
    """Draws each victim's trajectory of acts."""

    def __init__(self, structure: Structure, rng: random.Random) -> None:
        self.st = structure
        self.rng = rng
        scenario = load_data("scenario")
        self.profiles = scenario["profiles"]
        self._choices = {
            name: {
                key: (list(weights), list(accumulate(float(w) for w in weights.values())))
                for key, weights in (("trajectories", p["trajectories"]), ("units", p["units"]))
            }
            for name, p in self.profiles.items()
        }
        self._methods = {
            fam: (list(weights), list(accumulate(weights.values())))
            for fam, weights in _METHODS.items()
        }
        self.acts: list[TrueAct] = []

    def _pick(self, profile: str, key: str) -> str:
        options, cum = self._choices[profile][key]
        return self.rng.choices(options, cum_weights=cum)[0]

    def _add(self, person: int, act_type: str, start: dt.date, **fields: object) -> TrueAct:
        act = TrueAct(
            act_id=f"TA-{len(self.acts) + 1:07d}",
            person=person,
            act_type=act_type,
            start=min(start, _END),
            **fields,  # type: ignore[arg-type]
        )
        if act.end is not None:
            act.end = min(max(act.end, act.start), _END)
        self.acts.append(act)
        return act

    def generate(self, people: list[TruePerson]) -> list[TrueAct]:
        """Draw the acts of every victim; returns all true acts in victim order."""
        for index, person in enumerate(people):
            trajectory = self._pick(person.profile, "trajectories")
            unit = self._pick(person.profile, "units")
            if unit in REGIONAL_FAMILIES:
                unit = self.st.regional_unit(unit, person.state)
            getattr(self, f"_{trajectory}")(index, person, unit)
        return self.acts

    # -- places and events -------------------------------------------------------------

    def _muni(self, person: TruePerson) -> str:
        return self.st.municipality_codes[(person.state, person.municipality)]

    def _event(self, kind: str, person: TruePerson, share: float) -> tuple[str, dt.date, str]:
        """An event in the person's state (protest or raid), or the person's own place."""
        events = self.st.events.get((kind, person.state))
        if events and self.rng.random() < share:
            return self.rng.choice(events)
        suffix = "PZ" if kind == "protest" else "BR"
        return "", person.episode, self.st.site(self._muni(person), suffix)

    def _detention_site(self, person: TruePerson, unit: str) -> tuple[str, float | None]:
        """Where a unit holds its detainees; the depth when it is an underground cell."""
        rng = self.rng
        fam = family(unit)
        if fam == "DIE" and unit != "DIE-REG":
            underground = 0.45 if person.profile == "opposition" else 0.2
            sites = self.st.detention_sites["DIE-CUS"] + self.st.detention_sites["DIE-INV"]
            if rng.random() < underground:
                site = next(s for s in sites if s.get("underground"))
            else:
                site = rng.choice([s for s in sites if not s.get("underground")])
        elif fam == "DIE":
            site = rng.choice(self.st.detention_sites["DIE-REG"])
        elif fam == "DCM":
            site = rng.choice(self.st.detention_sites["DCM-CUS"])
        else:
            local = [
                s
                for s in self.st.detention_sites.get(unit, [])
                if s["code"].startswith(person.state + "-")
            ]
            if unit == "CPN-FAE" and person.state == "VE-A":
                local = self.st.detention_sites["CPN-FAE"]
            if not local:
                return self.st.site(self._muni(person), "CP"), None
            site = rng.choice(local)
        if site.get("underground"):
            low, high = site["depth_m"]
            return site["code"], round(rng.uniform(low, high) * 2) / 2
        return site["code"], None

    def _custodian(self, unit: str) -> str:
        """The unit that tortures in custody: the arresting unit or the one running the site."""
        fam = family(unit)
        if fam == "DIE" and unit != "DIE-REG":
            return self.rng.choice(("DIE-INV", "DIE-INV", "DIE-CUS"))
        if fam == "DCM":
            return self.rng.choice(("DCM-INV", "DCM-CUS", unit))
        return unit

    def _agent(self, unit: str, share: float) -> str:
        agents = self.st.agents.get(unit)
        if agents and self.rng.random() < share:
            return self.rng.choice(agents)[0]
        return ""

    def _methods_for(self, unit: str, underground: bool) -> tuple[str, ...]:
        options, cum = self._methods[family(unit)]
        count = 1
        while count < 6 and self.rng.random() < 0.55:
            count += 1
        chosen = set(self.rng.choices(options, cum_weights=cum, k=count))
        if underground:
            chosen |= {"method.underground_cell", "method.isolation", "method.sensory_deprivation"}
        return tuple(sorted(chosen))

    # -- trajectories ------------------------------------------------------------------

    def _detention_torture(self, i: int, person: TruePerson, unit: str) -> None:
        rng = self.rng
        event, start = "", person.episode
        if person.profile in ("student", "protester", "journalist") and rng.random() < 0.6:
            event, start, _ = self._event("protest", person, 0.8)
        site, depth = self._detention_site(person, unit)
        fam = family(unit)
        mean_log = 4.0 if fam in ("DIE", "DCM") else 1.2
        days = max(1, int(math.exp(rng.gauss(mean_log, 1.1))))
        end: dt.date | None = start + dt.timedelta(days=days)
        high_profile = person.profile in ("opposition", "journalist", "defender", "military")
        killed = rng.random() < (0.03 if fam in ("DIE", "DCM") else 0.008)
        if killed:
            outcome = "outcome.killed"
        elif end is not None and end > _END:
            outcome, end = "outcome.still_detained", None
        elif rng.random() < (0.3 if high_profile else 0.08):
            outcome = "outcome.exiled"
        else:
            outcome = "outcome.released"
        detention = self._add(
            i,
            "act.detention.arbitrary",
            start,
            end=end,
            location=site,
            unit=unit,
            event=event,
            outcome=outcome,
        )
        held = ((end or _END) - start).days
        if rng.random() < (0.8 if fam in ("DIE", "DCM") else 0.35):
            incommunicado = max(1, min(held, int(rng.expovariate(1 / 12)) + 1))
            self._add(
                i,
                "act.detention.incommunicado",
                start,
                end=start + dt.timedelta(days=incommunicado),
                location=site,
                unit=unit,
                days_incommunicado=incommunicado,
            )
        if rng.random() < 0.12:
            gone = rng.randint(1, 7)
            self._add(
                i,
                "act.disappearance.short_term",
                start,
                end=start + dt.timedelta(days=gone),
                location=site,
                unit=unit,
                days_incommunicado=gone,
            )
        if rng.random() < 0.5:
            self._add(i, "act.ill_treatment", start, end=None, location=site, unit=unit)
        custodian = self._custodian(unit)
        if rng.random() < (0.75 if fam in ("DIE", "DCM") else 0.35) or depth is not None:
            weight = None
            if held > 20 and rng.random() < 0.7:
                weight = round(max(1.0, min(35.0, held * 0.06 * rng.uniform(0.5, 1.5))), 1)
            when = start + dt.timedelta(days=rng.randint(0, min(held, 10)))
            self._add(
                i,
                "act.torture",
                when,
                end=None,
                location=site,
                unit=custodian,
                methods=self._methods_for(custodian, depth is not None),
                weight_lost_kg=weight,
                cell_depth_m=depth,
                perpetrator=self._agent(custodian, 0.35),
            )
        sexual = 0.16 if person.sex == "female" else 0.06
        if rng.random() < sexual:
            kind = rng.choices(
                ("act.sexual.rape", "act.sexual.violence", "act.sexual.forced_nudity"), (2, 4, 4)
            )[0]
            self._add(
                i,
                kind,
                start + dt.timedelta(days=rng.randint(0, 3)),
                end=None,
                location=site,
                unit=custodian,
            )
        if held > 30 and rng.random() < 0.25:
            self._add(
                i,
                "act.denial_medical_care",
                start + dt.timedelta(days=rng.randint(10, held)),
                end=None,
                location=site,
                unit=custodian,
            )
        if killed:
            self._add(
                i,
                "act.killing.in_custody",
                (end or _END),
                end=None,
                location=site,
                unit=custodian,
                outcome="outcome.killed",
            )
        if outcome == "outcome.exiled" and end is not None:
            self._add(
                i,
                "act.forced_displacement",
                end + dt.timedelta(days=rng.randint(10, 120)),
                end=None,
                location=self._muni(person),
                unit=unit,
                outcome="outcome.exiled",
            )
        detention.perpetrator = self._agent(unit, 0.1)

    def _enforced_disappearance(self, i: int, person: TruePerson, unit: str) -> None:
        rng = self.rng
        start = person.episode
        site, depth = self._detention_site(person, unit)
        fate = rng.choices(("disappeared", "found_alive", "killed"), (35, 50, 15))[0]
        reappear = start + dt.timedelta(days=rng.randint(3, 60))
        self._add(
            i,
            "act.detention.arbitrary",
            start,
            end=None,
            location=site,
            unit=unit,
            outcome="outcome.disappeared" if fate == "disappeared" else "",
        )
        self._add(
            i,
            "act.disappearance.enforced",
            start,
            end=None if fate == "disappeared" else reappear,
            location=site,
            unit=unit,
            outcome={
                "disappeared": "outcome.disappeared",
                "found_alive": "outcome.found_alive",
                "killed": "outcome.killed",
            }[fate],
        )
        if fate == "found_alive" and (rng.random() < 0.5 or depth is not None):
            custodian = self._custodian(unit)
            self._add(
                i,
                "act.torture",
                start + dt.timedelta(days=1),
                end=None,
                location=site,
                unit=custodian,
                methods=self._methods_for(custodian, depth is not None),
                cell_depth_m=depth,
                perpetrator=self._agent(custodian, 0.3),
            )
        if fate == "killed":
            self._add(
                i,
                "act.killing.extrajudicial",
                reappear,
                end=None,
                location=site,
                unit=unit,
                outcome="outcome.killed",
            )

    def _protest_killing(self, i: int, person: TruePerson, unit: str) -> None:
        event, day, place = self._event("protest", person, 0.85)
        self._add(
            i,
            "act.killing.protest",
            day,
            end=None,
            location=place,
            unit=unit,
            event=event,
            outcome="outcome.killed",
            perpetrator=self._agent(unit, 0.05),
        )

    def _protest_injury(self, i: int, person: TruePerson, unit: str) -> None:
        event, day, place = self._event("protest", person, 0.8)
        methods = ("method.beating",) if self.rng.random() < 0.6 else ()
        self._add(
            i,
            "act.ill_treatment",
            day,
            end=None,
            location=place,
            unit=unit,
            event=event,
            methods=methods,
            outcome="outcome.injured",
        )
        if self.rng.random() < 0.3:
            site, _ = self._detention_site(person, unit)
            end = day + dt.timedelta(days=self.rng.randint(1, 4))
            self._add(
                i,
                "act.detention.arbitrary",
                day,
                end=end,
                location=site,
                unit=unit,
                event=event,
                outcome="outcome.released",
            )

    def _raid_killing(self, i: int, person: TruePerson, unit: str) -> None:
        event, day, place = self._event("raid", person, 0.7)
        self._add(i, "act.raid", day, end=None, location=place, unit=unit, event=event)
        self._add(
            i,
            "act.killing.extrajudicial",
            day,
            end=None,
            location=place,
            unit=unit,
            event=event,
            outcome="outcome.killed",
            perpetrator=self._agent(unit, 0.1),
        )

    def _persecution_exile(self, i: int, person: TruePerson, unit: str) -> None:
        rng = self.rng
        day = person.episode
        muni = self._muni(person)
        if rng.random() < 0.6:
            self._add(
                i,
                "act.surveillance",
                day - dt.timedelta(days=rng.randint(30, 200)),
                end=day,
                location=muni,
                unit=unit,
            )
        if rng.random() < 0.9:
            self._add(i, "act.threat", day, end=None, location=muni, unit=unit)
        self._add(
            i,
            "act.persecution.political",
            day + dt.timedelta(days=rng.randint(0, 30)),
            end=None,
            location=muni,
            unit=unit,
        )
        if rng.random() < 0.3:
            self._add(
                i,
                "act.raid",
                day + dt.timedelta(days=rng.randint(1, 60)),
                end=None,
                location=muni,
                unit=unit,
            )
        if rng.random() < 0.7:
            self._add(
                i,
                "act.forced_displacement",
                day + dt.timedelta(days=rng.randint(30, 200)),
                end=None,
                location=muni,
                unit=unit,
                outcome="outcome.exiled",
            )

    def _deportation(self, i: int, person: TruePerson, unit: str) -> None:
        day = person.episode
        site, _ = self._detention_site(person, unit)
        end = day + dt.timedelta(days=self.rng.randint(1, 10))
        self._add(
            i,
            "act.detention.arbitrary",
            day,
            end=end,
            location=site,
            unit=unit,
            outcome="outcome.exiled",
        )
        self._add(
            i, "act.deportation", end, end=None, location=site, unit=unit, outcome="outcome.exiled"
        )
