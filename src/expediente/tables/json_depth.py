"""Bounding how deeply a JSON text nests, before it is decoded.

Python's decoder recurses once per level of nesting: a file of a few thousand `[` ends in a
RecursionError (or, for code walking the decoded value, a crash far from the file). The readers
and the case-directory import measure the nesting of a text first and refuse one that nests
deeper than the format can mean, naming the file, row or line, like any other bad file.

The measure skips the contents of strings (a `[` inside a name is not nesting) and costs one
pass over the bracket characters; a text with fewer brackets than the limit is not scanned.
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["MAX_DOCUMENT_DEPTH", "MAX_ROW_DEPTH", "TooDeep", "exceeds_depth", "loads"]

MAX_DOCUMENT_DEPTH = 32
"""Nesting a whole document (structure.json, the evidence files) may have: theirs is 4."""
MAX_ROW_DEPTH = 8
"""Nesting one row of a JSON table may have: an object of cells, a cell holding a list."""

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


class TooDeep(ValueError):
    """The JSON text nests deeper than allowed."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the JSON nests deeper than {limit} levels")
        self.limit = limit


def exceeds_depth(text: str, limit: int) -> bool:
    """True when the text opens more than `limit` arrays or objects inside each other.

    Openers never closed count too: the decoder would recurse into them before it found the
    text broken.
    """
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for match in _BRACKET.finditer(_STRING.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            if depth > limit:
                return True
        elif depth:
            depth -= 1
    return False


def loads(text: str, limit: int = MAX_DOCUMENT_DEPTH) -> Any:
    """`json.loads` for a text that must not nest deeper than `limit`.

    Raises:
        TooDeep: it does (nothing is decoded).
        json.JSONDecodeError: it is not JSON.
    """
    if exceeds_depth(text, limit):
        raise TooDeep(limit)
    try:
        return json.loads(text)
    except RecursionError:  # only when `limit` is above the interpreter's own
        raise TooDeep(limit) from None
