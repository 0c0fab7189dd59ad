"""The benchmark harness: pages, API lists and daily jobs on the bank-scale portfolio.

Run it with `python -m bench` (see docs/benchmarks.md) against a database seeded with
`manage.py seed_demo --scale bank`. Every page is requested in-process through Django's test
Client (server time: middleware, views, queries and templates, no network), after warm-up
runs, N times; the report gives the median, the 95th percentile and the number of SQL
queries of one request. For each page the same data is also fetched by hand-written SQL over a
plain psycopg2 connection, the floor no ORM page can beat, and the ratio page / floor is shown.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

# Targets of the performance issue: server time p95, queries per request, ratio to the floor.
TARGET_P95_MS = 150
TARGET_QUERIES = 15
TARGET_RATIO = 3


@dataclass
class Scenario:
    """One page or endpoint, the user who asks for it and its SQL floor."""

    name: str
    user: str  # key into Context.users
    url: str
    floor: list[tuple[str, list]] = field(default_factory=list)
    note: str = ""


@dataclass
class Result:
    scenario: Scenario
    status: int
    queries: int
    times_ms: list[float]
    floor_ms: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        return _percentile(self.times_ms, 95)

    @property
    def floor_median(self) -> float | None:
        return statistics.median(self.floor_ms) if self.floor_ms else None

    @property
    def ratio(self) -> float | None:
        floor = self.floor_median
        return self.median / floor if floor else None


def _percentile(values: list[float], percent: float) -> float:
    """Nearest-rank percentile (no interpolation: a reported p95 was really observed)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * percent // 100))
    return ordered[int(rank) - 1]


class Context:
    """The users, ids and parameters the scenarios need, looked up from the portfolio."""

    def __init__(self):
        from crm.models import User
        from customers.models import Customer
        from loans.models import Loan

        bank_rms = (
            Customer.objects.filter(relationship_manager__username__startswith="bank_rm")
            .values("relationship_manager")
            .annotate(n=models_count())
            .order_by("-n")
        )
        busiest = bank_rms.first()
        if busiest is None:
            raise SystemExit(
                "No benchmark portfolio: run `manage.py seed_demo --scale bank` first."
            )
        self.users = {
            "busy RM": User.objects.get(pk=busiest["relationship_manager"]),
            "risk officer": User.objects.filter(username__startswith="bank_risk")
            .order_by("username")
            .first(),
        }
        lead = self.users["busy RM"].team.lead
        if lead is not None:
            self.users["team lead"] = lead
        self.busy_rm_customers = busiest["n"]
        # The busy RM's heaviest customer: most loans, so the customer page is at its largest.
        self.customer = (
            Customer.objects.filter(relationship_manager=self.users["busy RM"])
            .annotate(n=models_count("loans"))
            .order_by("-n", "pk")
            .first()
        )
        self.long_loan = (
            Loan.objects.filter(
                term_months=360, customer__relationship_manager__username__startswith="bank_"
            )
            .order_by("pk")
            .first()
        )
        self.total_customers = Customer.objects.count()


def models_count(*args):
    from django.db.models import Count

    return Count(*args) if args else Count("id")


def _worklist_floor(rm: int, today: date) -> list[tuple[str, list]]:
    """Everything the worklist shows, by hand: each source's rows (most urgent 21, the last
    only saying "more"), the two panels (alerts closed this week, reviews and needs due) and
    the contact and visit clocks computed in SQL from the policy tables."""
    from datetime import datetime, time

    from django.utils import timezone as tz

    from customers.models import SegmentationPolicy
    from interactions.selectors import (
        FALLBACK_INTERVAL_DAYS,
        FALLBACK_VISIT_DAYS,
        policy_table,
        visit_intervals,
    )

    soon = today + timedelta(days=7)
    end_of_today = tz.make_aware(datetime.combine(today + timedelta(days=1), time.min))
    policy = SegmentationPolicy.current()
    visit_case = " ".join(
        f"WHEN '{tier}' THEN {days}" for tier, days in sorted(visit_intervals().items())
    )

    def by_tier_and_risk(stage: str) -> str:
        whens = " ".join(
            f"WHEN s.tier = '{tier}' AND s.risk_level = '{risk}' THEN {days}"
            for (row_stage, tier, risk), days in sorted(policy_table().items())
            if row_stage == stage
        )
        return f"CASE {whens} ELSE {FALLBACK_INTERVAL_DAYS.get(stage, 90)} END"

    # The stage's flags are read once per customer (OFFSET 0 keeps the subquery from being
    # flattened into the expressions that use them).
    interval = (
        f"CASE WHEN s.preparing THEN {by_tier_and_risk('application')} "
        f"WHEN s.with_bank THEN {by_tier_and_risk('approval')} "
        f"WHEN s.borrowing THEN {by_tier_and_risk('post_loan')} "
        f"WHEN s.lifecycle_stage IN ('prospect', 'new') THEN {by_tier_and_risk('application')} "
        f"ELSE {by_tier_and_risk('post_loan')} END"
    )
    flags = (
        "EXISTS (SELECT 1 FROM loans_loanapplication a WHERE a.customer_id = c.id "
        "AND a.status IN ('draft', 'returned')) AS preparing, "
        "EXISTS (SELECT 1 FROM loans_loanapplication a WHERE a.customer_id = c.id AND "
        "a.status IN ('submitted', 'under_review', 'approved', 'contract_signed')) AS with_bank, "
        "EXISTS (SELECT 1 FROM loans_loan l WHERE l.customer_id = c.id AND l.status = 'active') "
        "AS borrowing"
    )
    alert_cols = (
        "a.id, a.customer_id, a.rule, a.severity, a.status, a.message, a.raised_on, a.due_at, "
        "a.closed_at, a.response, a.close_note, c.name, u.username, u.display_name "
        "FROM risk_alert a JOIN customers_customer c ON c.id = a.customer_id "
        "JOIN crm_user u ON u.id = c.relationship_manager_id WHERE c.relationship_manager_id = %s "
    )
    return [
        (  # repayments: one row per loan with unpaid installments due within the week
            "SELECT i.loan_id, c.name, min(i.due_date), count(*), "
            "sum(i.principal + i.interest - i.principal_paid - i.interest_paid) "
            "FROM customers_customer c JOIN loans_loan l ON l.customer_id = c.id "
            "JOIN loans_installment i ON i.loan_id = l.id "
            "WHERE c.relationship_manager_id = %s AND l.status = 'active' "
            "AND (i.principal_paid < i.principal OR i.interest_paid < i.interest) "
            "AND i.due_date <= %s GROUP BY i.loan_id, c.name ORDER BY 3, 1 LIMIT 21",
            [rm, soon],
        ),
        (  # alerts to acknowledge and alerts closed this week
            f"(SELECT {alert_cols} AND a.status = 'open' ORDER BY CASE a.severity WHEN 'red' "
            "THEN 3 WHEN 'orange' THEN 2 ELSE 1 END DESC, a.due_at, a.id DESC LIMIT 21) "
            f"UNION ALL (SELECT {alert_cols} AND a.status IN ('resolved', 'dismissed') "
            "AND a.closed_at >= %s ORDER BY a.closed_at DESC LIMIT 5)",
            [rm, rm, end_of_today - timedelta(days=8)],
        ),
        (  # service requests near or past their SLA
            "SELECT r.id, r.kind, r.summary, r.first_handled_at, r.first_handling_due_at, "
            "r.replied_at, r.reply_due_at, r.sla_breached, c.name "
            "FROM interactions_servicerequest r "
            "JOIN customers_customer c ON c.id = r.customer_id "
            "WHERE (r.owner_id = %s OR c.relationship_manager_id = %s) AND r.status <> 'closed' "
            "AND (r.sla_breached OR (r.first_handled_at IS NULL AND r.first_handling_due_at <= %s) "
            "OR (r.replied_at IS NULL AND r.reply_due_at <= %s)) "
            "ORDER BY r.reply_due_at, r.id LIMIT 21",
            [rm, rm, end_of_today, end_of_today],
        ),
        (  # follow-ups due this week
            "SELECT t.id, t.title, t.due_date, c.name FROM interactions_task t "
            "LEFT JOIN customers_customer c ON c.id = t.customer_id "
            "WHERE t.owner_id = %s AND t.status = 'open' AND t.due_date <= %s "
            "ORDER BY t.due_date, t.id LIMIT 21",
            [rm, soon],
        ),
        (  # applications returned for changes
            "SELECT a.id, a.amount, a.updated_at, c.name FROM loans_loanapplication a "
            "JOIN customers_customer c ON c.id = a.customer_id "
            "WHERE c.relationship_manager_id = %s AND a.status = 'returned' "
            "ORDER BY a.updated_at, a.id LIMIT 21",
            [rm],
        ),
        (  # planned visits missed
            "SELECT v.id, v.planned_for, v.agenda, c.name FROM interactions_visitplan v "
            "JOIN customers_customer c ON c.id = v.customer_id "
            "WHERE c.relationship_manager_id = %s AND v.status IN ('planned', 'missed') "
            "AND v.planned_for < %s ORDER BY v.planned_for, v.id LIMIT 21",
            [rm, today],
        ),
        (  # on-site visits overdue (tier interval), none planned
            "SELECT * FROM (SELECT c.id, c.name, coalesce((SELECT max(i.occurred_at) "
            "FROM interactions_interaction i WHERE i.customer_id = c.id "
            "AND i.channel = 'onsite_visit' AND i.occurred_at < %s)::date, c.created_at::date) "
            f"+ CASE c.tier {visit_case} ELSE {FALLBACK_VISIT_DAYS} END AS next_due "
            "FROM customers_customer c WHERE c.relationship_manager_id = %s "
            "AND c.lifecycle_stage IN ('new', 'established', 'at_risk') AND NOT EXISTS "
            "(SELECT 1 FROM interactions_visitplan p WHERE p.customer_id = c.id "
            "AND p.status = 'planned' AND p.planned_for >= %s)) v "
            "WHERE next_due < %s ORDER BY next_due, name, id LIMIT 21",
            [end_of_today, rm, today, today],
        ),
        (  # customers past their contact interval (stage × tier × risk level policy)
            "SELECT * FROM (SELECT s.id, s.name, coalesce(s.last_contact, s.created_on) + "
            f"coalesce(nullif(s.override_days, 0), {interval}) AS next_due FROM "
            f"(SELECT c.id, c.name, c.tier, c.risk_level, c.lifecycle_stage, {flags}, "
            "c.created_at::date AS created_on, o.interval_days AS override_days, "
            "(SELECT i.occurred_at FROM interactions_interaction i WHERE i.customer_id = c.id "
            "AND i.occurred_at < %s AND i.channel <> 'automatic' "
            "ORDER BY i.occurred_at DESC LIMIT 1)::date AS last_contact "
            "FROM customers_customer c LEFT JOIN interactions_contactintervaloverride o "
            "ON o.customer_id = c.id WHERE c.relationship_manager_id = %s "
            "AND c.lifecycle_stage <> 'churned' OFFSET 0) s) d WHERE next_due < %s "
            "ORDER BY next_due, name, id LIMIT 21",
            [end_of_today, rm, today],
        ),
        (  # birthdays in the next seven days
            "SELECT ct.id, ct.name, ct.birthday, c.name FROM customers_contact ct "
            "JOIN customers_customer c ON c.id = ct.customer_id "
            "WHERE c.relationship_manager_id = %s AND ct.birthday IS NOT NULL "
            "AND to_char(ct.birthday, 'MMDD') BETWEEN %s AND %s",
            [rm, today.strftime("%m%d"), (today + timedelta(days=6)).strftime("%m%d")],
        ),
        (  # classification reviews due
            "SELECT c.id, c.name, c.classified_on, c.tier, c.segment FROM customers_customer c "
            "WHERE c.relationship_manager_id = %s AND c.lifecycle_stage <> 'churned' "
            "AND (c.classified_on IS NULL OR c.classified_on <= %s OR "
            "((c.credit_grade = 'watch' OR c.risk_level = 'high') AND c.classified_on <= %s)) "
            "ORDER BY c.classified_on, c.name, c.id LIMIT 11",
            [
                rm,
                today - timedelta(days=policy.review_interval_days),
                today - timedelta(days=policy.watch_review_interval_days),
            ],
        ),
        (  # needs to re-assess
            "SELECT n.id, n.title, n.last_reviewed_on, c.name FROM customers_need n "
            "JOIN customers_customer c ON c.id = n.customer_id "
            "WHERE c.relationship_manager_id = %s AND n.status IN ('identified', 'planned') "
            "AND (n.last_reviewed_on IS NULL OR n.last_reviewed_on <= %s) "
            "ORDER BY n.last_reviewed_on, n.id LIMIT 11",
            [rm, today - timedelta(days=policy.needs_review_days)],
        ),
    ]


def scenarios(ctx: Context, today: date) -> list[Scenario]:
    """Every page and list endpoint of the issue, with the SQL that fetches the same data."""
    rm = ctx.users["busy RM"].pk
    customer = ctx.customer.pk
    loan = ctx.long_loan.pk if ctx.long_loan else None
    customer_cols = (
        "SELECT c.id, c.name, c.uscc, c.tier, c.segment, c.lifecycle_stage, c.risk_level, "
        "c.risk_score, c.region, c.created_at, i.code, i.name, u.id, u.username, u.display_name "
        "FROM customers_customer c JOIN customers_industry i ON i.code = c.industry_id "
        "JOIN crm_user u ON u.id = c.relationship_manager_id "
    )
    last_page = 500
    items = [
        Scenario(
            "customer list, page 1",
            "risk officer",
            "/customers/",
            [
                ("SELECT count(*) FROM customers_customer", []),
                (customer_cols + "ORDER BY c.name, c.id LIMIT 25", []),
            ],
        ),
        Scenario(
            f"customer list, page {last_page}",
            "risk officer",
            f"/customers/?page={last_page}",
            [
                ("SELECT count(*) FROM customers_customer", []),
                (
                    customer_cols + "ORDER BY c.name, c.id LIMIT 25 OFFSET %s",
                    [(last_page - 1) * 25],
                ),
            ],
        ),
        Scenario(
            "customer list, search 华鑫",
            "risk officer",
            "/customers/?q=华鑫",
            [
                (
                    "SELECT count(*) FROM customers_customer c "
                    "WHERE c.name ILIKE %s OR c.uscc ILIKE %s",
                    ["%华鑫%", "%华鑫%"],
                ),
                (
                    customer_cols + "WHERE c.name ILIKE %s OR c.uscc ILIKE %s "
                    "ORDER BY c.name, c.id LIMIT 25",
                    ["%华鑫%", "%华鑫%"],
                ),
            ],
        ),
        Scenario(
            "customer list, filters (industry C, tier general, stage established)",
            "risk officer",
            "/customers/?industry=C&tier=general&lifecycle_stage=established",
            [
                (
                    "SELECT count(*) FROM customers_customer c WHERE c.industry_id = 'C' "
                    "AND c.tier = 'general' AND c.lifecycle_stage = 'established'",
                    [],
                ),
                (
                    customer_cols + "WHERE c.industry_id = 'C' AND c.tier = 'general' "
                    "AND c.lifecycle_stage = 'established' ORDER BY c.name, c.id LIMIT 25",
                    [],
                ),
            ],
        ),
        Scenario(
            "customer list of the busy RM",
            "busy RM",
            "/customers/",
            [
                (
                    "SELECT count(*) FROM customers_customer WHERE relationship_manager_id = %s",
                    [rm],
                ),
                (
                    customer_cols + "WHERE c.relationship_manager_id = %s "
                    "ORDER BY c.name, c.id LIMIT 25",
                    [rm],
                ),
            ],
        ),
        Scenario(
            "customer page (busy RM's customer with most loans)",
            "busy RM",
            f"/customers/{customer}/",
            [
                (customer_cols + "WHERE c.id = %s", [customer]),
                ("SELECT * FROM customers_contact WHERE customer_id = %s ORDER BY id", [customer]),
                (
                    "SELECT * FROM customers_financialstatement WHERE customer_id = %s "
                    "ORDER BY period_end DESC",
                    [customer],
                ),
                (
                    "SELECT l.*, p.code FROM loans_loan l JOIN loans_loanproduct p "
                    "ON p.id = l.product_id WHERE l.customer_id = %s ORDER BY l.disbursed_on DESC",
                    [customer],
                ),
                (
                    "SELECT * FROM interactions_interaction WHERE customer_id = %s "
                    "ORDER BY occurred_at DESC LIMIT 10",
                    [customer],
                ),
                (
                    "SELECT * FROM interactions_servicerequest WHERE customer_id = %s "
                    "ORDER BY received_at DESC LIMIT 10",
                    [customer],
                ),
                (
                    "SELECT * FROM risk_alert WHERE customer_id = %s ORDER BY raised_on DESC "
                    "LIMIT 10",
                    [customer],
                ),
                (
                    "SELECT * FROM risk_riskscore WHERE customer_id = %s ORDER BY as_of DESC "
                    "LIMIT 5",
                    [customer],
                ),
            ],
        ),
        Scenario(
            "worklist of the busy RM",
            "busy RM",
            "/",
            _worklist_floor(rm, today),
        ),
        Scenario(
            "alert queue",
            "risk officer",
            "/risk/alerts/",
            [
                ("SELECT count(*) FROM risk_alert WHERE status IN ('open', 'acknowledged')", []),
                (
                    "SELECT a.*, c.name, u.username FROM risk_alert a "
                    "JOIN customers_customer c ON c.id = a.customer_id "
                    "LEFT JOIN crm_user u ON u.id = a.assignee_id "
                    "WHERE a.status IN ('open', 'acknowledged') "
                    "ORDER BY a.severity, a.raised_on DESC LIMIT 50",
                    [],
                ),
            ],
        ),
    ]
    if loan is not None:
        items.append(
            Scenario(
                "loan page with a 360-row schedule",
                "risk officer",
                f"/loans/{loan}/",
                [
                    (
                        "SELECT l.*, c.name, p.code FROM loans_loan l "
                        "JOIN customers_customer c ON c.id = l.customer_id "
                        "JOIN loans_loanproduct p ON p.id = l.product_id WHERE l.id = %s",
                        [loan],
                    ),
                    ("SELECT * FROM loans_installment WHERE loan_id = %s ORDER BY number", [loan]),
                    (
                        "SELECT * FROM loans_repayment WHERE loan_id = %s "
                        "ORDER BY paid_on DESC, id DESC",
                        [loan],
                    ),
                    (
                        "SELECT * FROM loans_classificationchange WHERE loan_id = %s "
                        "ORDER BY at DESC",
                        [loan],
                    ),
                ],
            )
        )
    api = (
        ("customers", "customers_customer", "ORDER BY name, id"),
        ("loans", "loans_loan", "ORDER BY disbursed_on DESC, id DESC"),
        ("loan-applications", "loans_loanapplication", "ORDER BY created_at DESC, id DESC"),
        ("alerts", "risk_alert", "ORDER BY raised_on DESC, id DESC"),
        ("interactions", "interactions_interaction", "ORDER BY occurred_at DESC, id DESC"),
        ("service-requests", "interactions_servicerequest", "ORDER BY received_at DESC, id DESC"),
    )
    for resource, table, order in api:
        items.append(
            Scenario(
                f"API /api/v1/{resource}/ (50 per page)",
                "risk officer",
                f"/api/v1/{resource}/",
                [
                    (f"SELECT count(*) FROM {table}", []),
                    (f"SELECT * FROM {table} {order} LIMIT 50", []),
                ],
            )
        )
    items.append(
        Scenario(
            "API /api/v1/customers/ of the busy RM",
            "busy RM",
            "/api/v1/customers/",
            [
                (
                    "SELECT count(*) FROM customers_customer WHERE relationship_manager_id = %s",
                    [rm],
                ),
                (
                    "SELECT * FROM customers_customer WHERE relationship_manager_id = %s "
                    "ORDER BY name, id LIMIT 50",
                    [rm],
                ),
            ],
        )
    )
    items.append(
        Scenario(
            "API /api/v1/tasks/ of the busy RM",
            "busy RM",
            "/api/v1/tasks/",
            [
                ("SELECT count(*) FROM interactions_task WHERE owner_id = %s", [rm]),
                (
                    "SELECT * FROM interactions_task WHERE owner_id = %s ORDER BY due_date, id "
                    "LIMIT 50",
                    [rm],
                ),
            ],
        )
    )
    items.append(
        Scenario(
            "API /api/v1/notifications/ of the busy RM",
            "busy RM",
            "/api/v1/notifications/",
            [
                (
                    "SELECT count(*) FROM notifications_notification WHERE recipient_id = %s",
                    [rm],
                ),
                (
                    "SELECT * FROM notifications_notification WHERE recipient_id = %s "
                    "ORDER BY created_at DESC, id DESC LIMIT 50",
                    [rm],
                ),
            ],
        )
    )
    return items


def _raw_connection():
    """A plain psycopg2 connection to the same database, outside Django."""
    import psycopg2

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return psycopg2.connect(**params)


def _time_floor(raw, floor: list[tuple[str, list]], repeat: int, warmup: int) -> list[float]:
    times = []
    with raw.cursor() as cursor:
        for run in range(warmup + repeat):
            started = time.perf_counter()
            for sql, params in floor:
                cursor.execute(sql, params)
                cursor.fetchall()
            elapsed = (time.perf_counter() - started) * 1000
            if run >= warmup:
                times.append(elapsed)
    raw.rollback()
    return times


def _auth_floor(client: Client) -> list[tuple[str, list]]:
    """What every request reads before its page's data: the session, the user, and the user's
    roles and permissions."""
    session = client.session
    user_id = session.get("_auth_user_id")
    return [
        (
            "SELECT session_data FROM django_session WHERE session_key = %s "
            "AND expire_date > now()",
            [session.session_key],
        ),
        ("SELECT * FROM crm_user WHERE id = %s", [user_id]),
        (
            "SELECT g.name FROM auth_group g JOIN crm_user_groups ug ON ug.group_id = g.id "
            "WHERE ug.user_id = %s UNION ALL SELECT ct.app_label || '.' || p.codename "
            "FROM crm_user_groups ug JOIN auth_group_permissions gp ON gp.group_id = ug.group_id "
            "JOIN auth_permission p ON p.id = gp.permission_id "
            "JOIN django_content_type ct ON ct.id = p.content_type_id WHERE ug.user_id = %s",
            [user_id, user_id],
        ),
    ]


def measure(scenario: Scenario, client: Client, raw, *, repeat: int, warmup: int) -> Result:
    """Warm up, count the queries of one request, then time `repeat` requests and the floor."""
    for _ in range(warmup):
        client.get(scenario.url)
    # The query log is a bounded deque (9,000 entries): a full one would count nothing.
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(scenario.url)
    # Read now: the next request's request_started signal empties the query log.
    queries = len(captured)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(scenario.url)
        times.append((time.perf_counter() - started) * 1000)
    floor = (
        _time_floor(raw, _auth_floor(client) + scenario.floor, repeat, warmup)
        if scenario.floor
        else []
    )
    return Result(scenario, response.status_code, queries, times, floor)


def run_jobs(as_of: date, out) -> list[dict]:
    """Run every daily job once for `as_of`, in order; time and counts from the JobRun rows."""
    from crm import jobs

    rows = []
    for daily_job in jobs.registered_jobs():
        out.write(f"  job {daily_job.name} ...")
        out.flush()
        run = jobs.run_job(daily_job, as_of=as_of, triggered_by="bench")
        seconds = run.duration.total_seconds()
        out.write(f" {seconds:.1f}s {run.status}\n")
        rows.append(
            {
                "job": daily_job.name,
                "seconds": seconds,
                "status": run.status,
                "counts": run.counts,
                "summary": run.summary,
            }
        )
    return rows


def _machine() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (pg_version,) = cursor.fetchone()
    mem_kb = 0
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    mem_kb = int(line.split()[1])
    except OSError:
        pass
    try:
        cpu = subprocess.run(
            ["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        cpu = platform.processor()
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu or "unknown",
        "ram": f"{mem_kb / 1024 / 1024:.1f} GiB" if mem_kb else "unknown",
        "postgresql": pg_version,
        "python": platform.python_version(),
        "django": __import__("django").get_version(),
    }


def _data_sizes() -> list[tuple[str, int]]:
    from customers.models import Contact, Customer, FinancialStatement
    from interactions.models import Interaction, ServiceRequest
    from loans.models import Installment, Loan, Repayment
    from risk.models import Alert, RiskScore

    sizes = []
    with connection.cursor() as cursor:
        for model in (
            Customer,
            Contact,
            FinancialStatement,
            Loan,
            Installment,
            Repayment,
            Interaction,
            ServiceRequest,
            RiskScore,
            Alert,
        ):
            cursor.execute(f'SELECT count(*) FROM "{model._meta.db_table}"')
            sizes.append((model._meta.verbose_name_plural, cursor.fetchone()[0]))
    return sizes


def _verdict(result: Result) -> str:
    misses = []
    if result.status != 200:
        misses.append(f"HTTP {result.status}")
    if result.p95 > TARGET_P95_MS:
        misses.append("p95")
    if result.queries > TARGET_QUERIES:
        misses.append("queries")
    if result.ratio is not None and result.ratio > TARGET_RATIO:
        misses.append("ratio")
    return "ok" if not misses else "miss: " + ", ".join(misses)


def _throughput(job: dict) -> str:
    """Rows handled per second, from the job's own counts."""
    seconds = job["seconds"] or 0.0
    counts = job["counts"] or {}
    numeric = {k: v for k, v in counts.items() if isinstance(v, int | float) and v}
    if not numeric or not seconds:
        return ""
    return ", ".join(f"{value / seconds:,.0f} {key}/s" for key, value in numeric.items())


def render_markdown(
    *,
    command: str,
    started,
    machine: dict,
    load_before,
    load_after,
    sizes,
    ctx: Context,
    results: list[Result],
    job_rows: list[dict] | None,
    as_of: date,
    repeat: int,
    warmup: int,
    notes: list[str],
) -> str:
    lines = [
        "# Benchmarks",
        "",
        "Produced by the harness in `bench/` (`python -m bench`); do not edit by hand, run it",
        "again. Server time is measured in-process with Django's test Client (middleware, view,",
        "queries, template; no network, no browser). Each page is warmed up, then requested N",
        "times; **queries** is the number of SQL queries of one request. **floor** is the same",
        "data (the session, the user and their roles and permissions, then the page's rows)",
        "fetched by hand-written SQL over a plain psycopg2 connection (no ORM, no templates);",
        "**ratio** = median / floor median.",
        "",
        f"Targets (issue 10, 2 cores, bank scale): p95 < {TARGET_P95_MS} ms, at most "
        f"{TARGET_QUERIES} queries, not growing with the data, within {TARGET_RATIO}× of the "
        "floor.",
        "",
        "## Run",
        "",
        f"- command: `{command}`",
        f"- date: {started:%Y-%m-%d %H:%M} UTC; business date of the jobs: {as_of.isoformat()}",
        f"- machine: {machine['nproc']} CPUs ({machine['cpu']}), {machine['ram']} RAM, "
        f"PostgreSQL {machine['postgresql']}, Python {machine['python']}, "
        f"Django {machine['django']}",
        f"- load average (1, 5, 15 min) before: {load_before[0]:.2f}, {load_before[1]:.2f}, "
        f"{load_before[2]:.2f}; after: {load_after[0]:.2f}, {load_after[1]:.2f}, "
        f"{load_after[2]:.2f}",
        f"- repeats: {repeat} timed requests after {warmup} warm-up requests per page",
        f"- users: busy RM `{ctx.users['busy RM'].username}` ({ctx.busy_rm_customers:,} "
        f"customers), risk officer `{ctx.users['risk officer'].username}` (sees all "
        f"{ctx.total_customers:,})",
        "- data: " + ", ".join(f"{count:,} {name}" for name, count in sizes),
        "",
    ]
    for note in notes:
        lines.append(f"> {note}")
        lines.append("")
    if results:
        lines += [
            "## Pages and API list endpoints",
            "",
            "| page | user | HTTP | queries | median ms | p95 ms | floor ms | ratio | verdict |",
            "|---|---|---:|---:|---:|---:|---:|---:|---|",
        ]
    for result in results:
        floor = result.floor_median
        ratio = result.ratio
        lines.append(
            f"| {result.scenario.name} | {result.scenario.user} | {result.status} | "
            f"{result.queries} | {result.median:.1f} | {result.p95:.1f} | "
            f"{'' if floor is None else f'{floor:.1f}'} | "
            f"{'' if ratio is None else f'{ratio:.1f}×'} | {_verdict(result)} |"
        )
    lines.append("")
    if job_rows is not None:
        total = sum(job["seconds"] for job in job_rows)
        lines += [
            f"## Daily jobs (`run_daily_jobs` for {as_of.isoformat()}, whole portfolio)",
            "",
            "Time per job from the JobRun table; throughput = the job's own counts / its time.",
            "",
            "| job | seconds | status | throughput | summary |",
            "|---|---:|---|---|---|",
        ]
        for job in job_rows:
            summary = job["summary"].replace("|", "/").replace("\n", " ")
            lines.append(
                f"| {job['job']} | {job['seconds']:.1f} | {job['status']} | "
                f"{_throughput(job)} | {summary} |"
            )
        lines += ["", f"Total: {total:.1f} s.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Measure pages, API lists and daily jobs on the bank-scale portfolio.",
    )
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=3, help="warm-up requests per page")
    parser.add_argument(
        "--jobs",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="run and time every daily job first (default: yes)",
    )
    parser.add_argument(
        "--pages",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="measure the pages and API lists (default: yes)",
    )
    parser.add_argument("--as-of", type=date.fromisoformat, default=None, help="jobs' date")
    parser.add_argument("--only", default=None, help="only pages whose name contains this")
    parser.add_argument(
        "--output", default="docs/benchmarks.md", help="markdown report ('-' for stdout only)"
    )
    args = parser.parse_args(argv)
    out = sys.stdout
    command = "python -m bench " + " ".join(argv if argv is not None else sys.argv[1:])
    started = timezone.now()
    as_of = args.as_of or timezone.localdate()
    # Production-like: no query log or template debug data (before any template engine loads).
    settings.DEBUG = False
    # The test Client talks to host "testserver"; DRF throttles would stop a long run.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    from rest_framework.throttling import SimpleRateThrottle

    for scope in list(SimpleRateThrottle.THROTTLE_RATES):
        SimpleRateThrottle.THROTTLE_RATES[scope] = "1000000/hour"

    load_before = os.getloadavg()
    machine = _machine()
    ctx = Context()
    job_rows = None
    if args.jobs:
        out.write(f"Daily jobs for {as_of.isoformat()}:\n")
        job_rows = run_jobs(as_of, out)
    notes = []
    items = scenarios(ctx, as_of)
    if _page_exists("/dashboard/"):
        viewer = "team lead" if "team lead" in ctx.users else "risk officer"
        items.insert(8, Scenario("dashboard", viewer, "/dashboard/"))
    else:
        notes.append("`/dashboard/` does not exist on this branch yet: not measured.")
    if args.only:
        items = [item for item in items if args.only.lower() in item.name.lower()]
    if not args.pages:
        items = []
    raw = _raw_connection()
    results = []
    clients: dict[str, Client] = {}
    for item in items:
        client = clients.get(item.user)
        if client is None:
            client = clients[item.user] = Client()
            client.force_login(ctx.users[item.user])
        result = measure(item, client, raw, repeat=args.repeat, warmup=args.warmup)
        results.append(result)
        out.write(
            f"{item.name:<70} {result.status} q={result.queries:<3} "
            f"median={result.median:7.1f} ms p95={result.p95:7.1f} ms "
            f"floor={result.floor_median or 0:6.1f} ms {_verdict(result)}\n"
        )
        out.flush()
    raw.close()
    load_after = os.getloadavg()
    report = render_markdown(
        command=command.strip(),
        started=started,
        machine=machine,
        load_before=load_before,
        load_after=load_after,
        sizes=_data_sizes(),
        ctx=ctx,
        results=results,
        job_rows=job_rows,
        as_of=as_of,
        repeat=args.repeat,
        warmup=args.warmup,
        notes=notes,
    )
    if args.output != "-":
        report += _kept_analysis(args.output)
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(report + "\n")
        out.write(f"Report written to {args.output}\n")
    else:
        out.write(report + "\n")
    return 0


ANALYSIS_MARKER = "<!-- analysis: kept by the harness, edit freely below -->"


def _kept_analysis(path: str) -> str:
    """The hand-written analysis below the marker of an existing report, kept on rewrite."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        return ""
    index = text.find(ANALYSIS_MARKER)
    return "" if index < 0 else "\n" + text[index:].rstrip("\n")


def _page_exists(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path)
    except Resolver404:
        return False
    return True
