"""Linkage configuration (the ``link.yaml`` file)."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import yaml

#: Canonical column names understood by the Spanish person front end.
CANONICAL_COLUMNS = (
    "source_id",
    "record_id",
    "full_name",
    "given_names",
    "first_surname",
    "second_surname",
    "nickname",
    "id_number",
    "birth_date",
    "age",
    "sex",
    "state",
    "event_date",
)

#: Comparison kinds. The first five are the Spanish person front end; the last two are
#: generic, for tables that are not person lists in the victims format (e.g. FEBRL).
COMPARISON_KINDS = (
    "given_names",
    "surnames",
    "id_number",
    "birth",
    "event",
    "place",
    "exact",
    "string",
)

LINK_TYPES = ("dedupe_and_link", "link_only", "dedupe_only")
CLUSTERING_METHODS = ("average", "greedy", "star")


class ConfigError(ValueError):
    """A configuration value a user wrote is invalid; the message names it."""


@dataclass
class FieldSpec:
    """One compared field.

    Attributes:
        name: name shown in explanations.
        kind: one of :data:`COMPARISON_KINDS`.
        column: input column for ``place``, ``exact`` and ``string`` kinds.
        thresholds: similarity thresholds of the ``string`` kind's fuzzy levels, highest first.
        term_frequency: adjust agreement weights by how common the value is.
    """

    name: str
    kind: str
    column: str | None = None
    thresholds: tuple[float, ...] = (0.92, 0.8)
    term_frequency: bool = False


DEFAULT_FIELDS = (
    FieldSpec("given_names", "given_names", term_frequency=True),
    FieldSpec("surnames", "surnames", term_frequency=True),
    FieldSpec("id_number", "id_number"),
    FieldSpec("birth", "birth"),
    FieldSpec("sex", "exact", column="sex"),
    FieldSpec("state", "place", column="state"),
    # Victim lists carry one act per victim: two lists reporting the same act give (nearly)
    # the same date. EM learns how much that is worth, including for victims of many acts.
    FieldSpec("event", "event"),
)

#: Default blocking: each rule is a list of keys; pairs sharing all keys of any rule are
#: compared. ``name_pairs`` is the array-based rule (any surname x any given name).
DEFAULT_BLOCKING = (
    ("id_number",),
    ("name_pairs",),
    ("surname_pair",),
    ("surname", "birth_year"),
    ("given", "birth_year", "state"),
)


@dataclass
class LinkConfig:
    """Everything a linkage run needs besides the records and reviewer labels.

    Attributes:
        link_type: ``dedupe_and_link`` (default), ``link_only`` or ``dedupe_only``.
        columns: canonical column name -> input column name, for columns named otherwise.
        fields: compared fields.
        blocking: blocking rules, each a sequence of key names (see :mod:`blocking`).
        max_block_size: blocks larger than this are skipped for that rule (name keys of very
            common names); other rules still reach those records.
        threshold: match probability at or above which two records are the same person.
        review_band: pairs with probability in [low, high) go to the review queue.
        review_queue_limit: at most this many pairs are listed in the queue (most useful
            first); the count of all uncertain pairs is in the diagnostics.
        alternative_thresholds: extra clusterings to report (linkage uncertainty).
        samples: number of clusterings sampled from the match probabilities.
        max_iterations: EM iterations.
        u_sample_pairs: random pairs used to estimate u-probabilities.
        label_weight: how many unlabelled pairs one reviewer label counts for in training.
        seed: random seed.
        reference: optional paths ``given_names``, ``surnames``, ``variants`` to lexicon CSVs.
        truth_column: column holding the true person id (evaluation only).
        calibrate_source_pairs: m, u and prior per pair of sources, shrunk to the global
            model (an NGO list against a registry is not a press report against a
            testimony).
        tf_reference_records: name frequencies come from the case's own records mixed
            with the reference table, which counts for this many records (``None``: the
            reference table alone).
        clustering: ``greedy`` (strongest links first, cannot-links refused; the
            default), ``average`` (average linkage over every pair inside a group of
            linked records) or ``star``; compared in ``bench/linkage/README.md``.
        complete_component_limit: groups of records linked at the lowest threshold up to
            this size have every pair among them scored (blocking may have skipped some),
            so that average linkage sees them all.
    """

    link_type: str = "dedupe_and_link"
    columns: dict[str, str] = field(default_factory=dict)
    fields: tuple[FieldSpec, ...] = DEFAULT_FIELDS
    blocking: tuple[tuple[str, ...], ...] = DEFAULT_BLOCKING
    max_block_size: int = 2000
    threshold: float = 0.5
    review_band: tuple[float, float] = (0.1, 0.9)
    alternative_thresholds: tuple[float, ...] = (0.2, 0.8, 0.95, 0.99)
    review_queue_limit: int = 5000
    samples: int = 10
    max_iterations: int = 60
    u_sample_pairs: int = 200_000
    label_weight: float = 20.0
    seed: int = 1
    reference: dict[str, str] = field(default_factory=dict)
    truth_column: str | None = None
    calibrate_source_pairs: bool = True
    clustering: str = "greedy"
    tf_reference_records: float | None = 3000.0
    complete_component_limit: int = 60

    def __post_init__(self) -> None:
        if self.link_type not in LINK_TYPES:
            raise ConfigError(
                f"link_type: {self.link_type!r} is not one of {', '.join(LINK_TYPES)}"
            )
        if not 0.0 < self.threshold < 1.0:
            raise ConfigError(f"threshold: {self.threshold} must be between 0 and 1")
        low, high = self.review_band
        if not 0.0 <= low <= high <= 1.0:
            raise ConfigError(f"review_band: {self.review_band} must be [low, high] within 0..1")
        for spec in self.fields:
            if spec.kind not in COMPARISON_KINDS:
                raise ConfigError(
                    f"fields.{spec.name}.kind: {spec.kind!r} is not one of "
                    f"{', '.join(COMPARISON_KINDS)}"
                )
            if spec.kind in {"place", "exact", "string"} and not spec.column:
                raise ConfigError(f"fields.{spec.name}: kind {spec.kind} needs a column")
        unknown = set(self.reference) - {"given_names", "surnames", "variants"}
        if unknown:
            raise ConfigError(
                f"reference: unknown key(s) {', '.join(sorted(unknown))} "
                "(use given_names, surnames, variants)"
            )
        if self.clustering not in CLUSTERING_METHODS:
            raise ConfigError(
                f"clustering: {self.clustering!r} is not one of {', '.join(CLUSTERING_METHODS)}"
            )
        if not self.blocking:
            raise ConfigError("blocking: at least one rule is needed")

    def column(self, canonical: str) -> str:
        """Input column name for a canonical column."""
        return self.columns.get(canonical, canonical)


def config_from_dict(data: dict[str, Any]) -> LinkConfig:
    """Build a :class:`LinkConfig` from parsed YAML, naming any unknown or bad key."""
    known = {f.name for f in fields(LinkConfig)}
    unknown = set(data) - known
    if unknown:
        raise ConfigError(f"unknown setting(s): {', '.join(sorted(unknown))}")
    values = dict(data)
    if "fields" in values:
        specs = []
        for i, item in enumerate(values["fields"] or []):
            if not isinstance(item, dict) or "name" not in item or "kind" not in item:
                raise ConfigError(f"fields[{i}]: needs at least 'name' and 'kind'")
            item = dict(item)
            if "thresholds" in item:
                item["thresholds"] = tuple(float(x) for x in item["thresholds"])
            try:
                specs.append(FieldSpec(**item))
            except TypeError as exc:
                raise ConfigError(f"fields[{i}]: {exc}") from None
        values["fields"] = tuple(specs)
    if "blocking" in values:
        rules = []
        for i, rule in enumerate(values["blocking"] or []):
            keys = (rule,) if isinstance(rule, str) else tuple(rule)
            if not keys or not all(isinstance(k, str) for k in keys):
                raise ConfigError(f"blocking[{i}]: a rule is a key name or a list of key names")
            rules.append(keys)
        values["blocking"] = tuple(rules)
    for key in ("review_band", "alternative_thresholds"):
        if key in values:
            values[key] = tuple(float(x) for x in values[key])
    return LinkConfig(**values)


def load_config(path: str | Path) -> LinkConfig:
    """Read ``link.yaml``."""
    try:
        data = yaml.safe_load(Path(path).read_text("utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of settings")
    return config_from_dict(data)
