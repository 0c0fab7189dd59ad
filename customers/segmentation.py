"""Classification rules of DOMAIN.md §3 with the thresholds of §10 (SegmentationPolicy).

Pure functions over plain values, so the rules are tested without a database.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta

from .choices import CreditGrade, LifecycleStage, RiskLevel, Segment, Tier, ValueTier


def _share(value, full) -> Decimal:
    """The fraction of full marks a component earns: value / full, capped at 1, never below 0."""
    if value is None or value <= 0:
        return Decimal(0)
    return min(Decimal(1), Decimal(value) / Decimal(full))


def contribution_score(
    *,
    loans: Decimal | None,
    deposits: Decimal | None,
    intermediate_income: Decimal | None,
    products_held: int | None,
    policy,
) -> int | None:
    """Σ weight × min(1, input / full marks), 0–100 rounded half-up; None when nothing is known.

    A customer with no exposure and none of the three profile inputs is unscored rather than
    scored 0, so a prospect does not rank in the value-tier percentile.
    """
    if not loans and deposits is None and intermediate_income is None and products_held is None:
        return None
    total = (
        policy.weight_loans * _share(loans, policy.full_marks_loans)
        + policy.weight_deposits * _share(deposits, policy.full_marks_deposits)
        + policy.weight_intermediate_income
        * _share(intermediate_income, policy.full_marks_intermediate_income)
        + policy.weight_products * _share(products_held, policy.full_marks_products)
    )
    return int(total.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def suggested_tier(
    *, approved_credit: Decimal | None, contribution_score: int | None, policy
) -> str:
    """重点 when approved credit ≥ the credit threshold or contribution ≥ the score threshold."""
    if approved_credit is not None and approved_credit >= policy.key_credit_threshold:
        return Tier.KEY
    if contribution_score is not None and contribution_score >= policy.key_contribution_threshold:
        return Tier.KEY
    return Tier.GENERAL


def high_value_cutoff(scores: list[int], *, top_percent: int) -> int | None:
    """The lowest score still inside the top `top_percent` % (at least one customer), or None."""
    ranked = sorted((s for s in scores if s is not None), reverse=True)
    if not ranked:
        return None
    count = max(1, len(ranked) * top_percent // 100)
    return ranked[count - 1]


def suggested_value_tier(
    *, contribution_score: int | None, credit_grade: str, cutoff: int | None, policy
) -> str:
    """高价值 in the top band, 高潜力 above the potential threshold, 优质 for excellent credit."""
    if contribution_score is not None and cutoff is not None and contribution_score >= cutoff:
        return ValueTier.HIGH_VALUE
    if (
        contribution_score is not None
        and contribution_score >= policy.high_potential_min_contribution
    ):
        return ValueTier.HIGH_POTENTIAL
    if credit_grade == CreditGrade.EXCELLENT:
        return ValueTier.QUALITY
    return ValueTier.STANDARD


def review_interval_days(*, credit_grade: str, risk_level: str, policy) -> int:
    """365 days, or 180 for 关注 credit or high risk (DOMAIN.md §10)."""
    if credit_grade == CreditGrade.WATCH or risk_level == RiskLevel.HIGH:
        return policy.watch_review_interval_days
    return policy.review_interval_days


def review_due_on(
    *, classified_on: date | None, credit_grade: str, risk_level: str, policy
) -> date | None:
    """The date the next classification review is due; None means it was never classified."""
    if classified_on is None:
        return None
    days = review_interval_days(credit_grade=credit_grade, risk_level=risk_level, policy=policy)
    return classified_on + timedelta(days=days)


def segment_for(
    *,
    credit_grade: str,
    risk_level: str,
    contribution_score: int | None,
    value_tier: str,
    policy,
) -> str:
    """The segment (docs/adr/0003-segmentation-rules.md), first match wins.

    风险: high risk or 关注 credit. 优质: 优质 credit, risk not high, and high value or
    contribution ≥ the premium threshold. 潜力: contribution ≥ the potential threshold or a
    high-value / high-potential tier. 大众市场: everyone else.
    """
    if risk_level == RiskLevel.HIGH or credit_grade == CreditGrade.WATCH:
        return Segment.RISK
    score = contribution_score if contribution_score is not None else -1
    if credit_grade == CreditGrade.EXCELLENT and (
        value_tier == ValueTier.HIGH_VALUE or score >= policy.premium_min_contribution
    ):
        return Segment.PREMIUM
    if score >= policy.potential_min_contribution or value_tier in (
        ValueTier.HIGH_VALUE,
        ValueTier.HIGH_POTENTIAL,
    ):
        return Segment.POTENTIAL
    return Segment.MASS_MARKET


@dataclass(frozen=True)
class LoanFact:
    """What the lifecycle rule needs of one disbursed loan."""

    disbursed_on: date
    maturity_date: date
    active: bool


@dataclass(frozen=True)
class Transition:
    """A lifecycle move the rules call for, with the reason recorded in the change log."""

    stage: str
    reason: str


def lifecycle_transition(
    *,
    stage: str,
    loans: list[LoanFact],
    last_activity: date | None,
    manual_since: date | None,
    as_of: date,
    policy,
    messages,
) -> Transition | None:
    """The automatic lifecycle move for `as_of`, or None.

    Only new and established customers move: prospect → new needs the onboarding gate and a
    person, churned is set only by a person. A churn indicator whose trigger date is on or
    before the last lifecycle change made by a person is ignored, so the job never overturns
    a person's decision on the same evidence. `messages` holds the reason texts (translated by
    the caller; this module has no Django).
    """
    if stage not in (LifecycleStage.NEW, LifecycleStage.ESTABLISHED):
        return None

    def fresh(trigger: date) -> bool:
        return trigger <= as_of and (manual_since is None or trigger > manual_since)

    has_active = any(loan.active for loan in loans)
    if not has_active and last_activity is not None:
        trigger = last_activity + timedelta(days=policy.churn_inactive_days)
        if fresh(trigger):
            return Transition(LifecycleStage.AT_RISK, messages["inactive"])
    matured = [loan.maturity_date for loan in loans if not loan.active]
    if not has_active and matured:
        trigger = max(matured) + timedelta(days=policy.churn_renewal_days)
        if fresh(trigger):
            return Transition(LifecycleStage.AT_RISK, messages["not_renewed"])
    if stage == LifecycleStage.NEW and loans:
        if len(loans) >= 2:
            return Transition(LifecycleStage.ESTABLISHED, messages["second_loan"])
        first = min(loan.disbursed_on for loan in loans)
        if first + relativedelta(months=policy.established_after_months) <= as_of:
            return Transition(LifecycleStage.ESTABLISHED, messages["seasoned"])
    return None
