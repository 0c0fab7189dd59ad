"""Answers for htmx requests: inline actions on the worklist and elsewhere.

An inline action posts the same form a page without JavaScript posts; the view answers htmx with
`changed()` (204 and an event the page listens to, which reloads the list) or `refused()` (the
message as plain text, which static/js/app.js shows in the row), and everyone else with a redirect.
"""

from django.http import HttpResponse

WORKLIST_CHANGED = "worklist:changed"


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def changed(event: str = WORKLIST_CHANGED) -> HttpResponse:
    """Done: nothing to swap, tell the page what changed."""
    return HttpResponse(status=204, headers={"HX-Trigger": event})


def refused(message, status: int = 400) -> HttpResponse:
    """Not done: the reason, as text the page shows next to the action."""
    return HttpResponse(str(message), status=status, content_type="text/plain; charset=utf-8")
