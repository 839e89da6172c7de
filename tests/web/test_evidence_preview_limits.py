"""A hostile PDF cannot make a page preview take the server's memory."""

from __future__ import annotations

import io

from expediente_web.evidence.media import MAX_PREVIEW_PIXELS, render_pdf_page


def _pdf_with_a_page(width: float, height: float) -> bytes:
    import pypdfium2

    document = pypdfium2.PdfDocument.new()
    document.new_page(width, height)
    out = io.BytesIO()
    document.save(out)
    document.close()
    return out.getvalue()


def _size(png: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        return image.size


def test_an_ordinary_page_is_rendered_about_the_asked_width():
    width, height = _size(render_pdf_page(_pdf_with_a_page(595, 842), 1))  # A4 in points
    assert 1150 <= width <= 1250
    assert height > width


def test_a_huge_page_is_rendered_within_the_pixel_limit():
    # 14,400 points is the largest page PDF allows: a strip a metre wide and five long.
    width, height = _size(render_pdf_page(_pdf_with_a_page(14_400, 14_400 * 5), 1))
    assert width * height <= MAX_PREVIEW_PIXELS * 1.01

