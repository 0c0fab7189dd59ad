"""Rules over financial statements, each at its threshold and one unit below; group contagion."""

from datetime import date
from decimal import Decimal

import pytest

from customers.models import CustomerGroup, CustomerRelation
from risk import services
from risk.rules import RULES, parse_params
from tests.factories import CustomerFactory, FinancialStatementFactory

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 3, 2)
D = Decimal


def _hits(code, as_of=AS_OF, **overrides):
    return list(RULES[code].func(as_of=as_of, params=parse_params(code, overrides)))


@pytest.fixture
def customer(rm):
    return CustomerFactory(relationship_manager=rm)


@pytest.mark.parametrize(("ratio", "fires"), [(D("0.8000"), True), (D("0.7999"), False)])
def test_debt_ratio_high_fires_at_80_percent(customer, ratio, fires):
    statement = FinancialStatementFactory(
        customer=customer, period_end=date(2025, 12, 31), debt_to_asset=ratio,
        total_assets=D("1000.00"), total_liabilities=ratio * 1000,
    )  # fmt: skip

    hits = _hits("debt_ratio_high")

    assert [h.customer_id for h in hits] == ([customer.pk] if fires else [])
    if fires:
        assert hits[0].details == {
            "statement_id": statement.pk,
            "period_end": "2025-12-31",
            "debt_to_asset": "0.8000",
            "total_liabilities": "800.00",
            "total_assets": "1000.00",
            "threshold": "0.80",
        }
        assert hits[0].message == "Debt-to-asset ratio 80.00% at or above 80% (2025-12-31)"


def test_only_the_latest_statement_up_to_the_date_counts(customer):
    FinancialStatementFactory(
        customer=customer, period_end=date(2024, 12, 31), debt_to_asset=D("0.9")
    )
    FinancialStatementFactory(
        customer=customer, period_end=date(2025, 12, 31), debt_to_asset=D("0.5")
    )
    FinancialStatementFactory(
        customer=customer, period_end=date(2026, 6, 30), debt_to_asset=D("0.95")
    )

    assert _hits("debt_ratio_high") == []
    assert [h.customer_id for h in _hits("debt_ratio_high", as_of=date(2026, 7, 1))] == [
        customer.pk
    ]


@pytest.mark.parametrize(("growth", "fires"), [(D("-0.3000"), True), (D("-0.2999"), False)])
def test_revenue_drop_fires_at_minus_30_percent(customer, growth, fires):
    FinancialStatementFactory(
        customer=customer, period_end=date(2025, 12, 31), revenue_growth=growth
    )

    hits = _hits("revenue_drop")

    assert [h.customer_id for h in hits] == ([customer.pk] if fires else [])
    if fires:
        assert hits[0].details["revenue_growth"] == "-0.3000"
        assert hits[0].details["threshold"] == "-0.30"


@pytest.mark.parametrize(("cash", "fires"), [(D("-0.01"), True), (D("0.00"), False)])
def test_negative_operating_cash_flow_fires_below_zero(customer, cash, fires):
    FinancialStatementFactory(
        customer=customer, period_end=date(2025, 12, 31), operating_cash_flow=cash
    )

    assert [h.customer_id for h in _hits("negative_operating_cash_flow")] == (
        [customer.pk] if fires else []
    )


def test_statement_ratios_feed_the_score(customer):
    FinancialStatementFactory(
        customer=customer, period_end=date(2025, 12, 31), debt_to_asset=D("0.7500"),
        current_ratio=D("1.2000"), interest_coverage=D("2.5000"), revenue_growth=D("0.0500"),
        revenue=D("1000000.00"), operating_cash_flow=D("80000.00"),
    )  # fmt: skip

    services.scores_compute(as_of=AS_OF)

    factors = {f["indicator"]: f for f in customer.risk_scores.get().factors}
    assert (factors["debt_to_asset"]["value"], factors["debt_to_asset"]["band_score"]) == (
        "0.7500",
        35,
    )
    assert factors["current_ratio"]["band_score"] == 60
    assert factors["interest_coverage"]["band_score"] == 60
    assert factors["revenue_growth"]["band_score"] == 70
    assert (
        factors["operating_cash_flow_margin"]["value"],
        factors["operating_cash_flow_margin"]["band_score"],
    ) == ("0.0800", 75)


def test_group_and_relation_contagion_reaches_related_customers_and_nobody_else(rm, loan_for):
    group = CustomerGroup.objects.create(name="Huaxin Group")
    defaulter = CustomerFactory(relationship_manager=rm, name="Huaxin Steel", group=group)
    sister = CustomerFactory(relationship_manager=rm, name="Huaxin Trading", group=group)
    parent = CustomerFactory(relationship_manager=rm, name="Huaxin Holdings")
    unrelated = CustomerFactory(relationship_manager=rm, name="Other Co")
    other_group = CustomerGroup.objects.create(name="Other Group")
    CustomerFactory(relationship_manager=rm, group=other_group)
    CustomerRelation.objects.create(customer=parent, related=defaulter, kind="parent")
    loan = loan_for(defaulter, days_past_due=120)
    loan_for(unrelated, days_past_due=20)

    hits = {h.customer_id: h for h in _hits("related_party_default")}

    assert set(hits) == {sister.pk, parent.pk}
    assert hits[sister.pk].details["related_parties"] == [
        {"customer_id": defaulter.pk, "customer_name": "Huaxin Steel", "loan_id": loan.pk,
         "days_past_due": 120, "relation": "same_group"},
    ]  # fmt: skip
    assert hits[parent.pk].details["related_parties"][0]["relation"] == "parent"
    assert hits[parent.pk].message == "Related party seriously overdue: Huaxin Steel"
