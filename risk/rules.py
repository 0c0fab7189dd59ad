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

from django.db.models import OuterRef, Subquery

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
