"""The bell in the navigation: the caller's unread count on every page (one query)."""

from .selectors import unread_count


def notification_bell(request):
    """`notification_unread` for signed-in users; nothing for everyone else."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notification_unread": unread_count(user=user)}
