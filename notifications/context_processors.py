"""The bell in the navigation: the caller's unread count, computed only when a page uses it.

The shared navigation (templates/base.html) does not use it: the bell loads its badge with htmx
after the page (notifications:bell), so no page pays a query for it and every app's pinned
query counts stay as they are.
"""

from django.utils.functional import SimpleLazyObject

from .selectors import unread_count


def notification_bell(request):
    """`notification_unread` (lazy) for signed-in users; nothing for everyone else."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notification_unread": SimpleLazyObject(lambda: unread_count(user=user))}
