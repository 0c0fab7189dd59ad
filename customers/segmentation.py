"""Classification rules of DOMAIN.md §3 with the thresholds of §10 (SegmentationPolicy).

Pure functions over plain values, so the rules are tested without a database.
"""

from datetime import date, timedelta
from decimal import Decimal

from .choices import CreditGrade, RiskLevel, Tier, ValueTier


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
