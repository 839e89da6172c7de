"""The evidentiary ladder: how far the information supports an element.

*no information › some information › reasonable basis › reasonable grounds › substantial
grounds*. The three upper rungs borrow the Statute's standards of proof (art. 15(3) and
53(1); art. 58; art. 61(7)): an analyst who sets an element at *reasonable grounds* claims
that the information meets that standard, and writes why. Nothing on the ladder is
"proved"; conviction (beyond reasonable doubt) is for a court and is not a rung.

The rungs are ordered (``Ladder.REASONABLE_BASIS < Ladder.REASONABLE_GROUNDS``) and map
one to one onto the ``assessment_ladder`` vocabulary, whose labels they use.
"""

from __future__ import annotations

from enum import IntEnum

from expediente.vocabularies import load_vocabularies

__all__ = ["Ladder"]

_PREFIX = "ladder."


class Ladder(IntEnum):
    """One rung of the evidentiary ladder; compare rungs with ``<`` and ``>=``."""

    NO_INFORMATION = 0
    SOME_INFORMATION = 1
    REASONABLE_BASIS = 2
    REASONABLE_GROUNDS = 3
    SUBSTANTIAL_GROUNDS = 4

    @property
    def term_id(self) -> str:
        """The vocabulary term of this rung (``ladder.reasonable_basis``)."""
        return _PREFIX + self.name.lower()

    def label(self, lang: str = "en") -> str:
        """The rung's label in English or Spanish, from the vocabulary."""
        return load_vocabularies().label(self.term_id, lang)

    @classmethod
    def from_term(cls, term_id: str) -> Ladder:
        """The rung of a term id such as ``ladder.reasonable_grounds``.

        Raises:
            ValueError: naming the value, when it is no rung of the ladder.
        """
        name = term_id[len(_PREFIX) :] if term_id.startswith(_PREFIX) else ""
        try:
            return cls[name.upper()]
        except KeyError:
            rungs = ", ".join(r.term_id for r in cls)
            raise ValueError(f"{term_id!r} is not a rung of the ladder ({rungs})") from None

    def meets(self, standard: Ladder) -> bool:
        """Whether this rung is at or above ``standard``."""
        return self >= standard
