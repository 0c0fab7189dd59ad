"""Attach the acting user (and the request) to every write of a web or API request."""

from contextvars import ContextVar

from pghistory.middleware import HistoryMiddleware

# The request being served, for code that has no request at hand but must log it (the
# access-log signal handlers for role changes made in the admin, for instance).
current_request: ContextVar = ContextVar("audit_current_request", default=None)


class AuditContextMiddleware(HistoryMiddleware):
    """pghistory's middleware plus `actor: "user"`; DRF's token user is picked up too."""

    def get_context(self, request):
        return {**super().get_context(request), "actor": "user"}

    def __call__(self, request):
        token = current_request.set(request)
        try:
            return super().__call__(request)
        finally:
            current_request.reset(token)
