"""The consolidated findings of a version, once every reviewer has submitted.

Per element: each reviewer's rung, the majority (the rung more than half chose, if one did),
the dissenting reviewers with their reasoning, the spread on the ladder and the lower median;
Krippendorff's alpha (ordinal, over the ladder) over all the elements and over each group (the
contextual elements, each crime). The computation is the legal core's (`consolidate`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from expediente.legal.agreement import ElementConsensus, consolidate
from expediente.legal.ladder import Ladder
from expediente_web.cases.access import NotPermitted
from expediente_web.panel.access import access_findings, access_round
from expediente_web.panel.models import Finding, FrozenVersion


@dataclass
class ElementResult:
    element: dict[str, Any]
    """The element as the version holds it (labels, the analyst's rung)."""
    consensus: ElementConsensus
    findings: list[tuple[str, Finding]]
    """(reviewer, finding), by reviewer name."""

    @property
    def dissent(self) -> list[tuple[str, Finding]]:
        return [(r, f) for r, f in self.findings if r in self.consensus.dissent]


@dataclass
class GroupResult:
    group: dict[str, Any]
    alpha: float | None
    rows: list[ElementResult] = field(default_factory=list)


@dataclass
class Consolidated:
    reviewers: list[str]
    alpha: float | None
    groups: list[GroupResult]
    elements: int


def consolidated(user: Any, version: FrozenVersion, content: dict[str, Any]) -> Consolidated:
    """The consolidated findings; `NotPermitted` while a reviewer has not submitted."""
    state = access_round(user, version)
    if not state.complete:
        raise NotPermitted(
            _(
                "the consolidated findings open once every reviewer has submitted "
                "(%(done)s of %(count)s have)"
            )
            % {"done": len(state.submitted), "count": version.reviewers_required}
        )
    by_reviewer = access_findings(user, version)
    reviewers = sorted(by_reviewer)
    rungs: dict[str, dict[str, Ladder | None]] = {}
    groups = {e["id"]: e["group"] for e in content["elements"]}
    for element in content["elements"]:
        rungs[element["id"]] = {
            r: (Ladder.from_term(f.rung) if (f := by_reviewer[r].get(element["id"])) else None)
            for r in reviewers
        }
    panel = consolidate(rungs, groups)
    out = []
    for group in content["groups"]:
        result = GroupResult(group, panel.alpha_by_group.get(group["id"]))
        for element in content["elements"]:
            if element["group"] != group["id"] or element["id"] not in panel.elements:
                continue
            result.rows.append(
                ElementResult(
                    element,
                    panel.elements[element["id"]],
                    [
                        (r, by_reviewer[r][element["id"]])
                        for r in reviewers
                        if element["id"] in by_reviewer[r]
                    ],
                )
            )
        out.append(result)
    return Consolidated(reviewers, panel.alpha, out, len(content["elements"]))
