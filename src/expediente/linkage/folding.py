"""Accent and case folding for names."""

from __future__ import annotations

import re
import unicodedata

_NON_LETTER = re.compile(r"[^a-z0-9 ]+")

# Fast path for the letters Spanish-language lists actually use; anything else goes through
# Unicode decomposition.
_ACCENTED = "áàâäãåéèêëíìîïóòôöõøúùûüñçýÿª"
_PLAIN = "aaaaaaeeeeiiiioooooouuuuncyya"
# Apostrophes vanish so that D'Ambrosio stays one word ("dambrosio").
_TABLE = str.maketrans(_ACCENTED, _PLAIN, "'’`´")


def _decompose(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold(text: str | None) -> str:
    """Lower-case, strip accents and punctuation, collapse spaces.

    ``ñ`` folds to ``n`` like every other accented letter: official lists written without
    accents spell *Muñoz* as *MUNOZ*, and both must meet.

    >>> fold("  María  de los ÁNGELES ")
    'maria de los angeles'
    """
    if not text:
        return ""
    lowered = str(text).lower().translate(_TABLE)
    if not lowered.isascii():
        lowered = _decompose(lowered)
    # Punctuation becomes a space so that "Pérez-González" gives two tokens.
    return " ".join(_NON_LETTER.sub(" ", lowered).split())
