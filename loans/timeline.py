"""Customer timeline entries of the loans app: application events and repayments."""

from django.urls import reverse
from django.utils.translation import gettext as _

from crm.registry import TimelineEntry, timeline_source

from .models import LoanApplication, LoanApplicationEvent, Repayment


@timeline_source("loan_event", label="Loan applications", order=20)
def application_events(customer, user, *, limit):
    """Workflow events of the customer's applications, newest first."""
    events = (
        LoanApplicationEvent.objects.filter(
            application__in=LoanApplication.objects.visible_to(user).filter(customer=customer)
        )
        .select_related("actor", "application")
        .order_by("-at", "-id")[:limit]
    )
    return [
        TimelineEntry(
            at=event.at,
            kind="loan_event",
            title=_("Application #%(id)s: %(action)s → %(status)s")
            % {
                "id": event.application_id,
                "action": event.get_action_display(),
                "status": event.get_to_status_display(),
            },
            detail=event.comment,
            url=reverse("loans:application-detail", args=[event.application_id]),
            actor=str(event.actor),
        )
        for event in events
    ]


@timeline_source("repayment", label="Repayments", order=21)
def repayments(customer, user, *, limit):
    """Repayments (and reversals) on the customer's loans, newest first."""
    rows = (
        Repayment.objects.visible_to(user)
        .filter(loan__customer=customer)
        .select_related("posted_by")
        .order_by("-posted_at", "-id")[:limit]
    )
    return [
        TimelineEntry(
            at=row.posted_at,
            kind="repayment",
            title=_("Repayment of %(amount)s on loan L%(loan)s%(reversed)s")
            % {
                "amount": row.amount,
                "loan": row.loan_id,
                "reversed": _(" (reversed)") if row.reversed_at else "",
            },
            detail=row.reversal_reason,
            url=reverse("loans:loan-detail", args=[row.loan_id]),
            actor=str(row.posted_by),
        )
        for row in rows
    ]
