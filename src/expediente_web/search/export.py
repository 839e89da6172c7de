"""Every hit of a search as a CSV or XLSX file, as the reader may see them.

A role that sees no identities gets the snippets with names, numbers and dates replaced by
pseudonyms (see `access.redact_text`); every free-text cell is guarded against spreadsheet
formulas.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _

from expediente_web.cases.models import Case
from expediente_web.cases.validation import InvalidInput
from expediente_web.intake.formula_guard import guard
from expediente_web.search.access import Hit, access_search

#: Most hits one export holds.
MAX_ROWS = 100_000
BATCH = 500
COLUMNS = ("kind", "uid", "date", "source", "text")
TYPES = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def rows(user: Any, case: Case, text: str, kinds: list[str],
         filters: dict[str, str]) -> Iterator[tuple[str, ...]]:
    page, written = 1, 0
    while written < MAX_ROWS:
        results = access_search(user, case, text, kinds=kinds, filters=filters, page=page,
                                page_size=BATCH, with_facets=False)
        for hit in results.hits:
            yield _row(hit)
            written += 1
        if not results.page.has_next():
            return
        page += 1


def _row(hit: Hit) -> tuple[str, ...]:
    record = hit.record
    uid = str(getattr(record, "uid", "") or record.pk)
    date = getattr(record, "date_text", "") or ""
    source = getattr(getattr(record, "source", None), "code", "") or ""
    snippet = "".join(s.text for s in hit.segments)
    return hit.kind, uid, date, source, guard(snippet)


def response(user: Any, case: Case, text: str, kinds: list[str], filters: dict[str, str],
             fmt: str) -> HttpResponse:
    if fmt not in TYPES:
        raise InvalidInput("format", _("unknown export format %(format)s (csv or xlsx)")
                           % {"format": repr(fmt)})
    data = list(rows(user, case, text, kinds, filters))
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(COLUMNS)
        writer.writerows(data)
        body: bytes = buffer.getvalue().encode("utf-8")
    else:
        body = _xlsx(data)
    answer = HttpResponse(body, content_type=TYPES[fmt])
    answer["Content-Disposition"] = f'attachment; filename="{case.code}-search.{fmt}"'
    return answer


def _xlsx(data: list[tuple[str, ...]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("search")
    sheet.append(COLUMNS)
    for row in data:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
