"""Corroboration: the case's acts that several sources report, matched into facts.

Each live act with a source is one report (`expediente.legal.corroboration.ReportedAct`): its
victim is the person the latest linkage run resolved the victim's record into (the record itself
when it is not in that run), its act type is compared by family (an arrest and an arbitrary
detention of the same days are one detention), its dates are its range. Acts without a source
cannot count towards a source and are left out (the page says how many).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from expediente.legal.corroboration import Fact, ReportedAct, corroborate, same_family
from expediente_web.analyses.access import latest_link_run
from expediente_web.analyses.models import RecordLink
from expediente_web.assessment.elements import case_sources
from expediente_web.cases.models import Case
from expediente_web.cases.validation import vocabularies
from expediente_web.records.access import access_records
from expediente_web.records.models import Act


@dataclass
class CaseFacts:
    facts: list[Fact]
    """Facts reported by two or more sources, most independent sources first."""
    acts: dict[str, Act]
    """The acts of those facts, by uid."""
    reports: int
    sourceless: int
    single: int
    """Facts reported by one source only."""
    several: int
    """Facts reported by two or more sources (all of them, not only those listed)."""
    by_act: dict[str, Fact]
    """Every act's fact (one source or more), by the act's uid."""


def case_facts(user: Any, case: Case, limit: int = 50) -> CaseFacts:
    acts = list(
        access_records(user, case, Act)
        .select_related("source")
        .only(
            "uid",
            "act_type",
            "date_earliest",
            "date_latest",
            "date_text",
            "victim_id",
            "source__code",
            "case_id",
        )
    )
    run = latest_link_run(user, case)
    cluster: dict[int, str] = {}
    if run is not None:
        cluster = dict(RecordLink.objects.filter(run=run).values_list("record_id", "cluster"))
    reports = []
    sourceless = 0
    for act in acts:
        if act.source is None:
            sourceless += 1
            continue
        victim = cluster.get(act.victim_id, f"record:{act.victim_id}")
        reports.append(
            ReportedAct(
                id=str(act.uid),
                source=act.source.code,
                victim=victim,
                act_type=act.act_type,
                earliest=act.date_earliest,
                latest=act.date_latest or act.date_earliest,
            )
        )
    facts = corroborate(
        reports, sources=case_sources(user, case), compatible=same_family(vocabularies())
    )
    several = [f for f in facts if len(f.sources) > 1]
    several.sort(key=lambda f: (-f.independent_sources, -len(f.acts), f.earliest or _far()))
    by_uid = {str(a.uid): a for a in acts}
    by_act = {a.id: fact for fact in facts for a in fact.acts}
    return CaseFacts(
        several[:limit],
        by_uid,
        len(reports),
        sourceless,
        len(facts) - len(several),
        len(several),
        by_act,
    )


def _far() -> Any:
    import datetime as dt

    return dt.date.max
