"""The index follows every write of the record.

The services write through the ORM, so a saved record refreshes its own document and those
that carry its facets. Imports insert rows in bulk: the table import refreshes what its batch
wrote when it stores the batch's row count, and the case-directory import re-indexes the case
once at its end (`index.reindex_case`).
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

from expediente_web.evidence.models import Citation, Excerpt
from expediente_web.intake.models import ImportBatch
from expediente_web.protection.rotation import index_key_rotated
from expediente_web.records.models import Act, Comment, Event, Involvement, Person, Testimony
from expediente_web.search import index, names


def _testimony(instance: Testimony) -> dict[str, set[int]]:
    return {"testimony": {instance.id}}


def _excerpt(instance: Excerpt) -> dict[str, set[int]]:
    found = {"excerpt": {instance.id}}
    if instance.testimony_id:
        found["testimony"] = {instance.testimony_id}
    return found


def _act(act: Act) -> dict[str, set[int]]:
    """The act and every document carrying its facets: its event, the excerpts citing it and
    their testimonies, the comments on it."""
    from django.contrib.contenttypes.models import ContentType

    act_ct = ContentType.objects.get_for_model(Act)
    excerpts = dict(Excerpt.objects.filter(
        citations__target_type=act_ct, citations__target_id=act.id
    ).values_list("id", "testimony_id"))
    comments = set(Comment.objects.filter(target_type=act_ct, target_id=act.id)
                   .values_list("id", flat=True))
    return {"act": {act.id}, "event": {act.event_id} if act.event_id else set(),
            "excerpt": set(excerpts), "testimony": {t for t in excerpts.values() if t},
            "comment": comments}


def _citation(citation: Citation) -> dict[str, set[int]]:
    found = _excerpt(citation.excerpt)
    if citation.target_type.model == "act":
        found["act"] = {citation.target_id}
    return found


def _refresh(case: Any, wanted: dict[str, set[int]]) -> None:
    index.refresh(case, wanted)


def _on_saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw or index.is_deferred():
        return
    if sender is Testimony:
        _refresh(instance.case, _testimony(instance))
    elif sender is Excerpt:
        _refresh(instance.case, _excerpt(instance))
    elif sender is Comment:
        _refresh(instance.case, {"comment": {instance.id}})
    elif sender is Act:
        _refresh(instance.case, _act(instance))
    elif sender is Event:
        _refresh(instance.case, {"event": {instance.id}})
    elif sender is Involvement:
        _refresh(instance.act.case, _act(instance.act))
    elif sender is Citation:
        _refresh(instance.excerpt.case, _citation(instance))


def _on_person(sender: Any, instance: Person, raw: bool = False, **kwargs: Any) -> None:
    if raw or index.is_deferred():
        return
    names.refresh_persons([instance])


def _on_batch(sender: Any, instance: ImportBatch, raw: bool = False,
              update_fields: Any = None, **kwargs: Any) -> None:
    """A table import has written its rows: index its testimonies, acts, events and names."""
    if raw or not update_fields or "rows" not in update_fields or index.is_deferred():
        return
    wanted: dict[str, set[int]] = {}
    for kind in ("testimony", "act", "event"):
        model = index.MODELS[kind]
        wanted[kind] = set(model.objects.filter(import_batch=instance)
                           .values_list("id", flat=True))
    _refresh(instance.case, wanted)
    names.refresh_persons(Person.objects.filter(import_batch=instance))


for _model in (Testimony, Excerpt, Comment, Act, Event, Involvement, Citation):
    post_save.connect(_on_saved, sender=_model, dispatch_uid=f"search-{_model.__name__}")
post_save.connect(_on_batch, sender=ImportBatch, dispatch_uid="search-import-batch")
post_save.connect(_on_person, sender=Person, dispatch_uid="search-person-names")


def _on_index_key_rotated(sender: Any, ring: Any, **kwargs: Any) -> None:
    """Name tokens are HMACs under the index key: re-make them all under the new one."""
    from expediente_web.search.models import NameToken

    NameToken.objects.all().delete()
    ids = list(Person.objects.live().order_by("id").values_list("id", flat=True))
    for start in range(0, len(ids), 2000):
        names.refresh_persons(Person.objects.filter(id__in=ids[start:start + 2000]), ring)


index_key_rotated.connect(_on_index_key_rotated, dispatch_uid="search-name-tokens-rotate")
