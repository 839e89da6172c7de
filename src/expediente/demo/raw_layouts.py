"""Sources that keep their own spreadsheet layout: raw Spanish headers, raw values, a mapping.

Such a source ships one victim list (one act per row) whose headers and vocabulary values
are its own, and a mapping (``mappings/<SRC>.yaml``: ``kind``, ``columns`` raw→field,
``values`` field→{raw→term id}) that turns it into the canonical ``victims`` kind.
Case-level codes (state, unit, place) are not vocabulary values and stay canonical.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from expediente.demo.case import SYNTHETIC_NOTE
from expediente.demo.spelling import strip_accents

ACT_LABELS = {
    "act.detention.arbitrary": "Detención arbitraria",
    "act.detention.incommunicado": "Incomunicación",
    "act.disappearance.enforced": "Desaparición forzada",
    "act.disappearance.short_term": "Desaparición forzada de corta duración",
    "act.torture": "Tortura",
    "act.ill_treatment": "Tratos crueles",
    "act.sexual.rape": "Violación",
    "act.sexual.violence": "Violencia sexual",
    "act.sexual.forced_nudity": "Desnudez forzada",
    "act.killing.extrajudicial": "Ejecución extrajudicial",
    "act.killing.in_custody": "Muerte bajo custodia",
    "act.killing.protest": "Asesinato en manifestación",
    "act.threat": "Amenazas",
    "act.surveillance": "Hostigamiento y vigilancia",
    "act.raid": "Allanamiento ilegal",
    "act.forced_displacement": "Desplazamiento forzado",
    "act.deportation": "Expulsión del país",
    "act.denial_medical_care": "Negación de atención médica",
    "act.persecution.political": "Persecución política",
}
OUTCOME_LABELS = {
    "outcome.released": "Liberado",
    "outcome.still_detained": "Detenido",
    "outcome.killed": "Fallecido",
    "outcome.disappeared": "Desaparecido",
    "outcome.exiled": "Exiliado",
    "outcome.injured": "Herido",
    "outcome.found_alive": "Apareció con vida",
    "outcome.unknown": "Se desconoce",
}
METHOD_LABELS = {
    "method.beating": "Golpes",
    "method.electric_shock": "Electricidad",
    "method.asphyxiation": "Asfixia",
    "method.stress_position": "Posiciones forzadas",
    "method.suspension": "Colgamiento",
    "method.isolation": "Aislamiento",
    "method.sensory_deprivation": "Privación sensorial",
    "method.sleep_deprivation": "Privación del sueño",
    "method.starvation": "Privación de alimentos",
    "method.water": "Ahogamiento",
    "method.cold_exposure": "Frío",
    "method.threats": "Amenazas",
    "method.mock_execution": "Simulacro de ejecución",
    "method.sexual_violence": "Violencia sexual",
    "method.forced_nudity": "Desnudez forzada",
    "method.burning": "Quemaduras",
    "method.pharmacological": "Drogas",
    "method.witnessing_torture": "Presenciar torturas",
    "method.denial_medical_care": "Sin atención médica",
    "method.underground_cell": "Celda subterránea",
}


def _upper(text: str) -> str:
    return strip_accents(text).upper()


def _lower(text: str) -> str:
    return strip_accents(text).lower()


def _same(text: str) -> str:
    return text


class RawLayout:
    """One spreadsheet layout: raw header per field, and how raw values are spelled."""

    def __init__(
        self,
        columns: dict[str, str],
        spell: Callable[[str], str],
        sex: dict[str, str],
        has_methods: bool,
    ) -> None:
        self.columns = columns  # field -> raw header, in file order
        self.spell = spell
        self.sex = sex
        self.has_methods = has_methods

    @property
    def header(self) -> tuple[str, ...]:
        """The raw header row (plus the ``synthetic`` note column)."""
        return (*self.columns.values(), "synthetic")

    def row(self, fields: dict[str, str]) -> tuple[str, ...]:
        """Lay out canonical field values as a raw row, spelling vocabulary values raw."""
        raw = dict(fields)
        if raw.get("act_type"):
            raw["act_type"] = self.spell(ACT_LABELS[raw["act_type"]])
        if raw.get("outcome"):
            raw["outcome"] = self.spell(OUTCOME_LABELS[raw["outcome"]])
        if raw.get("sex"):
            raw["sex"] = self.sex[raw["sex"]]
        if raw.get("methods"):
            raw["methods"] = "; ".join(
                self.spell(METHOD_LABELS[m]) for m in raw["methods"].split(";")
            )
        return (*(raw.get(f, "") for f in self.columns), SYNTHETIC_NOTE)

    def mapping(self) -> dict[str, Any]:
        """The content of the source's mapping YAML."""
        values: dict[str, dict[str, str]] = {
            "act_type": {self.spell(label): term for term, label in ACT_LABELS.items()},
            "outcome": {self.spell(label): term for term, label in OUTCOME_LABELS.items()},
            "sex": {raw: term for term, raw in self.sex.items()},
        }
        if self.has_methods:
            values["methods"] = {self.spell(label): term for term, label in METHOD_LABELS.items()}
        return {
            "kind": "victims",
            "date_format": "dmy",
            "columns": {**{raw: field for field, raw in self.columns.items()}, "synthetic": None},
            "values": values,
        }


LAYOUTS = {
    # An NGO's own spreadsheet: Spanish headers, values in sentence case with accents.
    "ngo": RawLayout(
        {
            "record_id": "Nº caso",
            "given_names": "Nombres",
            "first_surname": "Primer apellido",
            "second_surname": "Segundo apellido",
            "nickname": "Apodo",
            "id_number": "C.I.",
            "birth_date": "Fecha nac.",
            "age": "Edad",
            "sex": "Sexo",
            "occupation": "Ocupación",
            "state": "Cód. estado",
            "act_type": "Tipo de hecho",
            "date": "Fecha del hecho",
            "methods": "Métodos",
            "outcome": "Situación actual",
            "unit_code": "Cód. cuerpo actuante",
            "location_code": "Cód. lugar",
            "notes": "Observaciones",
        },
        _same,
        {"sex.female": "F", "sex.male": "M"},
        has_methods=True,
    ),
    # An official register: upper-case headers and values, no accents.
    "official": RawLayout(
        {
            "record_id": "EXPEDIENTE",
            "full_name": "APELLIDOS Y NOMBRES",
            "id_number": "CEDULA",
            "birth_date": "FECHA NACIMIENTO",
            "sex": "SEXO",
            "address": "DIRECCION",
            "state": "COD ESTADO",
            "act_type": "DELITO DENUNCIADO",
            "date": "FECHA HECHO",
            "outcome": "ESTATUS VICTIMA",
            "location_code": "COD UBICACION",
            "notes": "OBSERVACION",
        },
        _upper,
        {"sex.female": "FEMENINO", "sex.male": "MASCULINO"},
        has_methods=False,
    ),
    # A public web form export: snake-case headers, lower-case values.
    "form": RawLayout(
        {
            "record_id": "id_envio",
            "full_name": "nombre_completo",
            "id_number": "cedula",
            "birth_date": "fecha_nacimiento",
            "sex": "sexo",
            "phone": "telefono_contacto",
            "state": "estado",
            "act_type": "que_paso",
            "date": "cuando",
            "outcome": "como_esta_ahora",
            "methods": "metodos",
            "unit_code": "quien_fue",
            "notes": "nota",
        },
        _lower,
        {"sex.female": "mujer", "sex.male": "hombre"},
        has_methods=True,
    ),
}
