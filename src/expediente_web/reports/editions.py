"""The editions a report can be made in, each for one recipient of `expediente.consent`.

An edition is who the report is for: its testimonies are those whose witnesses consented to that
recipient (`expediente.consent.release`), and what it says of them is what the recipient may
receive. A case chooses which of these editions it makes (`ReportSettings.editions`, all five by
default).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_noop

__all__ = ["EDITIONS", "FORMATS", "LANGUAGES", "Edition", "UnknownEdition", "edition_named"]


@dataclass(frozen=True)
class Edition:
    id: str
    recipient: str
    """The id of the recipient in `expediente.consent.RECIPIENTS`."""
    label: str
    """English; translated where it is shown."""


EDITIONS: dict[str, Edition] = {
    e.id: e
    for e in (
        Edition("public", "public", gettext_noop("Public edition")),
        Edition(
            "otp",
            "icc",
            gettext_noop(
                "For the Office of the Prosecutor of the International Criminal Court "
                "(communication under article 15)"
            ),
        ),
        Edition("oas", "oas_iachr", gettext_noop("For the General Secretariat of the OAS")),
        Edition(
            "iachr", "oas_iachr", gettext_noop("For the Inter-American Commission on Human Rights")
        ),
        Edition("confidential", "team", gettext_noop("Confidential: for the case's own team")),
    )
}

FORMATS = ("html", "pdf", "site")
LANGUAGES = ("es", "en")


class UnknownEdition(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(f"unknown edition {name!r}; expected one of {', '.join(EDITIONS)}")
        self.name = name


def edition_named(name: str) -> Edition:
    found = EDITIONS.get(name)
    if found is None:
        raise UnknownEdition(name)
    return found
