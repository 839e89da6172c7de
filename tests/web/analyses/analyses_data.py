"""Loading the synthetic victim lists of `tests/data/analyses/victims.csv` into a case.

Shared by the analyses tests and the review-queue browser tests. Rows are written with the ORM
directly (no audit entries): they are the background of a test, not what it checks.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "data" / "analyses" / "victims.csv"


def truth_rows() -> list[dict[str, str]]:
    with DATA.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_victims(case):
    """One source per `source_id`, one state per `state`, one person and one act per row.

    Written as an import writes them: the search index is made once at the end, not at every
    row."""
    from expediente_web.search.index import deferred, reindex_case

    with deferred():
        persons = _create_victims(case)
    reindex_case(case)
    return persons


def _create_victims(case):
    from expediente_web.cases.models import Source
    from expediente_web.records.models import Act, Location, Person

    sources: dict[str, Source] = {}
    states: dict[str, Location] = {}
    persons = {}
    for row in truth_rows():
        code = row["source_id"]
        if code not in sources:
            kind = {"OFICIAL": "source.official_record", "PRENSA": "source.press",
                    "TESTIMONIO": "source.interview"}.get(code, "source.ngo_list")
            sources[code] = Source.objects.create(case=case, code=code, kind=kind,
                                                  name=f"Lista {code} (sintética)")
        state = None
        if row["state"]:
            if row["state"] not in states:
                states[row["state"]] = Location.objects.create(
                    case=case, code=row["state"], name=f"Estado {row['state']} (ficticio)",
                    kind="location.state")
            state = states[row["state"]]
        person = Person.objects.create(
            case=case, source=sources[code], source_record_id=row["record_id"],
            full_name=row["full_name"], given_names=row["given_names"],
            first_surname=row["first_surname"], second_surname=row["second_surname"],
            nickname=row["nickname"], id_number=row["id_number"], birth_date=row["birth_date"],
            age=int(row["age"]) if row["age"] else None, sex=row["sex"], state=state,
        )
        day = dt.date.fromisoformat(row["event_date"])
        Act.objects.create(case=case, source=sources[code], source_record_id=row["record_id"],
                           victim=person, act_type="act.detention.arbitrary", location=state,
                           date_text=row["event_date"], date_precision="day",
                           date_earliest=day, date_latest=day)
        persons[row["record_id"]] = person
    return persons


def wide_band_config():
    """The default linkage configuration with a wide review band (0.01–0.99).

    The default band leaves only a pair or two of these 98 records in the queue; the queue
    tests need several.
    """
    from expediente.linkage import LinkConfig

    return LinkConfig(review_band=(0.01, 0.99))
