"""The idle timeout of sessions, without a database write on every request.

DOMAIN.md §10: a session ends after `SESSION_COOKIE_AGE` (30 min) without activity. Django's
`SESSION_SAVE_EVERY_REQUEST` implements that by writing the session row on every request (an
UPDATE and a COMMIT, so an fsync, on every page and every API call, and a primary-database write
on requests that could otherwise read from a replica). This middleware instead refreshes the
expiry when the last refresh is `SESSION_TOUCH_SECONDS` (60 s) old or more: an active user's
session is rewritten at most once a minute, and an idle session still ends 30 minutes after the
last refresh, so between `SESSION_COOKIE_AGE - SESSION_TOUCH_SECONDS` and `SESSION_COOKIE_AGE`
after the last request - never later.
"""

import time

from django.conf import settings

TOUCH_KEY = "_touched"


def touch(session) -> None:
    """Mark the session refreshed now (it is being saved anyway)."""
    session[TOUCH_KEY] = int(time.time())


def on_logged_in(sender, request, user, **kwargs):
    """A login saves the session: it counts as its first refresh."""
    session = getattr(request, "session", None)
    if session is not None:
        touch(session)


class SessionTouchMiddleware:
    """Mark the session modified when its expiry is due for a refresh (after SessionMiddleware,
    which saves modified sessions on the way out)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # No session yet (an anonymous visitor) or one being written anyway, or flushed.
        if session is None or session.modified or session.session_key is None:
            return response
        touched = session.get(TOUCH_KEY)
        if not isinstance(touched, int) or time.time() - touched >= settings.SESSION_TOUCH_SECONDS:
            touch(session)
        return response
