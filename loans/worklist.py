"""Worklist sections of the loans app: repayments due or overdue, returned applications, the
approver's queue."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.registry import worklist_section
from crm.roles import Role, has_role

from .choices import ApplicationStatus
from .models import Installment, Loan, LoanApplication
from .selectors import approver_queue

LIMIT = 20
DUE_WITHIN_DAYS = 7


@worklist_section(
    "loans.repayments",
    label=_("Repayments overdue or due within 7 days"),
    order=10,
    template="loans/worklist/repayments.html",
)
def repayments_section(request):
    """Unpaid installments of the RM's customers, overdue first."""
    if not has_role(request.user, Role.RELATIONSHIP_MANAGER, Role.TEAM_LEAD):
        return None
    horizon = timezone.localdate() + timedelta(days=DUE_WITHIN_DAYS)
    items = list(
        Installment.objects.unpaid()
        .filter(
            loan__in=Loan.objects.visible_to(request.user).active(),
            due_date__lte=horizon,
        )
        .select_related("loan__customer")
        .order_by("due_date", "loan_id")[:LIMIT]
    )
    return {"items": items, "today": timezone.localdate()} if items else None


@worklist_section(
    "loans.returned",
    label=_("Applications returned to you"),
    order=30,
    template="loans/worklist/applications.html",
)
def returned_section(request):
    """Applications sent back for changes, for the RM who prepares them."""
    if not has_role(request.user, Role.RELATIONSHIP_MANAGER):
        return None
    items = list(
        LoanApplication.objects.visible_to(request.user)
        .filter(status=ApplicationStatus.RETURNED, customer__relationship_manager=request.user)
        .select_related("customer", "product")
        .order_by("-updated_at")[:LIMIT]
    )
    return {"items": items} if items else None


@worklist_section(
    "loans.queue",
    label=_("Applications waiting for your decision"),
    order=5,
    template="loans/worklist/applications.html",
)
def queue_section(request):
    """The approver's (or risk officer's) queue."""
    if not has_role(request.user, Role.CREDIT_APPROVER, Role.RISK_OFFICER):
        return None
    items = list(approver_queue(user=request.user)[:LIMIT])
    return {"items": items} if items else None
