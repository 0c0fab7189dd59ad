"""Writes of the interactions app."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from .choices import TaskKind, TaskStatus
from .models import Task


@transaction.atomic
def task_create(
    *,
    owner,
    title: str,
    due_date: date,
    customer=None,
    kind: str = TaskKind.FOLLOW_UP,
    description: str = "",
    source_key: str | None = None,
    created_by=None,
) -> Task:
    """Create a follow-up task; with a `source_key`, a second call returns the first task."""
    fields = {
        "owner": owner,
        "title": title[:200],
        "due_date": due_date,
        "customer": customer,
        "kind": kind,
        "description": description,
        "created_by": created_by,
    }
    if source_key is None:
        return Task.objects.create(**fields)
    task, _created = Task.objects.get_or_create(source_key=source_key, defaults=fields)
    return task


@transaction.atomic
def task_complete(*, task: Task, user) -> Task:
    """Mark a task done (idempotent)."""
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.status != TaskStatus.DONE:
        task.status = TaskStatus.DONE
        task.completed_at = timezone.now()
        task.save(update_fields=["status", "completed_at"])
    return task
