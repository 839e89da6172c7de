"""Helpers for import and export tests: small synthetic table files, table counts, and a
canonical dump of a case for comparing two databases. All names and numbers are invented."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parents[2] / "data" / "intake"


def write_csv(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8"
              ) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def all_models() -> list[Any]:
    from django.apps import apps

    return [m for m in apps.get_models() if m._meta.app_label not in ("sessions",)]


def table_counts() -> dict[str, int]:
    """Rows in every table of every app (the audit log, import batches and users included)."""
    return {m._meta.label: m.objects.count() for m in all_models()}


VICTIM_HEADER = ["record_id", "full_name", "given_names", "first_surname", "second_surname",
                 "id_number", "birth_date", "age", "sex", "phone", "state", "act_type", "date",
                 "location_code", "unit_code"]
ACT_HEADER = ["record_id", "victim_record_id", "event_code", "act_type", "methods", "date",
              "location_code", "outcome", "unit_code", "perpetrator_record_id", "involvement",
              "weight_lost_kg", "days_incommunicado", "cell_depth_m", "description"]
TESTIMONY_HEADER = ["record_id", "witness_record_id", "witness_name", "witness_phone", "date",
                    "language", "consent_scope", "narrative", "act_record_ids"]


def good_victims() -> list[list[str]]:
    return [
        ["V1", "", "María José", "Pérez", "de la Cruz", "V-12.345.678", "1985-03", "32",
         "sex.female", "+58 412 555 0101", "VE-X", "act.detention.arbitrary", "2017-05-03",
         "VE-X-DS1", "U-INT"],
        ["V2", "Juan Carlos Díaz Rangel", "", "", "", "", "", "", "sex.male", "", "", "", "",
         "", ""],
        ["V3", "", "Luisa", "Rangel", "", "E-81.234.567", "1990", "", "sex.female", "", "VE-X",
         "", "", "", ""],
    ]


def good_acts() -> list[list[str]]:
    return [
        ["A1", "V2", "EV-1", "act.torture", "method.beating;method.electric_shock",
         "2017-05/2017-07", "VE-X-DS1", "outcome.released", "U-INT", "PER-1",
         "involvement.direct", "12.5", "40", "3", "Sintético."],
        ["A2", "V3", "", "act.detention.incommunicado", "", "2017-06", "", "", "", "", "", "",
         "", "", ""],
    ]


def good_testimonies() -> list[list[str]]:
    return [
        ["T1", "V2", "Juan Carlos Díaz", "+58 414 555 0199", "2018-01-10", "es",
         "consent.interview;consent.share_icc", "Me llevaron a un sótano (relato sintético).",
         "A1;V1"],
    ]


# -- canonical dump ------------------------------------------------------------------------------

_SKIP = {"id", "created_at", "updated_at", "import_batch", "uid"}


def canonical_dump(case_code: str) -> dict[str, list[Any]]:
    """Every record of a case, as sorted lists of plain values with references by stable id
    (uid, code or the referenced record's own canonical form), so two databases compare equal
    exactly when they hold the same case. Protected fields are decrypted."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import models

    from expediente_web.cases.models import Case, Source
    from expediente_web.evidence.models import Citation, CustodyEvent, EvidenceItem, Excerpt
    from expediente_web.records.models import (
        Act,
        Comment,
        Event,
        Involvement,
        Location,
        MeasuredFact,
        Person,
        Position,
        Testimony,
        Unit,
    )

    case = Case.objects.get(code=case_code)

    def ref(obj: Any) -> Any:
        if obj is None:
            return None
        if isinstance(obj, ContentType):
            return obj.model
        if hasattr(obj, "username"):
            return obj.username
        if isinstance(obj, Excerpt | Comment):
            return row(obj)
        if isinstance(obj, Source | Case):
            return obj.code
        return str(obj.uid)

    def who(obj: Any, name: str) -> Any:
        # Who wrote a comment or acted on evidence, by name: an import keeps the name as text
        # (never as an account of the new database), so only the name can survive the trip.
        if isinstance(obj, Comment):
            imported = getattr(obj, "imported_author", None)  # None: written here
            return imported.name if imported is not None else obj.author.username
        account = getattr(obj, name)
        return account.username if account is not None else obj.actor_name

    def row(obj: Any) -> tuple:
        values = []
        for f in obj._meta.concrete_fields:
            if f.name in _SKIP or f.name == "case":
                continue
            if (isinstance(obj, Comment) and f.name == "author") or (
                    isinstance(obj, CustodyEvent) and f.name == "actor"):
                value = who(obj, f.name)
            elif isinstance(f, models.ForeignKey):
                value = ref(getattr(obj, f.name))
            elif f.name == "target_id":
                value = ref(obj.target)
            else:
                value = getattr(obj, f.name)
            values.append((f.name, repr(value)))
        if hasattr(obj, "uid") and not isinstance(obj, Excerpt):
            values.append(("uid", str(obj.uid)))
        return tuple(values)

    dump: dict[str, list[Any]] = {
        "case": [(case.code, case.title, case.country, case.period, case.description)],
        "sources": sorted(row(s) for s in Source.objects.filter(case=case)),
    }
    for model in (Location, Unit, Person, Position, Event, Act, Testimony, EvidenceItem):
        dump[model.__name__] = sorted(row(o) for o in model.objects.filter(case=case))
    dump["MeasuredFact"] = sorted(row(o) for o in MeasuredFact.objects.filter(act__case=case))
    dump["Involvement"] = sorted(row(o) for o in Involvement.objects.filter(act__case=case))
    dump["Excerpt"] = sorted(row(o) for o in Excerpt.objects.filter(case=case))
    dump["Citation"] = sorted(row(o) for o in Citation.objects.filter(excerpt__case=case))
    dump["CustodyEvent"] = sorted(row(o) for o in CustodyEvent.objects.filter(item__case=case))
    dump["Comment"] = sorted(row(o) for o in Comment.objects.filter(case=case))
    return dump


