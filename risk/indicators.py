"""The scorecard's indicator values for a batch of customers, one set-based query per source.

`collect(customer_ids, as_of=...)` returns `{customer_id: {indicator code: Decimal | None}}`;
None means "no data" and scores the indicator's `missing_score` (risk/scoring.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count

from customers.models import Customer

from .choices import MANUAL_RULES, AlertStatus, Indicator, RuleCode


def _customer_facts(ids: Sequence[int], as_of: date, values: dict) -> None:
    """Industry risk and policy flags, years of cooperation: from the customer row."""
    rows = Customer.objects.filter(pk__in=ids).values(
        "pk",
        "cooperation_start",
        "industry__risk_rating",
        "industry__policy_supported",
        "industry__stable_demand",
        "industry__good_prospects",
    )
    for row in rows:
        facts = values[row["pk"]]
        facts[Indicator.INDUSTRY_RISK] = Decimal(row["industry__risk_rating"])
        facts[Indicator.INDUSTRY_POLICY_FLAGS] = Decimal(
            sum(
                bool(row[f])
                for f in (
                    "industry__policy_supported",
                    "industry__stable_demand",
                    "industry__good_prospects",
                )
            )
        )
        start = row["cooperation_start"]
        facts[Indicator.COOPERATION_YEARS] = (
            None
            if start is None or start > as_of
            else (Decimal((as_of - start).days) / Decimal("365.25")).quantize(Decimal("0.01"))
        )


# Manual and event alerts, fund misuse and related-party defaults are adverse events; a
# dismissed alert was judged unfounded and does not count.
ADVERSE_RULES = (*MANUAL_RULES, RuleCode.FUND_MISUSE, RuleCode.RELATED_PARTY_DEFAULT)


def _adverse_events(ids: Sequence[int], as_of: date, values: dict) -> None:
    """Adverse alerts (manual, macro/policy, fund misuse, related-party) in the last 365 days."""
    from .models import Alert

    rows = (
        Alert.objects.filter(
            customer_id__in=ids,
            rule__in=ADVERSE_RULES,
            raised_on__gt=as_of - timedelta(days=365),
            raised_on__lte=as_of,
        )
        .exclude(status=AlertStatus.DISMISSED)
        .values("customer_id")
        .annotate(n=Count("id"))
    )
    for facts in values.values():
        facts[Indicator.ADVERSE_EVENTS_365D] = Decimal(0)
    for row in rows:
        values[row["customer_id"]][Indicator.ADVERSE_EVENTS_365D] = Decimal(row["n"])


def _repayment_behaviour(ids: Sequence[int], as_of: date, values: dict) -> None:
    """The worst days past due over a borrower's active loans (0 when all are current);
    customers who never borrowed have no repayment record (None)."""
    from django.db.models import Max, Q

    from loans.models import Loan

    rows = (
        Loan.objects.filter(customer_id__in=ids)
        .values("customer_id")
        .annotate(worst=Max("days_past_due", filter=Q(status="active")))
    )
    for row in rows:
        values[row["customer_id"]][Indicator.MAX_DAYS_PAST_DUE] = Decimal(row["worst"] or 0)


def _statements(ids: Sequence[int], as_of: date, values: dict) -> None:
    """Ratios of each customer's latest statement ending on or before `as_of`."""
    from customers.models import FinancialStatement

    rows = (
        FinancialStatement.objects.filter(customer_id__in=ids, period_end__lte=as_of)
        .order_by("customer_id", "-period_end", "-id")
        .distinct("customer_id")
        .values(
            "customer_id",
            "debt_to_asset",
            "current_ratio",
            "interest_coverage",
            "revenue_growth",
            "operating_cash_flow",
            "revenue",
        )  # fmt: skip
    )
    for row in rows:
        facts = values[row["customer_id"]]
        facts[Indicator.DEBT_TO_ASSET] = row["debt_to_asset"]
        facts[Indicator.CURRENT_RATIO] = row["current_ratio"]
        facts[Indicator.INTEREST_COVERAGE] = row["interest_coverage"]
        facts[Indicator.REVENUE_GROWTH] = row["revenue_growth"]
        cash, revenue = row["operating_cash_flow"], row["revenue"]
        facts[Indicator.OPERATING_CASH_FLOW_MARGIN] = (
            None
            if cash is None or not revenue
            else (cash / revenue).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
        )


def _interactions(ids: Sequence[int], as_of: date, values: dict) -> None:
    """Days since the last (non-automatic) contact, complaints received in the last 90 days."""
    from datetime import datetime, time

    from django.db.models import Count, Max
    from django.utils import timezone

    from interactions.models import Interaction, ServiceRequest

    end = timezone.make_aware(datetime.combine(as_of + timedelta(days=1), time.min))
    last = (
        Interaction.objects.filter(customer_id__in=ids, occurred_at__lt=end)
        .exclude(channel="automatic")
        .values("customer_id")
        .annotate(last=Max("occurred_at"))
    )
    for row in last:
        days = (as_of - timezone.localtime(row["last"]).date()).days
        values[row["customer_id"]][Indicator.DAYS_SINCE_CONTACT] = Decimal(max(days, 0))
    start = end - timedelta(days=90)
    for facts in values.values():
        facts[Indicator.COMPLAINTS_90D] = Decimal(0)
    complaints = (
        ServiceRequest.objects.filter(
            customer_id__in=ids, kind="complaint", received_at__gte=start, received_at__lt=end
        )
        .values("customer_id")
        .annotate(n=Count("id"))
    )
    for row in complaints:
        values[row["customer_id"]][Indicator.COMPLAINTS_90D] = Decimal(row["n"])


SOURCES = [_customer_facts, _adverse_events, _repayment_behaviour, _statements, _interactions]


def collect(customer_ids: Sequence[int], *, as_of: date) -> dict[int, dict[str, Decimal | None]]:
    """Every indicator's value for each customer as of a date (unknown indicators are None)."""
    values: dict[int, dict[str, Decimal | None]] = {
        pk: dict.fromkeys(Indicator.values) for pk in customer_ids
    }
    for source in SOURCES:
        source(customer_ids, as_of, values)
    return values
