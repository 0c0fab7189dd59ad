"""Worklist rows of the interactions app: follow-ups due, complaints near or past their SLA,
planned visits missed, on-site visits and contacts overdue, birthdays this week.
Scores: crm/worklist.py."""

import functools
from datetime import timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html_join
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from crm.models import User
from crm.registry import worklist_source
from crm.roles import Role, has_role
from crm.worklist import (
    HORIZON_DAYS,
    OVERDUE,
    TODAY,
    WEEK,
    SourceRows,
    WorklistItem,
    band_for,
    label_of,
    urgency,
)
from customers.models import Customer

from .choices import Channel, Purpose, RequestKind, TaskStatus, VisitStatus
from .models import Task, VisitPlan
from .selectors import (
    contacts_with_birthdays_between,
    customers_due_for_visit,
    customers_past_contact_interval,
    open_requests_near_sla,
)

SHOWN = 20  # rows per source; the counts above the list link to the full lists


def _is_field_staff(user) -> bool:
    return has_role(user, Role.RELATIONSHIP_MANAGER, Role.TEAM_LEAD)


def _customers(scope):
    """The customers whose care is on this worklist."""
    return Customer.objects.visible_to(scope.user).filter(
        **scope.customer_filter("relationship_manager")
    )


def _owner_names(scope, user_ids) -> dict:
    """Names of the RMs behind rows, for a lead's whole-team list (one query; none otherwise)."""
    if not scope.show_owner:
        return {}
    return {user.pk: str(user) for user in User.objects.filter(pk__in=set(user_ids))}


def _duration(delta: timedelta) -> str:
    """ "5 h" under two days, "3 days" beyond."""
    hours = int(delta.total_seconds() // 3600)
    if hours < 48:
        return ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": hours}
    days = delta.days
    return ngettext("%(count)s day", "%(count)s days", days) % {"count": days}


@functools.lru_cache(maxsize=64)
def _options(choices: str, selected: str, language: str) -> str:
    """A select's <option>s, rendered once per choice set, selection and language: up to 40
    rows carry the form, and looping over the choices in each cost more than the rest of
    the page."""
    pairs = Channel.choices if choices == "channel" else Purpose.choices
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if value == selected else "", label) for value, label in pairs),
    )


def _log_contact(scope, customer_id, *, channel=Channel.PHONE, purpose=Purpose.RETURN_VISIT):
    """The inline "log a contact" form of a row (interactions/worklist/log_contact.html)."""
    language = get_language()
    return {
        "customer_id": customer_id,
        "channel_options": _options("channel", channel, language),
        "purpose_options": _options("purpose", purpose, language),
        "now": timezone.localtime(scope.now),
    }


@worklist_source("interactions.tasks", label=gettext_lazy("Follow-ups"), order=30)
def follow_ups(scope):
    """Open tasks due within the week: the caller's own, or (a lead) the team's."""
    tasks = Task.objects.filter(
        status=TaskStatus.OPEN, due_date__lte=scope.today + timedelta(days=HORIZON_DAYS)
    )
    if scope.relationship_manager is not None:
        tasks = tasks.visible_to(scope.user).filter(owner=scope.relationship_manager)
    elif scope.show_owner:
        tasks = tasks.visible_to(scope.user)
    else:
        tasks = tasks.filter(owner=scope.user)
    tasks = list(tasks.select_related("customer", "owner").order_by("due_date", "id")[: SHOWN + 1])
    items = []
    for task in tasks[:SHOWN]:
        days = (task.due_date - scope.today).days
        if days < 0:
            reason = ngettext(
                "Follow-up overdue %(days)s day", "Follow-up overdue %(days)s days", -days
            ) % {"days": -days}
        elif days == 0:
            reason = _("Due today")
        else:
            reason = ngettext("Due in %(days)s day", "Due in %(days)s days", days) % {"days": days}
        band = band_for(task.due_date, scope.today)
        items.append(
            WorklistItem(
                key=f"task-{task.pk}",
                kind="task",
                kind_label=_("Follow-up"),
                title=task.title,
                reason=reason,
                url=reverse("interactions:task-list"),
                band=band,
                score=urgency(band=band, weight="task", days=days),
                due=task.due_date,
                customer_name=task.customer.name if task.customer_id else "",
                owner_name=str(task.owner),
                action_template="interactions/worklist/task_done.html",
                action={"task_id": task.pk},
            )
        )
    return SourceRows(items, more=len(tasks) > SHOWN, more_url=reverse("interactions:task-list"))


@worklist_source(
    "interactions.sla", label=gettext_lazy("Service requests near or past SLA"), order=20
)
def sla_clocks(scope):
    """Open requests breached or due within hours: those the caller owns (责任人) and, for RMs
    and leads, those of their customers."""
    if scope.relationship_manager is not None:
        mine = Q(owner=scope.relationship_manager) | Q(
            customer__relationship_manager=scope.relationship_manager
        )
    elif _is_field_staff(scope.user):
        mine = Q(owner=scope.user) | Q(customer__in=Customer.objects.visible_to(scope.user))
    else:
        mine = Q(owner=scope.user)
    requests = list(
        open_requests_near_sla(user=scope.user, now=scope.now)
        .filter(mine)
        .select_related(None)
        .select_related("customer", "owner")
        # The columns a row shows, not every column of three tables.
        .only(
            "id",
            "kind",
            "summary",
            "sla_breached",
            "first_handled_at",
            "first_handling_due_at",
            "replied_at",
            "reply_due_at",
            "customer__name",
            *(f"owner__{name}" for name in User.NAME_FIELDS),
        )[: SHOWN + 1]
    )
    items = []
    for request in requests[:SHOWN]:
        if request.first_handled_at is None:
            deadline, late_text, due_text = (
                request.first_handling_due_at,
                _("First handling overdue by %(time)s"),
                _("First handling due in %(time)s"),
            )
        else:
            deadline, late_text, due_text = (
                request.reply_due_at,
                _("Reply overdue by %(time)s"),
                _("Reply due in %(time)s"),
            )
        if deadline is not None and request.replied_at is None and deadline < scope.now:
            band, late = OVERDUE, (scope.now - deadline).days
            parts = [late_text % {"time": _duration(scope.now - deadline)}]
        elif request.replied_at is None:
            band, late = (OVERDUE if request.sla_breached else TODAY), 0
            parts = [due_text % {"time": _duration(deadline - scope.now)}]
        else:  # replied late, not closed yet
            band, late, parts = OVERDUE, 0, []
        if request.sla_breached:
            parts.insert(0, _("SLA breached"))
        reason = " · ".join(parts)
        items.append(
            WorklistItem(
                key=f"request-{request.pk}",
                kind="sla",
                kind_label=label_of(RequestKind, request.kind),
                title=f"#{request.pk} {request.summary[:80]}",
                reason=reason,
                url=reverse("interactions:service-request-detail", args=[request.pk]),
                band=band,
                score=urgency(band=band, weight="sla", days_late=late),
                due=timezone.localdate(deadline),
                customer_name=request.customer.name,
                owner_name=str(request.owner) if scope.show_owner else "",
            )
        )
    return SourceRows(
        items,
        more=len(requests) > SHOWN,
        more_url=reverse("interactions:service-request-list"),
    )


@worklist_source("interactions.visits", label=gettext_lazy("Visits overdue"), order=40)
def visits_overdue(scope):
    """Planned visits whose day has passed without a record, and customers past their tier's
    on-site visit interval with no visit planned."""
    if not _is_field_staff(scope.user):
        return None
    missed = list(
        VisitPlan.objects.visible_to(scope.user)
        .filter(
            status__in=(VisitStatus.PLANNED, VisitStatus.MISSED),
            planned_for__lt=scope.today,
            **scope.customer_filter(),
        )
        .select_related("customer__relationship_manager")
        .order_by("planned_for", "id")[: SHOWN + 1]
    )
    due = customers_due_for_visit(_customers(scope), as_of=scope.today, limit=SHOWN + 1)
    names = _owner_names(scope, [v.relationship_manager_id for v in due[:SHOWN]])
    items = []
    for plan in missed[:SHOWN]:
        late = (scope.today - plan.planned_for).days
        items.append(
            WorklistItem(
                key=f"visit-plan-{plan.pk}",
                kind="visit",
                kind_label=_("Visit"),
                title=plan.agenda[:80],
                reason=ngettext(
                    "Planned visit missed %(days)s day ago",
                    "Planned visit missed %(days)s days ago",
                    late,
                )
                % {"days": late},
                url=reverse("interactions:interaction-list")
                + f"?customer={plan.customer_id}&visit_plan={plan.pk}",
                band=OVERDUE,
                score=urgency(band=OVERDUE, weight="visit", days_late=late),
                due=plan.planned_for,
                customer_name=plan.customer.name,
                owner_name=str(plan.customer.relationship_manager),
            )
        )
    for visit in due[:SHOWN]:
        late = (scope.today - visit.next_due).days
        items.append(
            WorklistItem(
                key=f"visit-due-{visit.customer_id}",
                kind="visit",
                kind_label=_("Visit"),
                title=visit.customer_name,
                reason=ngettext(
                    "On-site visit overdue %(days)s day (every %(interval)s d)",
                    "On-site visit overdue %(days)s days (every %(interval)s d)",
                    late,
                )
                % {"days": late, "interval": visit.interval_days},
                url=reverse("interactions:visit-plan-list"),
                band=WEEK,
                score=urgency(band=WEEK, weight="visit", days_late=late),
                due=visit.next_due,
                owner_name=names.get(visit.relationship_manager_id, ""),
                action_template="interactions/worklist/log_contact.html",
                action=_log_contact(
                    scope,
                    visit.customer_id,
                    channel=Channel.ONSITE_VISIT,
                    purpose=Purpose.REGULAR_VISIT,
                ),
            )
        )
    return SourceRows(
        items,
        more=len(missed) > SHOWN or len(due) > SHOWN,
        more_url=reverse("interactions:visit-plan-list"),
    )


@worklist_source(
    "interactions.cadence", label=gettext_lazy("Customers past their contact interval"), order=50
)
def contact_cadence(scope):
    """For RMs and leads: customers whose next contact is overdue, most overdue first."""
    if not _is_field_staff(scope.user):
        return None
    overdue = customers_past_contact_interval(_customers(scope), as_of=scope.today, limit=SHOWN + 1)
    names = _owner_names(scope, [s.relationship_manager_id for s in overdue[:SHOWN]])
    items = []
    for status in overdue[:SHOWN]:
        late = status.days_overdue(scope.today)
        items.append(
            WorklistItem(
                key=f"contact-{status.customer_id}",
                kind="contact",
                kind_label=_("Contact"),
                title=status.customer_name,
                reason=ngettext(
                    "Contact overdue %(days)s day (every %(interval)s d)",
                    "Contact overdue %(days)s days (every %(interval)s d)",
                    late,
                )
                % {"days": late, "interval": status.interval_days},
                url=reverse("interactions:customer-timeline", args=[status.customer_id]),
                band=WEEK,
                score=urgency(band=WEEK, weight="contact", days_late=late),
                due=status.next_due,
                owner_name=names.get(status.relationship_manager_id, ""),
                action_template="interactions/worklist/log_contact.html",
                action=_log_contact(scope, status.customer_id),
            )
        )
    return SourceRows(items, more=len(overdue) > SHOWN)


@worklist_source("interactions.birthdays", label=gettext_lazy("Birthdays this week"), order=60)
def birthdays(scope):
    """Contacts of the caller's customers with a birthday in the next seven days."""
    if not _is_field_staff(scope.user):
        return None
    found = contacts_with_birthdays_between(
        scope.today, scope.today + timedelta(days=HORIZON_DAYS - 1), customers=_customers(scope)
    )
    found.sort(key=lambda pair: (pair[1], pair[0].name))
    names = _owner_names(
        scope, [contact.customer.relationship_manager_id for contact, _day in found[:SHOWN]]
    )
    items = []
    for contact, day in found[:SHOWN]:
        days = (day - scope.today).days
        reason = (
            _("Birthday today")
            if days == 0
            else ngettext(
                "Birthday on %(date)s (in %(days)s day)",
                "Birthday on %(date)s (in %(days)s days)",
                days,
            )
            % {"date": formats.date_format(day, "m-d"), "days": days}
        )
        band = TODAY if days == 0 else WEEK
        items.append(
            WorklistItem(
                key=f"birthday-{contact.pk}",
                kind="birthday",
                kind_label=_("Birthday"),
                title=contact.name,
                reason=reason,
                url=reverse("customers:customer-detail", args=[contact.customer_id]),
                band=band,
                score=urgency(band=band, weight="birthday", days=days),
                due=day,
                customer_name=contact.customer.name,
                owner_name=names.get(contact.customer.relationship_manager_id, ""),
            )
        )
    return SourceRows(items, more=len(found) > SHOWN)
