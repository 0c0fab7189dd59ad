"""Fixtures of the loans tests: products, customers and applications in every state."""

from datetime import date
from decimal import Decimal

import pytest

from loans import services
from loans.models import LoanProduct
from tests.factories import CustomerFactory

D = Decimal


@pytest.fixture
def wcl(db):
    """The seeded working-capital product (data migration)."""
    return LoanProduct.objects.get(code="WCL")


@pytest.fixture
def customer(rm):
    return CustomerFactory(relationship_manager=rm, name="Huaxin Machinery Co., Ltd.")


@pytest.fixture
def high_risk_customer(rm):
    return CustomerFactory(relationship_manager=rm, risk_level="high", risk_score=42)


def make_application(user, customer, **overrides):
    """A draft application through the service (defaults: WCL 1,000,000 for 12 months)."""
    fields = {
        "product": LoanProduct.objects.get(code="WCL"),
        "amount": D("1000000.00"),
        "term_months": 12,
        "annual_rate": D("4.3500"),
        "repayment_method": "equal_installment",
        "purpose": "Purchase of raw materials",
        "guarantee_method": "credit",
    }
    fields.update(overrides)
    # Complete by default (submission refuses missing required materials); override to test that.
    fields.setdefault(
        "materials", fields["product"].materials_required_for(fields["guarantee_method"])
    )
    return services.application_create(user=user, customer=customer, **fields)


def submitted(user, customer, **overrides):
    application = make_application(user, customer, **overrides)
    return services.application_submit(application=application, user=user, comment="please")


def approved(rm, approvers, customer, **overrides):
    application = submitted(rm, customer, **overrides)
    for approver in approvers:
        application = services.application_approve(
            application=application, user=approver, comment="ok"
        )
    return application


def disbursed_loan(rm, approver, customer, *, disbursed_on=date(2025, 1, 15), **overrides):
    application = approved(rm, [approver], customer, **overrides)
    services.application_sign_contract(application=application, user=rm)
    return services.application_disburse(
        application=application, user=rm, disbursed_on=disbursed_on
    )
