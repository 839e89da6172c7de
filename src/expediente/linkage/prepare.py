"""The front end: raw person records -> standardised, encoded features.

Every comparison and blocking key works on the arrays built here, so that the Spanish
naming rules live in one place and the engine sees only integers and clean strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import numpy as np
import polars as pl

from expediente.linkage.config import LinkConfig
from expediente.linkage.folding import fold
from expediente.linkage.identity_numbers import normalise_id_number
from expediente.linkage.lexicon import Lexicon, load_lexicon
from expediente.linkage.names import name_tokens, normalise_nickname, parse_name
from expediente.linkage.partial_dates import birth_interval, date_interval
from expediente.linkage.phonetics import phonetic_key

#: Given-name slots kept per record (given names, then nickname's canonical names).
GIVEN_SLOTS = 4


class InputError(ValueError):
    """The input records cannot be linked as they are; the message names the column or row."""


@dataclass
class Prepared:
    """Standardised records as parallel arrays (one entry per record).

    Integer-coded name arrays use -1 for "no value"; ``vocab`` maps codes back to strings.
    """

    n: int
    source: np.ndarray
    record_id: np.ndarray
    given: np.ndarray  # (n, GIVEN_SLOTS) canonical given-name codes
    given_phon: np.ndarray  # (n, GIVEN_SLOTS) phonetic codes of the same
    given_initial: np.ndarray  # (n,) bool: first given name is only an initial
    surname: np.ndarray  # (n, 2) surname codes
    surname_phon: np.ndarray  # (n, 2)
    id_number: np.ndarray  # object: digits or None
    birth_lo: np.ndarray  # int64 day numbers, -1 if unknown
    birth_hi: np.ndarray
    event_lo: np.ndarray  # int64 day numbers of the event date interval, -1 if unknown
    event_hi: np.ndarray
    columns: dict[str, np.ndarray] = field(default_factory=dict)  # folded generic columns
    vocab: list[str] = field(default_factory=list)
    lexicon: Lexicon | None = None
    placeholder_ids: list[str] = field(default_factory=list)
    given_freq: np.ndarray | None = None  # per vocab code: frequency as a first given name
    surname_freq: np.ndarray | None = None  # per vocab code: frequency as a surname

    def coded(self, name: str) -> tuple[np.ndarray, list[str]]:
        """Integer codes (-1 = missing) and their values for a generic column or id_number.

        Computed once per column and kept, since every comparison and rule reuses them.
        """
        cache = self.__dict__.setdefault("_coded", {})
        if name not in cache:
            values = self.id_number if name == "id_number" else self.columns[name]
            series = pl.Series(values.tolist(), dtype=pl.Utf8)
            uniques = series.drop_nulls().unique(maintain_order=True)
            lookup = pl.DataFrame({"v": uniques, "c": np.arange(len(uniques), dtype=np.int32)})
            codes = (
                pl.DataFrame({"v": series})
                .join(lookup, on="v", how="left", maintain_order="left")["c"]
                .fill_null(-1)
                .to_numpy()
                .astype(np.int32)
            )
            cache[name] = (codes, uniques.to_list())
        return cache[name]

    def text(self, codes: np.ndarray) -> np.ndarray:
        """Strings for an array of codes ('' for -1)."""
        table = np.array([*self.vocab, ""], dtype=object)
        return table[np.where(codes < 0, len(self.vocab), codes)]

    def display_name(self, i: int) -> str:
        """A readable standardised name of record ``i`` (for explanations)."""
        given = " ".join(self.vocab[c] for c in self.given[i] if c >= 0)
        surnames = " ".join(self.vocab[c] for c in self.surname[i] if c >= 0)
        return f"{given} / {surnames}".strip()


_SEX = {
    "f": "f",
    "fem": "f",
    "femenino": "f",
    "female": "f",
    "mujer": "f",
    "sex female": "f",
    "m": "m",
    "masc": "m",
    "masculino": "m",
    "male": "m",
    "hombre": "m",
    "sex male": "m",
    "v": "m",
    "varon": "m",
}


def normalise_sex(value: str | None) -> str | None:
    """Fold the many ways lists write sex onto f / m (None when unknown or other)."""
    return _SEX.get(fold(value)) if value else None


def drop_placeholder_ids(ids: np.ndarray, n_sources: int) -> tuple[np.ndarray, list[str]]:
    """Treat identity numbers that cannot belong to one person as missing.

    A person appears at most a few times per source, so a number held by more than
    ``2 x sources + 2`` records is a placeholder ("600000", "12345678") or a data-entry
    habit, not an identity; so are numbers made of one repeated digit. Left in, such a
    number would link everyone who carries it.
    """
    present = [v for v in ids.tolist() if v is not None]
    if not present:
        return ids, []
    values, counts = np.unique(np.array(present, dtype=object), return_counts=True)
    limit = 2 * n_sources + 2
    bad = {
        v
        for v, c in zip(values.tolist(), counts.tolist(), strict=True)
        if c > limit or len(set(v)) == 1 or v in {"12345678", "123456789", "1234567"}
    }
    if not bad:
        return ids, []
    cleaned = np.array([None if v in bad else v for v in ids.tolist()], dtype=object)
    return cleaned, sorted(bad)


_PLACE_WORDS = re.compile(r"^(municipio|mun|estado|edo|parroquia|ciudad)\s+")


def normalise_place(value: str | None) -> str | None:
    """A place, folded, from the general to the particular.

    Lists write a municipality with its state after a comma (``Sucre, Miranda``) or a code
    (``VE-M-SUC``); both become words from the largest area down (``miranda sucre``,
    ``ve m suc``), so that a state is a prefix of each of its municipalities.
    """
    if not value:
        return None
    parts = [_PLACE_WORDS.sub("", fold(part)) for part in str(value).split(",")]
    return " ".join(part for part in reversed(parts) if part) or None


def name_frequencies(
    vocab: list[str],
    given: np.ndarray,
    surname: np.ndarray,
    lexicon: Lexicon,
    reference_records: float | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Frequency of every name, from the case's own records mixed with the reference table.

    A reference table knows the population but not the case: a surname rare nationally may
    be common in the region the lists cover, and a name missing from the table gets one
    flat frequency. The case's own records know both, but over-represent whoever is listed
    several times and say little when the case is small. So the frequency is
    ``(count in the case + r x reference frequency) / (records + r)``: the reference counts
    for ``r`` records (``reference_records``), and dominates a small case only.
    ``None`` keeps the reference alone.
    """
    size = len(vocab)
    ref_given = np.array([lexicon.given_frequency(t) for t in vocab])
    ref_surname = np.array([lexicon.surname_frequency(t) for t in vocab])
    if reference_records is None:
        return ref_given, ref_surname
    n = len(given)
    first = given[:, 0]
    count_given = np.bincount(first[first >= 0], minlength=size).astype(np.float64)
    # A record counts once per surname it carries, so surname frequencies add up to about 2.
    flat = surname.reshape(-1)
    count_surname = np.bincount(flat[flat >= 0], minlength=size).astype(np.float64)
    r = float(reference_records)
    mixed_given = (count_given + r * ref_given) / (n + r)
    mixed_surname = (count_surname / 2 + r * ref_surname) / (n + r)
    return mixed_given, mixed_surname


def _str_or_none(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    text = str(value).strip()
    return text or None


def prepare(records: pl.DataFrame, config: LinkConfig) -> Prepared:
    """Standardise records for linkage.

    Args:
        records: one row per record with ``source_id`` and ``record_id`` (or the columns the
            config maps onto them) and any of the name, id, date, place columns.
        config: the linkage configuration.

    Raises:
        InputError: a required column is missing, or a record id repeats within a source.
    """
    col = config.column
    for required in ("source_id", "record_id"):
        if col(required) not in records.columns:
            raise InputError(f"column {col(required)!r} is missing (needed as {required})")
    frame = records.with_columns(
        pl.col(col("source_id")).cast(pl.Utf8), pl.col(col("record_id")).cast(pl.Utf8)
    )
    duplicated = ~frame.select(
        pl.struct(col("source_id"), col("record_id")).is_first_distinct()
    ).to_series()
    if duplicated.any():
        row = int(np.flatnonzero(duplicated.to_numpy())[0])
        raise InputError(
            f"row {row + 1}: record_id {frame[col('record_id')][row]!r} repeats within source "
            f"{frame[col('source_id')][row]!r}"
        )
    person_kinds = {spec.kind for spec in config.fields}
    for spec in config.fields:
        if spec.column and col(spec.column) not in frame.columns and spec.kind == "string":
            raise InputError(f"fields.{spec.name}: column {spec.column!r} is not in the input")
    reference = {k: Path(v) for k, v in config.reference.items()}
    lexicon = load_lexicon(
        reference.get("given_names"), reference.get("surnames"), reference.get("variants")
    )

    def get(name: str) -> list[object]:
        column = col(name)
        return frame[column].to_list() if column in frame.columns else [None] * frame.height

    n = frame.height
    vocab: dict[str, int] = {}

    def code(token: str | None) -> int:
        if not token:
            return -1
        value = vocab.get(token)
        if value is None:
            value = vocab[token] = len(vocab)
        return value

    given = np.full((n, GIVEN_SLOTS), -1, dtype=np.int32)
    given_phon = np.full((n, GIVEN_SLOTS), -1, dtype=np.int32)
    initial = np.zeros(n, dtype=bool)
    surname = np.full((n, 2), -1, dtype=np.int32)
    surname_phon = np.full((n, 2), -1, dtype=np.int32)
    if person_kinds & {"given_names", "surnames"}:
        # Caches per distinct cell value: a million records hold far fewer distinct names.
        tokens_of = lru_cache(maxsize=None)(lambda text: tuple(name_tokens(text)))
        full_of = lru_cache(maxsize=None)(lambda text: parse_name(lexicon, full_name=text))
        nick_of = lru_cache(maxsize=None)(normalise_nickname)
        phon = lru_cache(maxsize=None)(phonetic_key)

        @cache
        def given_codes(names: tuple[str, ...], nick: str | None) -> tuple[list[int], ...]:
            canonical: list[str] = []
            # A nickname counts as a given name only when it is a known form of one (Pepe,
            # Chucho); "el Chino" says nothing about the given name, and comparing it as one
            # would count as evidence against.
            known_nick = nick if nick and nick in lexicon.variants else None
            for token in (*names, *((known_nick,) if known_nick else ())):
                for name in lexicon.canonical_given(token):
                    if name not in canonical:
                        canonical.append(name)
            kept = canonical[:GIVEN_SLOTS]
            return (
                [code(t) for t in kept],
                [code("~" + phon(t)) for t in kept],
                [int(bool(kept) and len(kept[0]) == 1)],
            )

        columns = [
            get(c)
            for c in ("full_name", "given_names", "first_surname", "second_surname", "nickname")
        ]
        for i, (full, names, first, second, nickname) in enumerate(zip(*columns, strict=True)):
            names, first, second = _str_or_none(names), _str_or_none(first), _str_or_none(second)
            nick = nick_of(_str_or_none(nickname))
            if names or first or second:
                given_tokens = tokens_of(names) if names else ()
                surnames = (
                    (tokens_of(first) if first else ()) + (tokens_of(second) if second else ())
                )[:2]
            else:
                text = _str_or_none(full)
                parsed = full_of(text) if text else None
                given_tokens = parsed.given if parsed else ()
                surnames = parsed.surnames if parsed else ()
                nick = nick or (parsed.nickname if parsed else None)
            codes, phon_codes, first_is_initial = given_codes(given_tokens, nick)
            given[i, : len(codes)] = codes
            given_phon[i, : len(codes)] = phon_codes
            initial[i] = bool(first_is_initial[0])
            for slot, token in enumerate(surnames):
                surname[i, slot] = code(token)
                surname_phon[i, slot] = code("~" + phon(token))

    id_numbers = (
        np.array([normalise_id_number(v)[1] for v in get("id_number")], dtype=object)
        if "id_number" in person_kinds or any("id_number" in r for r in config.blocking)
        else (np.full(n, None, dtype=object))
    )
    id_numbers, placeholders = drop_placeholder_ids(
        id_numbers, int(frame[col("source_id")].n_unique())
    )
    birth_lo = np.full(n, -1, dtype=np.int64)
    birth_hi = np.full(n, -1, dtype=np.int64)
    if "birth" in person_kinds or any("birth_year" in r for r in config.blocking):
        birth_of = lru_cache(maxsize=None)(birth_interval)
        for i, (b, a, e) in enumerate(
            zip(get("birth_date"), get("age"), get("event_date"), strict=True)
        ):
            b, a = _str_or_none(b), _str_or_none(a)
            if b is None and a is None:
                continue
            found = birth_of(b, a, _str_or_none(e) if b is None else None)
            if found:
                birth_lo[i], birth_hi[i] = found

    event_lo = np.full(n, -1, dtype=np.int64)
    event_hi = np.full(n, -1, dtype=np.int64)
    if "event" in person_kinds or any("event_month" in r for r in config.blocking):
        seen: dict[object, tuple[int, int] | None] = {}
        for i, value in enumerate(get("event_date")):
            if value not in seen:
                seen[value] = date_interval(_str_or_none(value))
            found = seen[value]
            if found:
                event_lo[i], event_hi[i] = found

    generic: dict[str, np.ndarray] = {}
    wanted = {spec.column for spec in config.fields if spec.column}
    wanted |= {
        key.split(":", 1)[1]
        for rule in config.blocking
        for key in rule
        if key.startswith("column:")
    }
    wanted |= {"state"} if any("state" in rule for rule in config.blocking) else set()
    place_columns = {spec.column for spec in config.fields if spec.kind == "place"}
    for name in wanted:
        column = col(name)
        values = frame[column].to_list() if column in frame.columns else [None] * n
        folded: dict[object, str | None] = {}
        clean = (
            normalise_sex
            if name == "sex"
            else normalise_place
            if name in place_columns
            else (lambda v: fold(v) or None)
        )
        for v in values:
            if v not in folded:
                folded[v] = clean(_str_or_none(v))
        generic[name] = np.array([folded[v] for v in values], dtype=object)

    given_freq = surname_freq = None
    if lexicon is not None and vocab:
        given_freq, surname_freq = name_frequencies(
            list(vocab), given, surname, lexicon, config.tf_reference_records
        )
    return Prepared(
        given_freq=given_freq,
        surname_freq=surname_freq,
        n=n,
        source=np.array(frame[col("source_id")].to_list(), dtype=object),
        record_id=np.array(frame[col("record_id")].to_list(), dtype=object),
        given=given,
        given_phon=given_phon,
        given_initial=initial,
        surname=surname,
        surname_phon=surname_phon,
        id_number=id_numbers,
        birth_lo=birth_lo,
        birth_hi=birth_hi,
        event_lo=event_lo,
        event_hi=event_hi,
        columns=generic,
        vocab=list(vocab),
        lexicon=lexicon,
        placeholder_ids=placeholders,
    )
