"""`{% public_form_of case as pf %}`: the case's public form setting, for the team page."""

from __future__ import annotations

from typing import Any

from django import template

from expediente_web.submissions.models import PublicForm

register = template.Library()


@register.simple_tag
def public_form_of(case: Any) -> PublicForm | None:
    return PublicForm.objects.filter(case=case).first()
