"""Identity-document numbers (Venezuelan cédula and the like)."""

from __future__ import annotations

import re

_PREFIX = re.compile(r"^\s*([VvEeJjPpGg])\s*[-.:]?\s*")
_NON_DIGIT = re.compile(r"\D+")


def normalise_id_number(value: object) -> tuple[str | None, str | None]:
    """Return (nationality letter, digits) of an identity number, or (None, None).

    Accepts ``V-12.345.678``, ``v 12345678``, ``12,345,678``, ``E-81234567``; leading zeros
    are dropped. Fewer than five or more than ten digits are treated as no number, since
    such values are usually placeholders (``0``, ``S/N``) or telephone numbers.

    >>> normalise_id_number("V-12.345.678")
    ('V', '12345678')
    >>> normalise_id_number("12345678.0")
    (None, '12345678')
    """
    if value is None:
        return None, None
    text = str(value).strip()
    if not text or text.lower() in {"nan", "none", "s/n", "sin cedula", "sin cédula"}:
        return None, None
    if re.fullmatch(r"\d+\.0", text):  # a number that went through a spreadsheet as float
        text = text[:-2]
    letter = None
    match = _PREFIX.match(text)
    if match:
        letter = match.group(1).upper()
        text = text[match.end() :]
    digits = _NON_DIGIT.sub("", text).lstrip("0")
    if not 5 <= len(digits) <= 10:
        return None, None
    return letter, digits
