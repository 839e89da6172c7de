"""An SVG drawn elsewhere (matplotlib) made fit to sit inside a page under the site's
Content-Security-Policy, which refuses `<style>` elements and `style="…"` attributes.

Every declaration of a `style` attribute becomes the SVG presentation attribute of the same
name (`style="fill: #fff; stroke-width: 0.8"` → `fill="#fff" stroke-width="0.8"`), which the
policy does not touch and which draws the same; a `<style>` element's rules are left to the
site's stylesheet (`.chart svg`). A property that has no presentation attribute is refused
rather than dropped silently, so that a chart never changes its look unnoticed.
"""

from __future__ import annotations

import re

__all__ = ["UnsupportedStyle", "without_inline_styles"]

#: SVG 1.1 presentation attributes a chart may use (the ones matplotlib writes and kin).
PRESENTATION = frozenset({
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity",
    "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray",
    "stroke-dashoffset", "opacity", "clip-path", "clip-rule", "color", "display", "visibility",
    "font-family", "font-size", "font-style", "font-weight", "text-anchor", "dominant-baseline",
    "mask", "filter", "shape-rendering", "text-rendering",
})

_STYLE_ELEMENT = re.compile(r"<style\b[^>]*>.*?</style>", re.S)
_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')


class UnsupportedStyle(ValueError):
    """A style declaration with no presentation attribute to carry it."""


def _as_attributes(match: re.Match[str]) -> str:
    attributes = []
    for declaration in match.group(1).split(";"):
        if not declaration.strip():
            continue
        name, _, value = declaration.partition(":")
        name = name.strip().lower()
        if name not in PRESENTATION:
            raise UnsupportedStyle(f"no SVG attribute for the style property {name!r}")
        attributes.append(f' {name}="{value.strip()}"')  # already an attribute value
    return "".join(attributes)


def without_inline_styles(svg: str) -> str:
    """`svg` with its style attributes as presentation attributes and no `<style>` element."""
    return _STYLE_ATTRIBUTE.sub(_as_attributes, _STYLE_ELEMENT.sub("", svg))
