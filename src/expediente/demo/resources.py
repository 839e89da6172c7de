"""The demo generator's data files (names, places, units, scenario, narratives), loaded once."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

_DATA_FILES = ("names", "places", "units", "scenario", "narratives")


@cache
def load_data(name: str) -> dict[str, Any]:
    """Return the parsed content of ``data/<name>.yaml``.

    Raises:
        ValueError: `name` is not one of the generator's data files.
    """
    if name not in _DATA_FILES:
        raise ValueError(f"unknown demo data file {name!r}; expected one of {_DATA_FILES}")
    text = resources.files("expediente.demo").joinpath("data", f"{name}.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ValueError(f"demo data file {name}.yaml must hold a mapping")
    return data
