"""The customer page's "Timeline" tab, filterable by kind, and its "Service" tab."""

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.registry import customer_panel, customer_timeline, timeline_sources

from .choices import RequestStatus
from .models import ServiceRequest

SERVICE_ROWS = 50


def timeline_context(request, customer) -> dict:
    """The merged timeline of a customer with the kind filter of the request (`?kind=`)."""
    known = {source.key: source.label for source in timeline_sources.all()}
    chosen = [kind for kind in request.GET.getlist("kind") if kind in known]
    return {
        "customer": customer,
        "entries": customer_timeline(customer, request.user, kinds=chosen or None, limit=100),
        "kinds": [{"key": k, "label": v, "chosen": k in chosen} for k, v in known.items()],
        "chosen": chosen,
    }


@customer_panel(
    "timeline",
    label=_("Timeline"),
    order=12,
    template="interactions/panels/timeline.html",
    category="behavioural",
)
def timeline_panel(request, customer):
    """Interactions, service requests, reminders, alerts and loan events, newest first."""
    return timeline_context(request, customer)


@customer_panel(
    "service",
    label=_("Service"),
    order=14,
    template="interactions/panels/service.html",
    category="behavioural",
)
def service_panel(request, customer):
    """The customer's service requests and complaints, open ones first, with their SLA clocks."""
    requests = list(
        ServiceRequest.objects.visible_to(request.user)
        .filter(customer=customer)
        .select_related("owner")
        .order_by(F("closed_at").desc(nulls_first=True), "-received_at", "-id")[:SERVICE_ROWS]
    )
    return {
        "customer": customer,
        "open_requests": [r for r in requests if r.status != RequestStatus.CLOSED],
        "closed_requests": [r for r in requests if r.status == RequestStatus.CLOSED],
        "now": timezone.now(),
        "can_add": request.user.has_perm("interactions.add_servicerequest"),
    }
