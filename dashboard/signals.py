"""Invalidate the cached dashboard aggregates when the rows behind them change.

Saving or deleting any model a chart reads moves the data version on, at once and again when
the transaction commits (so an aggregate computed from the uncommitted state in between is not
kept). Daily jobs write in bulk without signals, so every finished job run bumps it as well.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from .cache import bump_data_version

# "app_label.Model" of every model a dashboard aggregate reads.
WATCHED_MODELS = (
    "customers.Customer",
    "customers.Contact",
    "customers.FinancialStatement",
    "loans.LoanApplication",
    "loans.ApprovalRecord",
    "loans.Loan",
    "loans.Installment",
    "loans.Repayment",
    "risk.Alert",
    "risk.RiskScore",
    "interactions.Interaction",
    "interactions.ContactIntervalOverride",
    "interactions.ContactPolicy",
    "interactions.ServiceRequest",
    "interactions.SurveyResponse",
    "interactions.SurveyScore",
    "crm.User",
    "crm.Team",
)


def data_changed(sender=None, **kwargs):
    """A watched row changed: invalidate now and once more after the commit."""
    if kwargs.get("update_fields") and set(kwargs["update_fields"]) <= {"last_login"}:
        return  # a login changes nothing a chart shows
    bump_data_version()
    transaction.on_commit(bump_data_version)


def job_run_saved(sender=None, instance=None, **kwargs):
    """A daily job finished (its rows were written in bulk): invalidate."""
    if instance is not None and instance.finished_at is not None:
        data_changed()


def connect():
    """Connect the receivers (called from DashboardConfig.ready)."""
    from django.apps import apps

    for label in WATCHED_MODELS:
        model = apps.get_model(label)
        post_save.connect(data_changed, sender=model, dispatch_uid=f"dashboard-save-{label}")
        post_delete.connect(data_changed, sender=model, dispatch_uid=f"dashboard-delete-{label}")
    post_save.connect(
        job_run_saved, sender=apps.get_model("crm.JobRun"), dispatch_uid="dashboard-job-run"
    )
