"""Evidence items: the list, uploading a file, an item's page with its hash, custody, preview
and excerpts, and the views that serve a file's decrypted bytes.

Every response that carries a file's bytes (the file itself, a rendered PDF page, the text
shown in the page) first writes a `custody.accessed` event through `do_record_evidence_access`;
a recording fetched in pieces (HTTP Range) is recorded once, for the piece from its start.
Bytes go out under `evidence.media.serving_type`, with `nosniff` and a sandboxing policy: an
HTML or SVG file is plain text here, never a page of this site.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from expediente_web.cases.access import WRITE_ROLES, require_role
from expediente_web.cases.validation import InvalidInput
from expediente_web.evidence import media
from expediente_web.evidence.access import (
    CONTENT_ROLES,
    access_evidence_content,
    access_evidence_item_by_uid,
    access_evidence_items,
    access_excerpts,
)
from expediente_web.evidence.actions import (
    do_cite_excerpt,
    do_create_excerpt,
    do_record_evidence_access,
    do_store_evidence,
)
from expediente_web.evidence.models import EvidenceItem, Excerpt
from expediente_web.evidence.store import EvidenceUnreadable, NotAHash, open_evidence, path_for
from expediente_web.records.access import access_records
from expediente_web.records.models import Act
from expediente_web.workspace.access import access_source_by_code, access_sources
from expediente_web.workspace.listing import FilterForm, paginate, term_choices
from expediente_web.workspace.views.common import reader

#: How much of a text file its page shows.
TEXT_PREVIEW_BYTES = 200 * 1024
#: Sent with every response that carries an evidence file's bytes.
_SANDBOX = "default-src 'none'; img-src 'self'; media-src 'self'; sandbox"


class EvidenceFilter(FilterForm):
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    source = forms.ChoiceField(label=_("Source"), required=False)

    def __init__(self, *args: Any, sources: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = term_choices("evidence_kinds")
        self.fields["source"].choices = [("", _("any")), *sources]


def _sources(request: HttpRequest, case: Any) -> list[tuple[str, str]]:
    return [(s.code, f"{s.code} — {s.name}") for s in access_sources(request.user, case)]


@login_required
def evidence_list(request: HttpRequest, code: str) -> HttpResponse:
    r = reader(request, code)
    form = EvidenceFilter(request.GET or None, sources=_sources(request, r.case))
    given = form.cleaned()
    rows = access_evidence_items(request.user, r.case)
    if "kind" in given:
        rows = rows.filter(kind=given["kind"])
    if "source" in given:
        rows = rows.filter(source__code=given["source"])
    page = paginate(request, rows.select_related("source").order_by("created_at", "id"))
    return r.render(
        "workspace/evidence_list.html",
        {"page": page, "form": form, "may_upload": r.role in WRITE_ROLES},
    )


# -- uploading --------------------------------------------------------------------------------


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"))
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    source = forms.ChoiceField(label=_("Source"), required=False)
    received_from = forms.CharField(
        label=_("Received from"),
        max_length=200,
        required=False,
        help_text=_("Who handed the file over (a person, a team, an organisation)."),
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, sources: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = term_choices("evidence_kinds")[1:]
        self.fields["kind"].choices = [("", _("from the content")), *kinds]
        self.fields["source"].choices = [("", _("none")), *sources]
        limit = settings.EXPEDIENTE_MAX_UPLOAD_BYTES
        self.fields["file"].help_text = _("At most %(size)s.") % {"size": filesizeformat(limit)}
        self.fields["file"].widget.attrs["data-max-bytes"] = str(limit)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.EXPEDIENTE_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("This file is %(size)s; the largest file accepted is %(limit)s.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
            )
        return upload


_KIND_OF_PREVIEW = {"image": "evidence.photo", "audio": "evidence.audio", "video": "evidence.video"}


@login_required
def evidence_upload(request: HttpRequest, code: str) -> HttpResponse:
    r = reader(request, code)
    require_role(request.user, r.case, WRITE_ROLES, gettext_noop("upload evidence"))
    sources = _sources(request, r.case)
    form = UploadForm(request.POST or None, request.FILES or None, sources=sources)
    if request.method == "POST" and form.is_valid():
        item = _store(request, r.case, form)
        if item is not None:
            return HttpResponseRedirect(
                reverse("workspace:evidence-item", args=[r.case.code, item.uid])
            )
    status = 400 if request.method == "POST" else 200
    response = r.render("workspace/evidence_upload.html", {"form": form})
    response.status_code = status
    return response


def _store(request: HttpRequest, case: Any, form: UploadForm) -> EvidenceItem | None:
    data = form.cleaned_data
    upload = data["file"]
    described = media.describe(upload)
    source = access_source_by_code(request.user, case, data["source"]) if data["source"] else None
    kind = data["kind"] or _KIND_OF_PREVIEW.get(
        media.preview_of(described.media_type), "evidence.document"
    )
    try:
        item = do_store_evidence(
            request.user,
            case,
            upload,
            upload.name,
            kind=kind,
            media_type=described.media_type,
            title=data["title"],
            description=data["description"],
            source=source,
            received_from=data["received_from"],
            pages=described.pages,
            duration_seconds=described.duration_seconds,
        )
    except InvalidInput as error:
        form.add_error(error.field if error.field in form.fields else "file", error.reason)
        return None
    messages.success(
        request,
        gettext("Stored %(name)s (SHA-256 %(sha)s…); its receipt is in the chain of custody.")
        % {"name": item.filename, "sha": item.sha256[:12]},
    )
    if media.name_disagrees(item.filename, item.media_type):
        messages.warning(
            request,
            gettext("The name says %(named)s but the content is %(found)s: the content decides.")
            % {"named": media.type_of_name(item.filename), "found": item.media_type},
        )
    return item


# -- an item's page ---------------------------------------------------------------------------

_TIME = re.compile(r"^(?:(\d+):)?(?:(\d+):)?(\d+(?:[.,]\d{1,3})?)$")


def parse_time(text: str) -> Decimal:
    """Seconds from "83", "83.5", "1:23", "1:23.5" or "0:01:23"; ValueError otherwise."""
    match = _TIME.match(text.strip())
    if not match:
        raise ValueError(text)
    first, second, seconds = match.groups()
    hours, minutes = (first, second) if second is not None else (None, first)
    value = Decimal(seconds.replace(",", "."))
    if (minutes or hours) and value >= 60:
        raise ValueError(text)
    if hours and int(minutes or 0) >= 60:
        raise ValueError(text)
    return value + 60 * int(minutes or 0) + 3600 * int(hours or 0)


def show_time(seconds: Decimal | None) -> str:
    """83.5 → "1:23.5"; 3723 → "1:02:03"."""
    if seconds is None:
        return ""
    whole = int(seconds)
    fraction = f"{seconds - whole:.3f}".lstrip("0").rstrip("0").rstrip(".")
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    clock = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
    return clock + fraction


def media_fragment(start: Decimal, end: Decimal) -> str:
    """`t=83.5,90`: the media fragment of a time range, in seconds (the recording's page plays
    it with `site/media-fragment.js`)."""
    return "t=" + ",".join(f"{value.normalize():f}" for value in (start, end))


class TimeField(forms.CharField):
    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_time(text)
        except (ValueError, InvalidOperation):
            raise forms.ValidationError(
                _("Write a time as seconds (83.5) or minutes and seconds (1:23.5).")
            ) from None


class ExcerptForm(forms.Form):
    """A page of a document, or a time range of a recording, to cite."""

    page = forms.IntegerField(label=_("Page"), min_value=1, required=False)
    start = TimeField(label=_("From"), required=False, help_text=_("e.g. 1:05"))
    end = TimeField(label=_("To"), required=False, help_text=_("e.g. 1:40.5"))
    quote = forms.CharField(
        label=_("What it says"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The passage read or heard there, if you want it kept with the excerpt."),
    )

    def __init__(self, *args: Any, item: EvidenceItem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item = item
        preview = media.preview_of(item.media_type)
        self.recording = preview in ("audio", "video")
        self.whole = preview == "image"  # a photograph is cited whole
        if self.recording or self.whole:
            del self.fields["page"]
        if not self.recording:
            del self.fields["start"], self.fields["end"]
        if "page" in self.fields and item.pages:
            # Shown by the browser; the bound is checked in clean() with a message of ours.
            self.fields["page"].widget.attrs["max"] = item.pages

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        pages, length = self.item.pages, self.item.duration_seconds
        if self.whole:
            return data
        if not self.recording:
            page = data.get("page")
            if page is None and "page" not in self.errors:
                self.add_error("page", _("Give the page to cite."))
            elif page is not None and pages is not None and page > pages:
                self.add_error("page", _("This document has %(n)s pages.") % {"n": pages})
            return data
        start, end = data.get("start"), data.get("end")
        if self.errors:
            return data
        if start is None:
            self.add_error("start", _("Give where the excerpt starts."))
        if end is None:
            self.add_error("end", _("Give where the excerpt ends."))
        if start is not None and end is not None:
            if end <= start:
                self.add_error("end", _("The end must come after the start."))
            elif length is not None and end > length:
                self.add_error(
                    "end", _("The recording lasts %(length)s.") % {"length": show_time(length)}
                )
        return data


class CiteForm(forms.Form):
    act = forms.CharField(
        label=_("Act"), max_length=64, help_text=_("The act's identifier, as on its page.")
    )


def _detail_context(request: HttpRequest, r: Any, item: EvidenceItem) -> dict[str, Any]:
    excerpts = list(
        access_excerpts(request.user, r.case)
        .filter(item=item)
        .order_by("page", "start_seconds", "start", "id")
        .prefetch_related("citations")
    )
    _label_citations(request, r.case, excerpts)
    for excerpt in excerpts:
        excerpt.shown_range = (  # type: ignore[attr-defined]
            f"{show_time(excerpt.start_seconds)}–{show_time(excerpt.end_seconds)}"
            if excerpt.start_seconds is not None
            else ""
        )
        if excerpt.start_seconds is not None and excerpt.end_seconds is not None:
            excerpt.fragment = media_fragment(  # type: ignore[attr-defined]
                excerpt.start_seconds, excerpt.end_seconds)
    preview = media.preview_of(item.media_type)
    may_open = r.role in CONTENT_ROLES
    context: dict[str, Any] = {
        "item": item,
        "custody": list(item.custody.order_by("at", "id")),
        "excerpts": excerpts,
        "derivatives": list(item.derivatives.filter(deleted_at__isnull=True).order_by("id")),
        "preview": preview,
        "may_open": may_open,
        "may_write": r.role in WRITE_ROLES,
        "named_type": media.type_of_name(item.filename),
        "name_disagrees": media.name_disagrees(item.filename, item.media_type),
        "duration": show_time(item.duration_seconds),
        "file_missing": may_open and not _in_store(item),
    }
    if may_open and preview == "pdf":
        page = _int(request.GET.get("page"), 1)
        if item.pages:
            page = min(page, item.pages)
        context["pdf_page"] = page
        context["pdf_previous"] = page - 1 if page > 1 else None
        context["pdf_next"] = page + 1 if item.pages is None or page < item.pages else None
    return context


def _in_store(item: EvidenceItem) -> bool:
    try:
        return path_for(item.sha256).is_file()
    except NotAHash:
        return False


def _label_citations(request: HttpRequest, case: Any, excerpts: list[Excerpt]) -> None:
    """Give each citation of these excerpts a label and, for an act, its page (one query)."""
    act_type = ContentType.objects.get_for_model(Act)
    act_ids = {
        c.target_id for e in excerpts for c in e.citations.all() if c.target_type_id == act_type.pk
    }
    acts = (
        {
            a.pk: a
            for a in access_records(request.user, case, Act)
            .filter(pk__in=act_ids)
            .only("pk", "uid", "act_type")
        }
        if act_ids
        else {}
    )
    for excerpt in excerpts:
        for citation in excerpt.citations.all():
            act = acts.get(citation.target_id) if citation.target_type_id == act_type.pk else None
            citation.act = act  # type: ignore[attr-defined]


def _int(value: Any, default: int) -> int:
    try:
        return max(int(value), 1)
    except (TypeError, ValueError):
        return default


def _text_preview(request: HttpRequest, item: EvidenceItem) -> dict[str, Any]:
    """The start of a text file, decoded for the page (the template escapes it)."""
    do_record_evidence_access(request.user, item, "view")
    try:
        with open_evidence(item.sha256) as plain:
            head = plain.read(TEXT_PREVIEW_BYTES + 1)
    except (FileNotFoundError, EvidenceUnreadable, NotAHash):
        return {"unreadable": True}
    return {
        "text": head[:TEXT_PREVIEW_BYTES].decode("utf-8", errors="replace"),
        "text_cut": len(head) > TEXT_PREVIEW_BYTES,
    }


def _render_detail(
    request: HttpRequest,
    r: Any,
    item: EvidenceItem,
    *,
    excerpt_form: ExcerptForm | None = None,
    cite_forms: dict[int, CiteForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    shown: dict[str, Any] = {}
    if media.preview_of(item.media_type) == "text" and r.role in CONTENT_ROLES:
        shown = _text_preview(request, item)  # recorded first, so its custody step is listed
    context = {**_detail_context(request, r, item), **shown}
    context["excerpt_form"] = excerpt_form or ExcerptForm(item=item)
    cite_forms = cite_forms or {}
    for excerpt in context["excerpts"]:
        excerpt.cite_form = cite_forms.get(excerpt.pk) or CiteForm(  # type: ignore[attr-defined]
            auto_id=f"cite-{excerpt.pk}-%s"
        )
    response = r.render("workspace/evidence_detail.html", context)
    response.status_code = status
    return response


@login_required
def evidence_detail(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    r = reader(request, code)
    item = access_evidence_item_by_uid(request.user, r.case, uid)
    return _render_detail(request, r, item)


def _back_to(item: EvidenceItem, anchor: str = "") -> HttpResponseRedirect:
    address = reverse("workspace:evidence-item", args=[item.case.code, item.uid])
    return HttpResponseRedirect(address + (f"#{anchor}" if anchor else ""))


@require_POST
@login_required
def evidence_excerpt(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    r = reader(request, code)
    item = access_evidence_item_by_uid(request.user, r.case, uid)
    require_role(request.user, r.case, WRITE_ROLES, "create excerpts")
    form = ExcerptForm(request.POST, item=item)
    if form.is_valid():
        data = form.cleaned_data
        try:
            excerpt = do_create_excerpt(
                request.user,
                r.case,
                item=item,
                page=data.get("page"),
                start_seconds=data.get("start"),
                end_seconds=data.get("end"),
                quote=data.get("quote", ""),
            )
        except InvalidInput as error:
            field = {"start_seconds": "start", "end_seconds": "end"}.get(error.field, error.field)
            form.add_error(field if field in form.fields else None, error.reason)
        else:
            messages.success(request, gettext("The excerpt is made: a record can now cite it."))
            return _back_to(item, f"excerpt-{excerpt.pk}")
    return _render_detail(request, r, item, excerpt_form=form, status=400)


@require_POST
@login_required
def evidence_cite(request: HttpRequest, code: str, uid: str, excerpt: str) -> HttpResponse:
    r = reader(request, code)
    item = access_evidence_item_by_uid(request.user, r.case, uid)
    require_role(request.user, r.case, WRITE_ROLES, "cite excerpts")
    try:
        uuid.UUID(excerpt)
    except ValueError:
        raise Http404(f"No excerpt {excerpt} of evidence item {item.uid}") from None
    found = access_excerpts(request.user, r.case).filter(item=item, uid=excerpt).first()
    if found is None:
        raise Http404(f"No excerpt {excerpt} of evidence item {item.uid}")
    form = CiteForm(request.POST, auto_id=f"cite-{found.pk}-%s")
    if form.is_valid():
        act = _act(request, r.case, form.cleaned_data["act"])
        if act is None:
            form.add_error("act", _("No act of this case has this identifier."))
        else:
            try:
                do_cite_excerpt(request.user, found, act)
            except InvalidInput as error:
                form.add_error("act", error.reason)
            else:
                messages.success(request, gettext("The act now cites this excerpt."))
                return _back_to(item, f"excerpt-{found.pk}")
    return _render_detail(request, r, item, cite_forms={found.pk: form}, status=400)


def _act(request: HttpRequest, case: Any, uid: str) -> Act | None:
    try:
        uuid.UUID(uid.strip())
    except ValueError:
        return None
    return access_records(request.user, case, Act).filter(uid=uid.strip()).first()


# -- the bytes --------------------------------------------------------------------------------


def _guard(response: HttpResponse) -> HttpResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = _SANDBOX
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def byte_range(header: str | None, size: int) -> tuple[int, int] | bool | None:
    """(first, last) of a single `Range: bytes=…` header; None for no (or an ignorable) header,
    False for a range that cannot be satisfied."""
    if not header:
        return None
    match = _RANGE.match(header.strip())
    if not match or not any(match.groups()):
        return None  # several ranges, or another unit: the whole file
    first_text, last_text = match.groups()
    if not first_text:  # the last N bytes
        length = int(last_text)
        if length == 0:
            return False
        return (max(size - length, 0), size - 1) if size else False
    first = int(first_text)
    last = int(last_text) if last_text else size - 1
    if first >= size or last < first:
        return False
    return first, min(last, size - 1)


@login_required
def evidence_file(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    """The item's decrypted bytes: inline under a safe type for a preview, or (`?download=1`)
    as an opaque attachment."""
    r = reader(request, code)
    item = access_evidence_content(request.user, r.case, uid)
    download = request.GET.get("download") == "1"
    wanted = None if download else byte_range(request.headers.get("Range"), item.size)
    if wanted is False:
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{item.size}"
        return _guard(refused)
    first, last = wanted if isinstance(wanted, tuple) else (0, item.size - 1)
    try:
        plain = open_evidence(item.sha256)
    except (FileNotFoundError, EvidenceUnreadable, NotAHash):
        raise Http404(f"The file of evidence item {item.uid} cannot be read") from None
    if first == 0:
        try:
            do_record_evidence_access(request.user, item, "download" if download else "view")
        except BaseException:
            plain.close()
            raise

    def body() -> Iterator[bytes]:
        with plain:
            yield from plain.iter_range(first, last + 1)

    response = StreamingHttpResponse(
        body(),
        status=206 if isinstance(wanted, tuple) else 200,
        content_type=media.OCTET if download else media.serving_type(item.media_type),
    )
    response["Content-Length"] = str(max(last - first + 1, 0))
    response["Accept-Ranges"] = "bytes"
    if isinstance(wanted, tuple):
        response["Content-Range"] = f"bytes {first}-{last}/{item.size}"
    response["Content-Disposition"] = content_disposition_header(
        download, _header_safe(item.filename)
    )
    return _guard(response)


def _header_safe(filename: str) -> str:
    """The name without control characters, which a header cannot carry."""
    return "".join(c if c.isprintable() else "_" for c in filename) or "evidence"


@login_required
def evidence_page(request: HttpRequest, code: str, uid: str, page: int) -> HttpResponse:
    """Page `page` of a PDF item, rendered to a PNG on the server."""
    r = reader(request, code)
    item = access_evidence_content(request.user, r.case, uid)
    if media.preview_of(item.media_type) != "pdf" or page < 1:
        raise Http404(f"Evidence item {item.uid} has no page {page}")
    if item.pages is not None and page > item.pages:
        raise Http404(f"Evidence item {item.uid} has {item.pages} pages")
    try:
        with open_evidence(item.sha256) as plain:
            data = plain.read()
    except (FileNotFoundError, EvidenceUnreadable, NotAHash):
        raise Http404(f"The file of evidence item {item.uid} cannot be read") from None
    image = media.render_pdf_page(data, page)
    if image is None:
        raise Http404(f"Page {page} of evidence item {item.uid} cannot be shown")
    do_record_evidence_access(request.user, item, f"view page {page}")
    response = HttpResponse(image, content_type="image/png")
    response["Content-Disposition"] = content_disposition_header(
        False, f"{item.uid}-page-{page}.png"
    )
    return _guard(response)
