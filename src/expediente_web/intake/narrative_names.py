"""Replacing the names and ID numbers of known people in free text with their pseudonyms.

A pseudonymised export replaces a person's identifying fields, but a testimony's narrative may
still name the witness or the victims ("me llevaron con María José Pérez…"). `NameReplacer`
finds, in a text, every whole-word occurrence of the name forms and ID number of the people it
is given, ignoring case and accents, and puts the person's pseudonym in their place; longer
forms are tried first, so "María José Pérez" becomes one pseudonym and not a pseudonym
followed by a surname.

This is best-effort: a misspelt name, a diminutive, a relative's name or a description
("the teacher from the corner shop") are not found, and a common surname is replaced
wherever it occurs, whoever it names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# ID numbers with at least this many digits are also found written with other separators
# (V-12.345.678, 12345678, 12 345 678); shorter ones only as written.
_MIN_ID_DIGITS = 5
_MIN_FORM_CHARS = 2


class _FoldTable(dict[int, str]):
    """Code point → its lower-case form without accents, filled as characters are met (for
    `str.translate`, which runs at C speed)."""

    def __missing__(self, code: int) -> str:
        base = "".join(
            c for c in unicodedata.normalize("NFD", chr(code)) if not unicodedata.combining(c)
        )
        self[code] = folded = base.lower()  # empty for a lone combining mark
        return folded


_FOLD = _FoldTable()


def fold_with_positions(text: str) -> tuple[str, list[int] | None]:
    """`text` lower-cased and without accents, and for each of its characters the index of
    the character of `text` it comes from (None when they line up one to one, as they do
    unless the text holds decomposed accents or characters that fold to two)."""
    folded = text.translate(_FOLD)
    if len(folded) == len(text):
        return folded, None
    pieces: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        piece = _FOLD[ord(char)]
        pieces.append(piece)
        origin.extend([index] * len(piece))  # a lone combining mark joins the previous char
    return "".join(pieces), origin


def fold(text: str) -> str:
    """Lower-case, accents removed, blanks collapsed."""
    return " ".join(fold_with_positions(text)[0].split())


def name_forms(person: Any) -> list[str]:
    """The ways a narrative may write a person's name: the full name, given names with one or
    both surnames, both surnames, each of given names and surnames alone, the nickname."""
    given = _clean(getattr(person, "given_names", ""))
    first = _clean(getattr(person, "first_surname", ""))
    second = _clean(getattr(person, "second_surname", ""))
    forms = [
        _clean(getattr(person, "full_name", "")),
        " ".join(p for p in (given, first, second) if p),
        " ".join(p for p in (given, first) if p),
        " ".join(p for p in (first, second) if p),
        given,
        first,
        second,
        _clean(getattr(person, "nickname", "")),
    ]
    return [f for f in dict.fromkeys(forms) if f]


def _clean(value: Any) -> str:
    return " ".join(str(value or "").split())


def _id_pattern(id_number: str) -> str | None:
    digits = re.sub(r"\D", "", id_number)
    if len(digits) < _MIN_ID_DIGITS:
        return None
    # An optional nationality letter (V-, E-) and any of . - or a blank between digits.
    return r"(?<!\w)(?:[a-z]\s?[-.]?\s?)?" + r"[.\-\s]?".join(digits) + r"(?!\w)"


@dataclass(frozen=True)
class _Form:
    text: str
    """The folded form, blanks collapsed; for an ID number, its digits."""
    pseudonym: str
    pattern: str | None = None
    """For an ID number: a regex over folded text (separators vary); names are found by
    plain search, which needs no regex compiled per text."""


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _collapse(folded: str) -> tuple[str, list[int] | None]:
    """`folded` with each run of blanks as one space, and the position in `folded` of each of
    its characters (None when nothing was collapsed)."""
    if "  " not in folded and not any(c in folded for c in "\t\n\r\f\v\u00a0"):
        return folded, None
    parts: list[str] = []
    positions: list[int] = []
    for match in re.finditer(r"\S+", folded):
        if parts:
            parts.append(" ")
            positions.append(match.start() - 1)
        parts.append(match.group())
        positions.extend(range(match.start(), match.end()))
    return "".join(parts), positions


@dataclass
class NameReplacer:
    """Collects people (name forms, ID number → pseudonym) and replaces them in texts."""

    _forms: list[_Form] = field(default_factory=list)

    def add_person(self, person: Any, pseudonym: str) -> None:
        """A person's name forms and ID number, to be replaced by `pseudonym`."""
        self.add_names(name_forms(person), pseudonym)
        id_number = _clean(getattr(person, "id_number", ""))
        if id_number:
            self.add_names([id_number], pseudonym)
            pattern = _id_pattern(id_number)
            if pattern:
                digits = re.sub(r"\D", "", id_number)
                self._forms.append(_Form(digits, pseudonym, pattern))

    def add_names(self, names: Iterable[str], pseudonym: str) -> None:
        """Further forms (a witness's name as the interviewer wrote it) for `pseudonym`."""
        for name in names:
            folded = fold(name)
            if len(folded) >= _MIN_FORM_CHARS:
                self._forms.append(_Form(folded, pseudonym))

    def _spans(self, flat: str) -> list[tuple[int, int, str]]:
        """(start, end, pseudonym) of the whole-word occurrences in `flat`, longest forms
        first: a shorter form is not looked for inside a longer one already found."""
        claimed = bytearray(len(flat))
        spans: list[tuple[int, int, str]] = []
        digits: str | None = None
        seen: set[str] = set()
        size = len(flat)

        def claim(start: int, end: int, pseudonym: str) -> None:
            if (start == 0 or not _is_word(flat[start - 1])) and (
                end == size or not _is_word(flat[end])
            ) and not any(claimed[start:end]):
                claimed[start:end] = b"\x01" * (end - start)
                spans.append((start, end, pseudonym))

        # Longest first, then in the order added (the first person added wins a shared form).
        order = sorted(range(len(self._forms)), key=lambda n: (-len(self._forms[n].text), n))
        for n in order:
            form = self._forms[n]
            key = form.pattern or form.text
            if key in seen:
                continue
            seen.add(key)
            if form.pattern is not None:
                if digits is None:
                    digits = re.sub(r"\D", "", flat)
                if form.text in digits:  # only then is the pattern worth compiling
                    for match in re.finditer(form.pattern, flat):
                        claim(match.start(), match.end(), form.pseudonym)
                continue
            at = flat.find(form.text)
            while at >= 0:
                claim(at, at + len(form.text), form.pseudonym)
                at = flat.find(form.text, at + 1)
        return sorted(spans)

    def replace(self, text: str) -> str:
        """`text` with every occurrence of a known name form or ID number replaced."""
        if not text or not self._forms:
            return text
        folded, origin = fold_with_positions(text)
        flat, positions = _collapse(folded)
        spans = self._spans(flat)
        if not spans:
            return text
        out: list[str] = []
        done = 0
        for start, end, pseudonym in spans:
            first, last = start, end - 1  # positions in flat → folded → text
            if positions is not None:
                first, last = positions[first], positions[last]
            if origin is not None:
                first, last = origin[first], origin[last]
            last += 1
            while last < len(text) and unicodedata.combining(text[last]):
                last += 1  # a decomposed accent belongs to the replaced name
            out.append(text[done:first])
            out.append(pseudonym)
            done = last
        out.append(text[done:])
        return "".join(out)
