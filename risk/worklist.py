"""Worklist sections of the risk app: alerts for the RM to acknowledge, the queue summary."""

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.registry import worklist_section
from crm.roles import Role, has_role

from . import permissions, selectors
from .choices import ACTIVE_STATUSES, CLOSED_STATUSES, AlertStatus

SHOWN = 20


@worklist_section(
    "risk.acknowledge",
    label=_("Alerts to acknowledge"),
    order=10,
    template="risk/worklist/acknowledge.html",
)
def alerts_to_acknowledge(request):
    """For RMs and leads: open alerts on their customers, and what the risk team closed lately."""
    user = request.user
    if not has_role(user, Role.RELATIONSHIP_MANAGER, Role.TEAM_LEAD):
        return None
    alerts = selectors.alert_queryset(user=user)
    waiting = list(alerts.filter(status=AlertStatus.OPEN)[: SHOWN + 1])
    since = timezone.now() - timedelta(days=7)
    closed = list(
        alerts.filter(status__in=CLOSED_STATUSES, closed_at__gte=since).order_by("-closed_at")[:5]
    )
    if not waiting and not closed:
        return None
    return {"items": waiting[:SHOWN], "more": len(waiting) > SHOWN, "closed": closed}


@worklist_section(
    "risk.queue",
    label=_("Alert queue"),
    order=5,
    template="risk/worklist/queue.html",
)
def queue_summary(request):
    """For risk officers: what waits in the queue, by severity, and what is late or escalated."""
    user = request.user
    if not has_role(user, Role.RISK_OFFICER) and not permissions.is_risk_officer(user):
        return None
    now = timezone.now()
    counts = (
        selectors.alert_queryset(user=user)
        .order_by()
        .aggregate(
            active=Count("id", filter=Q(status__in=ACTIVE_STATUSES)),
            red=Count("id", filter=Q(status__in=ACTIVE_STATUSES, severity="red")),
            orange=Count("id", filter=Q(status__in=ACTIVE_STATUSES, severity="orange")),
            yellow=Count("id", filter=Q(status__in=ACTIVE_STATUSES, severity="yellow")),
            overdue=Count("id", filter=Q(status=AlertStatus.OPEN, due_at__lt=now)),
            escalated=Count("id", filter=Q(status=AlertStatus.ESCALATED)),
            unassigned=Count("id", filter=Q(status__in=ACTIVE_STATUSES, assignee__isnull=True)),
        )
    )
    urgent = list(
        selectors.alert_queryset(user=user).filter(
            Q(status=AlertStatus.ESCALATED) | Q(status=AlertStatus.OPEN, due_at__lt=now)
        )[:10]
    )
    return {"items": urgent, "counts": counts}
