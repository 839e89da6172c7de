"""Spanish personal names: tokens, particles, compound names and full-name parsing.

A Spanish-speaking person usually carries one or two given names and two surnames
(paternal, maternal). Lists disagree on everything else: capitals or not, accents or not,
"SURNAMES, GIVEN NAMES" or "Given Names Surnames", a missing maternal surname, the second
given name used alone, a nickname instead of a name. This module turns any of those into
the same parts.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from expediente.linkage.folding import fold
from expediente.linkage.lexicon import Lexicon

#: Words that attach to the following word: "de la Cruz" is one surname, "del Valle" one name.
PARTICLES = frozenset({"de", "del", "la", "las", "los", "y", "san", "santa", "da", "do", "dos"})

_NICKNAME_MARKS = re.compile(
    r"[\"“”«»']([^\"“”«»']+)[\"“”«»']|\(([^)]*)\)|\b(?:alias|a/k/a|apodo)\s+(.+)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ParsedName:
    """A person's name split into folded parts.

    Attributes:
        given: given-name tokens as written (folded, particles joined), e.g. ("maria", "delvalle").
        surnames: up to two surname tokens (paternal first).
        nickname: folded nickname, if any.
    """

    given: tuple[str, ...]
    surnames: tuple[str, ...]
    nickname: str | None = None


def join_particles(tokens: list[str]) -> list[str]:
    """Attach particles to the word that follows them.

    >>> join_particles(["maria", "de", "los", "angeles", "de", "la", "cruz"])
    ['maria', 'delosangeles', 'delacruz']
    """
    out: list[str] = []
    pending = ""
    for token in tokens:
        if token in PARTICLES:
            pending += token
            continue
        out.append(pending + token)
        pending = ""
    if pending:
        # A trailing particle ("Pérez de") is noise; keep it on the last word if any.
        if out:
            out[-1] += pending
        else:
            out.append(pending)
    return out


def name_tokens(text: str | None) -> list[str]:
    """Folded tokens of a name field with particles joined."""
    return join_particles(fold(text).split())


def extract_nickname(text: str) -> tuple[str, str | None]:
    """Split a quoted, parenthesised or "alias" nickname out of a full name."""
    match = _NICKNAME_MARKS.search(text)
    if not match:
        return text, None
    nickname = next(group for group in match.groups() if group)
    rest = " ".join((text[: match.start()] + " " + text[match.end() :]).split())
    nickname = re.sub(r"^(el|la)\s+", "", fold(nickname))
    return rest, nickname or None


def _given_log_odds(token: str, lexicon: Lexicon) -> float:
    """Evidence that a token is a given name rather than a surname (natural log)."""
    if len(token) == 1:
        return 3.0  # initials are almost always given names
    if token in lexicon.variants and token not in lexicon.surnames:
        return 2.5
    given = lexicon.given.get(token, 0.0)
    surname = lexicon.surnames.get(token, 0.0)
    if not given and not surname:
        return 0.0
    return max(-4.0, min(4.0, math.log((given + 0.5) / (surname + 0.5))))


# Prior log-odds of (number of given names, number of surnames) in a full name.
_SHAPE_PRIOR = {
    (1, 1): 0.0,
    (1, 2): 0.3,
    (2, 1): 0.0,
    (2, 2): 0.6,
    (3, 2): -1.0,
    (3, 1): -1.5,
    (1, 3): -2.0,
    (2, 3): -2.0,
}


def split_full_name(tokens: list[str], lexicon: Lexicon) -> tuple[list[str], list[str]]:
    """Split given-names-first tokens into (given names, surnames).

    Chooses the split point that best fits the lexicon evidence for each token plus a prior
    over the usual shapes (one or two given names, one or two surnames).
    """
    n = len(tokens)
    if n == 0:
        return [], []
    if n == 1:
        return (tokens, []) if _given_log_odds(tokens[0], lexicon) > 0 else ([], tokens)
    scores = [_given_log_odds(t, lexicon) for t in tokens]
    best_k, best_score = 1, -math.inf
    for k in range(1, n):
        shape = _SHAPE_PRIOR.get((k, n - k), -3.0 * abs(n - k - 2) - 1.0)
        score = sum(scores[:k]) - sum(scores[k:]) + shape
        if score > best_score:
            best_k, best_score = k, score
    return tokens[:best_k], tokens[best_k:]


def normalise_nickname(nickname: str | None) -> str | None:
    """Folded nickname without a leading article or spaces ("El Gocho" -> "gocho")."""
    folded = fold(nickname)
    if not folded:
        return None
    return re.sub(r"^(el|la)\s+", "", folded).replace(" ", "") or None


def parse_name(
    lexicon: Lexicon,
    full_name: str | None = None,
    given_names: str | None = None,
    first_surname: str | None = None,
    second_surname: str | None = None,
    nickname: str | None = None,
) -> ParsedName:
    """Parse whichever name fields a source has into given names, surnames and nickname.

    Split columns win over ``full_name``. A full name with a comma is read as
    "SURNAMES, GIVEN NAMES". A nickname may be given in its own column or inside the full
    name (quoted, in parentheses or after "alias"); its position then splits the name: what
    follows a leading nickname is the surnames, and a nickname between words separates the
    given names from the surnames.
    """
    nick = fold(nickname) or None
    given = name_tokens(given_names)
    surnames = name_tokens(first_surname) + name_tokens(second_surname)
    if not given and not surnames and full_name:
        text, inline_nick = extract_nickname(str(full_name))
        nick = nick or inline_nick
        bare = fold(text).split()
        if not nick and len(bare) == 2 and bare[0] in {"el", "la"}:
            # "El Gocho", "La Negra": a nickname alone, as press reports often give.
            return ParsedName(given=(), surnames=(), nickname=bare[1])
        mark = _NICKNAME_MARKS.search(str(full_name).strip())
        before_mark = name_tokens(str(full_name).strip()[: mark.start()]) if mark else []
        after_mark = name_tokens(str(full_name).strip()[mark.end() :]) if mark else []
        if "," in text:
            before, _, after = text.partition(",")
            surnames, given = name_tokens(before), name_tokens(after)
        elif mark and inline_nick and not before_mark and 1 <= len(after_mark) <= 2:
            # '"El Chino" Rondón Vargas': the nickname stands where the given name would,
            # so what follows it is the surnames.
            given, surnames = [], after_mark
        elif mark and inline_nick and before_mark and 1 <= len(after_mark) <= 2:
            # 'Pedro "El Gocho" Mora': given names before the nickname, surnames after it.
            given, surnames = before_mark, after_mark
        else:
            given, surnames = split_full_name(name_tokens(text), lexicon)
    nick = normalise_nickname(nick)
    # More than two surname tokens: the first two are the paternal and maternal surnames
    # unless the extra ones came from a compound written without particles; keep two.
    return ParsedName(given=tuple(given), surnames=tuple(surnames[:2]), nickname=nick)
