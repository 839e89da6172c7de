"""What a file is, read from its content rather than its name, and how a page may show it.

`describe` reads the first bytes of an upload to find its media type (puremagic's signatures,
then a check for plain UTF-8 text), and, for a PDF or a recording, its page count or length
(pypdfium2, mutagen). The name only tells what the sender says the file is: when it disagrees
with the content, `name_disagrees` says so and the page shows it.

`serving_type` is the only way a file's bytes get a Content-Type: HTML, SVG, XML and anything
else a browser could run are served as plain text or as an opaque download, never as
themselves.
"""

from __future__ import annotations

import contextlib
import mimetypes
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import puremagic

HEAD_BYTES = 64 * 1024
OCTET = "application/octet-stream"

#: Names for the same type that tools disagree on.
_ALIASES = {
    "audio/wave": "audio/wav",
    "audio/x-wav": "audio/wav",
    "audio/vnd.wave": "audio/wav",
    "audio/x-flac": "audio/flac",
    "audio/mp3": "audio/mpeg",
    "image/jpg": "image/jpeg",
    "image/pjpeg": "image/jpeg",
    "application/x-pdf": "application/pdf",
}
#: Containers that hold audio or video alike: the name's and the content's type may differ
#: in the first half without disagreeing.
_FAMILIES = {
    "audio/mp4": "mp4",
    "audio/x-m4a": "mp4",
    "audio/m4a": "mp4",
    "video/mp4": "mp4",
    "video/quicktime": "mp4",
    "audio/ogg": "ogg",
    "video/ogg": "ogg",
    "application/ogg": "ogg",
    "audio/opus": "ogg",
    "audio/webm": "webm",
    "video/webm": "webm",
    "video/x-matroska": "webm",
    "application/x-matroska": "webm",
}

IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp"})
AUDIO_TYPES = frozenset(
    {
        "audio/mpeg",
        "audio/wav",
        "audio/ogg",
        "audio/flac",
        "audio/mp4",
        "audio/aac",
        "audio/webm",
        "audio/opus",
    }
)
VIDEO_TYPES = frozenset({"video/mp4", "video/webm", "video/ogg"})
#: Shown as their source text, never interpreted.
TEXT_TYPES = frozenset(
    {
        "text/plain",
        "text/csv",
        "text/html",
        "text/xml",
        "application/xml",
        "image/svg+xml",
        "application/json",
        "text/markdown",
    }
)


def canonical(media_type: str) -> str:
    media_type = (media_type or "").split(";")[0].strip().lower()
    return _ALIASES.get(media_type, media_type)


def sniff(head: bytes) -> str:
    """The media type of content starting with `head` ("application/octet-stream": unknown)."""
    if not head:
        return "text/plain"
    found = ""
    with contextlib.suppress(puremagic.PureError, ValueError):
        found = next((m.mime_type for m in puremagic.magic_string(head) if m.mime_type), "")
    if found:
        return canonical(found)
    return "text/plain" if _looks_like_text(head) else OCTET


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for cut in range(4):  # the head may end inside a multi-byte character
        try:
            head[: len(head) - cut].decode("utf-8")
            return True
        except UnicodeDecodeError:
            continue
    return False


def type_of_name(filename: str) -> str:
    """What the file's name suggests ("" when the extension says nothing)."""
    guessed, _ = mimetypes.guess_type(filename or "", strict=False)
    return canonical(guessed or "")


def name_disagrees(filename: str, media_type: str) -> bool:
    """Whether the name suggests another type than the content has."""
    named, content = type_of_name(filename), canonical(media_type)
    if not named or not content or named == content:
        return False
    if _FAMILIES.get(named) and _FAMILIES.get(named) == _FAMILIES.get(content):
        return False
    # Plain text under a textual name (.csv, .md, .log…) is what the name says.
    return not (content == "text/plain" and (named.startswith("text/") or named in TEXT_TYPES))


def preview_of(media_type: str) -> str:
    """How a page shows the item: "image", "pdf", "audio", "video", "text" or ""."""
    media_type = canonical(media_type)
    if media_type in IMAGE_TYPES:
        return "image"
    if media_type == "application/pdf":
        return "pdf"
    if media_type in AUDIO_TYPES:
        return "audio"
    if media_type in VIDEO_TYPES:
        return "video"
    if media_type in TEXT_TYPES or media_type.startswith("text/"):
        return "text"
    return ""


def serving_type(media_type: str) -> str:
    """The Content-Type the item's bytes are served inline under: an image, a recording or a
    PDF as what it is, anything textual as plain text, everything else as opaque bytes."""
    preview = preview_of(media_type)
    if preview in ("image", "audio", "video", "pdf"):
        return canonical(media_type)
    if preview == "text":
        return "text/plain; charset=utf-8"
    return OCTET


@dataclass(frozen=True)
class Described:
    media_type: str
    pages: int | None
    duration_seconds: Decimal | None


def describe(upload: Any) -> Described:
    """The type, page count and length of an uploaded file (a Django `UploadedFile`); the
    file is left at its start."""
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    media_type = sniff(head)
    pages = duration = None
    if media_type == "application/pdf":
        pages = pdf_page_count(upload)
    elif preview_of(media_type) in ("audio", "video"):
        duration = recording_length(upload)
    upload.seek(0)
    return Described(media_type, pages, duration)


def _source(upload: Any) -> Any:
    path = getattr(upload, "temporary_file_path", None)
    return path() if callable(path) else upload.read()


def pdf_page_count(upload: Any) -> int | None:
    """How many pages the PDF has; None when pdfium cannot open it."""
    import pypdfium2

    upload.seek(0)
    try:
        document = pypdfium2.PdfDocument(_source(upload))
    except pypdfium2.PdfiumError:
        return None
    finally:
        upload.seek(0)
    try:
        return len(document)
    finally:
        document.close()


def recording_length(upload: Any) -> Decimal | None:
    """The length of a recording in seconds, where mutagen knows its format; None otherwise."""
    import mutagen

    upload.seek(0)
    try:
        found = mutagen.File(upload)
        length = getattr(getattr(found, "info", None), "length", None)
    except Exception:  # mutagen raises many kinds on a damaged or unknown file
        return None
    finally:
        upload.seek(0)
    if not length or length <= 0:
        return None
    return Decimal(str(round(float(length), 3)))


#: Largest preview of a PDF page, in pixels (about 5,000 × 5,000).
MAX_PREVIEW_PIXELS = 25_000_000


def render_pdf_page(data: bytes, page: int, width: int = 1200) -> bytes | None:
    """Page `page` (from 1) of the PDF `data` as a PNG about `width` pixels wide; None when
    the document has no such page or pdfium cannot open it."""
    import io

    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError:
        return None
    try:
        if not 1 <= page <= len(document):
            return None
        pdf_page = document[page - 1]
        points = max(pdf_page.get_width(), 1.0)
        area = points * max(pdf_page.get_height(), 1.0)
        scale = min(max(width / points, 0.25), 4.0)
        # A page drawn huge (or as a thin strip miles long) renders at most this many pixels,
        # so that a hostile PDF cannot take the server's memory with one preview.
        scale = min(scale, (MAX_PREVIEW_PIXELS / area) ** 0.5)
        image = pdf_page.render(scale=scale, may_draw_forms=False).to_pil()
        out = io.BytesIO()
        image.save(out, format="PNG")
        return out.getvalue()
    finally:
        document.close()
