"""Early-warning rules: small functions over set-based queries, registered by rule code.

Each rule takes the business date and its thresholds (`RuleSetting.params`, defaults from
DOMAIN.md §10) and returns one `Hit` per customer (and loan) whose condition holds that day,
with the facts that triggered it. The runner (risk/services.py) turns hits into alerts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.db.models import OuterRef, Q, Subquery

from .choices import RuleCode, Severity
from .defaults import RULE_DEFAULTS


class RuleParamError(ValueError):
    """Thresholds that do not fit the rule."""


@dataclass(frozen=True)
class Hit:
    """A rule's finding for one customer (and loan): the alert to open or keep open."""

    customer_id: int
    severity: str
    message: str
    details: dict = field(default_factory=dict)
    loan_id: int | None = None


@dataclass(frozen=True)
class Rule:
    code: str
    func: Callable[..., Iterable[Hit]]
    defaults: Mapping[str, object]
    description: str = ""


RULES: dict[str, Rule] = {}


def rule(code: str, *, description: str = ""):
    """Register `func(*, as_of, params) -> Iterable[Hit]` as the rule `code`.

    Its thresholds and their types are the rule's entry in `risk.defaults.RULE_DEFAULTS`.
    """

    def decorator(func):
        defaults = RULE_DEFAULTS[code]
        RULES[code] = Rule(code=code, func=func, defaults=dict(defaults), description=description)
        return func

    return decorator


def parse_params(code: str, raw: Mapping | None) -> dict:
    """The rule's thresholds: its defaults overridden by `raw`, each checked against its type."""
    defaults = RULE_DEFAULTS.get(code, {})
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise RuleParamError("Thresholds must be an object of name → value.")
    unknown = sorted(set(raw) - set(defaults))
    if unknown:
        raise RuleParamError(
            f"Unknown threshold(s) {', '.join(unknown)}; expected {', '.join(sorted(defaults))}."
        )
    params = {}
    for name, default in defaults.items():
        value = raw.get(name, default)
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise RuleParamError(f"{name} must be true or false.")
        elif isinstance(default, int):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise RuleParamError(f"{name} must be a whole number of at least 0.")
        elif isinstance(default, Decimal):
            try:
                value = Decimal(str(value))
            except (InvalidOperation, ValueError):
                raise RuleParamError(f"{name} must be a number.") from None
            if not value.is_finite():
                raise RuleParamError(f"{name} must be a number.")
        elif name.endswith("severity"):
            if value not in Severity.values:
                raise RuleParamError(f"{name} must be one of {', '.join(Severity.values)}.")
        params[name] = value
    return params


def params_to_json(params: Mapping) -> dict:
    """Thresholds as JSON values (Decimals as strings, so no precision is lost)."""
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in params.items()}


def default_params_json(code: str) -> dict:
    return params_to_json(RULE_DEFAULTS.get(code, {}))


# --- Rules over the risk app's own data -------------------------------------------------------


GRADE_RANK = {"excellent": 3, "good": 2, "watch": 1}


@rule(
    RuleCode.SCORE_DROP,
    description="The score fell by at least min_drop_points since the previous score, or the "
    "credit grade went down (DOMAIN.md §10).",
)
def score_drop(*, as_of: date, params: Mapping) -> list[Hit]:
    """Customers whose score of `as_of` is min_drop_points or more below their previous one."""
    from .models import RiskScore

    previous = RiskScore.objects.filter(
        customer_id=OuterRef("customer_id"), as_of__lt=OuterRef("as_of")
    ).order_by("-as_of")
    rows = (
        RiskScore.objects.filter(as_of=as_of)
        .annotate(
            previous_score=Subquery(previous.values("score")[:1]),
            previous_grade=Subquery(previous.values("grade")[:1]),
            previous_as_of=Subquery(previous.values("as_of")[:1]),
        )
        .filter(previous_score__isnull=False)
        .values(
            "customer_id", "score", "grade", "previous_score", "previous_grade", "previous_as_of"
        )
    )
    hits = []
    for row in rows:
        drop = row["previous_score"] - row["score"]
        downgraded = GRADE_RANK.get(row["grade"], 0) < GRADE_RANK.get(row["previous_grade"], 0)
        if drop >= params["min_drop_points"] or (params["grade_downgrade"] and downgraded):
            hits.append(
                Hit(
                    customer_id=row["customer_id"],
                    severity=params["severity"],
                    message=(
                        f"Risk score fell from {row['previous_score']} to {row['score']}"
                        + (
                            f"; grade {row['previous_grade']} → {row['grade']}"
                            if downgraded
                            else ""
                        )
                    ),
                    details={
                        "score": row["score"],
                        "previous_score": row["previous_score"],
                        "drop": drop,
                        "grade": row["grade"],
                        "previous_grade": row["previous_grade"],
                        "previous_as_of": row["previous_as_of"].isoformat(),
                        "threshold": params["min_drop_points"],
                    },
                )
            )
    return hits


@rule(
    RuleCode.WATCH_REVIEW_OVERDUE,
    description="A watch-listed customer's periodic review is min_days_overdue days late.",
)
def watch_review_overdue(*, as_of: date, params: Mapping) -> list[Hit]:
    """Watch-list entries whose next review date lies min_days_overdue or more days back."""
    from .models import WatchListEntry

    latest_due = as_of - timedelta(days=params["min_days_overdue"])
    rows = (
        WatchListEntry.objects.current()
        .filter(next_review_on__lte=latest_due)
        .values("customer_id", "next_review_on", "last_reviewed_on", "review_interval_days")
    )
    return [
        Hit(
            customer_id=row["customer_id"],
            severity=params["severity"],
            message=f"Watch-list review was due on {row['next_review_on']:%Y-%m-%d}",
            details={
                "next_review_on": row["next_review_on"].isoformat(),
                "last_reviewed_on": (
                    row["last_reviewed_on"].isoformat() if row["last_reviewed_on"] else None
                ),
                "days_overdue": (as_of - row["next_review_on"]).days,
                "review_interval_days": row["review_interval_days"],
            },
        )
        for row in rows
    ]


# --- Rules over loans (loans app) -------------------------------------------------------------


def _dpd_severity(days: int, params: Mapping) -> str:
    if days >= params["red_min_dpd"]:
        return Severity.RED
    if days >= params["orange_min_dpd"]:
        return Severity.ORANGE
    return Severity.YELLOW


@rule(
    RuleCode.REPAYMENT_OVERDUE,
    description="A loan is days past due: yellow from 1 day, orange from 30, red from 90.",
)
def repayment_overdue(*, as_of: date, params: Mapping) -> list[Hit]:
    """Active loans at or past the first DPD band, with the overdue amount and oldest due date."""
    from django.db.models import DecimalField, F, Min, Sum

    from loans.models import Installment, Loan

    unpaid = (
        Installment.objects.unpaid()
        .filter(loan=OuterRef("pk"), due_date__lt=as_of)
        .order_by()
        .values("loan")
    )
    owed = unpaid.annotate(
        s=Sum(
            F("principal") - F("principal_paid") + F("interest") - F("interest_paid"),
            output_field=DecimalField(max_digits=18, decimal_places=2),
        )
    ).values("s")
    oldest = unpaid.annotate(m=Min("due_date")).values("m")
    rows = (
        Loan.objects.active()
        .filter(days_past_due__gte=params["yellow_min_dpd"])
        .annotate(overdue_amount=Subquery(owed), oldest_due=Subquery(oldest))
        .values(
            "pk",
            "customer_id",
            "days_past_due",
            "classification",
            "status_as_of",
            "outstanding_principal",
            "overdue_amount",
            "oldest_due",
        )  # fmt: skip
    )
    hits = []
    for row in rows:
        days = row["days_past_due"]
        hits.append(
            Hit(
                customer_id=row["customer_id"],
                loan_id=row["pk"],
                severity=_dpd_severity(days, params),
                message=f"Loan L{row['pk']} is {days} days past due",
                details={
                    "loan_id": row["pk"],
                    "days_past_due": days,
                    "oldest_unpaid_due_date": (
                        row["oldest_due"].isoformat() if row["oldest_due"] else None
                    ),
                    "overdue_amount": str(row["overdue_amount"] or Decimal("0.00")),
                    "outstanding_principal": str(row["outstanding_principal"]),
                    "classification": row["classification"],
                    "status_as_of": (
                        row["status_as_of"].isoformat() if row["status_as_of"] else None
                    ),
                    "bands": {
                        "yellow": params["yellow_min_dpd"],
                        "orange": params["orange_min_dpd"],
                        "red": params["red_min_dpd"],
                    },
                },
            )
        )
    return hits


NPL_CLASSES = ("substandard", "doubtful", "loss")


@rule(
    RuleCode.CLASSIFICATION_DOWNGRADE,
    description="A loan moved to a worse five-tier class on this business date (or the day "
    "before, so a change made after the nightly run is not missed); into NPL is red.",
)
def classification_downgrade(*, as_of: date, params: Mapping) -> list[Hit]:
    """Loans whose class got worse in the last two business days."""
    from loans import schedule
    from loans.models import ClassificationChange

    rank = {c: i for i, c in enumerate(schedule.CLASSIFICATION_ORDER)}
    rows = (
        ClassificationChange.objects.filter(
            as_of__gt=as_of - timedelta(days=2), as_of__lte=as_of, loan__status="active"
        )
        .order_by("loan_id", "as_of", "id")
        .values(
            "loan_id",
            "loan__customer_id",
            "from_classification",
            "to_classification",
            "days_past_due",
            "as_of",
            "source",
        )  # fmt: skip
    )
    worst: dict[int, dict] = {}
    for row in rows:
        if rank[row["to_classification"]] <= rank[row["from_classification"]]:
            continue
        seen = worst.get(row["loan_id"])
        if seen is None or rank[row["to_classification"]] >= rank[seen["to_classification"]]:
            worst[row["loan_id"]] = row
    return [
        Hit(
            customer_id=row["loan__customer_id"],
            loan_id=loan_id,
            severity=(
                params["npl_severity"]
                if row["to_classification"] in NPL_CLASSES
                else params["severity"]
            ),
            message=(
                f"Loan L{loan_id} downgraded from {row['from_classification']} "
                f"to {row['to_classification']}"
            ),
            details={
                "loan_id": loan_id,
                "from_classification": row["from_classification"],
                "to_classification": row["to_classification"],
                "days_past_due": row["days_past_due"],
                "changed_as_of": row["as_of"].isoformat(),
                "source": row["source"],
                "non_performing": row["to_classification"] in NPL_CLASSES,
            },
        )
        for loan_id, row in sorted(worst.items())
    ]


@rule(
    RuleCode.COLLATERAL_SHORTFALL,
    description="The collateral of a secured loan is worth less than min_coverage × its "
    "outstanding principal.",
)
def collateral_shortfall(*, as_of: date, params: Mapping) -> list[Hit]:
    """Active collateral-secured loans whose collateral value is below the required coverage."""
    from django.db.models import DecimalField, F, Max, Sum, Value
    from django.db.models.functions import Coalesce

    from loans.models import Collateral, Loan

    money = DecimalField(max_digits=18, decimal_places=2)
    items = Collateral.objects.filter(application=OuterRef("application_id")).order_by()
    value = items.values("application").annotate(s=Sum("value")).values("s")
    valued = items.values("application").annotate(m=Max("valuation_date")).values("m")
    coverage = params["min_coverage"]
    rows = (
        Loan.objects.active()
        .filter(application__guarantee_method="collateral", outstanding_principal__gt=0)
        .annotate(
            collateral_value=Coalesce(Subquery(value), Value(Decimal("0.00")), output_field=money),
            last_valued=Subquery(valued),
        )
        .filter(collateral_value__lt=F("outstanding_principal") * Value(coverage))
        .values("pk", "customer_id", "outstanding_principal", "collateral_value", "last_valued")
    )
    hits = []
    for row in rows:
        ratio = (row["collateral_value"] / row["outstanding_principal"]).quantize(Decimal("0.0001"))
        hits.append(
            Hit(
                customer_id=row["customer_id"],
                loan_id=row["pk"],
                severity=params["severity"],
                message=f"Collateral covers {ratio:.2%} of loan L{row['pk']}",
                details={
                    "loan_id": row["pk"],
                    "collateral_value": str(row["collateral_value"]),
                    "outstanding_principal": str(row["outstanding_principal"]),
                    "coverage": str(ratio),
                    "min_coverage": str(coverage),
                    "shortfall": str(
                        (
                            row["outstanding_principal"] * coverage - row["collateral_value"]
                        ).quantize(Decimal("0.01"))
                    ),
                    "last_valued_on": row["last_valued"].isoformat()
                    if row["last_valued"]
                    else None,
                },
            )
        )
    return hits


# Related parties: each source yields (customer to alert, fact about the defaulting party).
RELATED_PARTY_SOURCES: list[Callable] = []


def related_party_source(func):
    RELATED_PARTY_SOURCES.append(func)
    return func


@related_party_source
def _guarantee_chain(defaulted: dict[int, dict]) -> Iterable[tuple[int, dict]]:
    """Guarantors of a defaulting loan, and borrowers guaranteed by a defaulting customer."""
    from loans.models import Guarantor

    loan_ids = {fact["loan_id"] for fact in defaulted.values()}
    as_guarantor = Guarantor.objects.filter(
        application__loan__in=loan_ids, customer__isnull=False
    ).values("customer_id", "application__loan", "application__customer_id")
    by_loan = {fact["loan_id"]: fact for fact in defaulted.values()}
    for row in as_guarantor:
        fact = by_loan[row["application__loan"]]
        yield row["customer_id"], {**fact, "relation": "borrower_you_guarantee"}
    guaranteed = Guarantor.objects.filter(
        customer_id__in=list(defaulted), application__loan__status="active"
    ).values("customer_id", "application__customer_id")
    for row in guaranteed:
        yield row["application__customer_id"], {**defaulted[row["customer_id"]],
                                                  "relation": "your_guarantor"}  # fmt: skip


@rule(
    RuleCode.RELATED_PARTY_DEFAULT,
    description="A related party (same group, related company, guarantor or guaranteed "
    "borrower) has a loan min_dpd or more days past due.",
)
def related_party_default(*, as_of: date, params: Mapping) -> list[Hit]:
    """Customers whose related parties are seriously overdue (contagion through groups and
    guarantee chains)."""
    from loans.models import Loan

    defaulted: dict[int, dict] = {}
    rows = (
        Loan.objects.active()
        .filter(days_past_due__gte=params["min_dpd"])
        .order_by("customer_id", "-days_past_due", "pk")
        .values("pk", "customer_id", "customer__name", "days_past_due")
    )
    for row in rows:
        # The worst loan of each defaulting customer stands for it.
        defaulted.setdefault(
            row["customer_id"],
            {
                "customer_id": row["customer_id"],
                "customer_name": row["customer__name"],
                "loan_id": row["pk"],
                "days_past_due": row["days_past_due"],
            },
        )
    if not defaulted:
        return []
    related: dict[int, dict[tuple, dict]] = {}
    for source in RELATED_PARTY_SOURCES:
        for customer_id, fact in source(defaulted):
            if customer_id == fact["customer_id"]:
                continue
            key = (fact["customer_id"], fact["relation"])
            related.setdefault(customer_id, {})[key] = fact
    hits = []
    for customer_id, facts in sorted(related.items()):
        parties = sorted(facts.values(), key=lambda f: (f["customer_id"], f["relation"]))
        names = ", ".join(sorted({p["customer_name"] for p in parties}))
        hits.append(
            Hit(
                customer_id=customer_id,
                severity=params["severity"],
                message=f"Related party seriously overdue: {names}"[:300],
                details={"related_parties": parties, "min_dpd": params["min_dpd"]},
            )
        )
    return hits


# --- Post-loan checks (risk app) --------------------------------------------------------------


@rule(
    RuleCode.POST_LOAN_CHECK_OVERDUE,
    description="A loan's post-loan check is min_days_overdue days late: the first is due "
    "first_check_days after disbursement, later ones on the date the last check set.",
)
def post_loan_check_overdue(*, as_of: date, params: Mapping) -> list[Hit]:
    """Active loans whose next post-loan check date lies min_days_overdue or more days back."""
    from loans.models import Loan

    from .models import PostLoanCheck

    latest = PostLoanCheck.objects.filter(loan=OuterRef("pk")).order_by("-checked_on", "-id")
    rows = (
        Loan.objects.active()
        .annotate(
            next_check_on=Subquery(latest.values("next_check_on")[:1]),
            last_checked_on=Subquery(latest.values("checked_on")[:1]),
        )
        .values("pk", "customer_id", "disbursed_on", "next_check_on", "last_checked_on")
    )
    hits = []
    for row in rows:
        due = row["next_check_on"] or row["disbursed_on"] + timedelta(
            days=params["first_check_days"]
        )
        late = (as_of - due).days
        if late >= params["min_days_overdue"]:
            hits.append(
                Hit(
                    customer_id=row["customer_id"],
                    loan_id=row["pk"],
                    severity=params["severity"],
                    message=f"Post-loan check of L{row['pk']} was due on {due:%Y-%m-%d}",
                    details={
                        "loan_id": row["pk"],
                        "check_due_on": due.isoformat(),
                        "days_overdue": late,
                        "last_checked_on": (
                            row["last_checked_on"].isoformat() if row["last_checked_on"] else None
                        ),
                        "first_check": row["last_checked_on"] is None,
                    },
                )
            )
    return hits


@rule(
    RuleCode.FUND_MISUSE,
    description="The latest post-loan check found the funds used against the agreed purpose.",
)
def fund_misuse(*, as_of: date, params: Mapping) -> list[Hit]:
    """Active loans whose latest post-loan check (up to as_of) is not purpose-compliant."""
    from loans.models import Loan

    from .models import PostLoanCheck

    latest = PostLoanCheck.objects.filter(loan=OuterRef("pk"), checked_on__lte=as_of).order_by(
        "-checked_on", "-id"
    )
    rows = (
        Loan.objects.active()
        .annotate(
            compliant=Subquery(latest.values("purpose_compliant")[:1]),
            check_id=Subquery(latest.values("pk")[:1]),
            checked_on=Subquery(latest.values("checked_on")[:1]),
            usage=Subquery(latest.values("loan_usage")[:1]),
            findings=Subquery(latest.values("findings")[:1]),
        )
        .filter(compliant=False)
        .values(
            "pk",
            "customer_id",
            "application__purpose",
            "check_id",
            "checked_on",
            "usage",
            "findings",
        )  # fmt: skip
    )
    return [
        Hit(
            customer_id=row["customer_id"],
            loan_id=row["pk"],
            severity=params["severity"],
            message=f"Funds of L{row['pk']} used against the agreed purpose",
            details={
                "loan_id": row["pk"],
                "agreed_purpose": row["application__purpose"],
                "observed_use": row["usage"],
                "findings": row["findings"],
                "check_id": row["check_id"],
                "checked_on": row["checked_on"].isoformat(),
            },
        )
        for row in rows
    ]


# --- Rules over financial statements (customers app) ------------------------------------------


def _latest_statements(as_of: date):
    """Each customer's latest statement with a period ending on or before `as_of`."""
    from customers.models import FinancialStatement

    return (
        FinancialStatement.objects.filter(period_end__lte=as_of)
        .order_by("customer_id", "-period_end", "-id")
        .distinct("customer_id")
    )


@rule(
    RuleCode.DEBT_RATIO_HIGH,
    description="The latest statement's debt-to-asset ratio is min_ratio or more (80 %).",
)
def debt_ratio_high(*, as_of: date, params: Mapping) -> list[Hit]:
    """Customers whose latest debt-to-asset ratio is at or above the threshold."""
    rows = _latest_statements(as_of).values(
        "customer_id", "pk", "period_end", "debt_to_asset", "total_assets", "total_liabilities"
    )
    threshold = params["min_ratio"]
    return [
        Hit(
            customer_id=row["customer_id"],
            severity=params["severity"],
            message=(
                f"Debt-to-asset ratio {row['debt_to_asset']:.2%} at or above {threshold:.0%} "
                f"({row['period_end']:%Y-%m-%d})"
            ),
            details={
                "statement_id": row["pk"],
                "period_end": row["period_end"].isoformat(),
                "debt_to_asset": str(row["debt_to_asset"]),
                "total_liabilities": str(row["total_liabilities"]),
                "total_assets": str(row["total_assets"]),
                "threshold": str(threshold),
            },
        )
        for row in rows
        if row["debt_to_asset"] is not None and row["debt_to_asset"] >= threshold
    ]


@rule(
    RuleCode.REVENUE_DROP,
    description="Revenue of the latest statement fell by min_drop or more (30 %) against the "
    "previous period.",
)
def revenue_drop(*, as_of: date, params: Mapping) -> list[Hit]:
    """Customers whose latest revenue growth is −min_drop or worse."""
    rows = _latest_statements(as_of).values("customer_id", "pk", "period_end", "revenue",
                                             "revenue_growth")  # fmt: skip
    limit = -params["min_drop"]
    return [
        Hit(
            customer_id=row["customer_id"],
            severity=params["severity"],
            message=(
                f"Revenue fell {-row['revenue_growth']:.2%} against the previous period "
                f"({row['period_end']:%Y-%m-%d})"
            ),
            details={
                "statement_id": row["pk"],
                "period_end": row["period_end"].isoformat(),
                "revenue": str(row["revenue"]),
                "revenue_growth": str(row["revenue_growth"]),
                "threshold": str(limit),
            },
        )
        for row in rows
        if row["revenue_growth"] is not None and row["revenue_growth"] <= limit
    ]


@rule(
    RuleCode.NEGATIVE_OPERATING_CASH_FLOW,
    description="The latest statement shows a negative operating cash flow.",
)
def negative_operating_cash_flow(*, as_of: date, params: Mapping) -> list[Hit]:
    """Customers whose latest operating cash flow is below zero."""
    rows = _latest_statements(as_of).values("customer_id", "pk", "period_end", "revenue",
                                             "operating_cash_flow")  # fmt: skip
    return [
        Hit(
            customer_id=row["customer_id"],
            severity=params["severity"],
            message=(
                f"Operating cash flow {row['operating_cash_flow']:,} in the period ending "
                f"{row['period_end']:%Y-%m-%d}"
            ),
            details={
                "statement_id": row["pk"],
                "period_end": row["period_end"].isoformat(),
                "operating_cash_flow": str(row["operating_cash_flow"]),
                "revenue": str(row["revenue"]),
            },
        )
        for row in rows
        if row["operating_cash_flow"] is not None and row["operating_cash_flow"] < 0
    ]


@related_party_source
def _groups_and_relations(defaulted: dict[int, dict]) -> Iterable[tuple[int, dict]]:
    """Members of a defaulting customer's group, and customers linked to it either way."""
    from customers.models import Customer, CustomerRelation

    groups = dict(
        Customer.objects.filter(pk__in=list(defaulted), group__isnull=False).values_list(
            "pk", "group_id"
        )
    )
    if groups:
        members = Customer.objects.filter(group_id__in=set(groups.values())).values_list(
            "pk", "group_id"
        )
        by_group: dict[int, list[int]] = {}
        for pk, group_id in groups.items():
            by_group.setdefault(group_id, []).append(pk)
        for member, group_id in members:
            for pk in by_group[group_id]:
                yield member, {**defaulted[pk], "relation": "same_group"}
    links = CustomerRelation.objects.filter(
        Q(customer_id__in=list(defaulted)) | Q(related_id__in=list(defaulted))
    ).values_list("customer_id", "related_id", "kind")
    for customer_id, related_id, kind in links:
        if related_id in defaulted:
            yield customer_id, {**defaulted[related_id], "relation": kind}
        if customer_id in defaulted:
            yield related_id, {**defaulted[customer_id], "relation": kind}


# --- Rules over interactions (interactions app) -----------------------------------------------


@rule(
    RuleCode.CONTACT_OVERDUE,
    description="A customer is min_days_overdue days past its contact interval (by loan stage, "
    "tier and risk level; interactions app).",
)
def contact_overdue(*, as_of: date, params: Mapping) -> list[Hit]:
    """Customers past their contact cadence, from the interactions app's facts."""
    from interactions.risk_feed import contact_overdue_facts

    return [
        Hit(
            customer_id=fact["customer_id"],
            severity=params["severity"],
            message=(
                f"No contact for {fact['days_overdue']} days past the {fact['interval_days']}-day "
                "interval"
            ),
            details={k: v for k, v in fact.items() if k != "customer_id"},
        )
        for fact in contact_overdue_facts(as_of=as_of)
        if fact["days_overdue"] >= params["min_days_overdue"]
    ]


@rule(
    RuleCode.COMPLAINT_SLA_BREACH,
    description="An open complaint of the customer breached its 24 h / 48 h service level.",
)
def complaint_sla_breach(*, as_of: date, params: Mapping) -> list[Hit]:
    """One alert per customer with breached open complaints, listing them."""
    from interactions.risk_feed import complaint_sla_breach_facts

    by_customer: dict[int, list[dict]] = {}
    for fact in complaint_sla_breach_facts():
        by_customer.setdefault(fact["customer_id"], []).append(
            {k: v for k, v in fact.items() if k != "customer_id"}
        )
    return [
        Hit(
            customer_id=customer_id,
            severity=params["severity"],
            message=f"{len(facts)} complaint(s) past their service level",
            details={
                "complaints": sorted(facts, key=lambda f: f["service_request_id"]),
            },
        )
        for customer_id, facts in sorted(by_customer.items())
    ]
