"""The customer page's risk tab: open alerts, the score trend and the latest breakdown."""

from django.utils.translation import gettext_lazy as _

from crm.registry import customer_panel, customer_summary

from . import permissions
from .choices import ACTIVE_STATUSES
from .models import Alert, RiskScore, WatchListEntry

TREND_POINTS = 24


@customer_panel(
    "risk",
    label=_("Risk"),
    order=30,
    template="risk/panels/customer_risk.html",
    category="risk",
)
def customer_risk(request, customer):
    """Context for the tab; the customer page already checked the customer is in scope."""
    alerts = list(
        Alert.objects.filter(customer=customer)
        .select_related("assignee")
        .order_by("-raised_on", "-id")[:30]
    )
    scores = list(RiskScore.objects.filter(customer=customer).order_by("-as_of")[:TREND_POINTS])
    latest = scores[0] if scores else None
    return {
        "open_alerts": [a for a in alerts if a.status in ACTIVE_STATUSES],
        "closed_alerts": [a for a in alerts if a.status not in ACTIVE_STATUSES][:10],
        "latest_score": latest,
        "trend": [{"as_of": s.as_of.isoformat(), "score": s.score} for s in reversed(scores)],
        "watch_entry": WatchListEntry.objects.current().filter(customer=customer).first(),
        "can_raise": permissions.can_raise(request.user),
    }


@customer_summary("risk", order=30)
def customer_risk_facts(request, customer):
    """How many alerts on the customer are still open (acknowledged and escalated count)."""
    return {
        "open_alerts": Alert.objects.filter(customer=customer, status__in=ACTIVE_STATUSES).count()
    }
