"""Testimony narratives in Spanish, assembled from templates around the true acts."""

from __future__ import annotations

import random
from typing import Any

from expediente.demo.resources import load_data
from expediente.demo.timeline import date_phrase
from expediente.demo.victimisation import TrueAct

_MASCULINE_HEADS = (
    "Colectivo",
    "Cuerpo",
    "Comando",
    "Despacho",
    "Ministerio",
    "Destacamento",
    "Centro",
    "Barrio",
)
_FEMININE_PLACES = ("Sede", "Base", "Celda", "Plaza", "Dirección")
_PLURAL_HEADS = {"Tribunales": "los", "Grupos": "los", "Policías": "las"}


def unit_phrase(name: str) -> str:
    """A unit name with its article: 'la Dirección …', 'el Colectivo …'."""
    head = name.split()[0]
    if head in _PLURAL_HEADS:
        return f"{_PLURAL_HEADS[head]} {name}"
    return f"{'el' if head in _MASCULINE_HEADS else 'la'} {name}"


def place_phrase(name: str) -> str:
    """A site name with its article ('el Comando policial …'); municipalities have none."""
    head = name.split()[0]
    if head in _MASCULINE_HEADS:
        return f"el {name}"
    if head in _FEMININE_PLACES:
        return f"la {name}"
    return name


def _days(n: int) -> str:
    """"un día", "3 días": the number of days as a witness says it."""
    return "un día" if n == 1 else f"{n} días"


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " y " + items[-1]


def _sentence_case(text: str) -> str:
    text = text.replace(" de el ", " del ").replace(" a el ", " al ")
    return text[:1].upper() + text[1:]


def _story_order(act: TrueAct) -> tuple[object, ...]:
    # Acts were drawn in the order a story tells them (arrest, then what followed).
    return (act.start, act.act_id)


class Narrator:
    """Writes the narrative of one testimony about one victim's acts."""

    def __init__(self, location_names: dict[str, str], unit_names: dict[str, str]) -> None:
        self.templates: dict[str, Any] = load_data("narratives")
        self.location_names = location_names
        self.unit_names = unit_names

    def narrative(
        self,
        rng: random.Random,
        *,
        first_person: bool,
        sex: str,
        name: str,
        municipality: str,
        state: str,
        acts: list[TrueAct],
        aliases: dict[str, str],
    ) -> str:
        """Return a fictional narrative told by the victim (first person) or a relative."""
        voice = "first" if first_person else "third"
        t = self.templates
        female = sex == "female"
        base = {
            "nombre": name,
            "relacion": rng.choice(t["relations"]["female" if female else "male"]),
            "lo": "la" if female else "lo",
            "o": "a" if female else "o",
            "el": "ella" if female else "él",
            "municipio": municipality,
            "estado": state,
        }
        sentences = [rng.choice(t["intro"][voice]).format(**base)]
        outcome = ""
        for act in sorted(acts, key=_story_order):
            options = t["acts"].get(act.act_type, {}).get(voice) or t["acts"].get(
                act.act_type, {}
            ).get("third", [])
            if not options:
                continue
            fields = dict(base)
            fields.update(
                fecha=date_phrase(act.start, rng.choice(("day", "day", "month"))),
                lugar=place_phrase(self.location_names.get(act.location, municipality)),
                unidad=unit_phrase(self.unit_names.get(act.unit, "")),
                alias=aliases.get(act.perpetrator, "el Jefe"),
                metodos=_join([rng.choice(t["methods"][m]) for m in act.methods]) or "golpes",
                dias=_days(act.days_incommunicado or 1),
            )
            sentences.append(rng.choice(options).format(**fields))
            if act.weight_lost_kg is not None:
                kg = f"{act.weight_lost_kg:.0f}"
                sentences.append(
                    rng.choice(t["measures"]["weight_lost_kg"][voice]).format(kg=kg, **base)
                )
            if act.cell_depth_m is not None:
                depth = f"{act.cell_depth_m:.0f}"
                sentences.append(
                    rng.choice(t["measures"]["cell_depth_m"][voice]).format(
                        profundidad=depth, **base
                    )
                )
            outcome = act.outcome or outcome
        closing = t["outcome"].get(outcome, {}).get(voice)
        if closing:
            sentences.append(rng.choice(closing).format(**base))
        sentences.append(rng.choice(t["closing"]))
        return " ".join(_sentence_case(s) for s in sentences)
