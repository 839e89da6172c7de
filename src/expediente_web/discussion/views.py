"""Pages of the discussion: a record's thread (read, post, reply, delete one's own comment),
the case's latest comments, and the signed-in user's notifications.

Thin views: access check → action → render. With htmx a write answers the thread fragment,
swapped in place; without it, a redirect back to the record (a refused form: the thread page
with the message at the field, status 400).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from expediente_web.cases.access import PROTECTED_ROLES, access_case_by_code
from expediente_web.cases.models import Case
from expediente_web.cases.validation import InvalidInput
from expediente_web.discussion import mentions
from expediente_web.discussion.access import (
    access_case_comments,
    access_comment,
    access_notification,
    access_notifications,
    discussion_members,
    require_discussion,
)
from expediente_web.discussion.actions import (
    do_delete_comment,
    do_mark_all_notifications_read,
    do_mark_notification_read,
    do_post_comment,
)
from expediente_web.discussion.labels import on_kind
from expediente_web.discussion.present import redact, thread
from expediente_web.discussion.targets import (
    KINDS,
    access_target,
    kind_named_for,
    kind_of,
    record_url,
)
from expediente_web.records.models import Comment
from expediente_web.workspace.listing import paginate


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _message(exc: InvalidInput) -> str:
    # The service said it in the request's language, as `check_required` says it.
    if exc.field == "body" and exc.reason == _("is required"):
        return _("Write the comment first.")
    if exc.field == "body":
        return _("A comment holds at most 20,000 characters.")
    if exc.field == "reason":
        return _("Say why the comment is deleted.")
    if exc.field == "parent":
        return _("The comment replied to is no longer there.")
    return str(exc)


def _answer(
    request: HttpRequest, case: Case, role: str, target: Any, *, status: int = 200, **extra: Any
) -> HttpResponse:
    context = thread(request.user, case, target, role=role, **extra)
    if _is_htmx(request):
        return render(request, "discussion/_thread.html", context)
    kind = kind_of(target)
    return render(
        request,
        "discussion/thread.html",
        {**context, "role": role, "on_kind": on_kind(kind.name)},
        status=status,
    )


@login_required
def thread_view(request: HttpRequest, code: str, kind: str, ref: str) -> HttpResponse:
    """GET: the record's thread. POST: a comment on it, or a reply (`parent`)."""
    case, role = access_case_by_code(request.user, code)
    target = access_target(request.user, case, kind, ref)
    if request.method != "POST":
        return _answer(request, case, role, target)
    require_discussion(request.user, case)
    body = request.POST.get("body", "")
    parent_id = request.POST.get("parent") or None
    at = f"reply-{parent_id}" if parent_id else "new"
    try:
        parent = _parent(request.user, case, parent_id)
        comment = do_post_comment(request.user, target, body, parent=parent)
    except InvalidInput as exc:
        status = 200 if _is_htmx(request) else 400
        return _answer(
            request, case, role, target, status=status, error=_message(exc), error_at=at, body=body
        )
    if _is_htmx(request):
        return _answer(request, case, role, target, posted=comment.pk)
    return redirect(f"{record_url(case.code, kind, ref)}#comment-{comment.pk}")


def _parent(user: Any, case: Case, parent_id: str | None) -> Comment | None:
    if parent_id is None:
        return None
    if not parent_id.isdigit():
        raise InvalidInput("parent", _("no comment %(id)s") % {"id": repr(parent_id)})
    found = access_case_comments(user, case).filter(pk=int(parent_id)).first()
    if found is None:
        raise InvalidInput(
            "parent", _("no comment %(id)s in case %(case)s") % {"id": parent_id, "case": case.code}
        )
    return found


@login_required
@require_POST
def delete_comment(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Soft-delete one's own comment, with a reason."""
    case, role = access_case_by_code(request.user, code)
    comment = access_comment(request.user, case, pk)
    kind = kind_named_for(comment.target_type.model)
    record = comment.target if kind is not None else None
    if kind is None or record is None:
        raise Http404(f"No thread for comment {pk}")
    target = access_target(request.user, case, kind.name, kind.ref(record))
    reason = request.POST.get("reason", "")
    try:
        do_delete_comment(request.user, comment, reason)
    except InvalidInput as exc:
        status = 200 if _is_htmx(request) else 400
        return _answer(
            request, case, role, target, status=status, error=_message(exc), error_at=f"delete-{pk}"
        )
    if _is_htmx(request):
        return _answer(request, case, role, target)
    messages.success(request, _("The comment was deleted."))
    return redirect(f"{record_url(case.code, kind.name, kind.ref(target))}#discussion")


@login_required
def case_discussion(request: HttpRequest, code: str) -> HttpResponse:
    """The case's comments, newest first; `?member=NAME`: those a member wrote."""
    case, role = access_case_by_code(request.user, code)
    rows = access_case_comments(request.user, case)
    members = discussion_members(case)
    member = members.get(request.GET.get("member", ""))
    if member is not None:
        rows = rows.filter(author=member)
    page = paginate(request, rows, per_page=20)
    items = _items(list(page), case, role, members)
    return render(
        request,
        "discussion/case.html",
        {
            "case": case,
            "role": role,
            "page": page,
            "items": items,
            "member": member,
        },
    )


def _items(
    comments: list[Comment], case: Case, role: str, members: dict[str, Any]
) -> list[dict[str, Any]]:
    """Each comment with its record's link and its body as the reader may see it; the records
    are read in one query per kind."""
    by_kind: dict[str, set[int]] = {}
    for c in comments:
        kind = kind_named_for(c.target_type.model)
        if kind is not None:
            by_kind.setdefault(kind.name, set()).add(c.target_id)
    records: dict[tuple[str, int], Any] = {}
    for name, ids in by_kind.items():
        model = KINDS[name].model
        for record in model.objects.live().filter(case=case, pk__in=ids):  # type: ignore[attr-defined]
            records[(name, record.pk)] = record
    shown: dict[int, str] = {c.pk: c.body for c in comments}
    if role not in PROTECTED_ROLES:  # one pass per record, not per comment
        on_record: dict[tuple[str, int], list[Comment]] = {}
        for c in comments:
            kind = kind_named_for(c.target_type.model)
            if kind is not None:
                on_record.setdefault((kind.name, c.target_id), []).append(c)
        for key, group in on_record.items():
            if key in records:
                texts = redact(records[key], [c.body for c in group])
                shown.update({c.pk: t for c, t in zip(group, texts, strict=True)})
    link = f"{request_path(case)}?member="
    items = []
    for c in comments:
        kind = kind_named_for(c.target_type.model)
        record = records.get((kind.name, c.target_id)) if kind is not None else None
        if kind is None or record is None:
            continue  # on a record deleted since: its thread went with it
        text = shown[c.pk]
        items.append(
            {
                "comment": c,
                "body": mentions.render_body(text, members, link),
                "on_kind": on_kind(kind.name),
                "url": f"{record_url(case.code, kind.name, kind.ref(record))}#comment-{c.pk}",
            }
        )
    return items


def request_path(case: Case) -> str:
    from django.urls import reverse

    return reverse("discussion:case", kwargs={"code": case.code})


# -- notifications ----------------------------------------------------------------------------


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, access_notifications(request.user), per_page=25)
    items = [
        {
            "n": n,
            "on_kind": on_kind(n.record_kind),
            "unread": n.read_at is None,
        }
        for n in page
    ]
    return render(request, "discussion/notifications.html", {"page": page, "items": items})


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read; with `open`, go on to the comment on its record."""
    notification = access_notification(request.user, pk)
    do_mark_notification_read(request.user, notification)
    if "open" in request.POST:
        url = record_url(notification.case.code, notification.record_kind, notification.record_ref)
        return redirect(f"{url}#comment-{notification.comment_id}")
    return redirect("notifications:list")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    done = do_mark_all_notifications_read(request.user, access_notifications(request.user))
    if done:
        messages.success(request, _("Every notification is marked read."))
    return redirect("notifications:list")
