"""Repayment posting, allocation, reversal and the loan's outstanding principal."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from crm.exceptions import ActionForbidden, TransitionNotAllowed
from loans import services
from loans.jobs import dpd_classification
from loans.models import Installment, Repayment, RepaymentAllocation
from tests.loans.conftest import disbursed_loan

D = Decimal


@pytest.fixture
def loan(rm, approver, customer):
    # 120,000 over 12 months at 6 % equal principal: 10,000 principal a month,
    # first interest 600.00, second 550.00 (published-style table: 120,000 × 0.5 %).
    return disbursed_loan(
        rm,
        approver,
        customer,
        amount=D("120000.00"),
        term_months=12,
        annual_rate=D("6.0000"),
        repayment_method="equal_principal",
        disbursed_on=date(2025, 1, 15),
    )


def _rows(loan):
    return list(
        Installment.objects.filter(loan=loan)
        .order_by("number")
        .values_list("number", "interest_paid", "principal_paid", "status")[:3]
    )


def test_schedule_of_the_fixture_loan(loan):
    first, second = Installment.objects.filter(loan=loan).order_by("number")[:2]
    assert (first.due_date, first.principal, first.interest) == (
        date(2025, 2, 15),
        D("10000.00"),
        D("600.00"),
    )
    assert (second.principal, second.interest) == (D("10000.00"), D("550.00"))


def test_repayment_goes_to_oldest_installment_interest_first(rm, loan):
    services.repayment_post(loan=loan, user=rm, paid_on=date(2025, 2, 15), amount=D("10900.00"))

    assert _rows(loan) == [
        (1, D("600.00"), D("10000.00"), "paid"),
        (2, D("300.00"), D("0.00"), "partially_paid"),
        (3, D("0.00"), D("0.00"), "due"),
    ]
    loan.refresh_from_db()
    assert loan.outstanding_principal == D("110000.00")
    allocations = list(
        RepaymentAllocation.objects.order_by("installment__number").values_list(
            "installment__number", "interest", "principal"
        )
    )
    assert allocations == [(1, D("600.00"), D("10000.00")), (2, D("300.00"), D("0.00"))]


def test_overpayment_is_refused_and_nothing_is_written(rm, loan):
    total = sum(i.amount for i in Installment.objects.filter(loan=loan))
    with pytest.raises(ValidationError) as excinfo:
        services.repayment_post(
            loan=loan, user=rm, paid_on=date(2025, 2, 1), amount=total + D("0.01")
        )
    assert excinfo.value.message_dict == {"amount": [f"This is more than the {total} still owed."]}
    assert not Repayment.objects.exists()
    loan.refresh_from_db()
    assert loan.outstanding_principal == D("120000.00")


def test_paying_everything_settles_the_loan(rm, loan):
    total = sum(i.amount for i in Installment.objects.filter(loan=loan))
    services.repayment_post(loan=loan, user=rm, paid_on=date(2025, 2, 1), amount=total)
    loan.refresh_from_db()
    assert (loan.status, loan.outstanding_principal) == ("settled", D("0.00"))


def test_reversal_restores_installments_and_principal(rm, loan):
    first = services.repayment_post(
        loan=loan, user=rm, paid_on=date(2025, 2, 15), amount=D("10600.00")
    )
    second = services.repayment_post(
        loan=loan, user=rm, paid_on=date(2025, 3, 14), amount=D("500.00")
    )
    with pytest.raises(TransitionNotAllowed):
        services.repayment_reverse(repayment=first, user=rm, reason="wrong account")

    services.repayment_reverse(repayment=second, user=rm, reason="bounced")
    services.repayment_reverse(repayment=first, user=rm, reason="wrong account")

    assert _rows(loan) == [
        (1, D("0.00"), D("0.00"), "due"),
        (2, D("0.00"), D("0.00"), "due"),
        (3, D("0.00"), D("0.00"), "due"),
    ]
    loan.refresh_from_db()
    assert loan.outstanding_principal == D("120000.00")
    first.refresh_from_db()
    assert (first.reversal_reason, first.reversed_by) == ("wrong account", rm)
    with pytest.raises(TransitionNotAllowed):
        services.repayment_reverse(repayment=first, user=rm, reason="again")


def test_reversal_needs_a_reason(rm, loan):
    repayment = services.repayment_post(
        loan=loan, user=rm, paid_on=date(2025, 2, 15), amount=D("100.00")
    )
    with pytest.raises(ValidationError):
        services.repayment_reverse(repayment=repayment, user=rm, reason="  ")


def test_repayment_after_a_daily_run_updates_dpd_and_class_as_of_that_run(rm, loan):
    dpd_classification(as_of=date(2025, 3, 20))
    loan.refresh_from_db()
    assert (loan.days_past_due, loan.classification) == (33, "special_mention")

    services.repayment_post(loan=loan, user=rm, paid_on=date(2025, 3, 20), amount=D("10600.00"))

    loan.refresh_from_db()
    # installment 2 (due 2025-03-15) is still unpaid as of 2025-03-20
    assert (loan.days_past_due, loan.classification, loan.status_as_of) == (
        5,
        "special_mention",
        date(2025, 3, 20),
    )
    assert _rows(loan)[:2] == [
        (1, D("600.00"), D("10000.00"), "paid"),
        (2, D("0.00"), D("0.00"), "overdue"),
    ]


@pytest.mark.parametrize("who", ["approver", "risk_officer", "lead", "rm_other_team"])
def test_only_the_owning_rm_posts_repayments(request, loan, who):
    user = request.getfixturevalue(who)
    with pytest.raises(ActionForbidden):
        services.repayment_post(loan=loan, user=user, paid_on=date(2025, 2, 1), amount=D("1.00"))
    assert not Repayment.objects.exists()


def test_repayment_before_disbursement_is_refused(rm, loan):
    with pytest.raises(ValidationError) as excinfo:
        services.repayment_post(loan=loan, user=rm, paid_on=date(2025, 1, 14), amount=D("1.00"))
    assert list(excinfo.value.message_dict) == ["paid_on"]
