"""API endpoints of the shared base: the token endpoint."""

from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.throttling import ScopedRateThrottle


class TokenView(ObtainAuthToken):
    """`POST /api/v1/auth/token/` with username and password gives `{"token": ...}`.

    Throttled on its own scope so password guessing is slow whatever the global rates are.
    """

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"
