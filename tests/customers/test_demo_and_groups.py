"""Demo customers and the group exposure hook."""

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
def test_group_exposure_is_none_until_the_loans_app_has_a_loan_model():
    from django.apps import apps

    try:
        apps.get_model("loans", "Loan")
    except LookupError:
        assert group_exposure([1, 2]) is None
    else:  # after the merge with the loans branch the integrator's test takes over
        pytest.skip("loans.Loan exists: covered by the integration tests")
