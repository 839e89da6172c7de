"""Blocking: which pairs of records are compared at all.

A rule is a list of keys; two records are a candidate pair when they share a value of every
key of at least one rule. Name keys are *arrays* (a record has several given names and two
surnames), so a record is filed under every combination: this is what lets "José Gregorio
Pérez" meet "Gregorio Pérez Rojas" and a swapped surname order meet the usual one.

Keys:
    ``id_number``: identity-number digits.
    ``name_pairs``: phonetic (surname, given name) for every surname and given name.
    ``surname_pair``: both surnames' phonetic keys, order-free.
    ``surname`` / ``given``: any surname / any given name (phonetic).
    ``birth_year``: every year the birth interval touches (at most three).
    ``event_month``: year and month of the event date (when known to the month).
    ``state`` or ``column:NAME`` or ``column:NAME:N``: a column's folded value (first N
        characters).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from expediente.linkage.prepare import Prepared

_DAYS_PER_YEAR = 365.2425
_EPOCH = 719_163  # date(1970, 1, 1).toordinal()


@dataclass
class CandidatePairs:
    """Candidate pairs (i < j) and, per rule, how many pairs it produced."""

    left: np.ndarray
    right: np.ndarray
    rule_counts: dict[str, int]
    skipped_blocks: dict[str, int]

    def __len__(self) -> int:
        return len(self.left)


def _array_key(prepared: Prepared, values: np.ndarray) -> pl.DataFrame:
    """(idx, value) for every non-missing slot of a 2-D code array."""
    n, slots = values.shape
    idx = np.repeat(np.arange(n, dtype=np.int64), slots)
    flat = values.reshape(-1).astype(np.int64)
    keep = flat >= 0
    return pl.DataFrame({"idx": idx[keep], "k": flat[keep]}).unique()


def _key_frame(prepared: Prepared, key: str) -> pl.DataFrame:
    n = prepared.n
    idx = np.arange(n, dtype=np.int64)
    if key == "id_number":
        return pl.DataFrame(
            {"idx": idx, "k": prepared.id_number.tolist()}, schema={"idx": pl.Int64, "k": pl.Utf8}
        ).drop_nulls()
    if key == "surname":
        return _array_key(prepared, prepared.surname_phon)
    if key == "given":
        return _array_key(prepared, prepared.given_phon)
    if key == "name_pairs":
        s = prepared.surname_phon.astype(np.int64)
        g = prepared.given_phon.astype(np.int64)
        combos = (s[:, :, None] * (1 << 31) + g[:, None, :]).reshape(n, -1)
        valid = ((s[:, :, None] >= 0) & (g[:, None, :] >= 0)).reshape(n, -1)
        return _array_key(prepared, np.where(valid, combos, -1))
    if key == "surname_pair":
        s = np.sort(prepared.surname_phon.astype(np.int64), axis=1)
        both = (s >= 0).all(axis=1)
        return pl.DataFrame({"idx": idx[both], "k": s[both, 0] * (1 << 31) + s[both, 1]})
    if key == "birth_year":
        known = prepared.birth_lo >= 0
        lo = ((prepared.birth_lo - _EPOCH) / _DAYS_PER_YEAR + 1970).astype(np.int64)
        hi = ((prepared.birth_hi - _EPOCH) / _DAYS_PER_YEAR + 1970).astype(np.int64)
        years = np.stack([lo, lo + 1, lo + 2], axis=1)
        years = np.where(
            (years <= hi[:, None]) & known[:, None] & (hi - lo <= 2)[:, None], years, -1
        )
        return _array_key(prepared, years)
    if key == "event_month":
        known = prepared.event_lo >= 0
        days = np.where(known, prepared.event_lo - _EPOCH, 0).astype("datetime64[D]")
        months = days.astype("datetime64[M]").astype(np.int64)
        narrow = (prepared.event_hi - prepared.event_lo) <= 31
        keep = known & narrow
        return pl.DataFrame({"idx": idx[keep], "k": months[keep]})
    if key == "state" or key.startswith("column:"):
        parts = key.split(":")
        name = "state" if key == "state" else parts[1]
        width = int(parts[2]) if len(parts) > 2 else None
        values = prepared.columns.get(name)
        if values is None:
            raise KeyError(f"blocking key {key!r}: column {name!r} was not prepared")
        frame = pl.DataFrame(
            {"idx": idx, "k": values.tolist()}, schema={"idx": pl.Int64, "k": pl.Utf8}
        ).drop_nulls()
        if width:
            frame = frame.with_columns(pl.col("k").str.slice(0, width))
        return frame
    raise KeyError(f"unknown blocking key {key!r}")


def block(
    prepared: Prepared,
    rules: tuple[tuple[str, ...], ...],
    link_type: str = "dedupe_and_link",
    max_block_size: int = 2000,
) -> CandidatePairs:
    """Candidate pairs from the union of the blocking rules."""
    source_codes = pl.Series(prepared.source.tolist(), dtype=pl.Utf8).cast(pl.Categorical)
    source = source_codes.to_physical().to_numpy().astype(np.int64)
    n = prepared.n
    frames: list[pl.Series] = []
    counts: dict[str, int] = {}
    skipped: dict[str, int] = {}
    for rule in rules:
        name = "+".join(rule)
        keyed = _key_frame(prepared, rule[0]).rename({"k": "k0"})
        for j, key in enumerate(rule[1:], start=1):
            keyed = keyed.join(_key_frame(prepared, key).rename({"k": f"k{j}"}), on="idx")
        key_cols = [c for c in keyed.columns if c != "idx"]
        keyed = keyed.select("idx", pl.struct(key_cols).hash(seed=7).alias("key")).unique()
        sizes = keyed.group_by("key").len()
        too_big = sizes.filter(pl.col("len") > max_block_size)
        skipped[name] = too_big.height
        keyed = keyed.join(too_big.select("key"), on="key", how="anti")
        keyed = keyed.with_columns(pl.Series("src", source[keyed["idx"].to_numpy()]))
        lazy = keyed.lazy()
        pairs = lazy.join(lazy, on="key", suffix="_r").filter(pl.col("idx") < pl.col("idx_r"))
        if link_type == "link_only":
            pairs = pairs.filter(pl.col("src") != pl.col("src_r"))
        elif link_type == "dedupe_only":
            pairs = pairs.filter(pl.col("src") == pl.col("src_r"))
        # One int64 per pair keeps the union of rules small and fast to deduplicate.
        pair_keys = (
            pairs.select((pl.col("idx") * n + pl.col("idx_r")).alias("p")).unique().collect()
        )["p"]
        counts[name] = len(pair_keys)
        frames.append(pair_keys)
    all_keys = pl.concat(frames).unique().sort().to_numpy() if frames else np.zeros(0, np.int64)
    return CandidatePairs(
        left=(all_keys // n).astype(np.int32),
        right=(all_keys % n).astype(np.int32),
        rule_counts=counts,
        skipped_blocks=skipped,
    )


def blocking_recall(candidates: CandidatePairs, truth: np.ndarray) -> tuple[float, int, int]:
    """Share of true matching pairs that blocking keeps: (recall, kept, total)."""
    from expediente.linkage.metrics import true_pair_count

    total = true_pair_count(truth)
    kept = int((truth[candidates.left] == truth[candidates.right]).sum())
    return (kept / total if total else 1.0), kept, total
