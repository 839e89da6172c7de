"""Update and compile the catalogue of the site's pages: `make messages`.

Collects every translatable string of the templates and code of the apps named in `SCANNED`
(every app of the site but `accounts`, which keeps a catalogue of its own) into
`workspace/locale/es/LC_MESSAGES/django.po` (Django's makemessages, which needs GNU gettext's
xgettext), then compiles it to `django.mo` with polib
(no gettext needed), so that a fresh checkout has working catalogues without any tool: the .mo
is committed and a test checks that it says what the .po says.

    python src/expediente_web/workspace/locale/update_catalogue.py [--compile-only]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
WEB = HERE.parents[1]
PO = HERE / "es" / "LC_MESSAGES" / "django.po"
SCANNED = {
    "site": WEB / "site",
    "workspace": WEB / "workspace",
    "analyses": WEB / "analyses",
    "jobs": WEB / "jobs",
    "search": WEB / "search",
    "discussion": WEB / "discussion",
    "intake": WEB / "intake",
    "dashboard": WEB / "dashboard",
    "submissions": WEB / "submissions",
    "cases": WEB / "cases",
    "records": WEB / "records",
    "evidence": WEB / "evidence",
    "api": WEB / "api",
    "assessment": WEB / "assessment",
    "reports": WEB / "reports",
    "examination": WEB / "examination",
    "panel": WEB / "panel",
}


def collect() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "locale").symlink_to(HERE)
        for name, target in SCANNED.items():
            (root / name).symlink_to(target)
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "expediente_web.settings"}
        subprocess.run(
            [
                sys.executable,
                "-m",
                "django",
                "makemessages",
                "--symlinks",
                "-l",
                "es",
                "--no-obsolete",
                "--add-location=file",
                "-i",
                "workspace/locale/*",
                "-i",
                "*/static/*",
            ],
            cwd=root,
            env=env,
            check=True,
        )


def compile_catalogue() -> None:
    import polib

    catalogue = polib.pofile(str(PO))
    catalogue.save_as_mofile(str(PO.with_suffix(".mo")))


if __name__ == "__main__":
    if "--compile-only" not in sys.argv:
        collect()
    compile_catalogue()
