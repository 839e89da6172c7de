"""Charts drawn by matplotlib sit in pages without anything the Content-Security-Policy refuses."""

from __future__ import annotations

import io
import re

import pytest

from expediente_web.site.inline_svg import UnsupportedStyle, without_inline_styles


def _matplotlib_svg() -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([1, 2, 3], [1, 3, 2], label="actos")
    ax.fill_between([1, 2, 3], [0, 1, 1], [2, 4, 3], alpha=0.3)
    ax.legend()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg")
    plt.close(fig)
    return buffer.getvalue().decode("utf-8")


def test_a_matplotlib_chart_keeps_its_look_as_attributes():
    svg = _matplotlib_svg()
    assert 'style="' in svg and "<style" in svg  # what the policy would refuse
    clean = without_inline_styles(svg)
    assert 'style="' not in clean
    assert "<style" not in clean
    # Every declaration is now an attribute of its element: as many fills as before.
    fills = sum(len(re.findall(r"fill:", s)) for s in re.findall(r'style="([^"]*)"', svg))
    assert fills and len(re.findall(r'\sfill="', clean)) >= fills


def test_one_declaration_becomes_one_attribute():
    got = without_inline_styles('<path d="M0 0" style="fill: #ffffff; stroke-width: 0.8"/>')
    assert got == '<path d="M0 0" fill="#ffffff" stroke-width="0.8"/>'


def test_a_property_without_an_attribute_is_refused_not_dropped():
    with pytest.raises(UnsupportedStyle, match="position"):
        without_inline_styles('<g style="position: absolute"></g>')
