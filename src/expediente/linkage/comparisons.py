"""Comparison vectors: for each candidate pair, the agreement level of every field.

Levels are small integers, higher meaning closer agreement; -1 means one of the two records
lacks the field (it then contributes no evidence either way, as in Fellegi and Sunter).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

from expediente.linkage.config import FieldSpec
from expediente.linkage.prepare import Prepared

LEVEL_NAMES: dict[str, tuple[str, ...]] = {
    "given_names": (
        "differ",
        "initial agrees",
        "similar",
        "a given name shared",
        "first given name agrees",
        "first and second given names agree",
    ),
    "surnames": (
        "differ",
        "one surname shared, other position",
        "first agrees, second differs",
        "both agree, swapped",
        "first agrees, second missing",
        "both agree",
    ),
    "id_number": ("differ", "one digit off", "agree"),
    "birth": ("differ", "within a year", "compatible (broad)", "compatible (month)", "same day"),
    "event": ("differ", "same year", "within 31 days", "within 7 days"),
    "place": ("differ", "same parent place", "one within the other", "agree"),
    "exact": ("differ", "agree"),
}


def level_names(spec: FieldSpec) -> tuple[str, ...]:
    """Names of a field's levels, lowest first."""
    if spec.kind == "string":
        fuzzy = tuple(f"similarity >= {t:g}" for t in reversed(spec.thresholds))
        return ("differ", *fuzzy, "agree")
    return LEVEL_NAMES[spec.kind]


@dataclass
class Comparisons:
    """Levels (pairs x fields, int8) and term-frequency values for TF-adjusted fields.

    ``tf[f]`` holds, per pair, the reference-population frequency of the agreeing value
    (NaN where the field is not at a TF-adjusted level).
    """

    gamma: np.ndarray
    tf: dict[int, np.ndarray]


def _code_similarity(
    a: np.ndarray,
    b: np.ndarray,
    vocab: list[str],
    scorer: Any = JaroWinkler.normalized_similarity,
) -> np.ndarray:
    """Element-wise similarity of coded strings (-1 = missing, never similar).

    Each distinct pair of values is scored once: pairs from blocking repeat values a lot.
    """
    out = np.zeros(len(a), dtype=np.float64)
    a = a.astype(np.int64)
    b = b.astype(np.int64)
    same = (a == b) & (a >= 0)
    out[same] = 1.0
    todo = (a >= 0) & (b >= 0) & ~same
    if not todo.any():
        return out
    width = np.int64(len(vocab) + 1)
    keys, inverse = np.unique(a[todo] * width + b[todo], return_inverse=True)
    table = np.array(vocab, dtype=object)
    scores = process.cpdist(
        list(table[keys // width]), list(table[keys % width]), scorer=scorer, workers=1
    )
    out[todo] = np.asarray(scores, dtype=np.float64)[inverse.reshape(-1)]
    return out


def _cross_any(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Any non-missing code of row x equals any of row y."""
    eq = (x[:, :, None] == y[:, None, :]) & (x[:, :, None] >= 0)
    return eq.any(axis=(1, 2))


def _given(p: Prepared, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ga, gb = p.given[a], p.given[b]
    missing = (ga[:, 0] < 0) | (gb[:, 0] < 0)
    initial = p.given_initial[a] | p.given_initial[b]
    first = (ga[:, 0] == gb[:, 0]) & ~initial
    shared = _cross_any(ga, gb) & ~initial
    similar = _cross_any(p.given_phon[a], p.given_phon[b])
    similar |= _code_similarity(ga[:, 0], gb[:, 0], p.vocab) >= 0.88
    letters = np.array([t[:1] for t in p.vocab] + [""], dtype=object)
    first_letter = letters[ga[:, 0]] == letters[gb[:, 0]]
    both = first & (ga[:, 1] >= 0) & (ga[:, 1] == gb[:, 1])
    level = np.select(
        [both, first, shared, similar & ~initial, initial & first_letter],
        [5, 4, 3, 2, 1],
        default=0,
    )
    level[missing] = -1
    lexicon = p.lexicon
    tf = np.full(len(a), np.nan)
    if p.given_freq is not None:
        freq = np.append(p.given_freq, np.nan)
    elif lexicon is not None:
        freq = np.array([lexicon.given_frequency(t) for t in p.vocab] + [np.nan])
    if p.given_freq is not None or lexicon is not None:
        f1 = freq[np.where(ga[:, 0] >= 0, ga[:, 0], len(p.vocab))]
        f2 = freq[np.where(ga[:, 1] >= 0, ga[:, 1], len(p.vocab))]
        tf = np.where(level == 5, f1 * f2, np.where(level == 4, f1, np.nan))
    return level.astype(np.int8), tf


def _surnames(p: Prepared, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    sa, sb = p.surname[a], p.surname[b]
    pa, pb = p.surname_phon[a], p.surname_phon[b]
    missing = (sa[:, 0] < 0) | (sb[:, 0] < 0)

    def eq(i: int, j: int) -> np.ndarray:
        present = (sa[:, i] >= 0) & (sb[:, j] >= 0)
        close = (sa[:, i] == sb[:, j]) | (pa[:, i] == pb[:, j])
        close |= _code_similarity(sa[:, i], sb[:, j], p.vocab) >= 0.9
        return present & close

    e11, e22, e12, e21 = eq(0, 0), eq(1, 1), eq(0, 1), eq(1, 0)
    second_missing = (sa[:, 1] < 0) | (sb[:, 1] < 0)
    level = np.select(
        [e11 & e22, e11 & second_missing, e12 & e21, e11, e12 | e21 | e22],
        [5, 4, 3, 2, 1],
        default=0,
    )
    level[missing] = -1
    tf = np.full(len(a), np.nan)
    if p.surname_freq is not None:
        freq = np.append(p.surname_freq, np.nan)
    elif p.lexicon is not None:
        freq = np.array([p.lexicon.surname_frequency(t) for t in p.vocab] + [np.nan])
    if p.surname_freq is not None or p.lexicon is not None:
        f1 = freq[np.where(sa[:, 0] >= 0, sa[:, 0], len(p.vocab))]
        f2 = freq[np.where(sa[:, 1] >= 0, sa[:, 1], len(p.vocab))]
        tf = np.where(level == 5, f1 * f2, np.where(level == 4, f1, np.nan))
    return level.astype(np.int8), tf


def _id_number(p: Prepared, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    codes, vocab = p.coded("id_number")
    ca, cb = codes[a], codes[b]
    missing = (ca < 0) | (cb < 0)
    similarity = _code_similarity(ca, cb, vocab, DamerauLevenshtein.normalized_similarity)
    lengths = np.array([len(v) for v in vocab] + [1], dtype=np.float64)
    longest = np.maximum(lengths[ca], lengths[cb])
    # normalised similarity 1 - d / max(len): one edit is similarity >= 1 - 1 / len.
    one_edit = similarity >= 1.0 - 1.0 / longest - 1e-9
    level = np.select([ca == cb, one_edit], [2, 1], default=0)
    level[missing] = -1
    return level.astype(np.int8)


def _birth(p: Prepared, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    lo_a, hi_a, lo_b, hi_b = p.birth_lo[a], p.birth_hi[a], p.birth_lo[b], p.birth_hi[b]
    missing = (lo_a < 0) | (lo_b < 0)
    gap = np.maximum(lo_a, lo_b) - np.minimum(hi_a, hi_b)  # <= 0 when they overlap
    narrow = np.maximum(hi_a - lo_a, hi_b - lo_b) <= 31
    same_day = (hi_a == lo_a) & (hi_b == lo_b) & (lo_a == lo_b)
    level = np.select(
        [same_day, (gap <= 0) & narrow, gap <= 0, gap <= 366], [4, 3, 2, 1], default=0
    )
    level[missing] = -1
    return level.astype(np.int8)


def _event(p: Prepared, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    lo_a, hi_a, lo_b, hi_b = p.event_lo[a], p.event_hi[a], p.event_lo[b], p.event_hi[b]
    missing = (lo_a < 0) | (lo_b < 0)
    gap = np.maximum(lo_a, lo_b) - np.minimum(hi_a, hi_b)  # <= 0 when they overlap
    level = np.select([gap <= 7, gap <= 31, gap <= 365], [3, 2, 1], default=0)
    level[missing] = -1
    return level.astype(np.int8)


def _place(codes: np.ndarray, vocab: list[str], a: np.ndarray, b: np.ndarray) -> np.ndarray:
    ca, cb = codes[a].astype(np.int64), codes[b].astype(np.int64)
    missing = (ca < 0) | (cb < 0)
    parents = [v.rsplit(" ", 1)[0] if " " in v else "" for v in vocab]
    parent_code = np.unique(np.array([*parents, ""], dtype=object), return_inverse=True)[1]
    empty = parent_code[-1]
    pa, pb = parent_code[ca], parent_code[cb]
    # A state against one of its municipalities: one value's words begin the other's.
    width = np.int64(len(vocab) + 1)
    todo = (ca >= 0) & (cb >= 0) & (ca != cb)
    within = np.zeros(len(ca), dtype=bool)
    if todo.any():
        keys, inverse = np.unique(ca[todo] * width + cb[todo], return_inverse=True)
        words = [v.split() for v in vocab]

        def nested(x: list[str], y: list[str]) -> bool:
            k = min(len(x), len(y))
            return x[:k] == y[:k]

        flags = np.array([nested(words[k // width], words[k % width]) for k in keys.tolist()])
        within[todo] = flags[inverse.reshape(-1)]
    level = np.select([ca == cb, within, (pa == pb) & (pa != empty)], [3, 2, 1], default=0)
    level[missing] = -1
    return level.astype(np.int8)


def _exact(codes: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    ca, cb = codes[a], codes[b]
    level = (ca == cb).astype(np.int8)
    level[(ca < 0) | (cb < 0)] = -1
    return level


def _string(
    codes: np.ndarray, vocab: list[str], a: np.ndarray, b: np.ndarray, thresholds: tuple[float, ...]
) -> np.ndarray:
    ca, cb = codes[a], codes[b]
    sim = _code_similarity(ca, cb, vocab)
    top = len(thresholds) + 1
    conditions = [ca == cb, *[sim >= t for t in thresholds]]
    level = np.select(conditions, list(range(top, 0, -1)), default=0)
    level[(ca < 0) | (cb < 0)] = -1
    return level.astype(np.int8)


def compare(
    prepared: Prepared,
    fields: tuple[FieldSpec, ...],
    left: np.ndarray,
    right: np.ndarray,
    chunk: int = 500_000,
) -> Comparisons:
    """Comparison levels of every field for the pairs (left[k], right[k])."""
    gammas = []
    tfs: dict[int, list[np.ndarray]] = {}
    for start in range(0, len(left), chunk) or [0]:
        a, b = left[start : start + chunk], right[start : start + chunk]
        columns = []
        for f, spec in enumerate(fields):
            tf = None
            if spec.kind == "given_names":
                level, tf = _given(prepared, a, b)
            elif spec.kind == "surnames":
                level, tf = _surnames(prepared, a, b)
            elif spec.kind == "id_number":
                level = _id_number(prepared, a, b)
            elif spec.kind == "birth":
                level = _birth(prepared, a, b)
            elif spec.kind == "event":
                level = _event(prepared, a, b)
            elif spec.kind == "place":
                level = _place(*prepared.coded(spec.column or ""), a, b)
            elif spec.kind == "exact":
                level = _exact(prepared.coded(spec.column or "")[0], a, b)
            else:
                level = _string(*prepared.coded(spec.column or ""), a, b, spec.thresholds)
            columns.append(level)
            if spec.term_frequency and tf is not None:
                tfs.setdefault(f, []).append(tf.astype(np.float32))
        gammas.append(np.stack(columns, axis=1) if columns else np.zeros((len(a), 0), np.int8))
    gamma = np.concatenate(gammas) if gammas else np.zeros((0, len(fields)), np.int8)
    return Comparisons(gamma=gamma, tf={f: np.concatenate(v) for f, v in tfs.items()})
