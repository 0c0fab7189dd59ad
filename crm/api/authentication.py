"""Token authentication that honours password changes."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication as DRFTokenAuthentication


def token_is_stale(token) -> bool:
    """True when the token was issued before the user's last password change."""
    changed = token.user.password_changed_at
    return changed is not None and token.created < changed


class TokenAuthentication(DRFTokenAuthentication):
    """DRF's token authentication, refusing tokens older than the last password change."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_is_stale(token):
            raise exceptions.AuthenticationFailed(
                _("This token was revoked by a password change; request a new one.")
            )
        return user, token
