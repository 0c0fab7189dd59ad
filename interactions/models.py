"""Follow-up tasks (the interactions issue adds contact history, service requests, surveys)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.scoping import ScopedQuerySet

from .choices import TaskKind, TaskStatus


class TaskQuerySet(ScopedQuerySet):
    """Tasks; scoped by their owner (an RM sees theirs, a lead their team's)."""

    owner_path = "owner"

    def open(self):
        """Tasks still to do."""
        return self.filter(status=TaskStatus.OPEN)


class Task(models.Model):
    """A follow-up for a member of staff, usually about a customer, with a due date."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tasks",
    )
    kind = models.CharField(
        _("kind"), max_length=30, choices=TaskKind.choices, default=TaskKind.FOLLOW_UP
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    # Idempotency key for tasks created by jobs and services ("loan-application:12:event:40"):
    # creating the same task twice returns the existing one.
    source_key = models.CharField(_("source"), max_length=120, null=True, blank=True, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [
            models.Index(
                fields=["owner", "due_date"], name="task_open_owner_due", condition=Q(status="open")
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="done", completed_at__isnull=False) | ~Q(status="done"),
                name="task_done_has_completed_at",
            )
        ]

    def __str__(self):
        return self.title
