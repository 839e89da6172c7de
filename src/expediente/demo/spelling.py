"""How names and numbers get written down wrongly: accents dropped, typos, digit slips."""

from __future__ import annotations

import random
import unicodedata

# Neighbouring keys on a Spanish (QWERTY) keyboard: the substitutions a typist makes.
_NEIGHBOURS = {
    "a": "qswz",
    "b": "vghn",
    "c": "xdfv",
    "d": "serfcx",
    "e": "wrds",
    "f": "drtgvc",
    "g": "ftyhbv",
    "h": "gyujnb",
    "i": "ujko",
    "j": "huikmn",
    "k": "jiolm",
    "l": "kopñ",
    "m": "njk",
    "n": "bhjm",
    "o": "iklp",
    "p": "olñ",
    "q": "wa",
    "r": "edft",
    "s": "awedxz",
    "t": "rfgy",
    "u": "yhji",
    "v": "cfgb",
    "w": "qase",
    "x": "zsdc",
    "y": "tghu",
    "z": "asx",
    "ñ": "lp",
}
# Letters that sound alike in Latin American Spanish: common spelling slips.
_SOUND_ALIKE = {"b": "v", "v": "b", "s": "z", "z": "s", "y": "i", "i": "y", "j": "g", "g": "j"}


def strip_accents(text: str) -> str:
    """Remove diacritics (á → a, ñ → n), as legacy record systems do."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def typo(text: str, rng: random.Random) -> str:
    """Introduce one typing or spelling error into a word or name (unchanged if too short)."""
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if len(letters) < 3:
        return text
    i = rng.choice(letters[1:])  # first letters are rarely mistyped
    ch = text[i]
    lower = ch.lower()
    kind = rng.random()
    if kind < 0.3 and lower in _SOUND_ALIKE:
        new = _SOUND_ALIKE[lower]
    elif kind < 0.55 and lower in _NEIGHBOURS:
        new = rng.choice(_NEIGHBOURS[lower])
    elif kind < 0.75:
        return text[:i] + text[i + 1 :]  # dropped letter
    elif kind < 0.9:
        return text[:i] + ch + text[i:]  # doubled letter
    else:
        j = i - 1 if text[i - 1].isalpha() else i
        if j == i or i + 1 > len(text):
            return text
        return text[:j] + text[i] + text[j] + text[i + 1 :]  # swapped neighbours
    if ch.isupper():
        new = new.upper()
    return text[:i] + new + text[i + 1 :]


def digit_slip(digits: str, rng: random.Random) -> str:
    """Introduce one error into a string of digits: a wrong or transposed digit."""
    if len(digits) < 2:
        return digits
    i = rng.randrange(len(digits) - 1)
    if rng.random() < 0.5 and digits[i] != digits[i + 1]:
        return digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]
    new = str((int(digits[i]) + rng.randrange(1, 10)) % 10)
    return digits[:i] + new + digits[i + 1 :]
