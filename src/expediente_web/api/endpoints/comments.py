"""Comments on any record of the case: read, and added with `do_add_comment`."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from expediente_web.api.access import (
    Reader,
    access_comments,
    api_case,
    comments_on,
    excerpt_by_uid,
    source_by_code,
)
from expediente_web.api.auth import read_token, write_token
from expediente_web.api.endpoints.common import answers
from expediente_web.api.endpoints.testimonies import target_by_uid
from expediente_web.api.paging import PageQuery, page
from expediente_web.api.present import Presenter
from expediente_web.api.schemas import Code, CommentIn, CommentOut, TargetType, page_of
from expediente_web.cases.validation import InvalidInput
from expediente_web.records.actions import do_add_comment

router = Router(tags=["comments"], auth=read_token)


def _target(reader: Reader, kind: str, ref: str) -> Any:
    if kind == "source":
        return source_by_code(reader, ref, "target")
    if kind == "excerpt":
        try:
            return excerpt_by_uid(reader, ref)
        except Http404:  # a reference given in the body is bad input, not a missing page
            raise InvalidInput(
                "target",
                _("no excerpt %(uid)s in case %(case)s") % {"uid": ref, "case": reader.case.code},
            ) from None
    return target_by_uid(reader, kind, ref)


class CommentQuery(PageQuery):
    target_type: TargetType | None = None
    target: Code | None = None


@router.get("/cases/{code}/comments", response=answers(page_of(CommentOut)))
def list_comments(request: HttpRequest, code: str, q: Query[CommentQuery]) -> dict[str, Any]:
    """The case's comments, oldest first; `target_type` with `target` (a record's uid, a
    source's code) gives the thread of one record."""
    reader = api_case(request, code)
    if (q.target_type is None) != (q.target is None):
        raise InvalidInput(
            "target" if q.target is None else "target_type",
            _("target_type and target go together"),
        )
    if q.target_type and q.target:
        rows = comments_on(reader.user, reader.case, _target(reader, q.target_type, q.target))
    else:
        rows = access_comments(reader.user, reader.case)
    envelope, items = page(rows.order_by("created_at", "id"), q)
    show = Presenter(request, reader)
    return {**envelope, "items": [show.comment(c) for c in items]}


@router.post("/cases/{code}/comments", response=answers(CommentOut, 201), auth=write_token)
def add_comment(request: HttpRequest, code: str, payload: CommentIn) -> Status[Any]:
    """A comment on a record, or a reply (`parent`: a comment's id) on the same record."""
    reader = api_case(request, code)
    target = _target(reader, payload.target_type, payload.target)
    parent = None
    if payload.parent is not None:
        parent = access_comments(reader.user, reader.case).filter(pk=payload.parent).first()
        if parent is None:
            raise InvalidInput(
                "parent",
                _("no comment %(id)s in case %(case)s")
                % {"id": payload.parent, "case": reader.case.code},
            )
    comment = do_add_comment(reader.user, target, payload.body, parent=parent)
    return Status(201, Presenter(request, reader).comment(comment))
