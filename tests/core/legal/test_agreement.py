"""Krippendorff's alpha against the worked examples of Krippendorff (2011), and the
consolidation of a panel's findings."""

from __future__ import annotations

import pytest

from expediente.legal import Ladder
from expediente.legal.agreement import consolidate, krippendorff_alpha

N = None
# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four
# observers, twelve units, values 1-5, missing values. The paper gives alpha = 0.743
# (nominal), 0.849 (interval); the ordinal value 0.815 is the one the `krippendorff`
# package computes for the same data (checked below when the package is installed).
CODERS = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]
UNITS = [list(unit) for unit in zip(*CODERS, strict=True)]


@pytest.mark.parametrize(
    ("level", "expected"), [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849)]
)
def test_paper_example_with_missing_values(level: str, expected: float) -> None:
    assert krippendorff_alpha(UNITS, level) == pytest.approx(expected, abs=0.0005)  # type: ignore[arg-type]


def test_paper_binary_example() -> None:
    # Section A of the paper: two observers, ten units, binary values; alpha = 0.095.
    a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    assert krippendorff_alpha(list(zip(a, b, strict=True)), "nominal") == pytest.approx(
        0.095, abs=0.0005
    )


def test_hand_computed_ordinal_example() -> None:
    # Two units rated (0, 0) and (0, 1): o = {(0,0): 2, (0,1): 1, (1,0): 1}; n0 = 3, n1 = 1,
    # n = 4. Ordinal d2(0,1) = (n0 + n1 - (n0 + n1)/2)^2 = 4. alpha = 1 - 3 * (2*4) / (2*3*4) = 0.
    assert krippendorff_alpha([[0, 0], [0, 1]], "ordinal") == pytest.approx(0.0)
    # Perfect agreement with variation: alpha = 1.
    assert krippendorff_alpha([[0, 0], [2, 2], [4, 4]], "ordinal") == pytest.approx(1.0)
    # Systematic disagreement falls below zero.
    assert krippendorff_alpha([[0, 4], [4, 0], [2, 2]], "ordinal") < 0


def test_undefined_cases() -> None:
    assert krippendorff_alpha([[3, 3], [3, 3]], "ordinal") is None  # no variation at all
    assert krippendorff_alpha([[1, None], [None, 2]], "ordinal") is None  # nothing pairable
    assert krippendorff_alpha([], "nominal") is None
    with pytest.raises(ValueError, match="level"):
        krippendorff_alpha(UNITS, "ratio")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="numbers"):
        krippendorff_alpha([["a", "b"], ["b", "b"]], "ordinal")


def test_against_the_krippendorff_package() -> None:
    krippendorff = pytest.importorskip("krippendorff")
    np = pytest.importorskip("numpy")
    data = np.array([[np.nan if v is None else v for v in row] for row in CODERS], dtype=float)
    for level in ("nominal", "ordinal", "interval"):
        theirs = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
        assert krippendorff_alpha(UNITS, level) == pytest.approx(theirs, abs=1e-9), level
    ladder = [[0, 2, 3, 4, 2, N], [1, 2, 3, 3, 2, 0], [0, 2, 4, 4, N, 0]]
    data = np.array([[np.nan if v is None else v for v in row] for row in ladder], dtype=float)
    theirs = krippendorff.alpha(
        reliability_data=data, level_of_measurement="ordinal", value_domain=[0, 1, 2, 3, 4]
    )
    units = [list(u) for u in zip(*ladder, strict=True)]
    assert krippendorff_alpha(units, "ordinal") == pytest.approx(theirs, abs=1e-9)


RB, RG, SG, SI = (Ladder.REASONABLE_BASIS, Ladder.REASONABLE_GROUNDS,
                  Ladder.SUBSTANTIAL_GROUNDS, Ladder.SOME_INFORMATION)  # fmt: skip


def test_majority_and_dissent_per_element() -> None:
    findings = {
        "art7.1.e.1": {"ana": RG, "ben": RG, "cruz": RG},
        "art7.1.e.2": {"ana": RG, "ben": RB, "cruz": RG},
        "art7.1.e.3": {"ana": SI, "ben": RB, "cruz": SG},
        "art7.1.f.1": {"ana": RB, "ben": None, "cruz": RG},
    }
    panel = consolidate(findings, groups={k: k.rsplit(".", 1)[0] for k in findings})
    e1, e2, e3, f1 = (panel.elements[k] for k in findings)
    assert (e1.majority, e1.dissent, e1.unanimous, e1.spread) == (RG, (), True, 0)
    assert (e2.majority, e2.dissent, e2.median, e2.spread) == (RG, ("ben",), RG, 1)
    assert (e3.majority, e3.dissent, e3.median, e3.spread) == (None, ("ana", "ben", "cruz"), RB, 3)
    assert f1.findings == {"ana": RB, "cruz": RG}  # ben did not rate it
    assert (f1.majority, f1.median) == (None, RB)
    assert panel.alpha is not None and -1 < panel.alpha < 1
    assert set(panel.alpha_by_group) == {"art7.1.e", "art7.1.f"}
    assert panel.alpha_by_group["art7.1.f"] == pytest.approx(0.0)  # one unit: uninformative


def test_alpha_of_a_panel_is_the_ordinal_alpha_of_its_matrix() -> None:
    findings = {
        "e1": {"a": RG, "b": RG, "c": RB},
        "e2": {"a": SI, "b": SI, "c": SI},
        "e3": {"a": SG, "b": RG, "c": SG},
    }
    expected = krippendorff_alpha([[3, 3, 2], [1, 1, 1], [4, 3, 4]], "ordinal")
    assert consolidate(findings).alpha == pytest.approx(expected)


def test_random_panels_agree_with_the_krippendorff_package() -> None:
    import random

    krippendorff = pytest.importorskip("krippendorff")
    np = pytest.importorskip("numpy")
    rng = random.Random(7)
    for _ in range(50):
        coders, units = rng.randint(2, 5), rng.randint(3, 30)
        data = [
            [
                rng.choice([None, 0, 1, 2, 3, 4]) if rng.random() < 0.9 else None
                for _ in range(units)
            ]
            for _ in range(coders)
        ]
        mine = krippendorff_alpha([list(u) for u in zip(*data, strict=True)], "ordinal")
        array = np.array([[np.nan if v is None else v for v in row] for row in data], dtype=float)
        try:
            theirs = krippendorff.alpha(reliability_data=array, level_of_measurement="ordinal")
        except ValueError:
            assert mine is None  # the package refuses data with one value or nothing pairable
            continue
        assert mine is not None
        assert mine == pytest.approx(theirs, abs=1e-9)
