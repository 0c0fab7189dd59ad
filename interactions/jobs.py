"""Daily jobs: SLA checks and escalation, contact cadence, care tasks. Idempotent, set-based."""

import itertools
from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from crm.jobs import JobResult, daily_job
from customers.models import Customer

from .choices import RequestEventKind, RequestKind, RequestStatus, TaskKind, VisitStatus
from .models import Festival, ServiceRequest, ServiceRequestEvent, Task, VisitPlan
from .selectors import (
    check_moment,
    contacts_with_birthdays_between,
    customers_due_for_visit,
    customers_past_contact_interval,
)


def breached_q(now):
    """Requests with a clock past its deadline as of `now` (stopped late or still running)."""
    return (
        Q(first_handled_at__isnull=True, first_handling_due_at__lt=now)
        | Q(first_handled_at__gt=F("first_handling_due_at"))
        | Q(replied_at__isnull=True, reply_due_at__lt=now)
        | Q(replied_at__gt=F("reply_due_at"))
    )


TASK_CHUNK = 2000


def _chunks(items, size: int):
    """Lists of up to `size` items (itertools.batched is Python 3.12)."""
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _create_missing_tasks(tasks: list[Task]) -> int:
    """Insert the tasks whose source key is new; returns how many were created."""
    for task in tasks:
        task.title = str(task.title)[:200]
    keys = [task.source_key for task in tasks]
    existing = set(Task.objects.filter(source_key__in=keys).values_list("source_key", flat=True))
    new = [task for task in tasks if task.source_key not in existing]
    # ignore_conflicts: a concurrent run that inserted the same key first is not an error.
    Task.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    return len(new)


@daily_job(
    "interactions.sla_check",
    order=40,
    description="Flag service requests past their SLA and escalate them to the team lead.",
)
def sla_check(*, as_of: date) -> JobResult:
    """Flag breaches and escalate each breached request to the team lead, once."""
    now = check_moment(as_of)
    open_requests = ServiceRequest.objects.exclude(status=RequestStatus.CLOSED)
    with transaction.atomic():
        newly = list(
            open_requests.filter(sla_breached=False)
            .filter(breached_q(now))
            .values_list("pk", flat=True)
        )
        ServiceRequest.objects.filter(pk__in=newly).update(sla_breached=True)
        ServiceRequestEvent.objects.bulk_create(
            ServiceRequestEvent(request_id=pk, kind=RequestEventKind.SLA_BREACH, at=now)
            for pk in newly
        )
        rows = list(
            open_requests.filter(sla_breached=True, escalated_at__isnull=True).values(
                "pk",
                "kind",
                "customer_id",
                "customer__name",
                "reply_due_at",
                "owner__team__lead_id",
                "customer__relationship_manager__team__lead_id",
            )
        )
        tasks, escalated, without_lead = [], [], 0
        for row in rows:
            lead_id = (
                row["owner__team__lead_id"] or row["customer__relationship_manager__team__lead_id"]
            )
            if lead_id is None:
                # Nobody to escalate to: stays unescalated so it is retried once a lead exists.
                without_lead += 1
                continue
            escalated.append(row["pk"])
            tasks.append(
                Task(
                    owner_id=lead_id,
                    customer_id=row["customer_id"],
                    kind=TaskKind.SERVICE_REQUEST,
                    title=_("SLA breached: %(kind)s #%(id)s from %(customer)s")
                    % {
                        "kind": RequestKind(row["kind"]).label,
                        "id": row["pk"],
                        "customer": row["customer__name"],
                    },
                    due_date=as_of,
                    source_key=f"service-request:{row['pk']}:escalation",
                )
            )
        created = _create_missing_tasks(tasks)
        ServiceRequest.objects.filter(pk__in=escalated).update(escalated_at=now)
        ServiceRequestEvent.objects.bulk_create(
            ServiceRequestEvent(
                request_id=pk, kind=RequestEventKind.ESCALATION, at=now, note="team lead"
            )
            for pk in escalated
        )
    return JobResult(
        f"{len(newly)} newly breached, {len(escalated)} escalated, {without_lead} without a lead",
        {
            "breached": len(newly),
            "escalated": len(escalated),
            "tasks": created,
            "without_lead": without_lead,
        },
    )


@daily_job(
    "interactions.cadence",
    order=50,
    description="List customers past their contact interval and mark missed visits.",
)
def cadence(*, as_of: date) -> JobResult:
    """A follow-up task per customer past its contact interval (one per overdue episode)."""
    overdue = customers_past_contact_interval(Customer.objects.all(), as_of=as_of)
    tasks = (
        Task(
            owner_id=status.relationship_manager_id,
            customer_id=status.customer_id,
            kind=TaskKind.FOLLOW_UP,
            title=_("Contact overdue: %(customer)s") % {"customer": status.customer_name},
            description=_("Contact due every %(days)s days; last contact %(last)s.")
            % {"days": status.interval_days, "last": status.last_contact or _("never")},
            due_date=as_of,
            # One task per overdue episode: a new contact moves next_due and starts another.
            source_key=f"cadence:{status.customer_id}:{status.next_due.isoformat()}",
        )
        for status in overdue
    )
    visits_due = customers_due_for_visit(Customer.objects.all(), as_of=as_of)
    visit_tasks = (
        Task(
            owner_id=visit.relationship_manager_id,
            customer_id=visit.customer_id,
            kind=TaskKind.VISIT,
            title=_("Plan an on-site visit: %(customer)s") % {"customer": visit.customer_name},
            description=_("On-site visit due every %(days)s days; last visit %(last)s.")
            % {"days": visit.interval_days, "last": visit.last_visit or _("never")},
            due_date=as_of,
            source_key=f"visit-due:{visit.customer_id}:{visit.next_due.isoformat()}",
        )
        for visit in visits_due
    )
    with transaction.atomic():
        # Built and inserted a chunk at a time (the tasks are the large part, not the statuses).
        created = sum(
            _create_missing_tasks(chunk)
            for chunk in _chunks(itertools.chain(tasks, visit_tasks), TASK_CHUNK)
        )
        missed = VisitPlan.objects.filter(status=VisitStatus.PLANNED, planned_for__lt=as_of).update(
            status=VisitStatus.MISSED
        )
    return JobResult(
        f"{len(overdue)} customers past their contact interval, {len(visits_due)} due for an "
        f"on-site visit, {created} new tasks, {missed} visits missed",
        {
            "overdue": len(overdue),
            "visits_due": len(visits_due),
            "tasks": created,
            "missed_visits": missed,
        },
    )


@daily_job(
    "interactions.care",
    order=60,
    description="Birthday and festival greeting tasks a few days ahead.",
)
def care(*, as_of: date) -> JobResult:
    """Birthday tasks per contact and one festival task per RM, created days ahead."""
    end = as_of + timedelta(days=settings.INTERACTIONS_CARE_DAYS_AHEAD)
    tasks = []
    birthdays = contacts_with_birthdays_between(as_of, end)
    for contact, birthday in birthdays:
        tasks.append(
            Task(
                owner_id=contact.customer.relationship_manager_id,
                customer_id=contact.customer_id,
                kind=TaskKind.CARE,
                title=_("Birthday greetings to %(name)s (%(customer)s)")
                % {"name": contact.name, "customer": contact.customer.name},
                due_date=birthday,
                source_key=f"care:birthday:{contact.pk}:{birthday.isoformat()}",
            )
        )
    festivals = list(Festival.objects.filter(date__gte=as_of, date__lte=end))
    if festivals:
        by_rm = defaultdict(list)
        for rm_id, name in (
            Customer.objects.filter(lifecycle_stage__in=("new", "established", "at_risk"))
            .order_by("-tier", "name")
            .values_list("relationship_manager_id", "name")
        ):
            by_rm[rm_id].append(name)
        for festival in festivals:
            for rm_id, names in by_rm.items():
                listed = "\n".join(names[:50]) + ("\n…" if len(names) > 50 else "")
                tasks.append(
                    Task(
                        owner_id=rm_id,
                        kind=TaskKind.CARE,
                        title=_("%(festival)s greetings to %(n)s customers")
                        % {"festival": festival.name, "n": len(names)},
                        description=listed,
                        due_date=festival.date,
                        source_key=f"care:festival:{festival.pk}:rm:{rm_id}",
                    )
                )
    created = _create_missing_tasks(tasks)
    birthday_note = (
        _("birthdays skipped: customers.Contact is not installed")
        if birthdays is None
        else f"{len(birthdays)} birthdays"
    )
    return JobResult(
        f"{created} care tasks; {birthday_note}; {len(festivals)} festivals",
        {
            "tasks": created,
            "birthdays": len(birthdays or ()),
            "festivals": len(festivals),
        },
    )
