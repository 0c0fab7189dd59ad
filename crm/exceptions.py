"""Domain errors raised by services and mapped to HTTP statuses by the API and the views."""


class DomainError(Exception):
    """A business rule refused the action; the message is safe to show to the user."""

    status_code = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class ActionForbidden(DomainError):
    """The user's role may not take this action (403)."""

    status_code = 403


class TransitionNotAllowed(DomainError):
    """The object's current state does not allow this action (409)."""

    status_code = 409
