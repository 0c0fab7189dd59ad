"""Choices of interactions and tasks."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class TaskKind(models.TextChoices):
    FOLLOW_UP = "follow_up", _("Follow-up")
    LOAN_APPLICATION = "loan_application", _("Loan application update")
    REPAYMENT = "repayment", _("Repayment")
    ALERT = "alert", _("Risk alert")
    VISIT = "visit", _("Visit")
    CARE = "care", _("Customer care")
    SERVICE_REQUEST = "service_request", _("Service request")
    REVIEW = "review", _("Review")
