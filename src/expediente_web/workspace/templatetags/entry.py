"""`{{ role|writes }}`: whether a role may enter records (the guided entry's links)."""

from __future__ import annotations

from django import template

from expediente_web.cases.access import WRITE_ROLES

register = template.Library()


@register.filter
def writes(role: str | None) -> bool:
    return role in WRITE_ROLES
