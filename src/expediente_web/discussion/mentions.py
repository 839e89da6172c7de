"""@mentions in a comment's body: finding them, and rendering a body as inert text.

A mention is `@` and a user name (Django's characters: letters, digits and `_ . + -`; a `.` at
the end is punctuation, not part of the name). It counts only when the name is a member of the
case who can read its discussion (`access.discussion_members`); any other `@word` stays plain
text and says nothing of whether such a user exists.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MENTION = re.compile(r"(?<![\w@.+-])@([\w.+-]*[\w+-])")


def mentioned_names(body: str) -> list[str]:
    """The names after an `@` in the body, in order, each once."""
    seen: dict[str, None] = {}
    for match in MENTION.finditer(body):
        seen.setdefault(match.group(1), None)
    return list(seen)


def resolve(names: Iterable[str], members: Mapping[str, Any]) -> list[Any]:
    """The members the names stand for: an exact user name, or one differing only in case when
    no other member's name does."""
    folded: dict[str, list[Any]] = {}
    for name, user in members.items():
        folded.setdefault(name.casefold(), []).append(user)
    found: dict[int, Any] = {}
    for name in names:
        user = members.get(name)
        if user is None:
            candidates = folded.get(name.casefold(), [])
            user = candidates[0] if len(candidates) == 1 else None
        if user is not None:
            found.setdefault(user.pk, user)
    return list(found.values())


def render_body(body: str, members: Mapping[str, Any], link: str) -> SafeString:
    """The body as HTML: every character escaped, line breaks kept, and each mention of a member
    a link (`link` with the user name appended, already URL-safe: names use no reserved
    character but `+`, which is encoded)."""
    parts: list[str] = []
    at = 0
    for match in MENTION.finditer(body):
        parts.append(escape(body[at : match.start()]))
        found = resolve([match.group(1)], members)
        if found:
            name = found[0].username
            href = escape(link + name.replace("+", "%2B"))
            parts.append(f'<a class="mention" href="{href}">@{escape(name)}</a>')
        else:
            parts.append(escape(match.group(0)))
        at = match.end()
    parts.append(escape(body[at:]))
    html = "".join(parts).replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>\n")
    return mark_safe(html)  # every piece above is escaped  # noqa: S308 (every piece is escaped above)
