"""One case with its whole record, a user in each role with an API token, and the tokens that
must not work: revoked, expired, of another case, of someone outside the case.

`World.token(persona)` is the bearer token a persona sends (None: no header at all).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from support.workspace_data import build_record

MEMBERS = ("owner", "analyst", "documenter", "reviewer", "viewer", "partner")
WRITERS = ("owner", "analyst", "documenter")
PERSONAS = (
    *MEMBERS,
    "outsider",  # a member of another case only, with a token of that case
    "anonymous",  # no Authorization header
    "unknown_token",  # a well-formed token nobody was given
    "revoked_token",  # the documenter's write token, revoked
    "expired_token",  # the documenter's write token, past its expiry
    "read_token",  # the documenter's read token
    "other_case_token",  # the documenter's write token for another case they are in
    "expired_partner",  # a partner whose membership has ended (token made before that)
)


class World:
    def __init__(self, many: int = 2, hostile: bool = False) -> None:
        from django.contrib.auth import get_user_model

        from expediente_web.api.actions import do_create_api_token, do_revoke_api_token
        from expediente_web.api.models import ApiToken
        from expediente_web.cases.actions import do_create_case, do_set_membership
        from expediente_web.cases.models import Membership

        make = get_user_model().objects.create_user
        owner = make("api_owner")
        self.case = do_create_case(owner, "api-case", "Caso de la API (sintético)")
        self.record = build_record(self.case, many=many, hostile=hostile)
        self.users: dict[str, Any] = {"owner": owner}
        later = timezone.now() + dt.timedelta(days=30)
        for role in MEMBERS[1:]:
            user = make(f"api_{role}")
            do_set_membership(
                owner,
                self.case,
                user,
                f"role.{role}",
                expires_at=later if role == "partner" else None,
            )
            self.users[role] = user
        self.tokens: dict[str, str | None] = {"anonymous": None, "unknown_token": "exp_" + "A" * 43}
        for persona in MEMBERS:
            scope = "write" if persona in WRITERS else "read"
            _, self.tokens[persona] = do_create_api_token(
                None, self.case, self.users[persona], scope, name=f"{persona} token"
            )
        documenter = self.users["documenter"]
        _, self.tokens["read_token"] = do_create_api_token(None, self.case, documenter, "read")
        revoked, self.tokens["revoked_token"] = do_create_api_token(
            None, self.case, documenter, "write"
        )
        do_revoke_api_token(None, revoked)
        expired, self.tokens["expired_token"] = do_create_api_token(
            None, self.case, documenter, "write"
        )
        ApiToken.objects.filter(pk=expired.pk).update(
            expires_at=timezone.now() - dt.timedelta(minutes=1)
        )

        outsider = make("api_outsider")
        self.other_case = do_create_case(outsider, "api-other-case", "Otro caso (sintético)")
        _, self.tokens["outsider"] = do_create_api_token(None, self.other_case, outsider, "write")
        do_set_membership(None, self.other_case, documenter, "role.documenter")
        _, self.tokens["other_case_token"] = do_create_api_token(
            None, self.other_case, documenter, "write"
        )

        ended = make("api_expired_partner")
        membership = Membership.objects.create(
            case=self.case, user=ended, role="role.partner", expires_at=later
        )
        _, self.tokens["expired_partner"] = do_create_api_token(None, self.case, ended, "read")
        Membership.objects.filter(pk=membership.pk).update(
            expires_at=timezone.now() - dt.timedelta(days=1)
        )
        ApiToken.objects.filter(user=ended).update(expires_at=None)
        self.users["expired_partner"] = ended

    def headers(self, persona: str) -> dict[str, str]:
        token = self.tokens[persona]
        return {} if token is None else {"HTTP_AUTHORIZATION": f"Bearer {token}"}
