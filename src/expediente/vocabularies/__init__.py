"""Controlled vocabularies: versioned, bilingual (English and Spanish) data files.

Usage::

    from expediente.vocabularies import load_vocabularies

    vocab = load_vocabularies()                   # the shipped set, validated and cached
    vocab.label("act.torture", "es")              # 'Tortura'
    vocab.resolve("act_types", "detencion arbitraria")  # 'act.detention.arbitrary'
    vocab.resolve("act_types", "detención")        # 'act.detention.arrest' (no qualification)
    vocab.terms("methods")                        # all methods of torture and ill-treatment
    vocab.versions                                # {'act_types': '1.0.0', ...}

Cross-vocabulary ``refs`` (an act type's candidate art. 7 crimes, an involvement's
candidate modes of liability) are suggestions for an analyst, never legal conclusions.
"""

from __future__ import annotations

from expediente.vocabularies.loader import VocabularyError, default_paths, load_vocabularies
from expediente.vocabularies.term import LANGUAGES, Language, Replacement, Term, Vocabulary
from expediente.vocabularies.vocabulary_set import UnknownTermError, VocabularySet, fold

__all__ = [
    "LANGUAGES",
    "Language",
    "Replacement",
    "Term",
    "UnknownTermError",
    "Vocabulary",
    "VocabularyError",
    "VocabularySet",
    "default_paths",
    "fold",
    "load_vocabularies",
]
