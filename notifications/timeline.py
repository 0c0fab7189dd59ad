"""Reminders sent to a customer in the customer's timeline (API.md, Reminders)."""

from django.utils.translation import gettext_lazy as _

from crm.registry import TimelineEntry, timeline_source

from .choices import Channel, DeliveryStatus
from .models import Delivery


@timeline_source("reminder", label=_("Reminders sent"), order=80)
def reminders_sent(customer, user, *, limit):
    """Emails and SMS sent to the customer's contacts, newest first."""
    deliveries = (
        Delivery.objects.filter(
            customer=customer,
            channel__in=[Channel.EMAIL, Channel.SMS],
            status=DeliveryStatus.SENT,
        )
        .only("sent_at", "kind", "channel", "title", "body")
        .order_by("-sent_at", "-id")[:limit]
    )
    return [
        TimelineEntry(
            at=delivery.sent_at,
            kind="reminder",
            title=f"{delivery.get_channel_display()}: {delivery.title}",
            detail=delivery.body[:300],
            actor=str(_("Automatic notice")),
        )
        for delivery in deliveries
    ]
