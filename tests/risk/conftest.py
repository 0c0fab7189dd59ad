"""Fixtures of the risk tests: loans written straight to the database in a chosen state."""

from datetime import date
from decimal import Decimal

import pytest

from loans.models import Collateral, Guarantor, Installment, Loan, LoanApplication, LoanProduct

D = Decimal
MILLION = D("1000000.00")
ZERO = D("0.00")
HALF_MILLION = D("500000.00")


def make_loan(
    customer, *, by, principal=MILLION, outstanding=None, days_past_due=0,
    classification="normal", guarantee_method="credit", disbursed_on=date(2025, 6, 1),
    purpose="Purchase of raw materials", status="active",
):  # fmt: skip
    """A disbursed loan as the loans app's daily job would leave it."""
    application = LoanApplication.objects.create(
        customer=customer, product=LoanProduct.objects.get(code="WCL"), amount=principal,
        term_months=12, annual_rate=D("4.3500"), repayment_method="equal_installment",
        purpose=purpose, guarantee_method=guarantee_method, status="disbursed", created_by=by,
    )  # fmt: skip
    return Loan.objects.create(
        application=application, customer=customer, product=application.product,
        principal=principal, annual_rate=application.annual_rate, term_months=12,
        repayment_method="equal_installment", disbursed_on=disbursed_on,
        maturity_date=date(disbursed_on.year + 1, disbursed_on.month, disbursed_on.day),
        outstanding_principal=principal if outstanding is None else outstanding,
        days_past_due=days_past_due, classification=classification, status=status,
        status_as_of=date(2026, 3, 2), disbursed_by=by,
    )  # fmt: skip


def add_installment(loan, *, number, due_date, principal, interest, paid=ZERO):
    return Installment.objects.create(
        loan=loan, number=number, due_date=due_date, principal=principal, interest=interest,
        principal_paid=min(paid, principal), interest_paid=max(D("0.00"), paid - principal),
    )  # fmt: skip


def add_collateral(loan, value, valued=date(2025, 5, 20)):
    return Collateral.objects.create(
        application=loan.application, kind="real_estate", owner_name="Owner",
        value=value, valuation_date=valued,
    )  # fmt: skip


def add_guarantor(loan, guarantor_customer, amount=HALF_MILLION):
    return Guarantor.objects.create(
        application=loan.application, kind="institution", customer=guarantor_customer,
        amount=amount,
    )  # fmt: skip


@pytest.fixture
def loan_for(rm):
    """`loan_for(customer, **state)`: a loan of that customer booked by the RM."""

    def make(customer, **state):
        return make_loan(customer, by=rm, **state)

    return make
