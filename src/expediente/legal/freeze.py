"""Frozen report versions and blind review rounds.

A report version is frozen by a digest over everything it shows: :func:`content_digest`
hashes a canonical JSON form of the content (keys sorted, no insignificant spaces, dates
in ISO 8601), so the same content always gives the same digest and any change to what a
reviewer saw gives another.

A :class:`ReviewRound` holds the reviewers assigned to a frozen version and the findings
each has submitted. Until every assigned reviewer has submitted, a reviewer sees only
their own findings; afterwards everyone sees everyone's. A submitted finding cannot be
changed, and only an assigned reviewer can submit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

__all__ = ["ReviewError", "ReviewRound", "content_digest"]


def _canonical(value: Any) -> Any:
    if isinstance(value, Enum):
        return _canonical(value.value)
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"content keys must be strings, not {key!r}")
            out[key] = _canonical(item)
        return out
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((_canonical(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("content cannot hold NaN or infinite numbers")
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"content cannot hold a {type(value).__name__}")


def content_digest(content: Mapping[str, Any]) -> str:
    """The SHA-256 (hex) of the canonical JSON form of ``content``.

    Raises:
        TypeError, ValueError: the content holds something with no canonical form.
    """
    text = json.dumps(
        _canonical(content), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ReviewError(ValueError):
    """A submission the round refuses."""


@dataclass
class ReviewRound:
    """The review of one frozen version by its assigned reviewers."""

    version_digest: str
    assigned: tuple[str, ...]
    submitted: dict[str, Mapping[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if len(set(self.assigned)) != len(self.assigned) or not self.assigned:
            raise ReviewError("a review needs one or more distinct reviewers")

    @property
    def complete(self) -> bool:
        return all(r in self.submitted for r in self.assigned)

    def submit(self, reviewer: str, findings: Mapping[str, Any], digest: str) -> None:
        """Record a reviewer's findings on the version with ``digest``.

        Raises:
            ReviewError: the reviewer is not assigned, has already submitted, or reviewed
                another version than the frozen one.
        """
        if reviewer not in self.assigned:
            raise ReviewError(f"{reviewer!r} is not a reviewer of this version")
        if reviewer in self.submitted:
            raise ReviewError(f"{reviewer!r} has already submitted; a finding cannot change")
        if digest != self.version_digest:
            raise ReviewError(f"{reviewer!r} reviewed another version than the frozen one")
        self.submitted[reviewer] = dict(findings)

    def visible_to(self, viewer: str) -> dict[str, Mapping[str, Any]]:
        """The findings ``viewer`` may see: their own, and everyone's once all have submitted."""
        if self.complete:
            return dict(self.submitted)
        return {r: f for r, f in self.submitted.items() if r == viewer}
