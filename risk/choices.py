"""Choices of the risk app (API.md "Risk"; DOMAIN.md §5 and §10)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    RED = "red", _("Red (红色)")
    ORANGE = "orange", _("Orange (橙色)")
    YELLOW = "yellow", _("Yellow (黄色)")


# Worst first: used to order the queue and to only ever raise a severity, never lower it.
SEVERITY_RANK = {Severity.RED: 3, Severity.ORANGE: 2, Severity.YELLOW: 1}


def severity_order():
    """The queue's rank of a severity as an SQL expression (red 3, orange 2, yellow 1): the
    queue orders by it, and an index on it lets the queue read its first page in order."""
    return models.Case(
        *[models.When(severity=s, then=models.Value(rank)) for s, rank in SEVERITY_RANK.items()],
        output_field=models.IntegerField(),
    )


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Open (待处理)")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged (已确认)")
    ESCALATED = "escalated", _("Escalated (已升级)")
    RESOLVED = "resolved", _("Resolved (已解决)")
    DISMISSED = "dismissed", _("Dismissed (已驳回)")


ACTIVE_STATUSES = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED, AlertStatus.ESCALATED)
CLOSED_STATUSES = (AlertStatus.RESOLVED, AlertStatus.DISMISSED)


class AlertResponse(models.TextChoices):
    """The four response strategies of DOMAIN.md §5, plus other."""

    ADJUST_TERMS = "adjust_terms", _("Adjust loan terms or repayment plan (调整贷款条件或还款计划)")
    LIQUIDITY_SUPPORT = (
        "liquidity_support",
        _("Liquidity support or restructuring (短期资金支持或债务重组)"),
    )
    LEGAL_ACTION = "legal_action", _("Legal action (启动法律程序)")
    PORTFOLIO_ADJUSTMENT = (
        "portfolio_adjustment",
        _("Portfolio adjustment (调整贷款组合和资产配置)"),
    )
    OTHER = "other", _("Other (其他)")


class RuleCode(models.TextChoices):
    """Rule codes of API.md plus the extra signals of DOMAIN.md §5 and §10."""

    REPAYMENT_OVERDUE = "repayment_overdue", _("Repayment overdue (逾期还款)")
    CLASSIFICATION_DOWNGRADE = (
        "classification_downgrade",
        _("Classification downgrade (五级分类下调)"),
    )
    DEBT_RATIO_HIGH = "debt_ratio_high", _("Debt ratio high (资产负债率过高)")
    REVENUE_DROP = "revenue_drop", _("Revenue drop (营业收入下降)")
    NEGATIVE_OPERATING_CASH_FLOW = (
        "negative_operating_cash_flow",
        _("Negative operating cash flow (经营现金流为负)"),
    )
    COLLATERAL_SHORTFALL = "collateral_shortfall", _("Collateral shortfall (抵押物不足)")
    CONTACT_OVERDUE = "contact_overdue", _("Contact overdue (联系逾期)")
    COMPLAINT_SLA_BREACH = "complaint_sla_breach", _("Complaint SLA breach (投诉超时)")
    RELATED_PARTY_DEFAULT = "related_party_default", _("Related-party default (关联方违约)")
    SCORE_DROP = "score_drop", _("Score drop or grade downgrade (评分下降)")
    WATCH_REVIEW_OVERDUE = "watch_review_overdue", _("Watch-list review overdue (观察名单复查逾期)")
    POST_LOAN_CHECK_OVERDUE = "post_loan_check_overdue", _("Post-loan check overdue (贷后检查逾期)")
    FUND_MISUSE = "fund_misuse", _("Funds used against purpose (资金用途不合规)")
    MACRO_POLICY = "macro_policy", _("Macro or policy event (宏观/政策事件)")
    MANUAL = "manual", _("Manual alert (人工预警)")


# Alerts that people raise; every other code is raised by the nightly rules.
MANUAL_RULES = (RuleCode.MANUAL, RuleCode.MACRO_POLICY)


class ManualCategory(models.TextChoices):
    """What a risk officer raises by hand (DOMAIN.md §5, warning signals)."""

    LITIGATION = "litigation", _("Litigation (诉讼)")
    EXECUTIVE_CHANGE = "executive_change", _("Executive change (高管变动)")
    FRAUD = "fraud", _("Fraud suspicion (涉嫌欺诈)")
    LIQUIDITY = "liquidity", _("Liquidity problem (流动性问题)")
    OPERATING_CHANGE = "operating_change", _("Abnormal operating change (经营异常)")
    FUND_FLOW = "fund_flow", _("Fund-flow anomaly (资金流动异常)")
    OTHER = "other", _("Other (其他)")


class RiskEventKind(models.TextChoices):
    MACRO = "macro", _("Macroeconomic change (宏观经济变化)")
    POLICY = "policy", _("Policy change (政策变化)")
    INDUSTRY = "industry", _("Industry trend (行业趋势)")
    MARKET = "market", _("Market change (市场变化)")


class AlertAction(models.TextChoices):
    """What happened to an alert: one event row per action."""

    RAISED = "raised", _("Raised (生成)")
    SEVERITY_RAISED = "severity_raised", _("Severity raised (级别上调)")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged (确认)")
    ESCALATED = "escalated", _("Escalated (升级)")
    RESOLVED = "resolved", _("Resolved (解决)")
    DISMISSED = "dismissed", _("Dismissed (驳回)")
    ASSIGNED = "assigned", _("Assigned (分派)")


class Dimension(models.TextChoices):
    """The four dimensions of the indicator system (DOMAIN.md §5)."""

    FINANCIAL = "financial", _("Financial (财务状况)")
    OPERATING = "operating", _("Operating (经营状况)")
    MARKET = "market", _("Market (市场变化)")
    INDUSTRY = "industry", _("Industry (行业发展)")


class Indicator(models.TextChoices):
    """Indicators the scorecard knows how to measure (risk/indicators.py)."""

    DEBT_TO_ASSET = "debt_to_asset", _("Debt-to-asset ratio (资产负债率)")
    CURRENT_RATIO = "current_ratio", _("Current ratio (流动比率)")
    INTEREST_COVERAGE = "interest_coverage", _("Interest coverage (利息保障倍数)")
    OPERATING_CASH_FLOW_MARGIN = (
        "operating_cash_flow_margin",
        _("Operating cash flow / revenue (经营现金流/收入)"),
    )
    REVENUE_GROWTH = "revenue_growth", _("Revenue growth (营业收入增长率)")
    MAX_DAYS_PAST_DUE = "max_days_past_due", _("Repayment behaviour: max days past due (逾期天数)")
    COOPERATION_YEARS = "cooperation_years", _("Years of cooperation (合作年限)")
    COMPLAINTS_90D = "complaints_90d", _("Complaints in 90 days (近90天投诉数)")
    DAYS_SINCE_CONTACT = "days_since_contact", _("Days since last contact (距上次联系天数)")
    ADVERSE_EVENTS_365D = "adverse_events_365d", _("Adverse events in a year (近一年负面事件)")
    INDUSTRY_RISK = "industry_risk", _("Industry risk rating (行业风险等级)")
    INDUSTRY_POLICY_FLAGS = "industry_policy_flags", _("Industry policy flags (行业政策支持)")


class CheckMethod(models.TextChoices):
    ON_SITE = "on_site", _("On-site (现场检查)")
    DOCUMENTS = "documents", _("Documents (资料检查)")
    ACCOUNT_FLOW = "account_flow", _("Account flow (账户流水)")


class CheckStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled (待检查)")
    DONE = "done", _("Done (已完成)")
