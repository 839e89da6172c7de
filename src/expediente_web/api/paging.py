"""Paging of every list: `limit` (1–`MAX_LIMIT`, default `DEFAULT_LIMIT`) rows from `offset`,
with `count`, the number of rows the filters match."""

from __future__ import annotations

from typing import Annotated, Any

from django.db.models import QuerySet
from ninja import Schema
from pydantic import Field

from expediente_web.api.schemas import INT_MAX

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class PageQuery(Schema):
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT
    offset: Annotated[int, Field(ge=0, le=INT_MAX)] = 0


def page(rows: QuerySet[Any], query: PageQuery) -> tuple[dict[str, Any], list[Any]]:
    """The page's envelope (without `items`) and the rows on it."""
    count = rows.count()
    items = list(rows[query.offset : query.offset + query.limit])
    return {"count": count, "limit": query.limit, "offset": query.offset}, items
