"""Daily jobs of the notifications app (run by `run_daily_jobs` and by beat)."""

from datetime import date, timedelta

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from crm.jobs import JobResult, daily_job
from interactions.choices import TaskStatus
from interactions.models import Task

from .batches import batch_handler, run_in_batches
from .choices import Channel, NotificationKind
from .rendering import render_email, render_in_app
from .services import Outgoing, deliveries_record, recorded_keys

TASK_DUE_JOB = "notifications.task_due"


def _task_url(task: Task) -> str:
    try:
        return reverse("interactions:task-detail", args=[task.pk])
    except NoReverseMatch:
        return ""


def _notice_key(pk: int, due_date: date, owner_id: int) -> tuple[str, str, str]:
    """(subject, rung, recipient) of a task's due notice: once per task, due date and owner."""
    return f"task:{pk}", f"due:{due_date.isoformat()}", f"user:{owner_id}"


def _unannounced(*, ids: list[int], as_of: date) -> tuple[int, list[int]]:
    """(tasks due, ids of those with a notice channel not yet recorded): two queries.

    Plain values only: a task whose in-app notice (and email, if its owner has an address) is
    recorded is neither loaded nor rendered.
    """
    rows = list(
        Task.objects.filter(pk__in=ids, status=TaskStatus.OPEN, due_date__lte=as_of)
        .order_by("pk")
        .values_list("pk", "due_date", "owner_id", "owner__email")
    )
    wanted = {}
    for pk, due_date, owner_id, email in rows:
        key = _notice_key(pk, due_date, owner_id)
        channels = (Channel.IN_APP, Channel.EMAIL) if email else (Channel.IN_APP,)
        wanted[pk] = {(*key, channel) for channel in channels}
    if not wanted:
        return 0, []
    done = recorded_keys(
        subjects={f"task:{pk}" for pk in wanted},
        rungs={f"due:{due_date.isoformat()}" for _, due_date, _, _ in rows},
    )
    return len(rows), [pk for pk, keys in wanted.items() if keys - done]


@batch_handler(TASK_DUE_JOB)
def task_due_batch(*, ids: list[int], as_of: date) -> dict[str, int]:
    """In-app and email notice to the owner of each open task that has fallen due.

    Tasks whose notice is already recorded (a second run for the date) are neither loaded nor
    rendered, and nothing is queued for them: still-pending emails are the sweep's
    (`deliveries_sweep`, every 5 minutes).
    """
    due, todo = _unannounced(ids=ids, as_of=as_of)
    tasks = list(
        Task.objects.filter(pk__in=todo, status=TaskStatus.OPEN, due_date__lte=as_of)
        .select_related("owner", "customer")
        .order_by("pk")
        if todo
        else []
    )
    recorded = recorded_keys(
        subjects={f"task:{task.pk}" for task in tasks},
        rungs={f"due:{task.due_date.isoformat()}" for task in tasks},
    )
    outgoing = []
    for task in tasks:
        subject, rung, recipient = _notice_key(task.pk, task.due_date, task.owner_id)
        in_app = (subject, rung, recipient, Channel.IN_APP) not in recorded
        email = bool(task.owner.email) and (subject, rung, recipient, Channel.EMAIL) not in recorded
        if not (in_app or email):
            continue
        context = {
            "task_title": task.title,
            "due_date": task.due_date,
            "customer_name": task.customer.name if task.customer_id else "",
            "recipient_name": str(task.owner),
            "url": _task_url(task),
        }
        common = {
            "subject": subject,
            # A task moved to a new due date is announced again on that date.
            "rung": rung,
            "recipient": recipient,
            "kind": NotificationKind.TASK_DUE,
            "business_date": as_of,
            "recipient_user_id": task.owner_id,
            "customer_id": task.customer_id,
            "url": context["url"],
        }
        if in_app:
            outgoing.append(
                Outgoing(
                    channel=Channel.IN_APP,
                    title=task.title,
                    body=render_in_app(NotificationKind.TASK_DUE, context=context),
                    **common,
                )
            )
        if email:
            language = settings.LANGUAGE_CODE
            title, body = render_email(
                NotificationKind.TASK_DUE, language=language, context=context
            )
            outgoing.append(
                Outgoing(
                    channel=Channel.EMAIL,
                    title=title,
                    body=body,
                    address=task.owner.email,
                    language=language,
                    **common,
                )
            )
    result = deliveries_record(outgoing=outgoing)
    return {
        "tasks": due,
        "notifications": result.notifications,
        "queued": len(result.queued),
    }


@daily_job(
    TASK_DUE_JOB,
    order=70,
    description="Tell each task owner, in the app and by email, about follow-ups due today.",
)
def task_due(*, as_of: date) -> JobResult:
    """Notify owners of open tasks due on the business date (once per task and due date)."""
    # Tasks that fell due on days no run happened (Redis or beat down) are announced late.
    since = as_of - timedelta(days=settings.NOTIFICATIONS_TASK_DUE_CATCH_UP_DAYS)
    ids = Task.objects.open().filter(due_date__range=(since, as_of)).values_list("pk", flat=True)
    counts = run_in_batches(job=TASK_DUE_JOB, as_of=as_of, ids=ids)
    if counts.get("dispatched"):
        summary = f"{counts['ids']} tasks due by {as_of.isoformat()} in {counts['batches']} batches"
    else:
        summary = (
            f"{counts['ids']} tasks due by {as_of.isoformat()}: "
            f"{counts.get('notifications', 0)} notifications, "
            f"{counts.get('queued', 0)} emails queued"
        )
    return JobResult(summary=summary, counts=counts)


# The reminder ladder lives in its own module; importing it registers its job and batch step.
from . import reminders  # noqa: E402, F401
