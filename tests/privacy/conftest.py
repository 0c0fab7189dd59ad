"""Fixtures of the data-protection tests: a customer with a contact, consents, a guarantor."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from loans import services as loan_services
from loans.models import Guarantor, LoanProduct
from privacy import services
from tests.factories import ContactFactory, CustomerFactory

GIVEN_AT = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)


@pytest.fixture
def customer(rm):
    return CustomerFactory(relationship_manager=rm, name="Huaxin Machinery Co., Ltd.")


@pytest.fixture
def other_customer(rm_other_team):
    return CustomerFactory(relationship_manager=rm_other_team, name="Far Away Trading Co.")


@pytest.fixture
def contact(customer):
    return ContactFactory(customer=customer, name="王强", role="legal_representative")


def give(user, customer, contact, **overrides):
    """A consent through the service (defaults: credit assessment, basic + risk, 120 months)."""
    fields = {
        "purpose": "credit_assessment",
        "scope": ["basic", "risk"],
        "retention_months": 120,
        "notice_version": "v2026.1",
        "given_at": GIVEN_AT,
        "evidence": "Signed form SF-0001",
    }
    fields.update(overrides)
    return services.consent_give(user=user, customer=customer, contact=contact, **fields)


@pytest.fixture
def individual_guarantor(rm, customer):
    application = loan_services.application_create(
        user=rm,
        customer=customer,
        product=LoanProduct.objects.get(code="WCL"),
        amount=Decimal("1000000.00"),
        term_months=12,
        annual_rate=Decimal("4.3500"),
        repayment_method="equal_installment",
        purpose="Raw materials",
        guarantee_method="guarantee",
    )
    return Guarantor.objects.create(
        application=application,
        kind="individual",
        name="李娜",
        id_number="110101198001011234",
        amount=Decimal("500000.00"),
    )
