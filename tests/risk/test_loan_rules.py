"""The rules over loans, each at its threshold and one unit below; related-party contagion."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from loans.models import ClassificationChange
from risk import services
from risk.models import Alert, PostLoanCheck
from risk.rules import RULES, parse_params
from tests.factories import CustomerFactory

from .conftest import add_collateral, add_guarantor, add_installment

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 3, 2)
D = Decimal


def _hits(code, as_of=AS_OF, **overrides):
    return list(RULES[code].func(as_of=as_of, params=parse_params(code, overrides)))


@pytest.fixture
def customer(rm):
    return CustomerFactory(relationship_manager=rm, name="Borrower Co")


@pytest.mark.parametrize(
    ("dpd", "severity"),
    [(0, None), (1, "yellow"), (29, "yellow"), (30, "orange"), (89, "orange"), (90, "red")],
)
def test_repayment_overdue_bands(customer, loan_for, dpd, severity):
    loan = loan_for(customer, days_past_due=dpd)

    hits = _hits("repayment_overdue")

    assert [(h.loan_id, h.severity) for h in hits] == ([(loan.pk, severity)] if severity else [])


def test_repayment_overdue_details_name_the_amount_and_oldest_due_date(customer, loan_for):
    loan = loan_for(customer, days_past_due=31, outstanding=D("900000.00"))
    add_installment(loan, number=1, due_date=date(2026, 1, 30), principal=D("80000.00"),
                    interest=D("3000.00"), paid=D("1000.00"))  # fmt: skip
    add_installment(loan, number=2, due_date=date(2026, 2, 28), principal=D("80000.00"),
                    interest=D("2700.00"))  # fmt: skip
    add_installment(loan, number=3, due_date=date(2026, 3, 30), principal=D("80000.00"),
                    interest=D("2400.00"))  # fmt: skip

    (hit,) = _hits("repayment_overdue")

    assert hit.message == f"Loan L{loan.pk} is 31 days past due"
    assert hit.details == {
        "loan_id": loan.pk,
        "days_past_due": 31,
        "oldest_unpaid_due_date": "2026-01-30",
        "overdue_amount": "164700.00",  # 82,000 + 82,700 still owed on the two past installments
        "outstanding_principal": "900000.00",
        "classification": "normal",
        "status_as_of": "2026-03-02",
        "bands": {"yellow": 1, "orange": 30, "red": 90},
    }


def test_settled_loans_never_alert(customer, loan_for):
    loan_for(customer, days_past_due=120, status="settled")

    assert _hits("repayment_overdue") == []


def test_one_open_alert_per_loan_and_the_severity_climbs(customer, loan_for):
    first = loan_for(customer, days_past_due=5)
    second = loan_for(customer, days_past_due=45)

    services.rules_run(as_of=AS_OF, codes=["repayment_overdue"])
    first.days_past_due = 95
    first.save()
    services.rules_run(as_of=AS_OF + timedelta(days=1), codes=["repayment_overdue"])

    assert sorted(Alert.objects.values_list("loan_id", "severity")) == [
        (first.pk, "red"),
        (second.pk, "orange"),
    ]


def _change(loan, from_class, to_class, as_of=AS_OF):
    return ClassificationChange.objects.create(
        loan=loan, from_classification=from_class, to_classification=to_class,
        days_past_due=loan.days_past_due, as_of=as_of, source="floor",
    )  # fmt: skip


def test_classification_downgrade_orange_then_red_into_npl(customer, loan_for):
    mention = loan_for(customer, days_past_due=5)
    npl = loan_for(customer, days_past_due=91)
    upgraded = loan_for(customer)
    old = loan_for(customer)
    _change(mention, "normal", "special_mention")
    _change(npl, "special_mention", "substandard")
    _change(upgraded, "special_mention", "normal")
    _change(old, "normal", "special_mention", as_of=AS_OF - timedelta(days=2))

    hits = _hits("classification_downgrade")

    assert [(h.loan_id, h.severity) for h in hits] == [(mention.pk, "orange"), (npl.pk, "red")]
    assert hits[1].details["non_performing"] is True


@pytest.mark.parametrize(("value", "fires"), [(D("999999.99"), True), (D("1000000.00"), False)])
def test_collateral_shortfall_fires_below_full_coverage(customer, loan_for, value, fires):
    loan = loan_for(customer, guarantee_method="collateral", outstanding=D("1000000.00"))
    add_collateral(loan, value - D("400000.00"))
    add_collateral(loan, D("400000.00"), valued=date(2025, 7, 1))

    hits = _hits("collateral_shortfall")

    assert [h.loan_id for h in hits] == ([loan.pk] if fires else [])
    if fires:
        assert hits[0].details == {
            "loan_id": loan.pk,
            "collateral_value": "999999.99",
            "outstanding_principal": "1000000.00",
            "coverage": "1.0000",
            "min_coverage": "1.00",
            "shortfall": "0.01",
            "last_valued_on": "2025-07-01",
        }


def test_collateral_shortfall_ignores_unsecured_loans_and_counts_missing_collateral(
    customer, loan_for
):
    loan_for(customer, guarantee_method="credit")
    bare = loan_for(customer, guarantee_method="collateral")

    assert [h.loan_id for h in _hits("collateral_shortfall")] == [bare.pk]


# --- related-party contagion ------------------------------------------------------------------


def test_guarantee_chain_contagion_reaches_the_related_customers_and_nobody_else(rm, loan_for):
    defaulter = CustomerFactory(relationship_manager=rm, name="Defaulter Co")
    guarantor = CustomerFactory(relationship_manager=rm, name="Guarantor Co")
    guaranteed = CustomerFactory(relationship_manager=rm, name="Guaranteed Co")
    bystander = CustomerFactory(relationship_manager=rm, name="Bystander Co")
    bad_loan = loan_for(defaulter, days_past_due=90)
    add_guarantor(bad_loan, guarantor)  # guarantor stands behind the defaulting loan
    add_guarantor(loan_for(guaranteed), defaulter)  # the defaulter guarantees another borrower
    loan_for(bystander, days_past_due=10)

    hits = {h.customer_id: h for h in _hits("related_party_default")}

    assert set(hits) == {guarantor.pk, guaranteed.pk}
    assert hits[guarantor.pk].details["related_parties"] == [
        {"customer_id": defaulter.pk, "customer_name": "Defaulter Co", "loan_id": bad_loan.pk,
         "days_past_due": 90, "relation": "borrower_you_guarantee"},
    ]  # fmt: skip
    assert hits[guaranteed.pk].details["related_parties"][0]["relation"] == "your_guarantor"


def test_no_contagion_one_day_below_the_threshold(rm, loan_for):
    defaulter = CustomerFactory(relationship_manager=rm)
    guarantor = CustomerFactory(relationship_manager=rm)
    add_guarantor(loan_for(defaulter, days_past_due=89), guarantor)

    assert _hits("related_party_default") == []


# --- post-loan checks -------------------------------------------------------------------------


@pytest.mark.parametrize(("days_since", "fires"), [(31, True), (30, False)])
def test_first_post_loan_check_is_due_30_days_after_disbursement(
    customer, loan_for, days_since, fires
):
    loan = loan_for(customer, disbursed_on=AS_OF - timedelta(days=days_since))

    hits = _hits("post_loan_check_overdue")

    assert [h.loan_id for h in hits] == ([loan.pk] if fires else [])


def test_a_check_sets_the_next_due_date_and_misuse_raises_a_red_alert(customer, loan_for, rm):
    loan = loan_for(customer, disbursed_on=date(2025, 6, 1))

    services.post_loan_check_record(
        loan=loan, user=rm, checked_on=AS_OF - timedelta(days=1), method="on_site",
        loan_usage="Paid a property developer", purpose_compliant=False,
        findings="CNY 400k moved to a real-estate company",
    )  # fmt: skip

    check = PostLoanCheck.objects.get()
    assert check.next_check_on == AS_OF - timedelta(days=1) + timedelta(days=90)
    assert _hits("post_loan_check_overdue") == []
    alert = Alert.objects.get(rule="fund_misuse")
    assert (alert.loan_id, alert.severity) == (loan.pk, "red")
    assert alert.details["observed_use"] == "Paid a property developer"
    assert alert.details["agreed_purpose"] == "Purchase of raw materials"


def test_high_risk_borrowers_are_checked_every_30_days(rm, loan_for):
    customer = CustomerFactory(relationship_manager=rm, risk_level="high")
    loan = loan_for(customer)

    check = services.post_loan_check_record(
        loan=loan, user=rm, checked_on=AS_OF, method="documents", loan_usage="Inventory",
        purpose_compliant=True,
    )  # fmt: skip

    assert check.next_check_on == AS_OF + timedelta(days=30)
    assert not Alert.objects.exists()


def test_credit_approvers_do_not_record_checks(customer, loan_for, approver):
    from crm.exceptions import ActionForbidden

    with pytest.raises(ActionForbidden):
        services.post_loan_check_record(
            loan=loan_for(customer), user=approver, checked_on=AS_OF, method="documents",
            loan_usage="x", purpose_compliant=True,
        )  # fmt: skip
    assert not PostLoanCheck.objects.exists()


def test_repayment_behaviour_feeds_the_score(customer, loan_for):
    loan_for(customer, days_past_due=45)

    services.scores_compute(as_of=AS_OF)

    factor = next(
        f for f in customer.risk_scores.get().factors if f["indicator"] == "max_days_past_due"
    )
    assert (factor["value"], factor["band_score"]) == ("45", 30)


# --- pages and API over loans -----------------------------------------------------------------


def test_post_loan_check_page_lists_due_loans_and_records_a_check(web_for, rm, customer, loan_for):
    from django.utils import timezone

    today = timezone.localdate()
    late = loan_for(customer, disbursed_on=today - timedelta(days=60))
    client = web_for(rm)

    page = client.get("/risk/post-loan-checks/").content.decode()
    response = client.post(
        "/risk/post-loan-checks/",
        {"loan": late.pk, "checked_on": today.isoformat(), "method": "account_flow",
         "loan_usage": "Raw materials from two suppliers", "purpose_compliant": "yes"},
    )  # fmt: skip

    assert f"L{late.pk}" in page
    assert 'class="table-danger"' in page
    assert response.status_code == 302
    assert PostLoanCheck.objects.get().next_check_on == today + timedelta(days=90)


def test_post_loan_check_page_refuses_loans_out_of_scope(
    web_for, rm_other_team, customer, loan_for
):
    from django.utils import timezone

    loan = loan_for(customer)
    response = web_for(rm_other_team).post(
        "/risk/post-loan-checks/",
        {"loan": loan.pk, "checked_on": timezone.localdate().isoformat(), "method": "on_site",
         "loan_usage": "x", "purpose_compliant": "yes"},
    )  # fmt: skip

    assert response.status_code == 200
    assert "No active loan with that number" in response.content.decode()
    assert not PostLoanCheck.objects.exists()


def test_manual_alert_on_a_loan_must_be_the_customers_loan(api_for, risk_officer, rm, loan_for):
    customer = CustomerFactory(relationship_manager=rm)
    other = CustomerFactory(relationship_manager=rm)
    loan = loan_for(customer)
    payload = {"customer": customer.pk, "category": "fund_flow", "severity": "orange",
               "message": "Large transfer to an unknown account"}  # fmt: skip
    client = api_for(risk_officer)

    good = client.post("/api/v1/alerts/", {**payload, "loan": loan.pk}, format="json")
    bad = client.post(
        "/api/v1/alerts/", {**payload, "customer": other.pk, "loan": loan.pk}, format="json"
    )

    assert (good.status_code, good.json()["loan"]) == (201, loan.pk)
    assert (bad.status_code, bad.json()) == (
        400,
        {"loan": ["The loan is not one of this customer's loans."]},
    )


def test_nightly_run_over_loans_twice_changes_nothing(rm, customer, loan_for):
    from crm.jobs import get_job, run_job

    defaulter = loan_for(customer, days_past_due=120, guarantee_method="collateral")
    add_guarantor(defaulter, CustomerFactory(relationship_manager=rm))
    _change(defaulter, "special_mention", "substandard")
    job = get_job("risk.nightly")

    first = run_job(job, as_of=AS_OF)
    snapshot = list(Alert.objects.order_by("id").values())
    second = run_job(job, as_of=AS_OF)

    assert sorted(Alert.objects.values_list("rule", flat=True)) == [
        "classification_downgrade", "collateral_shortfall", "post_loan_check_overdue",
        "related_party_default", "repayment_overdue",
    ]  # fmt: skip
    assert first.counts["alerts_raised"] == 5
    assert second.counts["alerts_raised"] == 0
    assert list(Alert.objects.order_by("id").values()) == snapshot
