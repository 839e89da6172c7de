"""Security keys (WebAuthn, through django-otp-webauthn) as a second factor.

The relying party is the host the page was served from: Django has already checked it against
`ALLOWED_HOSTS` (`EXPEDIENTE_ALLOWED_HOSTS`), so a key registered on `casos.example.org` works
there and nowhere else, and the demo on `localhost` needs no setting. The origin a browser
reports must be that host with the scheme of the request. Adding a key is audited like every
other second factor; the library writes the key's row, this helper adds the entry in the same
transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext
from django_otp_webauthn.helpers import WebAuthnHelper

from expediente_web.audit.record import record_write


def relying_party_id(request: Any, **_: Any) -> str:
    """The host name of the request, without its port (a WebAuthn relying party id is a
    domain)."""
    host = request.get_host()
    if host.startswith("["):  # an IPv6 literal; WebAuthn refuses IP addresses anyway
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0] if ":" in host else host


class SecurityKeyHelper(WebAuthnHelper):
    """django-otp-webauthn's ceremonies with this site's origin and audit (the relying party id
    comes from `relying_party_id`, named in the settings)."""

    def get_allowed_origins(self) -> list[str]:
        return [f"{self.request.scheme}://{self.request.get_host()}"]

    def create_credential(self, user: Any, *args: Any, **kwargs: Any) -> Any:
        credential = super().create_credential(user, *args, **kwargs)
        count = credential_model().objects.filter(user=user).count()
        credential.name = gettext("Security key %(number)d") % {"number": count + 1}
        return credential

    def register_complete(self, user: Any, state: dict, data: dict) -> Any:
        """Verify the new key, store it and audit it, all or nothing."""
        with transaction.atomic():
            credential = super().register_complete(user, state, data)
            record_write(user, "add_security_key", user,
                         {"user": user.username, "key": credential.name})
        return credential


def credential_model() -> Any:
    from django_otp_webauthn.utils import get_credential_model

    return get_credential_model()
