"""The compiled Spanish catalogue says what its source says: a string added to the .po and not
compiled (`make messages`) fails here, so a fresh checkout never serves stale translations."""

from __future__ import annotations

import gettext
from pathlib import Path

import polib

import expediente_web.workspace

PO = Path(expediente_web.workspace.__file__).parent / "locale" / "es" / "LC_MESSAGES" / "django.po"


def test_the_mo_file_is_compiled_from_the_po_file():
    catalogue = polib.pofile(str(PO))
    with PO.with_suffix(".mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in catalogue.translated_entries():
        if entry.msgid_plural:
            assert (
                compiled.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr_plural[0]
            ), entry.msgid
            assert (
                compiled.ngettext(entry.msgid, entry.msgid_plural, 5) == entry.msgstr_plural[2]
            ), entry.msgid
        elif entry.msgctxt:
            assert compiled.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr, entry.msgid
        else:
            assert compiled.gettext(entry.msgid) == entry.msgstr, entry.msgid


def test_every_string_is_translated():
    catalogue = polib.pofile(str(PO))
    assert not catalogue.untranslated_entries()
    assert not catalogue.fuzzy_entries()
    assert catalogue.percent_translated() == 100
