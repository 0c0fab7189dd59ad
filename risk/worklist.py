"""Worklist of the risk app: alerts for the RM to acknowledge (ranked rows), what the risk team
closed lately and the risk officer's queue summary (panels). Scores: crm/worklist.py."""

from datetime import timedelta

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from crm.models import User
from crm.registry import worklist_section, worklist_source
from crm.roles import Role, has_role
from crm.worklist import OVERDUE, TODAY, SourceRows, WorklistItem, label_of, urgency

from . import permissions, selectors
from .choices import ACTIVE_STATUSES, CLOSED_STATUSES, AlertStatus, RuleCode, Severity
from .models import Alert

SHOWN = 20
CLOSED_SHOWN = 5
LEAN_FIELDS = (
    "id",
    "customer_id",
    "rule",
    "severity",
    "status",
    "message",
    "raised_on",
    "due_at",
    "closed_at",
    "response",
    "close_note",
    "customer__name",
    "customer__relationship_manager_id",
    *(f"customer__relationship_manager__{name}" for name in User.NAME_FIELDS),
)
TONES = {"red": "danger", "orange": "warning"}


def _alerts(scope):
    """The worklist's open alerts (the first SHOWN + 1 in queue order) and those closed this
    week (the newest CLOSED_SHOWN), in one UNION query shared by the rows and the panel."""
    if "risk.alerts" not in scope.memo:
        # The columns the rows and the panel show, not every column of four tables.
        alerts = (
            Alert.objects.visible_to(scope.user)
            .filter(**scope.customer_filter())
            .select_related("customer__relationship_manager")
            .only(*LEAN_FIELDS)
            .annotate(severity_rank=selectors.SEVERITY_ORDER)
        )
        open_part = alerts.filter(status=AlertStatus.OPEN)[: SHOWN + 1]
        closed_part = alerts.filter(
            status__in=CLOSED_STATUSES, closed_at__gte=scope.now - timedelta(days=7)
        ).order_by("-closed_at")[:CLOSED_SHOWN]
        rows = list(open_part.union(closed_part, all=True))
        opened = sorted(
            (alert for alert in rows if alert.status == AlertStatus.OPEN),
            key=lambda alert: (-alert.severity_rank, alert.due_at, -alert.pk),
        )
        closed = sorted(
            (alert for alert in rows if alert.status != AlertStatus.OPEN),
            key=lambda alert: alert.closed_at,
            reverse=True,
        )
        scope.memo["risk.alerts"] = (opened, closed)
    return scope.memo["risk.alerts"]


@worklist_source("risk.acknowledge", label=gettext_lazy("Alerts to acknowledge"), order=10)
def alerts_to_acknowledge(scope):
    """For RMs and leads: open alerts on their customers, worst and most overdue first."""
    user = scope.user
    if not has_role(user, Role.RELATIONSHIP_MANAGER, Role.TEAM_LEAD):
        return None
    alerts, _closed = _alerts(scope)
    items = []
    for alert in alerts[:SHOWN]:
        due_at = timezone.localtime(alert.due_at)
        if alert.due_at < scope.now:
            band = OVERDUE
            late = (scope.now - alert.due_at).days
            when = (
                ngettext(
                    "Acknowledgement overdue by %(days)s day",
                    "Acknowledgement overdue by %(days)s days",
                    late,
                )
                % {"days": late}
                if late
                else _("Acknowledgement overdue since %(time)s")
                % {"time": formats.date_format(due_at, "Y-m-d H:i")}
            )
        else:
            band = TODAY
            late = max((scope.today - alert.raised_on).days, 0)
            when = _("Acknowledge by %(time)s") % {"time": formats.date_format(due_at, "Y-m-d H:i")}
        items.append(
            WorklistItem(
                key=f"alert-{alert.pk}",
                kind="alert",
                kind_label=label_of(Severity, alert.severity),
                title=alert.message,
                reason=f"{label_of(RuleCode, alert.rule)} · {when}",
                url=reverse("risk:alert-detail", args=[alert.pk]),
                band=band,
                score=urgency(band=band, weight=f"alert_{alert.severity}", days_late=late),
                due=timezone.localdate(alert.due_at),
                customer_name=alert.customer.name,
                owner_name=str(alert.customer.relationship_manager or ""),
                tone=TONES.get(alert.severity, ""),
                action_template="risk/worklist/acknowledge_action.html",
                action={"alert_id": alert.pk},
            )
        )
    return SourceRows(
        items, more=len(alerts) > SHOWN, more_url=reverse("risk:alert-list") + "?status=open"
    )


@worklist_section(
    "risk.closed",
    label=gettext_lazy("Closed by the risk team lately"),
    order=10,
    template="risk/worklist/closed.html",
)
def alerts_closed_lately(request, scope):
    """For RMs and leads: what the risk team resolved or dismissed on their customers this week
    (the feedback loop of DOMAIN.md §5)."""
    if not has_role(request.user, Role.RELATIONSHIP_MANAGER, Role.TEAM_LEAD):
        return None
    _open, closed = _alerts(scope)
    return {"items": closed} if closed else None


@worklist_section(
    "risk.queue",
    label=gettext_lazy("Alert queue"),
    order=5,
    template="risk/worklist/queue.html",
)
def queue_summary(request, scope):
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
    oldest_open = (
        selectors.alert_queryset(user=user)
        .filter(status=AlertStatus.OPEN)
        .order_by("raised_at", "id")
        .first()
    )
    return {"items": urgent, "counts": counts, "oldest_open": oldest_open, "now": now}
