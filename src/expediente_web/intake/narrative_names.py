"""Replacing the protected values of known people in free text with their pseudonyms.

A pseudonymised export replaces a person's identifying fields, but a testimony's narrative may
still name the witness or the victims ("me llevaron con María José Pérez…"), give a cédula, a
phone number ("llámeme al 0414-555-1234"), a birth date ("nací el 16 de marzo de 1980") or an
address. `NameReplacer` is given the people a text may name, with all their protected fields,
and finds each value in the forms people write it:

- names: the full name, given names with one or both surnames, both surnames, given names and
  each surname alone (also without particles: "Cruz" for "de la Cruz"), each given name alone,
  the nickname; whole words, ignoring case, accents and hyphens between words ("María-José");
- ID numbers: the digits with or without a nationality letter (V-, E-, V.-), with dots,
  dashes, commas or blanks anywhere between them;
- phone numbers: the national significant number with any blanks, dots, dashes, slashes or
  parentheses between its digits, with or without the trunk 0 and the international prefix
  (+58, 0058, (+58), 58), whichever form was stored;
- birth dates: day, month and year in numeric order d/m/y, m/d/y and y/m/d with any of / . -,
  two- or four-digit years, compact (19800316), month names in Spanish and English, full or
  abbreviated, and Roman numerals ("16 de marzo de 1980", "March 16, 1980", "16 March 1980",
  "16-III-80", "the 16th of March 1980"); a birth date known to the month only in its month
  forms ("marzo de 1980", "03/1980"); a year alone is not replaced (years are everywhere);
- addresses: the whole address with any punctuation between its words, common abbreviations of
  street words (Av., Cl., Edif., Urb., Nro.…), and each comma-separated part that holds a
  number and a distinctive word ("Calle Ficticia 1" of "Calle Ficticia 1, Caracas");
- e-mail addresses, also written "ana punto perez arroba example punto org" or with [at].

Names and ID numbers become the person's pseudonym; the other values become the pseudonym
tagged with the field (`[P-7K3QZ9TX:phone]`), so that a reader knows what was there. Longer
values are tried first, so "María José Pérez" becomes one pseudonym and not a pseudonym followed
by a surname.

This is still best-effort: a misspelt name, a diminutive, a relative's name, a description ("the
teacher from the corner shop"), a phone written in words or a date counted from an event are
not found, and a common surname is replaced wherever it occurs, whoever it names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from typing import Any

#: The protected fields of a person that `NameReplacer.add_person` reads.
PERSON_FIELDS = (
    "full_name", "given_names", "first_surname", "second_surname", "nickname", "id_number",
    "birth_date", "phone", "address",
)  # fmt: skip

# ID numbers with at least this many digits are also found written with other separators
# (V-12.345.678, 12345678, 12 345 678); shorter ones only as written.
_MIN_ID_DIGITS = 5
_MIN_FORM_CHARS = 2
# Fewer significant digits than this are not a phone number worth finding anywhere.
_MIN_PHONE_DIGITS = 6


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


_PARTICLES = frozenset({"de", "del", "la", "las", "los", "el", "y", "da", "do", "dos", "di"})


def _without_particles(surname: str) -> str:
    words = surname.split()
    while words and fold(words[0]) in _PARTICLES:
        words = words[1:]
    return " ".join(words)


def name_forms(person: Any) -> list[str]:
    """The ways a narrative may write a person's name: the full name, given names with one or
    both surnames, both surnames, each of given names and surnames alone (also without
    leading particles: "Cruz" for "de la Cruz"), the nickname, each given name alone."""
    names = ("full_name", "given_names", "first_surname", "second_surname", "nickname")
    return list(_name_forms(*(_clean(getattr(person, f, "")) for f in names)))


@lru_cache(maxsize=8192)
def _name_forms(full: str, given: str, first: str, second: str, nickname: str
                ) -> tuple[str, ...]:
    bare_first, bare_second = _without_particles(first), _without_particles(second)
    forms = [
        full,
        " ".join(p for p in (given, first, second) if p),
        " ".join(p for p in (given, first, bare_second) if p),
        " ".join(p for p in (given, first) if p),
        " ".join(p for p in (first, second) if p),
        " ".join(p for p in (first, bare_second) if p),
        given,
        first,
        second,
        bare_first,
        bare_second,
        nickname,
    ]
    # Each given name alone ("María" of "María José"): in a testimony that names the person,
    # a first name is most often theirs, and a name left in clear undoes the rest.
    forms += [w for w in given.split() if len(w) >= 3 and fold(w) not in _PARTICLES]
    return tuple(f for f in dict.fromkeys(forms) if f)


def _clean(value: Any) -> str:
    return " ".join(str(value or "").split())


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


# --- Patterns built from a stored value, over folded text (lower case, no accents, one blank) --

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
# Before patterns are run, dashes read as "-" and every blank as " " (one character for one,
# so positions stay): patterns then use small ASCII classes, which compile several times faster.
_PATTERN_TABLE = str.maketrans(
    {**dict.fromkeys(_DASHES, "-"), **dict.fromkeys("\u00a0\u2007\u2009\u200a\u202f\u3000", " ")}
)
# Between two digits of a phone number: up to three blanks, dots, dashes, slashes, parentheses.
_PHONE_SEP = r"[ ./()\-]{0,3}"


def _id_pattern(id_number: str) -> str | None:
    digits = _digits(id_number)
    if len(digits) < _MIN_ID_DIGITS:
        return None
    # An optional nationality letter (V-, E-, V.-) and any of . - , or a blank between digits.
    return (
        r"(?<!\w)(?:[a-z] ?[.\-]{0,2} ?)?"
        + r"[.,\- ]?".join(digits)
        + r"(?!\w)"
    )


def _phone_pattern(value: str) -> tuple[str, str] | None:
    """(regex, the last digits that must be in the text) for one phone number, or None."""
    import phonenumbers

    raw = value.strip()
    digits = _digits(raw)
    country: str | None = None
    significant: str | None = None
    if raw.startswith("+") or digits.startswith("00"):
        try:
            number = phonenumbers.parse("+" + digits[2:] if digits.startswith("00") else raw)
        except phonenumbers.NumberParseException:
            number = None
        if number is not None and number.country_code:
            country = str(number.country_code)
            significant = phonenumbers.national_significant_number(number)
    if significant is None:
        significant = digits  # a national form: the trunk 0 is dropped below
    significant = significant.lstrip("0")
    if len(significant) < _MIN_PHONE_DIGITS:
        return None
    sep = _PHONE_SEP
    body = sep.join(significant)
    code = country or r"[1-9]\d{0,2}"  # any calling code when the stored number had none
    international = rf"\(?(?:\+|00){sep}{code}{sep}"
    trunk = rf"\(?(?:0{sep})?"  # "0414", "(0414)", "(0) 414", or none
    # A calling code may also be written without + or 00 ("58 414 555 1234"), then with no
    # trunk 0 after it (so that a house number before a phone is not taken for one).
    prefix = rf"(?:{international}{trunk}|{code}{sep}|{trunk})"
    return rf"(?<![\w+]){prefix}{body}(?!\d)", significant[-4:]


_PHONE_RUN = re.compile(rf"\+?\(?\d[\d ./(){_DASHES}\-]{{4,}}\d")
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")


def _phones_in(value: str) -> list[str]:
    """The phone-like runs of a field ("0414-555-1234 / 0212-555-9876" holds two)."""
    found = []
    for match in _PHONE_RUN.finditer(value):
        for part in re.split(r"\s/\s|\s{2,}", match.group()):
            if len(_digits(part)) >= _MIN_PHONE_DIGITS:
                found.append(part.strip())
    return found


_MONTHS = {
    1: ("enero", "ene", "january", "jan"),
    2: ("febrero", "feb", "february"),
    3: ("marzo", "mar", "march"),
    4: ("abril", "abr", "april", "apr"),
    5: ("mayo", "may"),
    6: ("junio", "jun", "june"),
    7: ("julio", "jul", "july"),
    8: ("agosto", "ago", "august", "aug"),
    9: ("septiembre", "setiembre", "sept", "sep", "set", "september"),
    10: ("octubre", "oct", "october"),
    11: ("noviembre", "nov", "november"),
    12: ("diciembre", "dic", "december", "dec"),
}
_ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii")


def _alternatives(words: Iterable[str]) -> str:
    return "(?:" + "|".join(sorted(set(words), key=lambda w: (-len(w), w))) + ")"


def _date_patterns(value: str) -> tuple[list[str], str]:
    """(regexes, the year that must be one of the text's numbers, or in one) for one birth
    date."""
    from expediente.dates import DateError, parse_partial_date

    try:
        date = parse_partial_date(value.strip())
    except DateError:
        return [], ""
    if date.month is None:
        return [], ""  # a year alone: too common to replace
    year, month, day = date.year, date.month, date.day
    y4, y2 = f"{year:04d}", f"{year % 100:02d}"
    num = r" ?[/.\-] ?"  # between numbers
    gap = r"(?: ?[/.,\-] ?| )"  # between words
    of = r"(?:(?:de|del|of) )?"
    m_num = f"0?{month}" if month < 10 else str(month)
    m_name = _alternatives(_MONTHS[month]) + r"\.?"
    named_year = rf"(?:(?:ano|year) )?(?:{y4}|'?{y2})"
    if day is None:
        patterns = [
            rf"{m_name}{gap}{of}{y4}",
            rf"{m_num}{num}{y4}",
            rf"{y4}{num}{m_num}",
        ]
    else:
        d_num = f"0?{day}" if day < 10 else str(day)
        d_word = rf"{d_num}(?:st|nd|rd|th|º|°|ª|ro|er|o)?"
        if day == 1:
            d_word = rf"(?:{d_word}|primero)"
        numeric_year = rf"(?:{y4}|{y2})"
        patterns = [
            rf"{d_num}{num}{m_num}{num}{numeric_year}",
            rf"{m_num}{num}{d_num}{num}{numeric_year}",
            rf"{y4}{num}{m_num}{num}{d_num}",
            rf"{d_num}{num}{_ROMAN[month - 1]}{num}{numeric_year}",
            rf"{y4}{month:02d}{day:02d}|{day:02d}{month:02d}{y4}|{month:02d}{day:02d}{y4}",
            rf"(?:the )?{d_word}{gap}{of}{m_name}{gap}{of}{named_year}",
            rf"{m_name}{gap}{of}{d_word}{gap}{of}{named_year}",
            rf"{y4}{gap}{of}{m_name}{gap}{of}{d_word}",
        ]
    return [rf"(?<!\w)(?:{p})(?!\w)" for p in patterns], y4


# Street words and their usual abbreviations (folded): a stored "Avenida" is also found as
# "Av." or "Avda." in a narrative, and the other way round.
_STREET_WORDS = (
    ("calle", "cl", "cll", "c"),
    ("avenida", "avda", "ave", "av", "avenue"),
    ("carrera", "cra", "kra", "cr"),
    ("urbanizacion", "urb"),
    ("edificio", "edif", "edf", "ed"),
    ("apartamento", "apto", "apt", "ap"),
    ("residencias", "resd", "res"),
    ("transversal", "transv", "tv"),
    ("esquina", "esq"),
    ("sector", "sect", "sec"),
    ("parroquia", "parr", "pq"),
    ("manzana", "mza", "mz"),
    ("barrio", "bo"),
    ("casa", "cs"),
    ("piso", "p"),
    ("street", "st"),
    ("road", "rd"),
)
_STREET = {form: group for group in _STREET_WORDS for form in group}
_NUMBER_MARKS = ("numero", "num", "nro", "nº", "no", "n")
_NUMBER_MARK = _alternatives(_NUMBER_MARKS)


def _address_token(token: str) -> str:
    if token.isdigit():
        return rf"(?:{_NUMBER_MARK}\W{{0,3}})?{token}"
    if token in _STREET:
        return _alternatives(_STREET[token]) + r"\.?"
    return re.escape(token)


def _address_regex(tokens: list[str]) -> str:
    """The tokens in order, with any punctuation between them. A street word may be left out
    ("Ficticia 12" for "Calle Ficticia 12") when what is left still names one place: a number
    or two distinctive words ("Sector La Ceiba" is not "La Ceiba", a town)."""
    optional = any(t.isdigit() for t in tokens) or sum(map(_distinctive, tokens)) >= 2
    out: list[str] = []
    for token, after in pairwise([*tokens, ""]):
        if not after:
            out.append(_address_token(token))
            break
        # Words need something between them; a number and a letter may touch ("3B", "piso3").
        touching = token.isdigit() or after.isdigit() or len(token) == 1 or len(after) == 1
        gap = r"\W{0,4}" if touching else r"\W{1,4}"
        if token in _STREET and optional:
            out.append(rf"(?:{_address_token(token)}{gap})?")
        else:
            out.append(_address_token(token) + gap)
    return r"(?<!\w)" + "".join(out) + r"(?!\w)"


def _distinctive(token: str) -> bool:
    return (
        len(token) >= 3
        and not token.isdigit()
        and token not in _STREET
        and token not in _PARTICLES
        and token not in _NUMBER_MARKS
    )


def _address_patterns(value: str) -> list[tuple[str, str, str]]:
    """(regex, its words, a distinctive word that must be in the text) for an address and for
    each run
    of its comma-separated parts that still identifies a place: several parts with a
    distinctive word ("Urb. Los Samanes, Caracas"), or one part with a number and a
    distinctive word ("Calle Ficticia 12"); a town alone does not."""
    parts = [re.findall(r"\w+", fold(part)) for part in re.split(r"[,;\n]", value)]
    parts = [p for p in ([t for t in part if t not in _NUMBER_MARKS] for part in parts) if p]
    found = []
    for first in range(len(parts)):
        for last in range(first + 1, len(parts) + 1):
            tokens = [t for part in parts[first:last] for t in part]
            words = sorted(filter(_distinctive, tokens), key=len, reverse=True)
            single = last - first == 1 and len(parts) > 1
            if not words or len(tokens) < 2 or (single and not any(map(str.isdigit, tokens))):
                continue
            found.append((_address_regex(tokens), " ".join(tokens), words[0]))
    return found


_DOT = r"(?:\.| ?[\[(]? ?(?:dot|punto) ?[\])]? ?)"
_AT = r"(?: ?@ ?| ?[\[(]? ?(?:at|arroba) ?[\])]? ?)"


def _email_pattern(value: str) -> tuple[str, str] | None:
    local, _, domain = fold(value).partition("@")
    if not local or "." not in domain:
        return None
    local_re = _DOT.join(re.escape(p) for p in local.split("."))
    domain_re = _DOT.join(re.escape(p) for p in domain.split("."))
    needle = max(re.findall(r"\w+", local) or [local], key=len)
    return rf"(?<![\w.+\-]){local_re}{_AT}{domain_re}(?!\w)", needle


# --- The replacer --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Form:
    text: str
    """Names: the folded form, blanks collapsed, found by plain search. Patterns: the value
    as stored (folded), which only orders and de-duplicates them."""
    replacement: str
    pattern: str | None = None
    """A regex over folded text, compiled only when a text holds the needle."""
    needle: str = ""
    """A pattern is run only on texts that hold this: in the text, in its digits put together
    (`where` "digits"), or, for a year, in one of its numbers (`where` "year")."""
    where: str = "text"


# Hyphens between letters read as blanks when names are looked for ("María-José Pérez").
_HYPHEN_BETWEEN_LETTERS = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")


def _names_text(text: str) -> str:
    return _HYPHEN_BETWEEN_LETTERS.sub(" ", text) if "-" in text else text


@lru_cache(maxsize=4096)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _tagged(pseudonym: str, what: str) -> str:
    return f"[{pseudonym}:{what}]"


@lru_cache(maxsize=8192)
def _value_forms(kind: str, value: str, pseudonym: str) -> tuple[_Form, ...]:
    """The forms of one protected value (cached: the same person is met in many texts)."""
    value = _clean(value)
    if not value:
        return ()
    key = fold(value)
    if kind == "names":
        key = _names_text(key.translate(_PATTERN_TABLE))  # as the text is searched
        return (_Form(key, pseudonym),) if len(key) >= _MIN_FORM_CHARS else ()
    if kind == "id_number":
        forms = [_Form(key, pseudonym)] if len(key) >= _MIN_FORM_CHARS else []
        pattern = _id_pattern(value)
        if pattern:
            digits = _digits(value)
            forms.append(_Form(digits, pseudonym, pattern, digits, "digits"))
        return tuple(forms)
    if kind == "birth_date":
        patterns, year = _date_patterns(value)
        return tuple(
            _Form(key, _tagged(pseudonym, "birth_date"), p, year, "year")
            for p in patterns
        )
    # Contact fields (phone, address, a witness's contact) may hold several kinds of value.
    forms = []
    rest = value
    for email in _EMAIL.findall(value):
        found = _email_pattern(email)
        if found:
            forms.append(_Form(fold(email), _tagged(pseudonym, "email"), found[0], found[1]))
        rest = rest.replace(email, " ")
    for phone in _phones_in(rest):
        phone_found = _phone_pattern(phone)
        if phone_found:
            forms.append(_Form(fold(phone), _tagged(pseudonym, "phone"),
                               phone_found[0], phone_found[1], "digits"))
            rest = rest.replace(phone, " ")
    if kind != "phone":
        # Each run of parts by its own words, so that longer runs are tried first.
        forms += [
            _Form(words, _tagged(pseudonym, "address"), pattern, needle)
            for pattern, words, needle in _address_patterns(rest)
        ]
    return tuple(forms)


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
    """Collects people (every protected value → pseudonym) and replaces them in texts."""

    _forms: list[_Form] = field(default_factory=list)

    def add_person(self, person: Any, pseudonym: str) -> None:
        """A person's name forms, ID number, birth date, phone and address, to be replaced
        by `pseudonym` (attributes missing on `person` are skipped)."""
        self.add_names(name_forms(person), pseudonym)
        for kind in ("id_number", "birth_date", "phone", "address"):
            value = getattr(person, kind, "")
            if value:
                self._forms.extend(_value_forms(kind, str(value), pseudonym))
        email = getattr(person, "email", "")
        if email:
            self.add_contact(str(email), pseudonym)

    def add_names(self, names: Iterable[str], pseudonym: str) -> None:
        """Further forms (a witness's name as the interviewer wrote it) for `pseudonym`."""
        for name in names:
            self._forms.extend(_value_forms("names", name, pseudonym))

    def add_contact(self, contact: str, pseudonym: str) -> None:
        """A contact as recorded (a witness's phone, e-mail or address, or several)."""
        if contact:
            self._forms.extend(_value_forms("contact", contact, pseudonym))

    def _spans(self, flat: str) -> list[tuple[int, int, str]]:
        """(start, end, replacement) of the whole-word occurrences in `flat`, longest forms
        first: a shorter form is not looked for inside a longer one already found."""
        claimed = bytearray(len(flat))
        spans: list[tuple[int, int, str]] = []
        digits: str | None = None
        numbers: set[str] | None = None
        names_flat: str | None = None
        seen: set[str] = set()
        size = len(flat)

        def claim(start: int, end: int, replacement: str) -> None:
            if (
                end > start
                and (start == 0 or not _is_word(flat[start - 1]))
                and (end == size or not _is_word(flat[end]))
                and not any(claimed[start:end])
            ):
                claimed[start:end] = b"\x01" * (end - start)
                spans.append((start, end, replacement))

        # Longest first, then in the order added (the first person added wins a shared form).
        order = sorted(range(len(self._forms)), key=lambda n: (-len(self._forms[n].text), n))
        for n in order:
            form = self._forms[n]
            key = form.pattern if form.pattern is not None else form.text
            if key in seen:
                continue
            seen.add(key)
            if form.pattern is not None:
                # Only a text that holds the needle is worth running the pattern on.
                if form.where == "digits":
                    if digits is None:
                        digits = _digits(flat)
                    if form.needle not in digits:
                        continue
                elif form.where == "year":
                    if numbers is None:
                        numbers = set(re.findall(r"\d+", flat))
                    year = form.needle
                    if year[2:] not in numbers and not any(year in n for n in numbers):
                        continue
                elif form.needle not in flat:
                    continue
                for match in _compiled(form.pattern).finditer(flat):
                    claim(match.start(), match.end(), form.replacement)
                continue
            if names_flat is None:
                names_flat = _names_text(flat)  # same length as flat
            at = names_flat.find(form.text)
            while at >= 0:
                claim(at, at + len(form.text), form.replacement)
                at = names_flat.find(form.text, at + 1)
        return sorted(spans)

    def replace(self, text: str) -> str:
        """`text` with every occurrence of a known protected value replaced."""
        if not text or not self._forms:
            return text
        folded, origin = fold_with_positions(text)
        flat, positions = _collapse(folded)
        spans = self._spans(flat.translate(_PATTERN_TABLE))
        if not spans:
            return text
        out: list[str] = []
        done = 0
        for start, end, replacement in spans:
            first, last = start, end - 1  # positions in flat → folded → text
            if positions is not None:
                first, last = positions[first], positions[last]
            if origin is not None:
                first, last = origin[first], origin[last]
            last += 1
            while last < len(text) and unicodedata.combining(text[last]):
                last += 1  # a decomposed accent belongs to the replaced value
            out.append(text[done:first])
            out.append(replacement)
            done = last
        out.append(text[done:])
        return "".join(out)
