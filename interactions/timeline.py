"""Timeline sources of the interactions app: contacts, service requests, completed tasks."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.registry import TimelineEntry, timeline_source

from .choices import TaskStatus
from .models import Interaction, ServiceRequest, Task


@timeline_source("interaction", label=gettext_lazy("Interactions"), order=10)
def interactions(customer, user, *, limit):
    """The customer's logged contacts."""
    rows = (
        Interaction.objects.visible_to(user)
        .filter(customer=customer)
        .select_related("created_by")
        .order_by("-occurred_at", "-id")[:limit]
    )
    return [
        TimelineEntry(
            at=row.occurred_at,
            kind="interaction",
            title=f"{row.get_channel_display()} · {row.get_purpose_display()}",
            detail=row.summary,
            url=reverse("interactions:interaction-detail", args=[row.pk]),
            actor=str(row.created_by),
        )
        for row in rows
    ]


@timeline_source("service_request", label=gettext_lazy("Service requests"), order=20)
def service_requests(customer, user, *, limit):
    """The customer's complaints, suggestions, inquiries and requests, by receipt."""
    rows = (
        ServiceRequest.objects.visible_to(user)
        .filter(customer=customer)
        .select_related("owner")
        .order_by("-received_at", "-id")[:limit]
    )
    return [
        TimelineEntry(
            at=row.received_at,
            kind="service_request",
            title=f"{row.get_kind_display()} · {row.get_status_display()}",
            detail=row.summary,
            url=reverse("interactions:service-request-detail", args=[row.pk]),
            actor=str(row.owner),
        )
        for row in rows
    ]


@timeline_source("task", label=gettext_lazy("Completed follow-ups"), order=30)
def completed_tasks(customer, user, *, limit):
    """Follow-ups done for the customer (the customer page is already scoped)."""
    from customers.models import Customer

    if not Customer.objects.visible_to(user).filter(pk=customer.pk).exists():
        return []
    rows = (
        Task.objects.filter(customer=customer, status=TaskStatus.DONE)
        .select_related("owner")
        .order_by("-completed_at", "-id")[:limit]
    )
    return [
        TimelineEntry(
            at=row.completed_at,
            kind="task",
            title=_("Done: %(title)s") % {"title": row.title},
            detail=row.description,
            actor=str(row.owner),
        )
        for row in rows
    ]
