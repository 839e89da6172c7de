"""Filters of the record pages: numbers and partial dates in the reader's language, page links.

`{{ n|number }}` groups digits as the language does (1.200 / 1,200); `{{ act.date_text|when }}`
writes a partial date (`2017`, `2017-05`, `2017-05-14`, `2017-05/2017-07`) as a reader would
("mayo de 2017", "May 2017"); `{% page_links page as links %}` gives the page numbers to link,
with `…` where some are elided.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import template
from django.core.paginator import Page
from django.utils import formats

register = template.Library()

_PART = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


@register.filter
def number(value: Any) -> str:
    if value is None or value == "":
        return "—"
    return formats.number_format(value, force_grouping=True, use_l10n=True)


def _one(text: str) -> str:
    found = _PART.match(text.strip())
    if not found:
        return text
    year, month, day = found.groups()
    try:
        if day:
            return formats.date_format(dt.date(int(year), int(month), int(day)), "DATE_FORMAT")
        if month:
            return formats.date_format(dt.date(int(year), int(month), 1), "YEAR_MONTH_FORMAT")
    except ValueError:
        return text
    return year


@register.filter
def when(text: str | None) -> str:
    """A partial date or range in the reader's language; "—" when there is none."""
    if not text:
        return "—"
    if "/" in text:
        start, _, end = text.partition("/")
        return f"{_one(start)} – {_one(end)}"
    return _one(text)


@register.simple_tag
def page_links(page: Page) -> list[Any]:
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
