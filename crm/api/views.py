"""API endpoints of the shared base: the token endpoint."""

from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from ..models import AccessLog
from ..services import access_log_record
from .authentication import token_is_stale


class TokenView(ObtainAuthToken):
    """`POST /api/v1/auth/token/` with username and password gives `{"token": ...}`.

    Throttled on its own scope so password guessing is slow whatever the global rates are.
    A token issued before the user's last password change is replaced by a new one.
    """

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token, _created = Token.objects.select_related("user").get_or_create(user=user)
        if token_is_stale(token):
            token.delete()
            token = Token.objects.create(user=user)
        # A token is a login of an API client (failed attempts are logged by the signal).
        access_log_record(
            user=user, action=AccessLog.Action.LOGIN, request=request, detail="API token"
        )
        return Response({"token": token.key})
