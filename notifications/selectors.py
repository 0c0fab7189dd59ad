"""Reads of the notifications app: every query starts from `visible_to(user)`."""

from django.db.models import Count, Max, Q, QuerySet

from crm.models import JobRun

from .choices import BatchStatus
from .filters import NotificationFilter
from .models import Notification


def notification_list(*, user, filters=None) -> QuerySet[Notification]:
    """The caller's notifications, newest first, through the shared FilterSet."""
    queryset = Notification.objects.visible_to(user).select_related("customer")
    return NotificationFilter(filters or {}, queryset=queryset).qs


def unread_count(*, user) -> int:
    """How many of the caller's notifications are unread (the bell's badge)."""
    return Notification.objects.visible_to(user).unread().count()


def recent_notifications(*, user, limit: int = 8) -> list[Notification]:
    """The newest few for the bell's drop-down."""
    return list(Notification.objects.visible_to(user).select_related("customer")[:limit])


def job_run_list(*, job: str | None = None) -> QuerySet[JobRun]:
    """Recent job runs with their batches' progress (ops page; staff only)."""
    queryset = JobRun.objects.annotate(
        batch_total=Count("batches"),
        batch_done=Count("batches", filter=Q(batches__status=BatchStatus.DONE)),
        batches_finished_at=Max("batches__finished_at"),
    ).order_by("-started_at", "-id")
    if job:
        queryset = queryset.filter(job=job)
    return queryset
