"""Writing an assembled edition out: one HTML file with its stylesheet, a static site, or a PDF.

Every format is made from the same templates, in the edition's language. Nothing in the output
refers to anything outside its folder: the charts are inline SVG, the stylesheet sits beside
the pages, and the PDF renderer is given a URL fetcher that fetches nothing, so that a report
never makes a request (nor fails for want of a network).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from expediente.legal.disclosure import THRESHOLD
from expediente_web.reports.assembly import EditionData

__all__ = ["RENDERERS", "SITE_PAGES", "render_html", "render_pdf", "render_site"]

#: The static site's pages: file, title (English, translated), the section it shows.
SITE_PAGES = (
    ("index.html", gettext_noop("About this edition"), "reports/_summary.html"),
    ("acts.html", gettext_noop("Acts documented"), "reports/_counts.html"),
    ("estimates.html", gettext_noop("How many: the estimate"), "reports/_estimate.html"),
    ("command.html", gettext_noop("Chains of command"), "reports/_figures.html"),
    ("findings.html", gettext_noop("Findings on the elements"), "reports/_findings.html"),
    ("testimonies.html", gettext_noop("Testimonies"), "reports/_testimonies.html"),
    ("methodology.html", gettext_noop("Methodology annex"), "reports/_methodology.html"),
)


def _context(data: EditionData, **more: Any) -> dict[str, Any]:
    return {"d": data, "threshold": THRESHOLD, "recipient_label": _(data.recipient.label), **more}


def _css() -> str:
    return render_to_string("reports/report.css")


def edition_html(data: EditionData, css: str | None) -> str:
    with translation.override(data.language):
        return render_to_string("reports/edition.html", _context(data, css=css))


def render_html(data: EditionData, out: Path) -> list[Path]:
    """`report.html` and its stylesheet `report.css`."""
    with translation.override(data.language):
        (out / "report.css").write_text(_css(), encoding="utf-8")
    (out / "report.html").write_text(edition_html(data, "report.css"), encoding="utf-8")
    return [out / "report.html", out / "report.css"]


def render_site(data: EditionData, out: Path) -> list[Path]:
    """A folder of pages that link to each other by relative paths, and `style.css`: it works
    opened from the disk (file://) and from any web server."""
    written = []
    with translation.override(data.language):
        pages = [{"file": f, "title": _(title)} for f, title, _section in SITE_PAGES]
        for file, title, section in SITE_PAGES:
            html = render_to_string(
                "reports/site/page.html",
                _context(data, pages=pages, current=file, page_title=_(title), section=section),
            )
            (out / file).write_text(html, encoding="utf-8")
            written.append(out / file)
        (out / "style.css").write_text(_css(), encoding="utf-8")
    return [*written, out / "style.css"]


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
    raise ValueError(f"a report fetches nothing ({url[:60]})")


def render_pdf(data: EditionData, out: Path) -> list[Path]:
    """`report.pdf`, laid out by WeasyPrint from the HTML edition."""
    import logging

    from weasyprint import CSS, HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    with translation.override(data.language):
        css = _css()
    html = edition_html(data, None)
    target = out / "report.pdf"
    HTML(string=html, base_url=str(out), url_fetcher=_no_fetch).write_pdf(
        target, stylesheets=[CSS(string=css, url_fetcher=_no_fetch)]
    )
    return [target]


RENDERERS: dict[str, Callable[[EditionData, Path], list[Path]]] = {
    "html": render_html,
    "pdf": render_pdf,
    "site": render_site,
}
