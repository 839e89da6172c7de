"""The records a thread can hang on: every record that has a page of its own.

A kind is the name the discussion's addresses use (`act`, `evidence`, …); a reference is the
record's uid, or a source's code. Each kind reads its record through the owning app's `access_*`
function, so a thread is never reachable where its record is not.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.http import Http404
from django.urls import reverse

from expediente_web.cases.models import Case, Source
from expediente_web.evidence.access import access_evidence_item_by_uid
from expediente_web.evidence.models import EvidenceItem
from expediente_web.records.access import access_record_by_uid
from expediente_web.records.models import Act, Event, Location, Person, Testimony, Unit
from expediente_web.workspace.access import access_source_by_code


@dataclass(frozen=True)
class Kind:
    name: str
    model: type[models.Model]
    page: str  # the URL name of the record's page
    read: Callable[[Any, Case, str], models.Model]
    ref: Callable[[Any], str]


def _by_uid(model: type[Any]) -> Callable[[Any, Case, str], models.Model]:
    return lambda user, case, ref: access_record_by_uid(user, case, model, ref)


def _uid(record: Any) -> str:
    return str(record.uid)


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind("act", Act, "workspace:act", _by_uid(Act), _uid),
        Kind("person", Person, "workspace:person", _by_uid(Person), _uid),
        Kind("event", Event, "workspace:event", _by_uid(Event), _uid),
        Kind("testimony", Testimony, "workspace:testimony", _by_uid(Testimony), _uid),
        Kind("unit", Unit, "workspace:unit", _by_uid(Unit), _uid),
        Kind("location", Location, "workspace:location", _by_uid(Location), _uid),
        Kind(
            "evidence",
            EvidenceItem,
            "workspace:evidence-item",
            lambda user, case, ref: access_evidence_item_by_uid(user, case, ref),
            _uid,
        ),
        Kind(
            "source",
            Source,
            "workspace:source",
            lambda user, case, ref: access_source_by_code(user, case, ref),
            lambda record: str(record.code),
        ),
    )
}
_BY_MODEL = {k.model: k for k in KINDS.values()}
_BY_MODEL_NAME = {k.model._meta.model_name: k for k in KINDS.values()}


def kind_of(record: models.Model) -> Kind:
    kind = _BY_MODEL.get(type(record))
    if kind is None:
        raise ValueError(f"a {record._meta.model_name} has no discussion")
    return kind


def kind_named_for(model_name: str) -> Kind | None:
    """The kind of a content type's model name (`evidenceitem` → evidence); None for a record
    without a page of its own (an excerpt)."""
    return _BY_MODEL_NAME.get(model_name)


def access_target(user: Any, case: Case, kind: str, ref: str) -> models.Model:
    """The live record a thread is about; 404 for an unknown kind or record, or a user who may
    not read the case."""
    found = KINDS.get(kind)
    if found is None:
        raise Http404(f"No record kind {kind!r}")
    return found.read(user, case, ref)


def record_url(case_code: str, kind: str, ref: str) -> str:
    found = KINDS[kind]
    key = "source" if kind == "source" else "uid"
    return reverse(found.page, kwargs={"code": case_code, key: ref})
