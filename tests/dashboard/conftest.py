"""A small bank with hand-checkable figures for the dashboard tests.

Team A: `rm` (rm_a1) and `rm_same_team` (rm_a2), led by `lead`; team B: `rm_other_team`.

Active loans (outstanding principal, class, days past due, industry, region, product):
    rm            600,000.00  normal       0   C Manufacturing  Shanghai  WCL
    rm            300,000.00  substandard 120  C Manufacturing  Shanghai  WCL
    rm_same_team  100,000.00  loss        400  F Wholesale      Suzhou    FAL
    rm_other_team 500,000.00  doubtful    300  F Wholesale      Beijing   WCL
So team A's NPL ratio is 400,000 / 1,000,000 = 40.00 %, rm's 300,000 / 900,000 = 33.33 % and
the bank's 900,000 / 1,500,000 = 60.00 %.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from customers.models import Industry
from loans.models import Loan, LoanProduct
from tests.factories import CustomerFactory
from tests.loans.conftest import disbursed_loan

D = Decimal


@dataclass
class Book:
    customers: dict
    loans: dict


def _loan(rm, approver, customer, *, product="WCL", outstanding, classification, dpd):
    loan = disbursed_loan(
        rm,
        approver,
        customer,
        disbursed_on=date(2026, 1, 15),
        product=LoanProduct.objects.get(code=product),
        amount=D("1000000.00"),
        term_months=24,
        materials=LoanProduct.objects.get(code=product).materials_required_for("credit"),
    )
    # The nightly job sets these; set them directly to known values.
    Loan.objects.filter(pk=loan.pk).update(
        outstanding_principal=D(outstanding), classification=classification, days_past_due=dpd
    )
    loan.refresh_from_db()
    return loan


@pytest.fixture
def book(rm, rm_same_team, rm_other_team, lead, approver):
    manufacturing = Industry.objects.get(code="C")
    wholesale = Industry.objects.get(code="F")
    customers = {
        "a1": CustomerFactory(relationship_manager=rm, industry=manufacturing, region="Shanghai"),
        "a2": CustomerFactory(
            relationship_manager=rm_same_team, industry=wholesale, region="Suzhou"
        ),
        "b1": CustomerFactory(
            relationship_manager=rm_other_team, industry=wholesale, region="Beijing"
        ),
    }
    loans = {
        "a1_normal": _loan(rm, approver, customers["a1"], outstanding="600000.00",
                           classification="normal", dpd=0),
        "a1_substandard": _loan(rm, approver, customers["a1"], outstanding="300000.00",
                                classification="substandard", dpd=120),
        "a2_loss": _loan(rm_same_team, approver, customers["a2"], product="FAL",
                         outstanding="100000.00", classification="loss", dpd=400),
        "b1_doubtful": _loan(rm_other_team, approver, customers["b1"], outstanding="500000.00",
                             classification="doubtful", dpd=300),
    }  # fmt: skip
    return Book(customers=customers, loans=loans)
