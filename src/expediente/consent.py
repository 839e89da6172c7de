"""What a witness's consent lets each recipient receive of a testimony.

The rule of the project: no testimony is used beyond its witness's consent. A testimony
records the uses its witness agreed to as terms of the `consent_scopes` vocabulary; this
module says, for each kind of recipient a testimony can leave the team for, which of those
terms it needs, and what of the testimony it then receives. The web application and the
exports ask here; nothing else decides. The reasoning is in docs/concepts/consent.md.

- `team`: the case's own members, for the case's internal use. The testimony was given to
  them; it needs no further scope (this is what the record pages and an internal export show).
- an outside organisation (`partner_ngos`, `icc`, `un`, `oas_iachr`, `national`, `lawyers`)
  needs the one sharing scope that names it; with it, it receives the testimony as recorded:
  the narrative, the excerpts' quotes and the notes (identifying fields follow the export's
  and the role's own rules, which this module does not change).
- `public` (a publication) needs `consent.publish_anonymised`; with it, the testimony's
  words (its narrative and the excerpts' quotes) also need `consent.verbatim_quotation`;
  without that, a publication may say that the testimony exists and what it supports, never
  its words. A publication never carries the testimony's notes (the team's working notes).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

SHARE_PARTNERS = "consent.share_partner_ngos"
PUBLISH_ANONYMISED = "consent.publish_anonymised"
VERBATIM = "consent.verbatim_quotation"


@dataclass(frozen=True)
class Recipient:
    """Someone a testimony may be given to, and the consent that giving it needs."""

    id: str
    label: str  # English; the web application translates it
    needs: frozenset[str]
    internal: bool = False
    publication: bool = False


RECIPIENTS: dict[str, Recipient] = {
    r.id: r
    for r in (
        Recipient("team", "the case's own team (internal use)", frozenset(), internal=True),
        Recipient("partner_ngos", "partner organisations", frozenset({SHARE_PARTNERS})),
        Recipient("icc", "the International Criminal Court", frozenset({"consent.share_icc"})),
        Recipient("un", "United Nations mechanisms", frozenset({"consent.share_un"})),
        Recipient(
            "oas_iachr",
            "the OAS and the Inter-American Commission on Human Rights",
            frozenset({"consent.share_oas"}),
        ),
        Recipient("national", "national authorities", frozenset({"consent.share_national"})),
        Recipient(
            "lawyers", "the witness's or the victims' lawyers", frozenset({"consent.share_lawyers"})
        ),
        Recipient(
            "public",
            "the public (a publication)",
            frozenset({PUBLISH_ANONYMISED}),
            publication=True,
        ),
    )
}


class UnknownRecipient(ValueError):
    """A recipient that is not one of `RECIPIENTS`."""

    def __init__(self, name: str) -> None:
        super().__init__(f"unknown recipient {name!r}; expected one of {', '.join(RECIPIENTS)}")
        self.name = name


def recipient(name: str | Recipient) -> Recipient:
    """The recipient named `name` (an id of `RECIPIENTS`); `UnknownRecipient` otherwise."""
    if isinstance(name, Recipient):
        return name
    found = RECIPIENTS.get(name)
    if found is None:
        raise UnknownRecipient(name)
    return found


def _scopes(scopes: Iterable[str] | None) -> frozenset[str]:
    # A string is one scope, not its letters.
    if isinstance(scopes, str):
        return frozenset({scopes})
    return frozenset(scopes or ())


def missing(scopes: Iterable[str] | None, to: str | Recipient) -> frozenset[str]:
    """The scopes the witness would have had to give for the testimony to reach `to`."""
    return recipient(to).needs - _scopes(scopes)


def allowed(scopes: Iterable[str] | None, to: str | Recipient) -> bool:
    """Whether a testimony with these consent scopes may be given to `to` at all."""
    return not missing(scopes, to)


@dataclass(frozen=True)
class Release:
    """What a recipient receives of one testimony."""

    testimony: bool  # the testimony at all (its date, language, what it supports)
    words: bool  # its narrative and its excerpts' quotes
    notes: bool  # the team's notes on it

    @property
    def withheld(self) -> bool:
        """Whether anything of the testimony's text is kept back."""
        return not (self.testimony and self.words and self.notes)


def release(scopes: Iterable[str] | None, to: str | Recipient) -> Release:
    """What `to` may receive of a testimony with these consent scopes."""
    who = recipient(to)
    given = _scopes(scopes)
    if not allowed(given, who):
        return Release(testimony=False, words=False, notes=False)
    if who.publication:
        return Release(testimony=True, words=VERBATIM in given, notes=False)
    return Release(testimony=True, words=True, notes=True)
