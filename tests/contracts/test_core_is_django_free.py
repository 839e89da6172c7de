"""The analysis core must be usable without Django: importing any of its modules, in a fresh
interpreter, must not import Django."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import expediente

SRC = Path(expediente.__file__).parent


def core_modules() -> list[str]:
    names = ["expediente"]
    for info in pkgutil.walk_packages([str(SRC)], prefix="expediente."):
        names.append(info.name)
    return names


def test_core_has_modules_to_check():
    assert len(core_modules()) > 5


def test_importing_the_core_does_not_import_django():
    modules = core_modules()
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "leaked = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(','.join(leaked))\n"
    )
    env_free = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(SRC.parent)},
    )
    assert env_free.returncode == 0, env_free.stderr
    assert env_free.stdout.strip() == "", f"core imported Django: {env_free.stdout}"


def test_no_core_source_line_imports_django():
    offenders = [
        f"{path.relative_to(SRC.parent)}:{n}"
        for path in SRC.rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if line.strip().startswith(("import django", "from django"))
    ]
    assert offenders == []
