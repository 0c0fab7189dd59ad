"""Demo customers and the group exposure hook."""

from decimal import Decimal
from io import StringIO

import pytest

from crm.demo import seed_people
from customers import demo
from customers.models import Contact, Customer, CustomerGroup, FinancialStatement
from customers.selectors import group_exposure
from customers.uscc import validate_uscc


@pytest.mark.django_db
def test_demo_seed_is_idempotent_and_realistic():
    seed_people(password="demo-pass-2026")

    demo.seed(scale="small", stdout=StringIO())
    out = StringIO()
    demo.seed(scale="bank", stdout=out)

    assert Customer.objects.count() == 40
    assert out.getvalue() == "customers: 0 demo customers created (40 in the set)"
    owners = set(Customer.objects.values_list("relationship_manager__username", flat=True))
    assert owners == {"rm1", "rm2", "rm3"}
    for uscc in Customer.objects.values_list("uscc", flat=True):
        assert validate_uscc(uscc) == uscc
    assert FinancialStatement.objects.count() == 120
    assert Contact.objects.count() == 80
    assert CustomerGroup.objects.get().members.count() == 4
    growth = FinancialStatement.objects.filter(period_end__year=2025).exclude(revenue_growth=None)
    assert growth.count() == 40


@pytest.mark.django_db
def test_group_exposure_sums_active_loans_of_the_members_only(rm, approver):
    from customers.models import CustomerGroup
    from tests.factories import CustomerFactory
    from tests.loans.conftest import disbursed_loan

    group = CustomerGroup.objects.create(name="Huaxin Group")
    parent = CustomerFactory(relationship_manager=rm, group=group)
    subsidiary = CustomerFactory(relationship_manager=rm, group=group)
    outsider = CustomerFactory(relationship_manager=rm)
    disbursed_loan(rm, approver, parent, amount=Decimal("1000000.00"))
    disbursed_loan(rm, approver, subsidiary, amount=Decimal("250000.50"))
    disbursed_loan(rm, approver, outsider, amount=Decimal("999999.00"))

    exposure = group_exposure([c.pk for c in group.members.all()])

    assert exposure == Decimal("1250000.50")
    assert group_exposure([]) == Decimal("0.00")
