"""Reads behind the dashboards (DOMAIN.md §9): set-based aggregates over the viewer's scope.

Every selector starts from `Model.objects.visible_to(user)` (so an RM sees their book, a team
lead the team's, approvers, risk officers and admins the bank) and issues a constant number of
queries whatever the size of the book: grouping and counting happen in PostgreSQL.

Money stays `Decimal`; ratios are percentages rounded once, half-up, to two places (NPL) or one
place (shares, hours), where a report shows them. Nothing here caches: `dashboard/cache.py` does.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Aggregate,
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.utils import timezone

from crm.models import User
from customers.choices import CreditGrade, RiskLevel
from customers.models import Contact, Customer, FinancialStatement
from interactions import selectors as interaction_selectors
from interactions.choices import RequestKind
from interactions.models import ServiceRequest, SurveyResponse
from loans.choices import (
    ApplicationStatus,
    ApprovalDecision,
    ApprovalKind,
    Classification,
    LoanStatus,
)
from loans.models import ApprovalRecord, Loan, LoanApplication
from risk.choices import CLOSED_STATUSES, Severity
from risk.models import Alert, RiskScore

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
TENTH = Decimal("0.1")
# 次级 + 可疑 + 损失 are non-performing (DOMAIN.md §4).
NPL_CLASSES = (Classification.SUBSTANDARD, Classification.DOUBTFUL, Classification.LOSS)
# Applications whose credit decision was "yes", whatever happened after.
APPROVED_STATUSES = (
    ApplicationStatus.APPROVED,
    ApplicationStatus.CONTRACT_SIGNED,
    ApplicationStatus.DISBURSED,
)


@dataclass(frozen=True)
class DashboardFilters:
    """What the viewer narrowed the dashboard to. Dates are inclusive business dates."""

    start: date
    end: date
    product_id: int | None = None
    team_id: int | None = None

    def cache_key(self) -> str:
        """A stable string for the cache key: the same filters give the same key."""
        return (
            f"{self.start.isoformat()}_{self.end.isoformat()}"
            f"_p{self.product_id or ''}_t{self.team_id or ''}"
        )

    @property
    def as_of(self) -> date:
        """The day point-in-time figures (contact cadence) are measured on: never the future."""
        return min(self.end, timezone.localdate())


def default_filters(*, today: date | None = None) -> DashboardFilters:
    """The last twelve months up to today, every product, every team."""
    today = today or timezone.localdate()
    return DashboardFilters(start=today - timedelta(days=364), end=today)


# --- helpers ------------------------------------------------------------------------------


class Percentile(Aggregate):
    """PostgreSQL's `percentile_cont(p) WITHIN GROUP (ORDER BY x)` (NULLs are left out)."""

    function = "PERCENTILE_CONT"
    output_field = FloatField()
    allow_distinct = False

    def __init__(self, expression, percentile: float, **extra):
        if not 0 <= percentile <= 1:
            raise ValueError("percentile is between 0 and 1")
        self.template = (
            f"%(function)s({float(percentile)!r}) WITHIN GROUP (ORDER BY %(expressions)s)"
        )
        super().__init__(expression, **extra)


def _hours(later: str, earlier) -> Func:
    """Hours between two timestamps (a float expression; NULL when either is NULL)."""
    earlier = F(earlier) if isinstance(earlier, str) else earlier
    duration = ExpressionWrapper(F(later) - earlier, output_field=DurationField())
    return Func(
        duration,
        template="(EXTRACT(EPOCH FROM %(expressions)s) / 3600.0)",
        output_field=FloatField(),
    )


def _round_hours(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(TENTH, rounding=ROUND_HALF_UP)


def percent(part, whole, places: Decimal = TENTH) -> Decimal | None:
    """`part` over `whole` in percent, rounded half-up; None when there is nothing to divide."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(places, rounding=ROUND_HALF_UP)


def _team(queryset, owner_path: str, filters: DashboardFilters):
    """Narrow an already scoped queryset to one team (offered to bank-wide viewers only)."""
    if filters.team_id:
        return queryset.filter(**{f"{owner_path}__team_id": filters.team_id})
    return queryset


def _loans(user, filters: DashboardFilters):
    """Active loans the user may see, narrowed by product and team."""
    loans = Loan.objects.visible_to(user).filter(status=LoanStatus.ACTIVE)
    if filters.product_id:
        loans = loans.filter(product_id=filters.product_id)
    return _team(loans, "customer__relationship_manager", filters)


def _customers(user, filters: DashboardFilters):
    """The user's customers (churned ones left out), narrowed by team."""
    customers = Customer.objects.visible_to(user).exclude(lifecycle_stage="churned")
    return _team(customers, "relationship_manager", filters)


def _person(row, prefix: str) -> str:
    full = f"{row[prefix + '__last_name']}{row[prefix + '__first_name']}".strip()
    return full or row[prefix + "__username"]


# --- loan book ------------------------------------------------------------------------------

BALANCE_GROUPS = {
    "industry": (
        "customer__industry__code",
        "customer__industry__name",
        "customer__industry__name_zh",
    ),
    "region": ("customer__region",),
    "product": ("product__code", "product__name", "product__name_zh"),
}


def loan_balance(*, user, filters: DashboardFilters, by: str) -> list[dict]:
    """Outstanding principal of active loans by industry, region or product; one query.

    Rows `{"code", "name", "name_zh", "loans", "balance"}`, largest balance first.
    """
    fields = BALANCE_GROUPS[by]
    rows = (
        _loans(user, filters)
        .values(*fields)
        .annotate(loans=Count("id"), balance=Sum("outstanding_principal"))
        .order_by("-balance", fields[0])
    )
    result = []
    for row in rows:
        code = row[fields[0]]
        result.append(
            {
                "code": code,
                "name": row[fields[1]] if len(fields) > 1 else code,
                "name_zh": row[fields[2]] if len(fields) > 2 else "",
                "loans": row["loans"],
                "balance": row["balance"] or ZERO,
            }
        )
    return result


def classification_mix(*, user, filters: DashboardFilters) -> dict:
    """Balance and count per five-tier class and the NPL ratio (次级+可疑+损失 over all); one query.

    Every class is listed, in regulatory order, with zeros where the book has none.
    """
    found = {
        row["classification"]: row
        for row in _loans(user, filters)
        .values("classification")
        .annotate(loans=Count("id"), balance=Sum("outstanding_principal"))
        .order_by()
    }
    rows = []
    for code in Classification.values:
        row = found.get(code, {})
        rows.append(
            {
                "classification": code,
                "loans": row.get("loans", 0),
                "balance": row.get("balance") or ZERO,
            }
        )
    total = sum((row["balance"] for row in rows), ZERO)
    npl = sum((row["balance"] for row in rows if row["classification"] in NPL_CLASSES), ZERO)
    return {
        "rows": rows,
        "total_balance": total,
        "npl_balance": npl,
        "npl_ratio": percent(npl, total, CENT),
        "loans": sum(row["loans"] for row in rows),
    }


# Days-past-due buckets: the usual 30-day ladder up to 90, then the thresholds at which the
# 2023 risk-classification rules move a loan to 可疑 (>270) and 损失 (>360) (DOMAIN.md §4).
DPD_BUCKETS = (
    ("current", 0, 0),
    ("1-30", 1, 30),
    ("31-60", 31, 60),
    ("61-90", 61, 90),
    ("91-180", 91, 180),
    ("181-270", 181, 270),
    ("271-360", 271, 360),
    (">360", 361, None),
)


def dpd_ageing(*, user, filters: DashboardFilters) -> list[dict]:
    """Active loans and their balance per days-past-due bucket; one query, every bucket listed."""
    bucket = Case(
        *[
            When(
                Q(days_past_due__gte=low)
                & (Q(days_past_due__lte=high) if high is not None else Q()),
                then=Value(code),
            )
            for code, low, high in DPD_BUCKETS
        ],
    )
    found = {
        row["bucket"]: row
        for row in _loans(user, filters)
        .annotate(bucket=bucket)
        .values("bucket")
        .annotate(loans=Count("id"), balance=Sum("outstanding_principal"))
        .order_by()
    }
    return [
        {
            "bucket": code,
            "loans": found.get(code, {}).get("loans", 0),
            "balance": found.get(code, {}).get("balance") or ZERO,
        }
        for code, _low, _high in DPD_BUCKETS
    ]


# --- risk -----------------------------------------------------------------------------------

GRADES = (*CreditGrade.values, "")  # "" = not graded yet


def grade_distribution(*, user, filters: DashboardFilters) -> list[dict]:
    """Customers per credit grade, split by risk level; one query.

    Rows `{"grade", "low", "medium", "high", "total"}` in grade order, "" (not graded) last.
    """
    found = {}
    rows = (
        _customers(user, filters)
        .values("credit_grade", "risk_level")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        found.setdefault(row["credit_grade"], {})[row["risk_level"]] = row["n"]
    result = []
    for grade in GRADES:
        levels = found.get(grade, {})
        entry = {"grade": grade}
        for level in RiskLevel.values:
            entry[level] = levels.get(level, 0)
        entry["total"] = sum(levels.values())
        result.append(entry)
    return result


def grade_migration(*, user, filters: DashboardFilters) -> dict:
    """How credit grades moved between the score at the start and at the end of the period.

    From = each customer's score on the latest scoring date on or before `start` (or the first
    scoring date in the period when there is none), to = the latest on or before `end`. Two
    queries. Returns the two dates, the grades and `matrix[from][to]` counts.
    """
    scores = _team(
        RiskScore.objects.visible_to(user), "customer__relationship_manager", filters
    ).exclude(customer__lifecycle_stage="churned")
    dates = scores.aggregate(
        before=Max("as_of", filter=Q(as_of__lte=filters.start)),
        first_in=Min("as_of", filter=Q(as_of__gt=filters.start, as_of__lte=filters.end)),
        last=Max("as_of", filter=Q(as_of__lte=filters.end)),
    )
    from_date = dates["before"] or dates["first_in"]
    to_date = dates["last"]
    grades = list(CreditGrade.values)
    matrix = {g: dict.fromkeys(grades, 0) for g in grades}
    result = {
        "from_date": from_date,
        "to_date": to_date,
        "grades": grades,
        "matrix": matrix,
        "customers": 0,
        "upgrades": 0,
        "downgrades": 0,
        "unchanged": 0,
    }
    if from_date is None or to_date is None or from_date >= to_date:
        return result
    earlier = RiskScore.objects.filter(customer=OuterRef("customer"), as_of=from_date)
    rows = (
        scores.filter(as_of=to_date)
        .annotate(from_grade=Subquery(earlier.values("grade")[:1]))
        .filter(from_grade__isnull=False)
        .values("from_grade", "grade")
        .annotate(n=Count("id"))
        .order_by()
    )
    rank = {grade: index for index, grade in enumerate(grades)}  # 0 = best
    for row in rows:
        if row["from_grade"] not in rank or row["grade"] not in rank:
            continue
        matrix[row["from_grade"]][row["grade"]] += row["n"]
        result["customers"] += row["n"]
        move = rank[row["grade"]] - rank[row["from_grade"]]
        key = "unchanged" if move == 0 else "downgrades" if move > 0 else "upgrades"
        result[key] += row["n"]
    return result


def alert_stats(*, user, filters: DashboardFilters) -> dict:
    """Alerts raised in the period by rule and severity, time to acknowledge, and outcomes.

    Three queries: per rule (counts per severity, median and 90th percentile of the hours from
    raising to acknowledgement), the same times over all rules, and closed alerts by outcome.
    """
    alerts = _team(
        Alert.objects.visible_to(user), "customer__relationship_manager", filters
    ).filter(raised_on__gte=filters.start, raised_on__lte=filters.end)
    to_ack = _hours("acknowledged_at", "raised_at")
    timing = {
        "total": Count("id"),
        "acknowledged": Count("acknowledged_at"),
        "median": Percentile(to_ack, 0.5),
        "p90": Percentile(to_ack, 0.9),
    }
    per_severity = {sev: Count("id", filter=Q(severity=sev)) for sev in Severity.values}
    by_rule = []
    for row in alerts.values("rule").annotate(**per_severity, **timing).order_by("-total", "rule"):
        by_rule.append(
            {
                "rule": row["rule"],
                **{sev: row[sev] for sev in Severity.values},
                "total": row["total"],
                "acknowledged": row["acknowledged"],
                "median_hours": _round_hours(row["median"]),
                "p90_hours": _round_hours(row["p90"]),
            }
        )
    overall = alerts.aggregate(**timing)
    outcomes = [
        {"status": row["status"], "response": row["response"], "alerts": row["n"]}
        for row in alerts.filter(status__in=CLOSED_STATUSES)
        .values("status", "response")
        .annotate(n=Count("id"))
        .order_by("status", "-n", "response")
    ]
    return {
        "by_rule": by_rule,
        "total": overall["total"],
        "acknowledged": overall["acknowledged"],
        "median_hours": _round_hours(overall["median"]),
        "p90_hours": _round_hours(overall["p90"]),
        "outcomes": outcomes,
    }


# --- approvals ------------------------------------------------------------------------------


def approval_stats(*, user, filters: DashboardFilters) -> dict:
    """Approval cycle time per stage and overall, and the approval success rate; two queries.

    A stage is one decision of the application's current review round: level n is timed from
    the decision at level n−1 (level 1 and the risk sign-off from the submission). Decisions
    taken in the period count. Overall: applications decided (approved or rejected) in the
    period, timed from submission to decision; success rate = approved / decided.
    """
    applications = _team(
        LoanApplication.objects.visible_to(user), "customer__relationship_manager", filters
    )
    if filters.product_id:
        applications = applications.filter(product_id=filters.product_id)
    start_at, end_at = _day_bounds(filters)
    previous_level = ApprovalRecord.objects.filter(
        application=OuterRef("application"),
        round=OuterRef("round"),
        kind=ApprovalKind.APPROVAL,
        level=OuterRef("level") - 1,
    ).exclude(decision=ApprovalDecision.RETURN)
    records = (
        ApprovalRecord.objects.filter(
            application__in=applications,
            round=F("application__round"),
            at__gte=start_at,
            at__lt=end_at,
        )
        .annotate(previous_at=Subquery(previous_level.values("at")[:1]))
        .annotate(
            started_at=Case(
                When(level__gt=1, then=F("previous_at")),
                default=F("application__submitted_at"),
            )
        )
    )
    stage_hours = _hours("at", F("started_at"))
    stages = [
        {
            "kind": row["kind"],
            "level": row["level"],
            "decisions": row["n"],
            "median_hours": _round_hours(row["median"]),
            "p90_hours": _round_hours(row["p90"]),
        }
        for row in records.values("kind", "level")
        .annotate(
            n=Count("id"),
            median=Percentile(stage_hours, 0.5),
            p90=Percentile(stage_hours, 0.9),
        )
        .order_by("kind", "level")
    ]
    cycle = _hours("decided_at", "submitted_at")
    decided = applications.filter(decided_at__gte=start_at, decided_at__lt=end_at).exclude(
        submitted_at__isnull=True
    )
    overall = decided.aggregate(
        decided=Count("id", filter=Q(status__in=(*APPROVED_STATUSES, ApplicationStatus.REJECTED))),
        approved=Count("id", filter=Q(status__in=APPROVED_STATUSES)),
        rejected=Count("id", filter=Q(status=ApplicationStatus.REJECTED)),
        median=Percentile(cycle, 0.5),
        p90=Percentile(cycle, 0.9),
    )
    return {
        "stages": stages,
        "decided": overall["decided"],
        "approved": overall["approved"],
        "rejected": overall["rejected"],
        "success_rate": percent(overall["approved"], overall["decided"]),
        "median_hours": _round_hours(overall["median"]),
        "p90_hours": _round_hours(overall["p90"]),
    }


def _day_bounds(filters: DashboardFilters):
    """The period as [first instant of start, first instant after end) in the bank's zone."""
    return (
        interaction_selectors.end_of_day(filters.start - timedelta(days=1)),
        interaction_selectors.end_of_day(filters.end),
    )


# --- service --------------------------------------------------------------------------------


def survey_trend(*, user, filters: DashboardFilters) -> list[dict]:
    """Valid survey responses per month: count, NPS, mean CSAT and top-2 share; two queries."""
    responses = _team(
        SurveyResponse.objects.visible_to(user), "customer__relationship_manager", filters
    ).filter(responded_on__gte=filters.start, responded_on__lte=filters.end)
    return interaction_selectors.survey_breakdown(responses, by="month")


def service_sla(*, user, filters: DashboardFilters) -> list[dict]:
    """SLA compliance of requests received in the period, per kind; one query.

    For each clock (first handling, reply, resolution by the planned due date) a request is on
    time, late (stopped after its deadline, or still running past it) or pending (still within
    it). Compliance = on time / (on time + late). Kinds without requests are left out.
    """
    now = timezone.now()
    today = timezone.localdate()
    start_at, end_at = _day_bounds(filters)
    requests = _team(
        ServiceRequest.objects.visible_to(user), "customer__relationship_manager", filters
    ).filter(received_at__gte=start_at, received_at__lt=end_at)

    def clock(done: str, due: str):
        on_time = Q(**{f"{done}__isnull": False, f"{done}__lte": F(due)})
        late = Q(**{f"{done}__gt": F(due)}) | Q(**{f"{done}__isnull": True, f"{due}__lt": now})
        return Count("id", filter=on_time), Count("id", filter=late)

    first_on_time, first_late = clock("first_handled_at", "first_handling_due_at")
    reply_on_time, reply_late = clock("replied_at", "reply_due_at")
    closed = Q(closed_at__isnull=False, due_date__isnull=False)
    rows = (
        requests.values("kind")
        .annotate(
            received=Count("id"),
            first_on_time=first_on_time,
            first_late=first_late,
            reply_on_time=reply_on_time,
            reply_late=reply_late,
            resolved_on_time=Count("id", filter=closed & Q(closed_at__date__lte=F("due_date"))),
            resolved_late=Count(
                "id",
                filter=(closed & Q(closed_at__date__gt=F("due_date")))
                | Q(closed_at__isnull=True, due_date__lt=today),
            ),
        )
        .order_by()
    )
    order = {kind: index for index, kind in enumerate(RequestKind.values)}
    result = []
    for row in sorted(rows, key=lambda r: order.get(r["kind"], 99)):
        for clock_name in ("first", "reply", "resolved"):
            on_time, late = row[f"{clock_name}_on_time"], row[f"{clock_name}_late"]
            row[f"{clock_name}_compliance"] = percent(on_time, on_time + late)
        result.append(row)
    return result


# --- relationship managers ------------------------------------------------------------------


def _people(user_ids) -> dict[int, str]:
    """Display names of users by id; one query."""
    rows = User.objects.filter(pk__in=list(user_ids)).values(
        "pk", "username", "first_name", "last_name"
    )
    return {
        row["pk"]: (f"{row['last_name']}{row['first_name']}".strip() or row["username"])
        for row in rows
    }


def contact_cadence(*, user, filters: DashboardFilters) -> list[dict]:
    """Per RM: customers within their contact interval on `as_of` and those overdue; 4 queries.

    The interval is the contact policy of DOMAIN.md §6 (stage × tier × risk level, or the
    customer's override), as the worklist computes it.
    """
    statuses = interaction_selectors.contact_statuses(
        _customers(user, filters), as_of=filters.as_of
    )
    per_rm: dict[int, dict] = {}
    for status in statuses:
        entry = per_rm.setdefault(
            status.relationship_manager_id, {"customers": 0, "on_schedule": 0, "overdue": 0}
        )
        entry["customers"] += 1
        entry["overdue" if status.next_due < filters.as_of else "on_schedule"] += 1
    names = _people(per_rm) if per_rm else {}
    rows = [
        {
            "relationship_manager_id": rm_id,
            "relationship_manager": names.get(rm_id, str(rm_id)),
            **entry,
            "compliance": percent(entry["on_schedule"], entry["customers"]),
        }
        for rm_id, entry in per_rm.items()
    ]
    rows.sort(key=lambda r: (r["compliance"], r["relationship_manager"]))
    return rows


def _filled_text(name: str) -> When:
    return When(~Q(**{name: ""}), then=1)


def _filled(name: str) -> When:
    return When(**{f"{name}__isnull": False}, then=1)


# The profile items a complete file has (DOMAIN.md §2 identity, business and provenance; §9
# data quality). Name, USCC, industry, region, size and RM are required by the form already.
PROFILE_ITEMS = (
    ("region_tier", _filled_text),
    ("branch", _filled_text),
    ("cooperation_start", _filled),
    ("established_on", _filled),
    ("registered_address", _filled_text),
    ("registered_capital", _filled),
    ("employees", _filled),
    ("business_model", _filled_text),
    ("market_position", _filled_text),
    ("operating_condition", _filled_text),
    ("supply_chain", _filled_text),
)
EXTRA_ITEMS = ("contact", "financial_statement", "verified")
PROFILE_ITEM_COUNT = len(PROFILE_ITEMS) + len(EXTRA_ITEMS)


def profile_completeness(*, user, filters: DashboardFilters) -> list[dict]:
    """Per RM: customers, mean profile completeness (%) and fully complete files; one query.

    A customer's completeness is the share of PROFILE_ITEMS filled, plus having a contact, a
    financial statement and a verified file.
    """
    items = [
        Case(rule(name), default=0, output_field=IntegerField()) for name, rule in PROFILE_ITEMS
    ]
    items.append(
        Case(
            When(Exists(Contact.objects.filter(customer=OuterRef("pk"))), then=1),
            default=0,
            output_field=IntegerField(),
        )
    )
    items.append(
        Case(
            When(Exists(FinancialStatement.objects.filter(customer=OuterRef("pk"))), then=1),
            default=0,
            output_field=IntegerField(),
        )
    )
    items.append(Case(When(verified=True, then=1), default=0, output_field=IntegerField()))
    filled = items[0]
    for item in items[1:]:
        filled = filled + item
    rows = (
        _customers(user, filters)
        .annotate(filled=ExpressionWrapper(filled, output_field=IntegerField()))
        .values(
            "relationship_manager_id",
            "relationship_manager__username",
            "relationship_manager__first_name",
            "relationship_manager__last_name",
        )
        .annotate(
            customers=Count("id"),
            filled_total=Sum("filled"),
            complete=Count("id", filter=Q(filled=PROFILE_ITEM_COUNT)),
        )
        .order_by()
    )
    result = [
        {
            "relationship_manager_id": row["relationship_manager_id"],
            "relationship_manager": _person(row, "relationship_manager"),
            "customers": row["customers"],
            "complete": row["complete"],
            "completeness": percent(row["filled_total"], row["customers"] * PROFILE_ITEM_COUNT),
        }
        for row in rows
    ]
    result.sort(key=lambda r: (r["completeness"], r["relationship_manager"]))
    return result
