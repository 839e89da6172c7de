"""The locks `make demo` and `make test` install from say what pyproject.toml asks for.

A dependency added to pyproject.toml without `make lock` would be missing from a fresh
install (pip's hash-checking mode installs only what the lock names), and a pin outside the
range pyproject.toml allows would install a version nobody asked for: both fail here.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def _pins(lock: Path) -> dict[str, set[str]]:
    """Each locked package's versions (more than one where Python versions differ)."""
    pins: dict[str, set[str]] = {}
    lines = lock.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        found = PIN.match(line)
        if not found:
            continue
        following = lines[number + 1] if number + 1 < len(lines) else ""
        assert "--hash=sha256:" in line + following, f"{lock.name}: {line} has no hash"
        pins.setdefault(canonicalize_name(found[1]), set()).add(found[2])
    return pins


def _asked(*extras: str) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = list(project["dependencies"])
    for extra in extras:
        wanted += project["optional-dependencies"][extra]
    return [Requirement(r) for r in wanted]


@pytest.mark.parametrize(("lock", "extras"), [("demo.lock", ()), ("dev.lock", ("dev",))])
def test_every_dependency_is_locked_within_its_range(lock, extras):
    pins = _pins(ROOT / "requirements" / lock)
    for requirement in _asked(*extras):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not in requirements/{lock}: run make lock"
        assert any(requirement.specifier.contains(v, prereleases=True) for v in pins[name]), (
            f"requirements/{lock} pins {requirement.name} {sorted(pins[name])}, outside "
            f"{requirement.specifier}: run make lock")


def test_the_demo_lock_holds_no_test_tools():
    pins = _pins(ROOT / "requirements" / "demo.lock")
    for tool in ("pytest", "playwright", "ruff", "mypy", "hypothesis", "schemathesis"):
        assert tool not in pins
