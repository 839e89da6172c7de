"""Reading and validating the vocabulary data files.

Each vocabulary is one YAML file::

    id: act_types
    version: 1.0.0
    label: {en: Act types, es: Tipos de actos}
    description: {en: ..., es: ...}
    terms:
      - id: act.torture
        en: Torture
        es: Tortura
        parent: act.integrity          # optional, a term of the set
        aliases: {en: [...], es: [...]} # optional
        refs: [art7.1.f]               # optional, terms of any vocabulary
        unit: kg                       # optional, for measures
        description: {en: ..., es: ...} # optional; when given, in both languages
        evidence_hints:                # optional; when given, the same hints in both
          en: [...]
          es: [...]
    required: [description]            # optional: fields every term of the file must have
    replaced:                          # optional: withdrawn ids and what replaces them
      - {id: act.old, replaced_by: act.new, since: 1.1.0, reason: {en: ..., es: ...}}

Any further keys of a term are kept in :attr:`Term.attributes`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from expediente.vocabularies.term import LANGUAGES, Replacement, Term, Vocabulary
from expediente.vocabularies.vocabulary_set import VocabularySet

__all__ = ["VocabularyError", "default_paths", "load_vocabularies"]

_TERM_KEYS = {
    "id", "en", "es", "parent", "aliases", "refs", "unit", "description", "evidence_hints"
}  # fmt: skip
_REQUIRABLE = ("description", "evidence_hints")
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class VocabularyError(ValueError):
    """The vocabulary files are not valid; ``problems`` lists each one."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = "\n  ".join(problems[:50])
        more = f"\n  ... and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"invalid vocabularies ({len(problems)} problems):\n  {shown}{more}")


def default_paths() -> list[Path]:
    """The vocabulary files shipped with Expediente, sorted by name."""
    data = resources.files("expediente.vocabularies").joinpath("data")
    return sorted(Path(str(p)) for p in data.iterdir() if p.name.endswith(".yaml"))


_default_set: VocabularySet | None = None


def load_vocabularies(paths: Iterable[str | Path] | None = None) -> VocabularySet:
    """Load and validate vocabularies.

    Args:
        paths: YAML files to load; None loads the shipped set (cached after the first
            call).

    Raises:
        VocabularyError: listing every problem, each naming its file and term:
            duplicate ids (across all files), a missing or empty label in either
            language, a description or evidence hints given in one language only, a field
            the vocabulary requires that a term lacks, a parent, ref or ``replaced_by``
            that does not resolve, a missing version.
    """
    global _default_set
    if paths is None:
        if _default_set is None:
            _default_set = _load(default_paths())
        return _default_set
    return _load([Path(p) for p in paths])


def _load(paths: list[Path]) -> VocabularySet:
    problems: list[str] = []
    vocabularies: dict[str, Vocabulary] = {}
    term_files: dict[str, str] = {}
    digest = hashlib.sha256()
    for path in paths:
        raw_bytes = path.read_bytes()
        digest.update(path.name.encode() + b"\0" + raw_bytes)
        try:
            data = yaml.load(raw_bytes, Loader=_Loader)  # the C or pure-Python *safe* loader  # noqa: S506 (_Loader is yaml's CSafeLoader or SafeLoader)
        except yaml.YAMLError as exc:
            problems.append(f"{path.name}: not valid YAML: {exc}")
            continue
        vocab = _read_vocabulary(path, data, problems)
        if vocab is None:
            continue
        if vocab.id in vocabularies:
            problems.append(
                f"{path.name}: vocabulary id {vocab.id!r} already defined in "
                f"{Path(vocabularies[vocab.id].path).name}"
            )
            continue
        vocabularies[vocab.id] = vocab
        for term in vocab.terms:
            if term.id in term_files:
                problems.append(
                    f"{path.name}: term {term.id!r}: duplicate id (also in {term_files[term.id]})"
                )
            else:
                term_files[term.id] = path.name
    for vocab in vocabularies.values():
        name = Path(vocab.path).name
        for term in vocab.terms:
            if term.parent is not None and term.parent not in term_files:
                problems.append(f"{name}: term {term.id!r}: parent {term.parent!r} not found")
            for ref in term.refs:
                if ref not in term_files:
                    problems.append(f"{name}: term {term.id!r}: ref {ref!r} not found")
        own = {term.id for term in vocab.terms}
        for replaced in vocab.replaced:
            where = f"{name}: replaced id {replaced.old_id!r}"
            if replaced.old_id in term_files:
                problems.append(f"{where}: is still a term; a replaced id must be withdrawn")
            if replaced.new_id not in own:
                problems.append(
                    f"{where}: replaced_by {replaced.new_id!r} is not a term of {vocab.id!r}"
                )
    if problems:
        raise VocabularyError(problems)
    return VocabularySet(vocabularies, digest.hexdigest())


def _bilingual(value: Any, where: str, what: str, problems: list[str]) -> dict[str, str]:
    """A text in both languages: ``{en: ..., es: ...}``, both present and non-empty."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        problems.append(f"{where}: {what} must be a mapping of en/es texts, in both languages")
        return {}
    texts = {str(k): str(v).strip() for k, v in value.items() if v is not None}
    for lang in LANGUAGES:
        if not texts.get(lang):
            problems.append(f"{where}: {what} has no {lang!r} text (both languages are required)")
    for key in texts:
        if key not in LANGUAGES:
            problems.append(f"{where}: {what} has an unknown language {key!r}")
    return texts


def _hints(value: Any, where: str, problems: list[str]) -> dict[str, tuple[str, ...]]:
    """Evidence hints: ``{en: [...], es: [...]}``, the same number of hints in each."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        problems.append(
            f"{where}: evidence_hints must be {{en: [...], es: [...]}}, in both languages"
        )
        return {}
    hints: dict[str, tuple[str, ...]] = {}
    for lang in LANGUAGES:
        items = value.get(lang)
        if not isinstance(items, list) or not items:
            problems.append(f"{where}: evidence_hints has no {lang!r} list")
            continue
        if not all(isinstance(item, str) and item.strip() for item in items):
            problems.append(f"{where}: evidence_hints {lang!r} must be a list of non-empty texts")
            continue
        hints[lang] = tuple(item.strip() for item in items)
    if len(hints) == len(LANGUAGES) and len({len(v) for v in hints.values()}) > 1:
        counts = ", ".join(f"{lang} {len(hints[lang])}" for lang in LANGUAGES)
        problems.append(f"{where}: evidence_hints differ in number between languages ({counts})")
    for key in value:
        if key not in LANGUAGES:
            problems.append(f"{where}: evidence_hints has an unknown language {key!r}")
    return hints


def _read_replaced(
    name: str, vocab_id: str, raw: Any, problems: list[str]
) -> tuple[Replacement, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.append(f"{name}: vocabulary {vocab_id!r}: 'replaced' must be a list")
        return ()
    found = []
    for position, entry in enumerate(raw, start=1):
        where = f"{name}: replaced #{position}"
        if not isinstance(entry, Mapping):
            problems.append(f"{where}: must be a mapping with id, replaced_by, since, reason")
            continue
        old, new, since = entry.get("id"), entry.get("replaced_by"), entry.get("since")
        if not isinstance(old, str) or not isinstance(new, str) or not old or not new:
            problems.append(f"{where}: needs an 'id' and a 'replaced_by' term id")
            continue
        if since is None or not str(since).strip():
            problems.append(f"{where} ({old!r}): needs 'since', the version that replaced it")
        reason = _bilingual(entry.get("reason"), f"{where} ({old!r})", "reason", problems)
        if not reason:
            problems.append(f"{where} ({old!r}): needs a 'reason' in both languages")
        found.append(Replacement(old, new, vocab_id, str(since or ""), reason))
    return tuple(found)


def _read_vocabulary(path: Path, data: Any, problems: list[str]) -> Vocabulary | None:
    name = path.name
    if not isinstance(data, Mapping):
        problems.append(f"{name}: the file must be a mapping with id, version and terms")
        return None
    vocab_id = data.get("id")
    if not isinstance(vocab_id, str) or not vocab_id.strip():
        problems.append(f"{name}: missing vocabulary id")
        return None
    version = data.get("version")
    if version is None or not str(version).strip():
        problems.append(f"{name}: vocabulary {vocab_id!r}: missing version")
    raw_terms = data.get("terms")
    if not isinstance(raw_terms, list) or not raw_terms:
        problems.append(f"{name}: vocabulary {vocab_id!r}: 'terms' must be a non-empty list")
        return None
    required = data.get("required") or []
    if not isinstance(required, list) or any(f not in _REQUIRABLE for f in required):
        problems.append(
            f"{name}: vocabulary {vocab_id!r}: 'required' may list only {', '.join(_REQUIRABLE)}"
        )
        required = []
    terms = []
    for position, raw in enumerate(raw_terms, start=1):
        term = _read_term(name, vocab_id, position, raw, problems)
        if term is None:
            continue
        terms.append(term)
        for needed in required:
            value = term.description if needed == "description" else term.evidence_hints
            if not value and raw.get(needed) is None:
                problems.append(
                    f"{name}: term {term.id!r}: missing {needed} (required by {vocab_id!r}, "
                    "in both languages)"
                )
    return Vocabulary(
        id=vocab_id,
        version=str(version or ""),
        label=_bilingual(data.get("label"), name, "label", problems),
        description=_bilingual(data.get("description"), name, "description", problems),
        notes=_bilingual(data.get("notes"), name, "notes", problems),
        terms=tuple(terms),
        path=str(path),
        replaced=_read_replaced(name, vocab_id, data.get("replaced"), problems),
    )


def _read_term(
    name: str, vocab_id: str, position: int, raw: Any, problems: list[str]
) -> Term | None:
    if not isinstance(raw, Mapping):
        problems.append(f"{name}: term #{position}: must be a mapping")
        return None
    term_id = raw.get("id")
    if not isinstance(term_id, str) or not term_id.strip():
        problems.append(f"{name}: term #{position}: missing id")
        return None
    where = f"{name}: term {term_id!r}"
    labels = {}
    for lang in LANGUAGES:
        label = raw.get(lang)
        if not isinstance(label, str) or not label.strip():
            problems.append(f"{where}: missing or empty {lang!r} label")
        labels[lang] = str(label or "").strip()
    aliases: dict[str, tuple[str, ...]] = {}
    raw_aliases = raw.get("aliases") or {}
    if not isinstance(raw_aliases, Mapping):
        problems.append(f"{where}: aliases must be a mapping of language to a list")
    else:
        for lang, values in raw_aliases.items():
            if lang not in LANGUAGES or not isinstance(values, list):
                problems.append(f"{where}: aliases must be {{en: [...], es: [...]}}")
                continue
            aliases[lang] = tuple(str(v) for v in values)
    refs = raw.get("refs") or []
    if not isinstance(refs, list):
        problems.append(f"{where}: refs must be a list of term ids")
        refs = []
    parent = raw.get("parent")
    unit = raw.get("unit")
    description = raw.get("description")
    if isinstance(description, str):
        problems.append(f"{where}: description must be {{en: ..., es: ...}}, in both languages")
        description = None
    return Term(
        id=term_id,
        vocabulary=vocab_id,
        en=labels["en"],
        es=labels["es"],
        parent=str(parent) if parent is not None else None,
        aliases=aliases,
        refs=tuple(str(r) for r in refs),
        unit=str(unit) if unit is not None else None,
        description=_bilingual(description, where, "description", problems),
        attributes={k: v for k, v in raw.items() if k not in _TERM_KEYS},
        evidence_hints=_hints(raw.get("evidence_hints"), where, problems),
    )
