"""The customer page's "Timeline" tab, filterable by kind."""

from django.utils.translation import gettext_lazy as _

from crm.registry import customer_panel, customer_timeline, timeline_sources


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
    "interactions.timeline",
    label=_("Timeline"),
    order=10,
    template="interactions/panels/timeline.html",
)
def timeline_panel(request, customer):
    """Interactions, service requests, reminders, alerts and loan events, newest first."""
    return timeline_context(request, customer)
