"""Permission-checked reads of public forms and submissions.

- The public: a case's form, by its slug, only while its owner keeps it open (404 otherwise,
  whether the slug exists or not), and nothing of the case but the form's public title.
- Triage (`TRIAGE_ROLES`): the case's owners and documenters read submissions, with what the
  sender wrote decrypted, and accept or reject them. Analysts, reviewers, viewers and partners
  do not: what arrives from the public is unvetted and often identifying, and it reaches the
  record only through a documenter's decision.
- Opening or closing the form, and its title and address, are the owners' (`MANAGE_ROLES`).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import BooleanField, Count, QuerySet, Value, When
from django.db.models import Case as Choose
from django.http import Http404
from django.utils.translation import gettext_noop

from expediente_web.cases.access import MANAGE_ROLES, require_role
from expediente_web.cases.models import Case
from expediente_web.submissions.models import PublicForm, PublicSubmission, SubmissionStatus

TRIAGE_ROLES = frozenset({"role.owner", "role.documenter"})


def access_open_form(slug: str) -> PublicForm:
    """The open form at `/submit/<slug>/`; 404 for a slug that names none or a closed one."""
    form = PublicForm.objects.select_related("case").filter(slug=slug, enabled=True).first()
    if form is None:
        raise Http404("No public form here")
    return form


def access_form_setting(user: Any, case: Case) -> PublicForm | None:
    """The case's form setting, for its owners (None: never opened)."""
    require_role(user, case, MANAGE_ROLES, gettext_noop("manage the public form"))
    return PublicForm.objects.filter(case=case).first()


def access_submissions(user: Any, case: Case) -> QuerySet[PublicSubmission]:
    """The case's submissions, newest first, with their counts of additions and attachments
    (nothing decrypted)."""
    require_role(user, case, TRIAGE_ROLES, gettext_noop("read public submissions"))
    return (
        PublicSubmission.objects.filter(case=case)
        .defer("narrative", "sender_name", "sender_contact")
        .annotate(
            n_additions=Count("additions", distinct=True),
            n_attachments=Count("attachments", distinct=True),
            sender_name_given=Choose(
                When(sender_name="", then=Value(False)),
                default=Value(True),
                output_field=BooleanField(),
            ),
        )
        .order_by("-created_at", "-id")
    )


def access_submission_counts(user: Any, case: Case) -> dict[str, int]:
    """How many submissions of the case stand at each status (one query)."""
    require_role(user, case, TRIAGE_ROLES, gettext_noop("read public submissions"))
    counts = dict.fromkeys(SubmissionStatus.values, 0)
    rows = PublicSubmission.objects.filter(case=case).values("status").annotate(n=Count("id"))
    for row in rows.order_by():
        counts[row["status"]] = row["n"]
    return counts


def access_submission_by_uid(user: Any, case: Case, uid: str) -> PublicSubmission:
    require_role(user, case, TRIAGE_ROLES, gettext_noop("read public submissions"))
    try:
        key = uuid.UUID(str(uid))
    except ValueError:
        raise Http404("No such submission") from None
    found = (
        PublicSubmission.objects.filter(case=case, uid=key)
        .select_related("decided_by", "testimony")
        .first()
    )
    if found is None:
        raise Http404("No such submission")
    return found
