"""A record's thread as its page shows it: comments in reply order, bodies rendered inert, and
the names of the record's people replaced for a reader who may not see identities."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.safestring import SafeString

from expediente_web.cases.access import PROTECTED_ROLES
from expediente_web.cases.models import Case
from expediente_web.discussion import mentions
from expediente_web.discussion.access import (
    access_thread_comments,
    can_post,
    discussion_members,
    require_discussion_role,
)
from expediente_web.discussion.targets import kind_of, record_url
from expediente_web.records.models import Comment, Person

#: Joins the bodies of a thread so that they are redacted in one pass (a name never holds it).
_SEP = "\x00"


@dataclass
class Node:
    comment: Comment
    body: SafeString
    replies: list[Node] = field(default_factory=list)
    reply_error: str = ""
    reply_body: str = ""
    delete_error: str = ""

    @property
    def deleted(self) -> bool:
        return self.comment.deleted_at is not None


def redact(target: Any, bodies: list[str]) -> list[str]:
    """The bodies with the protected values of the record's people replaced by pseudonyms (the
    same replacement search and the API make), best effort as for narratives."""
    if not bodies:
        return []
    joined = _SEP.join(bodies)
    if isinstance(target, Person):
        from expediente_web.intake.narrative_names import NameReplacer
        from expediente_web.workspace.identities import person_pseudonym

        replacer = NameReplacer()
        replacer.add_person(target, person_pseudonym(target))
        shown = replacer.replace(joined)
    else:
        from expediente_web.search.access import redact_text

        shown = redact_text(target._meta.model_name, target, joined)
    parts = shown.split(_SEP)
    return parts if len(parts) == len(bodies) else ["" for _ in bodies]


def thread(
    user: Any,
    case: Case,
    target: Any,
    *,
    role: str | None = None,
    error: str = "",
    error_at: str = "",
    body: str = "",
    posted: int | None = None,
) -> dict[str, Any]:
    """The template context of `discussion/_thread.html` for one record; `role`: the user's
    role as this request read it already, if it did."""
    role = require_discussion_role(user, case, role)
    kind = kind_of(target)
    ref = kind.ref(target)
    comments = access_thread_comments(user, case, target, role)
    live = [c for c in comments if c.deleted_at is None]
    texts = [c.body for c in live]
    if role not in PROTECTED_ROLES:
        texts = redact(target, texts)
    members = discussion_members(case) if any("@" in t for t in texts) else {}
    link = reverse("discussion:case", kwargs={"code": case.code}) + "?member="
    nodes = {c.pk: Node(c, SafeString("")) for c in comments}
    for c, text in zip(live, texts, strict=True):
        nodes[c.pk].body = mentions.render_body(text, members, link)
    roots: list[Node] = []
    for c in comments:
        node = nodes[c.pk]
        parent = nodes.get(c.parent_id) if c.parent_id else None
        (parent.replies if parent is not None else roots).append(node)
    roots = _prune(roots)
    where, _, pk = error_at.partition("-")
    marked = nodes.get(int(pk)) if pk.isdigit() else None
    if marked is not None and where == "reply":
        marked.reply_error, marked.reply_body = error, body
    elif marked is not None and where == "delete":
        marked.delete_error = error
    return {
        "case": case,
        "nodes": roots,
        "count": len(live),
        "can_post": can_post(role),
        "post_url": reverse(
            "discussion:thread", kwargs={"code": case.code, "kind": kind.name, "ref": ref}
        ),
        "record_url": record_url(case.code, kind.name, ref),
        "user_id": getattr(user, "pk", None),
        "error": error if error_at == "new" else "",
        "body": body if error_at == "new" else "",
        "posted": posted,
    }


def _prune(nodes: list[Node]) -> list[Node]:
    """Drop deleted comments that no live reply hangs from."""
    kept = []
    for node in nodes:
        node.replies = _prune(node.replies)
        if not node.deleted or node.replies:
            kept.append(node)
    return kept
