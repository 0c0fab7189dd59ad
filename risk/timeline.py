"""Customer timeline entries of the risk app: every alert event and comment."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.registry import TimelineEntry, timeline_source

from .models import Alert, AlertComment, AlertEvent


@timeline_source("alert", label=gettext_lazy("Alerts"), order=30)
def alert_events(customer, user, *, limit):
    """Alerts raised, worked and closed, and comments on them, newest first."""
    alerts = Alert.objects.visible_to(user).filter(customer=customer)
    events = (
        AlertEvent.objects.filter(alert__in=alerts)
        .select_related("actor", "alert")
        .order_by("-at", "-id")[:limit]
    )
    comments = (
        AlertComment.objects.filter(alert__in=alerts)
        .select_related("author", "alert")
        .order_by("-created_at", "-id")[:limit]
    )
    entries = [
        TimelineEntry(
            at=event.at,
            kind="alert",
            title=_("Alert %(action)s: %(message)s")
            % {"action": event.get_action_display().lower(), "message": event.alert.message},
            detail=event.note,
            url=reverse("risk:alert-detail", args=[event.alert_id]),
            actor=str(event.actor) if event.actor else _("nightly risk job"),
        )
        for event in events
    ]
    entries += [
        TimelineEntry(
            at=comment.created_at,
            kind="alert",
            title=_("Comment on alert: %(message)s") % {"message": comment.alert.message},
            detail=comment.body,
            url=reverse("risk:alert-detail", args=[comment.alert_id]),
            actor=str(comment.author),
        )
        for comment in comments
    ]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]
