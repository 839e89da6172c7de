"""Which sources capture which true victims: heterogeneous, dependent capture probabilities.

Each source s captures victim i independently with probability ``sigmoid(logit_is)``::

    logit_is = base_s + vis_s * visibility_i + state_s[state_i] + year_s[year_i]
               + profile_s[profile_i] + dep_s * captured_by(after_s, i)

Visibility is a latent per-victim trait (famous politicians are listed everywhere, residents
of poor neighbourhoods rarely), so capture probabilities are heterogeneous; regional and
period terms make coverage uneven; ``after``/``dep`` make one list depend on another (a
network copying another's data, hearings drawing on an NGO's list). A source with
``require`` only captures victims who suffered one of those act types (a morgue list).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from expediente.demo.population import TruePerson
from expediente.demo.victimisation import TrueAct


def capture_matrix(
    people: list[TruePerson],
    acts: list[TrueAct],
    sources: list[dict[str, Any]],
    rng: np.random.Generator,
) -> np.ndarray:
    """Return a boolean matrix (victims × sources): True where the source lists the victim."""
    n = len(people)
    visibility = np.fromiter((p.visibility for p in people), dtype=float, count=n)
    states = np.array([p.state for p in people])
    years = np.fromiter((p.episode.year for p in people), dtype=np.int64, count=n)
    profiles = np.array([p.profile for p in people])
    types_by_person: list[set[str]] = [set() for _ in range(n)]
    for act in acts:
        types_by_person[act.person].add(act.act_type)
    captured = np.zeros((n, len(sources)), dtype=bool)
    column = {source["code"]: j for j, source in enumerate(sources)}
    for j, source in enumerate(sources):
        params = source["capture"]
        logit = float(params["base"]) + float(params.get("vis", 0.0)) * visibility
        logit = logit + _lookup(states, params.get("states", {}))
        logit = logit + _lookup(years, {int(k): v for k, v in params.get("years", {}).items()})
        logit = logit + _lookup(profiles, params.get("profiles", {}))
        if "after" in params:
            logit = logit + float(params["dep"]) * captured[:, column[params["after"]]]
        probability = 1.0 / (1.0 + np.exp(-logit))
        if "require" in params:
            prefixes = tuple(params["require"])
            eligible = np.fromiter(
                (any(t.startswith(prefixes) for t in types) for types in types_by_person),
                dtype=bool,
                count=n,
            )
            probability = np.where(eligible, probability, 0.0)
        captured[:, j] = rng.random(n) < probability
    return captured


def _lookup(values: np.ndarray, shifts: dict[Any, float]) -> np.ndarray:
    """Map each value to its shift (``other`` for values not listed, else 0)."""
    default = float(shifts.get("other", 0.0))
    out = np.full(values.shape, default)
    for key, shift in shifts.items():
        if key != "other":
            out[values == key] = float(shift)
    return out
