"""The language of the command line's reports: `expediente --lang es|en COMMAND`.

Without `--lang`, `EXPEDIENTE_LANG` decides, then the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`):
Spanish for an `es…` locale, English otherwise. Vocabulary terms are shown by their label in
that language (the term id stays in files written with `--out`, which are data).
"""

from __future__ import annotations

import os
from functools import lru_cache

LANGUAGES = ("es", "en")
ENV = "EXPEDIENTE_LANG"


_chosen: str | None = None


def cli_language() -> str:
    if _chosen:
        return _chosen
    chosen = os.environ.get(ENV, "").strip().lower()
    if chosen in LANGUAGES:
        return chosen
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "es" if value.lower().startswith("es") else "en"
    return "en"


def set_language(lang: str | None) -> None:
    """Make `lang` the language of this command (`None`: the environment's, as every command
    starts)."""
    global _chosen
    _chosen = lang


@lru_cache(maxsize=1)
def _vocabularies() -> object:
    from expediente.vocabularies import load_vocabularies

    return load_vocabularies()


def term_label(term_id: str, lang: str | None = None) -> str:
    """The label of a vocabulary term in the language of the command; the id itself for a
    value no vocabulary knows."""
    from expediente.vocabularies import UnknownTermError

    try:
        return _vocabularies().label(term_id, lang or cli_language())  # type: ignore[attr-defined]
    except (UnknownTermError, KeyError):
        return term_id


def say(english: str, spanish: str) -> str:
    """One of the two texts, in the language of the command."""
    return spanish if cli_language() == "es" else english
