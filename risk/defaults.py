"""Default thresholds and the first scorecard (DOMAIN.md §10), as plain data.

The data migration and `seed_demo` copy these into the admin-editable models; the rules fall
back to them when a rule has no setting row.
"""

from decimal import Decimal

RED, ORANGE, YELLOW = "red", "orange", "yellow"

# Rule code → thresholds. Decimals are ratios (0.80 = 80 %), ints are days or points.
RULE_DEFAULTS: dict[str, dict] = {
    # DPD ≥1 low, ≥30 medium, ≥90 high.
    "repayment_overdue": {"yellow_min_dpd": 1, "orange_min_dpd": 30, "red_min_dpd": 90},
    # Any move to a worse class; into NPL (substandard or worse) is red.
    "classification_downgrade": {"severity": ORANGE, "npl_severity": RED},
    "debt_ratio_high": {"min_ratio": Decimal("0.80"), "severity": ORANGE},
    # Revenue down ≥30 % against the previous period.
    "revenue_drop": {"min_drop": Decimal("0.30"), "severity": ORANGE},
    "negative_operating_cash_flow": {"severity": YELLOW},
    # Collateral value below this multiple of the outstanding principal.
    "collateral_shortfall": {"min_coverage": Decimal("1.00"), "severity": ORANGE},
    "contact_overdue": {"min_days_overdue": 1, "severity": YELLOW},
    "complaint_sla_breach": {"severity": ORANGE},
    # A group member or guarantee partner this many days past due alerts the related customers.
    "related_party_default": {"min_dpd": 90, "severity": ORANGE},
    "score_drop": {"min_drop_points": 10, "severity": ORANGE, "grade_downgrade": True},
    "watch_review_overdue": {"min_days_overdue": 1, "severity": YELLOW},
    # First check within 30 d of disbursement, then every 90 d (30 d for high risk).
    "post_loan_check_overdue": {
        "first_check_days": 30,
        "interval_days": 90,
        "high_risk_interval_days": 30,
        "min_days_overdue": 1,
        "severity": YELLOW,
    },
    "fund_misuse": {"severity": RED},
}

SCORECARD_V1 = {
    "name": "Corporate scorecard 对公评分卡",
    "weights": {"financial": 40, "operating": 30, "market": 15, "industry": 15},
    # (indicator, dimension, weight within dimension %, bands, score when no data)
    "indicators": [
        ("debt_to_asset", "financial", 35,
         [[None, 100], ["0.50", 80], ["0.60", 60], ["0.70", 35], ["0.80", 10], ["0.90", 0]], 40),
        ("current_ratio", "financial", 20,
         [[None, 0], ["0.80", 30], ["1.00", 60], ["1.50", 85], ["2.00", 100]], 40),
        ("interest_coverage", "financial", 25,
         [[None, 0], ["1.00", 30], ["2.00", 60], ["3.00", 80], ["5.00", 100]], 40),
        ("operating_cash_flow_margin", "financial", 20,
         [[None, 0], ["0.00", 50], ["0.05", 75], ["0.10", 100]], 40),
        ("revenue_growth", "operating", 35,
         [[None, 0], ["-0.30", 20], ["-0.10", 50], ["0.00", 70], ["0.10", 90], ["0.20", 100]],
         50),
        ("max_days_past_due", "operating", 45, [[None, 100], ["1", 60], ["30", 30], ["90", 0]],
         50),
        ("cooperation_years", "operating", 20, [[None, 40], ["1", 60], ["3", 80], ["5", 100]], 40),
        ("complaints_90d", "market", 35, [[None, 100], ["1", 60], ["2", 30], ["3", 0]], 100),
        ("days_since_contact", "market", 25,
         [[None, 100], ["91", 70], ["181", 40], ["366", 10]], 50),
        ("adverse_events_365d", "market", 40, [[None, 100], ["1", 50], ["2", 20], ["3", 0]], 100),
        ("industry_risk", "industry", 70,
         [[None, 100], ["2", 80], ["3", 60], ["4", 30], ["5", 0]], 60),
        ("industry_policy_flags", "industry", 30, [[None, 40], ["1", 60], ["2", 80], ["3", 100]],
         40),
    ],
}  # fmt: skip


def json_params(params: dict) -> dict:
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in params.items()}


def ensure_defaults(apps=None) -> None:
    """Create the missing rule settings and scorecard v1 (active) if there is none; idempotent."""
    if apps is None:
        from django.apps import apps as django_apps

        apps = django_apps
    RuleSetting = apps.get_model("risk", "RuleSetting")
    RuleSettingVersion = apps.get_model("risk", "RuleSettingVersion")
    ScorecardVersion = apps.get_model("risk", "ScorecardVersion")
    ScorecardIndicator = apps.get_model("risk", "ScorecardIndicator")
    for code, params in RULE_DEFAULTS.items():
        setting, created = RuleSetting.objects.get_or_create(
            code=code, defaults={"params": json_params(params), "enabled": True, "version": 1}
        )
        if created:
            RuleSettingVersion.objects.create(
                setting=setting, version=1, enabled=True, params=setting.params
            )
    if ScorecardVersion.objects.exists():
        return
    from django.utils import timezone

    weights = SCORECARD_V1["weights"]
    scorecard = ScorecardVersion.objects.create(
        version=1,
        name=SCORECARD_V1["name"],
        notes="Default weights and bands of DOMAIN.md §10.",
        is_active=True,
        activated_at=timezone.now(),
        financial_weight=weights["financial"],
        operating_weight=weights["operating"],
        market_weight=weights["market"],
        industry_weight=weights["industry"],
    )
    ScorecardIndicator.objects.bulk_create(
        [
            ScorecardIndicator(
                scorecard=scorecard,
                indicator=code,
                dimension=dimension,
                weight=weight,
                bands=bands,
                missing_score=missing,
            )  # fmt: skip
            for code, dimension, weight, bands, missing in SCORECARD_V1["indicators"]
        ]
    )
