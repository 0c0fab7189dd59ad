"""The daily DPD / classification job: the regulation's thresholds to the day, idempotency."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from crm.exceptions import ActionForbidden, TransitionNotAllowed
from crm.jobs import get_job
from loans import services
from loans.jobs import dpd_classification
from loans.models import ClassificationChange, Installment
from tests.loans.conftest import disbursed_loan

D = Decimal
FIRST_DUE = date(2024, 2, 15)


@pytest.fixture
def loan(rm, approver, customer):
    # Bullet loan: one installment due 2024-02-15, so DPD is simply as_of − 2024-02-15.
    return disbursed_loan(
        rm,
        approver,
        customer,
        amount=D("500000.00"),
        term_months=1,
        annual_rate=D("4.8000"),
        repayment_method="bullet",
        disbursed_on=date(2024, 1, 15),
    )


@pytest.mark.parametrize(
    ("days", "classification", "installment_status"),
    [
        (0, "normal", "due"),
        (1, "special_mention", "overdue"),
        (90, "special_mention", "overdue"),
        (91, "substandard", "overdue"),
        (270, "substandard", "overdue"),
        (271, "doubtful", "overdue"),
        (360, "doubtful", "overdue"),
        (361, "loss", "overdue"),
    ],
)
def test_dpd_and_floor_at_the_regulations_thresholds(
    loan, days, classification, installment_status
):
    as_of = FIRST_DUE + timedelta(days=days)

    result = dpd_classification(as_of=as_of)

    loan.refresh_from_db()
    assert (loan.days_past_due, loan.classification, loan.status_as_of) == (
        days,
        classification,
        as_of,
    )
    assert Installment.objects.get(loan=loan).status == installment_status
    assert result.counts["loans"] == 1


def test_before_the_due_date_dpd_is_zero(loan):
    dpd_classification(as_of=FIRST_DUE - timedelta(days=10))
    loan.refresh_from_db()
    assert (loan.days_past_due, loan.classification) == (0, "normal")


def test_job_is_idempotent_and_records_history(loan):
    first = dpd_classification(as_of=FIRST_DUE + timedelta(days=91))
    second = dpd_classification(as_of=FIRST_DUE + timedelta(days=91))

    assert first.counts == {
        "loans": 1,
        "loans_updated": 1,
        "installments_updated": 1,
        "reclassified": 1,
    }
    assert second.counts == {
        "loans": 1,
        "loans_updated": 0,
        "installments_updated": 0,
        "reclassified": 0,
    }
    assert list(
        ClassificationChange.objects.values_list(
            "from_classification", "to_classification", "days_past_due", "source"
        )
    ) == [("normal", "substandard", 91, "floor")]


def test_job_is_registered_and_runs_from_the_command(loan):
    assert get_job("loans.dpd_classification").order == 10
    call_command("run_daily_jobs", "--as-of", "2024-02-16")
    loan.refresh_from_db()
    assert (loan.days_past_due, loan.classification) == (1, "special_mention")


def test_job_query_count_does_not_grow_with_the_portfolio(
    rm, approver, customer, django_assert_num_queries
):
    for _ in range(3):
        disbursed_loan(rm, approver, customer, disbursed_on=date(2024, 1, 15))
    with django_assert_num_queries(4):  # savepoint, installments, loans, release
        dpd_classification(as_of=date(2024, 6, 1))


def test_partly_paid_overdue_installment_keeps_counting(rm, loan):
    services.repayment_post(loan=loan, user=rm, paid_on=date(2024, 2, 15), amount=D("1000.00"))
    dpd_classification(as_of=FIRST_DUE + timedelta(days=5))
    loan.refresh_from_db()
    assert loan.days_past_due == 5
    assert Installment.objects.get(loan=loan).status == "overdue"


def test_manual_worse_class_needs_a_risk_officer_and_never_improves(rm, risk_officer, loan):
    dpd_classification(as_of=FIRST_DUE + timedelta(days=5))
    with pytest.raises(ValidationError):
        services.classification_propose(
            loan=loan, user=rm, classification="normal", reason="paid soon"
        )
    proposal = services.classification_propose(
        loan=loan, user=rm, classification="doubtful", reason="Owner absconded"
    )
    with pytest.raises(TransitionNotAllowed):
        services.classification_propose(loan=loan, user=rm, classification="loss", reason="x")
    with pytest.raises(ActionForbidden):
        services.classification_proposal_approve(proposal=proposal, user=rm)

    services.classification_proposal_approve(proposal=proposal, user=risk_officer, note="agreed")

    loan.refresh_from_db()
    assert (loan.classification, loan.manual_classification) == ("doubtful", "doubtful")
    # the floor would only say special mention; the approved class stays
    dpd_classification(as_of=FIRST_DUE + timedelta(days=6))
    loan.refresh_from_db()
    assert loan.classification == "doubtful"
    # past 360 days the floor is worse than the manual class and wins
    dpd_classification(as_of=FIRST_DUE + timedelta(days=361))
    loan.refresh_from_db()
    assert loan.classification == "loss"
    history = list(
        ClassificationChange.objects.order_by("id").values_list(
            "from_classification", "to_classification", "source", "changed_by"
        )
    )
    assert history == [
        ("normal", "special_mention", "floor", None),
        ("special_mention", "doubtful", "manual", risk_officer.pk),
        ("doubtful", "loss", "floor", None),
    ]


def test_risk_officer_cannot_approve_own_proposal(risk_officer, loan):
    proposal = services.classification_propose(
        loan=loan, user=risk_officer, classification="substandard", reason="Fraud suspected"
    )
    with pytest.raises(ActionForbidden):
        services.classification_proposal_approve(proposal=proposal, user=risk_officer)
