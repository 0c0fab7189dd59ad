"""Worklist sections of the interactions app: follow-ups, SLA clocks, contact cadence, care."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.registry import worklist_section
from crm.roles import Role, has_role
from customers.models import Customer

from .selectors import (
    contacts_with_birthdays_between,
    customers_past_contact_interval,
    open_requests_near_sla,
    open_tasks_due,
)

SHOWN = 20  # rows per section; the section links to the full list


@worklist_section(
    "interactions.tasks",
    label=_("Follow-ups due"),
    order=30,
    template="interactions/worklist/tasks.html",
)
def follow_ups(request):
    """The caller's open tasks due within a week, overdue first."""
    today = timezone.localdate()
    tasks = list(open_tasks_due(user=request.user, until=today + timedelta(days=7))[: SHOWN + 1])
    if not tasks:
        return None
    return {"items": tasks[:SHOWN], "more": len(tasks) > SHOWN, "today": today}


@worklist_section(
    "interactions.sla",
    label=_("Service requests near or past SLA"),
    order=20,
    template="interactions/worklist/sla.html",
)
def sla_clocks(request):
    """Open requests on the caller's customers that are breached or due within hours."""
    now = timezone.now()
    requests = list(open_requests_near_sla(user=request.user, now=now)[: SHOWN + 1])
    if not requests:
        return None
    return {"items": requests[:SHOWN], "more": len(requests) > SHOWN, "now": now}


@worklist_section(
    "interactions.cadence",
    label=_("Customers past their contact interval"),
    order=40,
    template="interactions/worklist/cadence.html",
)
def contact_cadence(request):
    """For RMs and leads: their customers whose next contact is overdue."""
    if not has_role(request.user, Role.RELATIONSHIP_MANAGER, Role.TEAM_LEAD):
        return None
    today = timezone.localdate()
    overdue = customers_past_contact_interval(
        Customer.objects.visible_to(request.user), as_of=today
    )
    if not overdue:
        return None
    rows = [{"status": s, "days_overdue": s.days_overdue(today)} for s in overdue[:SHOWN]]
    return {"items": rows, "total": len(overdue), "more": len(overdue) > SHOWN}


@worklist_section(
    "interactions.birthdays",
    label=_("Birthdays this week"),
    order=60,
    template="interactions/worklist/birthdays.html",
)
def birthdays(request):
    """Contacts of the caller's customers with a birthday in the next seven days."""
    if not has_role(request.user, Role.RELATIONSHIP_MANAGER, Role.TEAM_LEAD):
        return None
    today = timezone.localdate()
    found = contacts_with_birthdays_between(
        today, today + timedelta(days=6), customers=Customer.objects.visible_to(request.user)
    )
    if not found:
        return None
    found.sort(key=lambda pair: pair[1])
    return {"items": [{"contact": c, "day": d} for c, d in found[:SHOWN]]}
