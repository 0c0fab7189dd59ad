"""The customer page's Loans tab and the loan facts of its header."""

from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from crm.registry import customer_panel, customer_summary

from .choices import Classification, LoanStatus
from .models import Loan, LoanApplication
from .schedule import CLASSIFICATION_ORDER


@customer_panel(
    "loans",
    label=_("Loans"),
    order=10,
    template="loans/panels/customer_loans.html",
    category="transaction",
)
def customer_loans_panel(request, customer):
    """Loans and applications of one customer (already scoped by the customer page)."""
    loans = list(
        Loan.objects.visible_to(request.user)
        .filter(customer=customer)
        .select_related("product")
        .order_by("status", "-disbursed_on")
    )
    applications = list(
        LoanApplication.objects.visible_to(request.user)
        .filter(customer=customer)
        .select_related("product")
        .order_by("-created_at")[:20]
    )
    return {
        "customer": customer,
        "loans": loans,
        "applications": applications,
        "exposure": sum(
            (loan.outstanding_principal for loan in loans if loan.status == LoanStatus.ACTIVE),
            Decimal("0.00"),
        ),
    }


@customer_summary("loans", order=10)
def customer_loan_facts(request, customer):
    """Total exposure and the worst five-tier class of the active loans, in one query."""
    rows = (
        Loan.objects.visible_to(request.user)
        .filter(customer=customer, status=LoanStatus.ACTIVE)
        .values("classification")
        .annotate(total=Sum("outstanding_principal"), loans=Count("id"))
        .order_by()
    )
    exposure, active, worst = Decimal("0.00"), 0, None
    for row in rows:
        exposure += row["total"] or Decimal("0.00")
        active += row["loans"]
        if worst is None or CLASSIFICATION_ORDER.index(
            row["classification"]
        ) > CLASSIFICATION_ORDER.index(worst):
            worst = row["classification"]
    return {
        "exposure": exposure,
        "active_loans": active,
        "worst_class": worst,
        "worst_class_label": Classification(worst).label if worst else "",
        # Severity 0 (normal) to 4 (loss): the header colours the badge by it.
        "worst_class_severity": CLASSIFICATION_ORDER.index(worst) if worst else None,
    }
