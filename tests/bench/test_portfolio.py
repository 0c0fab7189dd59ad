"""The bank-scale benchmark portfolio (`seed_demo --scale bank`) at a tiny fraction."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, F, Q, Sum

from bench.portfolio import USERNAME_PREFIX, seed_bank
from crm.demo import seed_people
from crm.fields import decrypt_value
from crm.models import Team, User
from customers.models import Contact, Customer, FinancialStatement
from customers.ratios import compute_ratios
from customers.uscc import validate_uscc
from interactions.models import Interaction, ServiceRequest, Task
from loans.defaults import seed_approval_tiers, seed_products
from loans.jobs import dpd_classification
from loans.models import (
    ApprovalTier,
    Installment,
    Loan,
    LoanApplication,
    LoanProduct,
    Repayment,
    RepaymentAllocation,
)
from loans.schedule import generate_schedule

TODAY = date(2026, 6, 15)
FRACTION = 0.001  # 50 customers, 120 loans, 1,000 interactions, 100 service requests


@pytest.fixture
def bank(db):
    seed_people(password="pw-2026-bench")
    seed_products(LoanProduct)
    seed_approval_tiers(ApprovalTier)
    out = io.StringIO()
    return seed_bank(fraction=FRACTION, password="pw-2026-bench", stdout=out, today=TODAY)


def bank_customers():
    return Customer.objects.filter(relationship_manager__username__startswith=USERNAME_PREFIX)


def test_counts_follow_the_fraction(bank):
    # 1 team of a lead and 8 RMs, 2 approvers, 1 risk officer
    assert User.objects.filter(username__startswith=USERNAME_PREFIX).count() == 12
    team = Team.objects.get(name="Bank Team 01")
    assert team.lead.username == "bank_lead01"
    assert team.members.count() == 9
    assert bank_customers().count() == 50
    assert Loan.objects.filter(customer__in=bank_customers()).count() == 120
    assert LoanApplication.objects.filter(customer__in=bank_customers()).count() == 120
    assert Interaction.objects.filter(customer__in=bank_customers()).count() == 1000
    assert ServiceRequest.objects.filter(customer__in=bank_customers()).count() == 100
    non_prospects = bank_customers().exclude(lifecycle_stage="prospect").count()
    assert FinancialStatement.objects.filter(customer__in=bank_customers()).count() == (
        3 * non_prospects
    )
    assert bank["customers"] == 50
    assert (
        bank["installments"]
        == Installment.objects.filter(loan__customer__in=bank_customers()).count()
    )
    # every customer has contacts and at least one interaction
    assert not bank_customers().filter(contacts__isnull=True).exists()
    assert not bank_customers().filter(interactions__isnull=True).exists()


def test_second_run_adds_nothing(bank):
    before = (Customer.objects.count(), Loan.objects.count(), Installment.objects.count())
    out = io.StringIO()
    assert seed_bank(fraction=FRACTION, password="x", stdout=out, today=TODAY) == {}
    assert "already present" in out.getvalue()
    assert (Customer.objects.count(), Loan.objects.count(), Installment.objects.count()) == before


def test_schedules_are_the_real_schedule_maths(bank):
    loans = Loan.objects.filter(customer__in=bank_customers()).annotate(
        principal_sum=Sum("installments__principal"), lines=Count("installments")
    )
    for loan in loans:
        assert loan.principal_sum == loan.principal
        assert loan.lines == (1 if loan.repayment_method == "bullet" else loan.term_months)
        expected = generate_schedule(
            principal=loan.principal,
            annual_rate=loan.annual_rate,
            term_months=loan.term_months,
            method=loan.repayment_method,
            disbursed_on=loan.disbursed_on,
        )
        stored = list(
            loan.installments.order_by("number").values_list(
                "number", "due_date", "principal", "interest"
            )
        )
        assert stored == [(i.number, i.due_date, i.principal, i.interest) for i in expected]
        assert loan.maturity_date == expected[-1].due_date
    # the benchmark's 30-year loan page exists
    assert loans.filter(term_months=360, lines=360).exists()


def test_repayments_balance_and_the_daily_job_agrees(bank):
    loans = Loan.objects.filter(customer__in=bank_customers())
    for loan in loans.annotate(repaid=Sum("installments__principal_paid")):
        assert loan.outstanding_principal == loan.principal - loan.repaid
        assert loan.status == ("settled" if loan.outstanding_principal == 0 else "active")
    paid = Installment.objects.filter(loan__in=loans).aggregate(
        total=Sum(F("principal_paid") + F("interest_paid"))
    )["total"]
    assert Repayment.objects.filter(loan__in=loans).aggregate(total=Sum("amount"))["total"] == paid
    allocated = RepaymentAllocation.objects.filter(repayment__loan__in=loans).aggregate(
        total=Sum(F("principal") + F("interest"))
    )["total"]
    assert allocated == paid
    # no repayment in the future, and a few percent of the loans are overdue
    assert not Repayment.objects.filter(paid_on__gte=TODAY).exists()
    assert 0 < loans.filter(days_past_due__gt=0).count() < loans.count() // 4
    assert loans.filter(days_past_due__gt=0).exclude(classification="normal").count() == (
        loans.filter(days_past_due__gt=0).count()
    )
    # The nightly DPD job, run for the same date, finds nothing to change: statuses, days past
    # due and classes were written exactly as the product computes them.
    result = dpd_classification(as_of=TODAY)
    assert result.counts["loans_updated"] == 0
    assert result.counts["installments_updated"] == 0
    assert result.counts["reclassified"] == 0


def test_secured_loans_have_their_security_and_loans_their_checks(bank):
    from loans.models import Collateral, Guarantor
    from risk.models import PostLoanCheck

    applications = LoanApplication.objects.filter(customer__in=bank_customers())
    secured = applications.filter(guarantee_method="collateral")
    assert Collateral.objects.filter(application__in=secured).count() == secured.count()
    guaranteed = applications.filter(guarantee_method="guarantee")
    assert Guarantor.objects.filter(application__in=guaranteed).count() == guaranteed.count()
    assert not Collateral.objects.filter(application__guarantee_method="credit").exists()
    # active loans older than the first-check period have a check; none for settled loans
    loans = Loan.objects.filter(customer__in=bank_customers())
    checked = set(PostLoanCheck.objects.filter(loan__in=loans).values_list("loan_id", flat=True))
    for loan in loans:
        due_for_check = loan.status == "active" and (TODAY - loan.disbursed_on).days > 30
        assert (loan.pk in checked) == due_for_check
    assert not PostLoanCheck.objects.filter(checked_on__gte=TODAY).exists()


def test_personal_numbers_are_real_ciphertext(bank):
    contact = Contact.objects.filter(customer__in=bank_customers()).order_by("pk").first()
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, id_number FROM customers_contact WHERE id = %s", [contact.pk])
        raw_phone, raw_id = cursor.fetchone()
    assert raw_phone.startswith("gAAAA")
    assert raw_id.startswith("gAAAA")
    assert decrypt_value(raw_phone) == contact.phone
    assert len(contact.phone) == 11
    assert contact.phone.isdigit()
    assert len(contact.id_number) == 18


def test_customers_statements_and_requests_are_valid(bank):
    for uscc in bank_customers().values_list("uscc", flat=True):
        assert validate_uscc(uscc) == uscc
    statement = (
        FinancialStatement.objects.filter(customer__in=bank_customers())
        .order_by("customer_id", "period_end")
        .last()
    )
    previous = FinancialStatement.objects.get(
        customer=statement.customer, period_end=date(statement.period_end.year - 1, 12, 31)
    )
    ratios = compute_ratios(
        revenue=statement.revenue,
        total_assets=statement.total_assets,
        total_liabilities=statement.total_liabilities,
        current_assets=statement.current_assets,
        current_liabilities=statement.current_liabilities,
        inventory=statement.inventory,
        interest_expense=statement.interest_expense,
        ebit=statement.ebit,
        previous_revenue=previous.revenue,
    )
    assert statement.debt_to_asset == ratios["debt_to_asset"]
    assert statement.revenue_growth == ratios["revenue_growth"]
    requests = ServiceRequest.objects.filter(customer__in=bank_customers())
    assert requests.filter(status="closed").count() > requests.count() // 2
    assert requests.filter(sla_breached=True).exists()
    # open follow-ups point back at the interaction that asked for them
    for task in Task.objects.filter(customer__in=bank_customers()):
        assert task.interaction.next_action == task.title
    assert Decimal(0) < Loan.objects.aggregate(s=Sum("principal"))["s"]
    assert not requests.filter(~Q(status="closed"), closed_at__isnull=False).exists()


def test_command_refuses_a_fraction_without_bank_scale(db):
    with pytest.raises(CommandError, match="--scale bank"):
        call_command("seed_demo", "--fraction", "0.1", stdout=io.StringIO())
    with pytest.raises(CommandError, match="at most 1"):
        call_command("seed_demo", "--scale", "bank", "--fraction", "2", stdout=io.StringIO())
    assert not Customer.objects.exists()
