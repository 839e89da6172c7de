"""A synthetic case record for the record pages: every kind of record, linked to each other.

Written with the ORM directly (no audit entries): the rows are the background of a test, not
what it checks. `many` rows of acts, persons and testimonies make a list span two pages, so that
paging is exercised and an N+1 query would show in the query counts. Every name is fictional.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'


@dataclass
class Record:
    """What `build_record` made, by role."""

    case: Any
    source: Any
    other_source: Any
    country: Any
    state: Any
    site: Any
    organization: Any
    unit: Any
    commander: Any
    victim: Any
    victim_again: Any
    act: Any
    other_act: Any
    linked_act: Any
    event: Any
    testimony: Any
    excerpt: Any
    item: Any
    run: Any
    cluster: str
    persons: list[Any] = field(default_factory=list)


def build_record(case: Any, many: int = 60, hostile: bool = False) -> Record:
    from django.contrib.contenttypes.models import ContentType

    from expediente_web.analyses.models import LinkRun, RecordLink
    from expediente_web.cases.models import Source
    from expediente_web.evidence.models import Citation, CustodyEvent, EvidenceItem, Excerpt
    from expediente_web.records.models import (
        Act,
        Event,
        Involvement,
        Location,
        MeasuredFact,
        Person,
        Position,
        Testimony,
        Unit,
    )

    odd = HOSTILE if hostile else ""
    source = Source.objects.create(
        case=case,
        code="SRC-A",
        name=f"Lista de una ONG{odd}",
        kind="source.ngo_list",
        reliability="reliability.high",
        description=f"Lista sintética{odd}",
    )
    other = Source.objects.create(
        case=case,
        code="SRC-B",
        name="Audiencia ficticia",
        kind="source.hearing",
        reliability="reliability.medium",
    )
    country = Location.objects.create(
        case=case, code="XX", name="País Ficticio", kind="location.country"
    )
    state = Location.objects.create(
        case=case, code="XX-1", name=f"Estado Norte{odd}", kind="location.state", parent=country
    )
    site = Location.objects.create(
        case=case,
        code="XX-1-S",
        name="Sede subterránea ficticia",
        kind="location.detention_site",
        parent=state,
    )
    organization = Unit.objects.create(
        case=case, code="ORG", name="Servicio ficticio", acronym="SF", unit_type="unit.intelligence"
    )
    unit = Unit.objects.create(
        case=case,
        code="ORG-D",
        name=f"Dirección de operaciones{odd}",
        unit_type="unit.intelligence",
        parent=organization,
    )
    commander = Person.objects.create(
        case=case,
        source=other,
        source_record_id="cmd-1",
        full_name="Comandante Inventado Uno",
        sex="sex.male",
    )
    Position.objects.create(
        case=case,
        person=commander,
        unit=unit,
        title="Director",
        is_commander=True,
        start_text="2016",
        start_precision="year",
        start_earliest=dt.date(2016, 1, 1),
        start_latest=dt.date(2016, 12, 31),
    )
    Position.objects.create(
        case=case,
        person=commander,
        unit=organization,
        title="Subjefe",
        is_commander=True,
        start_text="2015-03",
        start_precision="month",
        start_earliest=dt.date(2015, 3, 1),
        start_latest=dt.date(2015, 3, 31),
        end_text="2018",
        end_precision="year",
        end_earliest=dt.date(2018, 1, 1),
        end_latest=dt.date(2018, 12, 31),
    )
    event = Event.objects.create(
        case=case,
        code="EV-1",
        title=f"Detenciones de mayo{odd}",
        location=state,
        date_text="2017-05",
        date_precision="month",
        date_earliest=dt.date(2017, 5, 1),
        date_latest=dt.date(2017, 5, 31),
    )
    victim = Person.objects.create(
        case=case,
        source=source,
        source_record_id="v-1",
        full_name=f"Ana Ficticia Pérez{odd}",
        id_number="V-10.000.001",
        birth_date="1980-02",
        sex="sex.female",
        age=37,
        occupation=f"docente{odd}",
        state=state,
    )
    victim_again = Person.objects.create(
        case=case, source=other, source_record_id="h-7", full_name="Ana F. Pérez", sex="sex.female"
    )
    act = Act.objects.create(
        case=case,
        source=source,
        source_record_id="a-1",
        victim=victim,
        act_type="act.torture",
        methods=["method.beating"],
        location=site,
        event=event,
        outcome="outcome.released",
        description=f"Golpes durante el interrogatorio{odd}",
        date_text="2017-05-14",
        date_precision="day",
        date_earliest=dt.date(2017, 5, 14),
        date_latest=dt.date(2017, 5, 14),
    )
    Involvement.objects.create(act=act, person=commander, unit=unit, degree="involvement.ordered")
    MeasuredFact.objects.create(act=act, measure="measure.weight_lost_kg", value=12.5, unit="kg")
    other_act = Act.objects.create(
        case=case,
        source=source,
        source_record_id="a-2",
        victim=victim,
        act_type="act.detention.arbitrary",
        location=site,
        date_text="2017-05",
        date_precision="month",
        date_earliest=dt.date(2017, 5, 1),
        date_latest=dt.date(2017, 5, 31),
    )
    linked_act = Act.objects.create(
        case=case,
        source=other,
        source_record_id="h-a-7",
        victim=victim_again,
        act_type="act.detention.arbitrary",
        location=state,
        date_text="2017",
        date_precision="year",
        date_earliest=dt.date(2017, 1, 1),
        date_latest=dt.date(2017, 12, 31),
    )
    narrative = (
        f"Me llamo Ana.{odd} Me detuvieron en mayo de 2017 y me llevaron a una celda "
        "bajo tierra. Allí me golpearon durante el interrogatorio. Perdí doce kilos."
    )
    testimony = Testimony.objects.create(
        case=case,
        source=source,
        source_record_id="t-1",
        witness=victim,
        witness_name="Ana Ficticia Pérez",
        witness_contact="+00 000 000 0000",
        language="es",
        interviewer=f"Entrevistadora ficticia{odd}",
        consent_scopes=["consent.interview"],
        narrative=narrative,
        date_text="2018-01-20",
        date_precision="day",
        date_earliest=dt.date(2018, 1, 20),
        date_latest=dt.date(2018, 1, 20),
    )
    quote = "Allí me golpearon durante el interrogatorio."
    start = narrative.index(quote)
    excerpt = Excerpt.objects.create(
        case=case, testimony=testimony, start=start, end=start + len(quote), quote=quote
    )
    start2 = narrative.index("Me detuvieron")
    excerpt2 = Excerpt.objects.create(
        case=case,
        testimony=testimony,
        start=start2,
        end=start2 + len("Me detuvieron en mayo de 2017"),
        quote="Me detuvieron en mayo de 2017",
    )
    act_type = ContentType.objects.get_for_model(Act)
    Citation.objects.create(excerpt=excerpt, target_type=act_type, target_id=act.pk)
    Citation.objects.create(excerpt=excerpt2, target_type=act_type, target_id=other_act.pk)
    content = b"synthetic scan of a detention order"
    item = EvidenceItem.objects.create(
        case=case,
        source=source,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        filename=f"orden{odd}.pdf",
        media_type="application/pdf",
        kind="evidence.document",
        title=f"Orden de detención ficticia{odd}",
    )
    CustodyEvent.objects.create(
        item=item,
        action="custody.received",
        at=dt.datetime(2018, 2, 1, 10, 0, tzinfo=dt.UTC),
        actor_name="dora",
        hash_observed=item.sha256,
    )
    Excerpt.objects.create(case=case, item=item, page=2)

    # Enough rows that every list spans two pages and an N+1 would show.
    persons = Person.objects.bulk_create(
        Person(
            case=case,
            source=source,
            source_record_id=f"v-{n}",
            full_name=f"Persona {n}",
            sex="sex.male" if n % 2 else "sex.female",
            state=state,
        )
        for n in range(2, many + 2)
    )
    Act.objects.bulk_create(
        Act(
            case=case,
            source=source,
            source_record_id=f"a-{n + 2}",
            victim=p,
            act_type="act.detention.arbitrary",
            location=site,
            event=event,
            date_text="2017-06",
            date_precision="month",
            date_earliest=dt.date(2017, 6, 1),
            date_latest=dt.date(2017, 6, 30),
        )
        for n, p in enumerate(persons)
    )
    Testimony.objects.bulk_create(
        Testimony(
            case=case,
            source=other,
            source_record_id=f"t-{n + 2}",
            witness=p,
            language="es",
            narrative=f"Relato ficticio número {n}.",
            date_text="2018",
            date_precision="year",
            date_earliest=dt.date(2018, 1, 1),
            date_latest=dt.date(2018, 12, 31),
        )
        for n, p in enumerate(persons)
    )
    Event.objects.bulk_create(
        Event(case=case, title=f"Evento ficticio {n}", location=site, date_text="2017")
        for n in range(many)
    )
    Location.objects.bulk_create(
        Location(
            case=case, code=f"XX-1-S{n}", name=f"Sitio {n}", kind="location.site", parent=state
        )
        for n in range(many)
    )
    Unit.objects.bulk_create(
        Unit(case=case, code=f"ORG-U{n}", name=f"Unidad {n}", parent=organization)
        for n in range(many)
    )
    Position.objects.bulk_create(
        Position(case=case, person=p, unit=unit, title="Agente", start_text="2017")
        for p in persons[: many // 2]
    )
    EvidenceItem.objects.bulk_create(
        EvidenceItem(
            case=case,
            source=other,
            sha256=f"{n:064x}",
            size=n + 1,
            filename=f"foto-{n}.jpg",
            kind="evidence.photo",
        )
        for n in range(1, many + 1)
    )
    Source.objects.bulk_create(
        Source(case=case, code=f"SRC-X{n:02d}", name=f"Fuente {n}", kind="source.press")
        for n in range(many)
    )

    run = LinkRun.objects.create(
        case=case, actor="ana", threshold=0.9, records=many + 3, persons=many + 2
    )
    cluster = "c-ana"
    RecordLink.objects.bulk_create(
        [
            RecordLink(run=run, record=victim, cluster=cluster, probability=0.97),
            RecordLink(run=run, record=victim_again, cluster=cluster, probability=0.97),
            RecordLink(run=run, record=commander, cluster="c-cmd"),
        ]
        + [RecordLink(run=run, record=p, cluster=f"c-{p.pk}") for p in persons]
    )
    return Record(
        case=case,
        source=source,
        other_source=other,
        country=country,
        state=state,
        site=site,
        organization=organization,
        unit=unit,
        commander=commander,
        victim=victim,
        victim_again=victim_again,
        act=act,
        other_act=other_act,
        linked_act=linked_act,
        event=event,
        testimony=testimony,
        excerpt=excerpt,
        item=item,
        run=run,
        cluster=cluster,
        persons=persons,
    )


def url_kwargs(record: Record) -> dict[str, dict[str, str]]:
    """URL kwargs of every route of the record pages, by URL name, for this record."""
    code = record.case.code
    return {
        "case-records": {"code": code},
        "workspace:acts": {"code": code},
        "workspace:act": {"code": code, "uid": str(record.act.uid)},
        "workspace:persons": {"code": code},
        "workspace:person": {"code": code, "uid": str(record.victim.uid)},
        "workspace:resolved": {"code": code},
        "workspace:events": {"code": code},
        "workspace:event": {"code": code, "uid": str(record.event.uid)},
        "workspace:testimonies": {"code": code},
        "workspace:testimony": {"code": code, "uid": str(record.testimony.uid)},
        "workspace:sources": {"code": code},
        "workspace:source": {"code": code, "source": record.source.code},
        "workspace:units": {"code": code},
        "workspace:unit": {"code": code, "uid": str(record.unit.uid)},
        "workspace:locations": {"code": code},
        "workspace:location": {"code": code, "uid": str(record.state.uid)},
        "workspace:evidence": {"code": code},
        "workspace:evidence-item": {"code": code, "uid": str(record.item.uid)},
        "workspace:evidence-upload": {"code": code},
    }
