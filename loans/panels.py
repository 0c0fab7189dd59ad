"""The customer page's Loans tab: the customer's loans, applications and exposure."""

from django.utils.translation import gettext_lazy as _

from crm.registry import customer_panel

from .models import Loan, LoanApplication
from .selectors import exposure_by_customer


@customer_panel("loans", label=_("Loans"), order=20, template="loans/panels/customer_loans.html")
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
        "exposure": exposure_by_customer([customer.pk]).get(customer.pk),
    }
