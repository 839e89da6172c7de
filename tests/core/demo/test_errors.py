"""Recording errors are injected at roughly the configured rates."""

from __future__ import annotations

import random

import pytest

from expediente.demo.case import DemoCase
from expediente.demo.population import NameBook, TruePerson, sample_population
from expediente.demo.recording import VICTIM_HEADER, Recorder
from expediente.demo.spelling import digit_slip, strip_accents, typo
from expediente.demo.timeline import Timeline

N = 4000


@pytest.fixture(scope="module")
def people() -> list[TruePerson]:
    return sample_population(N, random.Random("errors"), Timeline(), NameBook())


def _record(people: list[TruePerson], errors: dict[str, float], style: str = "ngo"):
    recorder = Recorder({"style": style, "errors": errors}, random.Random("rec"), {}, {}, ["DIE"])
    rows = [
        dict(zip(VICTIM_HEADER, recorder.victim_row(f"R{i}", p), strict=True))
        for i, p in enumerate(people)
    ]
    return rows, recorder


def _close(observed: float, expected: float) -> bool:
    # four binomial standard deviations at N = 4000 is under 0.03
    return abs(observed - expected) < 0.03


def test_missing_id_rate(people) -> None:
    rows, _ = _record(people, {"id_missing": 0.3})
    assert _close(sum(r["id_number"] == "" for r in rows) / N, 0.3)


def test_dropped_second_surname_rate(people) -> None:
    rows, _ = _record(people, {"drop_second_surname": 0.2})
    assert _close(sum(r["second_surname"] == "" for r in rows) / N, 0.2)


def test_typo_rate(people) -> None:
    rows, recorder = _record(people, {"typo": 0.1})
    changed = sum(
        (r["given_names"], r["first_surname"], r["second_surname"])
        != (p.given_names, p.first_surname, p.second_surname)
        for r, p in zip(rows, people, strict=True)
    )
    assert _close(recorder.error_counts["typo"] / N, 0.1)
    assert changed / N > 0.07  # nearly every injected typo changes the name


def test_swapped_surnames_rate(people) -> None:
    rows, _ = _record(people, {"swap_surnames": 0.1})
    swapped = sum(
        r["first_surname"] == p.second_surname and p.first_surname != p.second_surname
        for r, p in zip(rows, people, strict=True)
    )
    assert _close(swapped / N, 0.1)


def test_no_errors_configured_keeps_names_exact(people) -> None:
    rows, recorder = _record(people, {})
    assert recorder.error_counts == {}
    assert all(
        (r["given_names"], r["first_surname"], r["second_surname"])
        == (p.given_names, p.first_surname, p.second_surname)
        for r, p in zip(rows, people, strict=True)
    )


def test_configured_id_rates_show_in_the_case(small_case: DemoCase) -> None:
    # SRC-18 (official) almost always has the cédula, SRC-11 (border interviews) rarely
    by_code = {s.spec.code: s for s in small_case.sources}
    full = by_code["SRC-18"].victims.column("id_number")
    sparse = by_code["SRC-11"].victims.column("id_number")
    assert sum(bool(i) for i in full) / len(full) > 0.9
    assert sum(bool(i) for i in sparse) / len(sparse) < 0.4


def test_spelling_helpers() -> None:
    rng = random.Random(3)
    assert strip_accents("Pérez Núñez, María de los Ángeles") == "Perez Nunez, Maria de los Angeles"
    variants = {typo("Rodríguez", rng) for _ in range(50)}
    assert len(variants) > 5 and all(abs(len(v) - len("Rodríguez")) <= 1 for v in variants)
    slips = {digit_slip("12345678", rng) for _ in range(50)}
    assert "12345678" not in slips and all(len(s) == 8 and s.isdigit() for s in slips)
