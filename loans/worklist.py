"""Worklist sections of the loans app: repayments due or overdue, returned applications, the
approver's queue."""

from datetime import timedelta

from django.db.models import Count, F, Min, Sum
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
    """One row per loan of the RM's customers with installments overdue or due soon.

    A loan a year in arrears is one problem with one call to make, not twelve rows: each row
    gives the oldest unpaid due date, how many installments are unpaid and the amount owed.
    """
    if not has_role(request.user, Role.RELATIONSHIP_MANAGER, Role.TEAM_LEAD):
        return None
    today = timezone.localdate()
    horizon = today + timedelta(days=DUE_WITHIN_DAYS)
    owed = F("principal") + F("interest") - F("principal_paid") - F("interest_paid")
    rows = list(
        Installment.objects.unpaid()
        .filter(loan__in=Loan.objects.visible_to(request.user).active(), due_date__lte=horizon)
        .values("loan_id")
        .annotate(oldest_due=Min("due_date"), installments=Count("id"), amount_due=Sum(owed))
        .order_by("oldest_due", "loan_id")[:LIMIT]
    )
    if not rows:
        return None
    loans = Loan.objects.select_related("customer").in_bulk([row["loan_id"] for row in rows])
    items = [{**row, "loan": loans[row["loan_id"]]} for row in rows]
    return {"items": items, "today": today}


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
