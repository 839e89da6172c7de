"""A short passage of a text around the words that matched a query, with those words marked.

The result is a list of segments, each plain text and whether it matched, so that a template
escapes the text and marks the matches itself (no HTML is built here).
"""

from __future__ import annotations

from dataclasses import dataclass

from expediente.search.analysis import Query, tokens

#: Characters of context a snippet shows, about.
WIDTH = 240


@dataclass(frozen=True)
class Segment:
    text: str
    hit: bool = False


def snippet(text: str, query: Query, width: int = WIDTH) -> list[Segment]:
    """The `width`-character passage of `text` holding the most matching words, marked.

    Starts and ends at word boundaries, with "…" where the text was cut. A text without a
    matching word gives its beginning.
    """
    found = [t for t in tokens(text) if query.matches_token(t)]
    if not found:
        end = _cut_end(text, min(len(text), width))
        return [Segment(text[:end] + ("…" if end < len(text) else ""))]
    best_start, best_count = found[0].start, 0
    j = 0
    for i, first in enumerate(found):
        while j < len(found) and found[j].end - first.start <= width:
            j += 1
        if j - i > best_count:
            best_start, best_count = first.start, j - i
    start = _cut_start(text, max(0, best_start - width // 4))
    end = _cut_end(text, min(len(text), start + width))
    segments: list[Segment] = [Segment("…")] if start > 0 else []
    at = start
    for token in found:
        if token.start < start or token.end > end:
            continue
        if token.start > at:
            segments.append(Segment(text[at:token.start]))
        segments.append(Segment(text[token.start:token.end], hit=True))
        at = token.end
    if at < end:
        segments.append(Segment(text[at:end]))
    if end < len(text):
        segments.append(Segment("…"))
    return segments


def _cut_start(text: str, at: int) -> int:
    if at <= 0:
        return 0
    space = text.find(" ", at)
    return space + 1 if 0 <= space < at + 30 else at


def _cut_end(text: str, at: int) -> int:
    if at >= len(text):
        return len(text)
    space = text.rfind(" ", max(0, at - 30), at)
    return space if space > 0 else at
