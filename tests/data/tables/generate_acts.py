"""Write a synthetic ``acts`` table of any size (all data invented, seeded).

Used by the streaming-memory test and to measure validation speed::

    python tests/data/tables/generate_acts.py 100000 /tmp/acts.csv
    python -m timeit ... (see docs/reference/tables.md, "Performance")
"""

from __future__ import annotations

import csv
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path

HEADER = [
    "record_id",
    "victim_record_id",
    "event_code",
    "act_type",
    "methods",
    "date",
    "location_code",
    "outcome",
    "unit_code",
    "involvement",
    "weight_lost_kg",
    "days_incommunicado",
    "cell_depth_m",
    "description",
    "synthetic",
]
_ACTS = [
    "act.torture",
    "act.detention.arbitrary",
    "act.detention.incommunicado",
    "act.disappearance.short_term",
    "act.ill_treatment",
    "act.threat",
]
_METHODS = ["method.beating", "method.electric_shock", "method.asphyxiation", "method.isolation"]
_OUTCOMES = ["outcome.released", "outcome.still_detained", "outcome.unknown"]


def rows(count: int, seed: int = 7, description_chars: int = 0) -> Iterator[list[str]]:
    """Yield ``count`` synthetic act rows (descriptions padded to ``description_chars``)."""
    rng = random.Random(seed)
    description = "Synthetic act for testing; no real person."
    description += " Relato ficticio." * max(0, (description_chars - len(description)) // 17)
    for i in range(count):
        year = rng.randint(2014, 2019)
        month = rng.randint(1, 12)
        day = rng.randint(1, 28)
        shape = rng.random()
        if shape < 0.6:
            date = f"{year}-{month:02d}-{day:02d}"
        elif shape < 0.85:
            date = f"{year}-{month:02d}"
        else:
            date = f"{year}-{month:02d}/{year + 1}"
        yield [
            f"A-{i:07d}",
            f"V-{i // 2:07d}",
            f"EV-{rng.randint(1, 300):03d}",
            rng.choice(_ACTS),
            ";".join(rng.sample(_METHODS, rng.randint(0, 2))),
            date,
            f"LOC-{rng.randint(1, 60):02d}",
            rng.choice(_OUTCOMES),
            f"U-{rng.randint(1, 40):02d}",
            "involvement.direct",
            f"{rng.uniform(0, 20):.1f}" if rng.random() < 0.2 else "",
            str(rng.randint(0, 90)) if rng.random() < 0.3 else "",
            "",
            description,
            "synthetic",
        ]


def write(path: Path, count: int, seed: int = 7, description_chars: int = 0) -> None:
    """Write ``count`` rows as CSV, JSON (array) or JSON Lines, by the file's suffix."""
    with path.open("w", encoding="utf-8", newline="") as out:
        if path.suffix == ".csv":
            writer = csv.writer(out)
            writer.writerow(HEADER)
            writer.writerows(rows(count, seed, description_chars))
        elif path.suffix == ".jsonl":
            for row in rows(count, seed, description_chars):
                out.write(json.dumps(dict(zip(HEADER, row, strict=True))) + "\n")
        else:
            out.write("[\n")
            for i, row in enumerate(rows(count, seed, description_chars)):
                obj = dict(zip(HEADER, row, strict=True))
                out.write(("," if i else "") + json.dumps(obj) + "\n")
            out.write("]\n")


if __name__ == "__main__":
    write(Path(sys.argv[2]), int(sys.argv[1]))
