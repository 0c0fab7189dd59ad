"""The bank-scale benchmark portfolio of `seed_demo --scale bank [--fraction F]`.

At fraction 1: 200 staff in 20 teams, 50,000 corporate customers, 150,000 contacts, three years
of financial statements, 120,000 disbursed loans with their full schedules (about three million
installments) and the repayments posted against them, 1,000,000 interactions and 100,000
service requests. Everything is written with PostgreSQL COPY in one transaction, so a run either
adds the whole portfolio or nothing; a second run finds it and adds nothing (idempotent).

The numbers are not invented where the product computes them: schedules come from
`loans.schedule.generate_schedule`, days past due and the classification floor from the same
module, ratios from `customers.ratios.compute_ratios`, SLA deadlines and breaches from
`interactions.sla`, and contact phone and ID numbers are real Fernet ciphertext. Risk scores,
alerts and reminders are left to `run_daily_jobs`, exactly as at a bank.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from crm.fields import field_cipher
from crm.models import Team, User
from crm.roles import Role
from customers.models import Contact, Customer, FinancialStatement, Industry
from customers.ratios import compute_ratios
from customers.uscc import uscc_check_character
from interactions import sla
from interactions.models import Interaction, ServiceRequest, SlaPolicy, Task
from loans.models import (
    ApprovalRecord,
    ApprovalTier,
    Collateral,
    Guarantor,
    Installment,
    Loan,
    LoanApplication,
    LoanApplicationEvent,
    LoanProduct,
    Repayment,
    RepaymentAllocation,
)
from loans.schedule import classification_floor, days_past_due, generate_schedule
from risk.models import PostLoanCheck

from .copy import copy_rows, reserve_ids

D = Decimal
CENT = D("0.01")
ZERO = D("0.00")
USERNAME_PREFIX = "bank_"
SEED = 20260401

# Full-scale counts (fraction 1). Contacts, statements and installments follow from these.
CUSTOMERS = 50_000
LOANS = 120_000
INTERACTIONS = 1_000_000
SERVICE_REQUESTS = 100_000
TEAMS = 20
RMS_PER_TEAM = 8
APPROVERS = 12
RISK_OFFICERS = 8

# (city, weight, administrative division code, region tier)
REGIONS = (
    ("上海", 14, "310115", "tier1"), ("北京", 12, "110108", "tier1"),
    ("深圳", 9, "440305", "tier1"), ("广州", 8, "440106", "tier1"),
    ("杭州", 6, "330106", "tier2_3"), ("苏州", 6, "320506", "tier2_3"),
    ("南京", 5, "320106", "tier2_3"), ("成都", 5, "510107", "tier2_3"),
    ("武汉", 4, "420106", "tier2_3"), ("天津", 4, "120116", "tier1"),
    ("重庆", 4, "500103", "tier2_3"), ("西安", 3, "610113", "tier2_3"),
    ("宁波", 3, "330212", "tier2_3"), ("无锡", 3, "320214", "tier2_3"),
    ("青岛", 3, "370212", "tier2_3"), ("合肥", 2, "340104", "tier2_3"),
    ("佛山", 3, "440604", "tier2_3"), ("东莞", 3, "441900", "tier2_3"),
    ("安吉", 1, "330523", "rural"), ("寿光", 1, "370783", "rural"),
    ("义乌", 1, "330782", "tier2_3"),
)  # fmt: skip

# GB/T 4754 section, share of a commercial bank's corporate book (weights), name word.
INDUSTRIES = (
    ("C", 30, "制造"), ("F", 18, "商贸"), ("E", 8, "建设工程"), ("G", 6, "物流"),
    ("I", 6, "信息技术"), ("L", 6, "商务服务"), ("K", 4, "置业"), ("D", 3, "能源"),
    ("A", 3, "农业发展"), ("M", 3, "科技研发"), ("H", 3, "餐饮管理"), ("N", 2, "环保科技"),
    ("Q", 2, "医疗"), ("R", 1, "文化传媒"), ("P", 1, "教育科技"), ("B", 1, "矿业"),
    ("O", 1, "家政服务"), ("J", 1, "投资管理"),
)  # fmt: skip

# size, weight, (registered capital range in CNY m), employees range, loan amount range (CNY m)
SIZES = (
    ("micro", 30, (0.5, 5), (3, 20), (0.3, 3)),
    ("small", 38, (2, 30), (20, 300), (1, 15)),
    ("medium", 24, (10, 200), (300, 1000), (5, 80)),
    ("large", 8, (100, 2000), (1000, 20000), (30, 600)),
)
NAME_CORES = (
    "华鑫", "恒泰", "瑞丰", "宏达", "金桥", "天宇", "明辉", "长江", "东方", "新华", "锦江", "中联",
    "盛世", "永安", "德信", "海纳", "鼎盛", "嘉禾", "富通", "兴业", "卓越", "万通", "远航", "博源",
    "昌盛", "华美", "信达", "腾飞", "安泰", "汇通", "正泰", "广源", "宝丰", "凯达", "隆基", "振华",
)  # fmt: skip
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳强敏静磊军洋勇艳杰涛明超华平刚桂英建文辉力丽云峰霞亮健志斌宁"

# product code, share of loans, (term, weight) pairs, share of each repayment method
PRODUCTS = (
    ("WCL", 76, ((6, 10), (12, 45), (24, 25), (36, 20)),
     (("equal_installment", 40), ("interest_only", 20), ("equal_principal", 10), ("bullet", 30))),
    ("FAL", 18, ((24, 20), (36, 30), (60, 35), (84, 15)),
     (("equal_installment", 50), ("equal_principal", 40), ("interest_only", 10))),
    ("PJL", 6, ((60, 35), (120, 35), (180, 20), (240, 7), (360, 3)),
     (("equal_principal", 55), ("equal_installment", 45))),
)  # fmt: skip
GUARANTEES = (("credit", 35), ("collateral", 45), ("guarantee", 20))

CHANNELS = (
    ("phone", 35), ("wechat", 20), ("onsite_visit", 15), ("email", 10), ("meeting", 8),
    ("video", 4), ("branch", 4), ("sms", 2), ("event", 1), ("salon", 1),
)  # fmt: skip
PURPOSES = (
    ("regular_visit", 25), ("repayment_reminder", 15), ("needs_interview", 10),
    ("return_visit", 10), ("product_recommendation", 8), ("information_sharing", 8),
    ("problem_solving", 6), ("maturity_reminder", 5), ("approval_feedback", 5), ("care", 4),
    ("satisfaction_check", 2), ("risk_explanation", 1), ("value_added", 1),
)  # fmt: skip
SUMMARIES = (
    "Orders up on last quarter; asked about a larger working-capital line. "
    "订单环比增长，询问提高流贷额度。",
    "Walked the new production line; capex plan for next year discussed. "
    "参观新产线，讨论明年资本开支。",
    "Explained the approval timetable and documents still missing. 说明审批进度及待补材料。",
    "Reminded finance of the installment due next week. 提醒财务下周还款。",
    "Raw-material prices up; margins under pressure. 原材料涨价，毛利承压。",
    "Introduced supply-chain finance. 介绍供应链金融产品。",
    "Quarterly review with the CFO; receivables collection slower. 与财务总监季度回顾，回款放缓。",
    "Festival greetings and a short catch-up. 节日问候。",
)
NEXT_ACTIONS = ("Send limit proposal", "Chase audited statements", "Review cash-flow forecast",
                "Arrange site visit", "Prepare renewal documents")  # fmt: skip
REQUEST_KINDS = (
    ("inquiry", 40), ("service_request", 30), ("complaint", 15), ("suggestion", 10),
    ("evaluation", 3), ("opinion", 2),
)  # fmt: skip
REQUEST_SUMMARIES = {
    "inquiry": "Asked about the renewal process and the documents needed. 咨询续贷流程。",
    "service_request": "Appointment for a limit review at the branch. 预约额度复审。",
    "complaint": "Repayment deducted twice from the settlement account. 还款重复扣款。",
    "suggestion": "Wants e-signature for loan contracts. 建议贷款合同支持电子签章。",
    "evaluation": "Praised the RM's response time. 表扬客户经理响应及时。",
    "opinion": "Finds the interest rate high against competitors. 认为利率偏高。",
}


@dataclass
class Scale:
    """Target counts for a fraction of the full benchmark portfolio."""

    fraction: float

    def of(self, full: int, minimum: int = 1) -> int:
        return max(minimum, round(full * self.fraction))

    @property
    def teams(self):
        return self.of(TEAMS)

    @property
    def approvers(self):
        return self.of(APPROVERS, 2)

    @property
    def risk_officers(self):
        return self.of(RISK_OFFICERS)


def _weighted(rnd: random.Random, options):
    """Pick from (value, weight, ...) tuples; cumulative weights cached per options tuple."""
    cached = _CUM.get(id(options))
    if cached is None or cached[0] is not options:
        total = 0
        cumulative = []
        for option in options:
            total += option[1]
            cumulative.append(total)
        cached = _CUM[id(options)] = (options, cumulative, total)
    _options, cumulative, total = cached
    point = rnd.random() * total
    low, high = 0, len(cumulative) - 1
    while low < high:
        middle = (low + high) // 2
        if cumulative[middle] > point:
            high = middle
        else:
            low = middle + 1
    return options[low]


_CUM: dict[int, tuple[tuple, list[float], float]] = {}


def _money(value: float) -> Decimal:
    return D(str(round(value, 2))).quantize(CENT, rounding=ROUND_HALF_UP)


def _round_to(value: float, step: int) -> Decimal:
    return D(max(step, int(round(value / step)) * step)).quantize(CENT)


def _log_uniform(rnd: random.Random, low: float, high: float) -> float:
    return math.exp(rnd.uniform(math.log(low), math.log(high)))


def bank_uscc(index: int, division: str, legal_form: str) -> str:
    """A valid USCC (GB 32100) for benchmark company `index`; never one of the small demo set."""
    # Registration authority 9 (industry and commerce), type 1 enterprise / 2 个体工商户.
    body = f"{10_000_000 + index:08d}"
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    remainder = 11 - sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11
    organisation = body + {10: "X", 11: "0"}.get(remainder, str(remainder))
    first17 = ("92" if legal_form == "individual_business" else "91") + division + organisation
    return first17 + uscc_check_character(first17)


def portfolio_present() -> bool:
    """True when a bank portfolio was seeded before (its staff own customers)."""
    return Customer.objects.filter(
        relationship_manager__username__startswith=USERNAME_PREFIX
    ).exists()


class _Log:
    def __init__(self, stdout):
        self.stdout = stdout
        self.started = time.perf_counter()
        self.last = self.started

    def __call__(self, message: str) -> None:
        now = time.perf_counter()
        self.stdout.write(f"bank: {message} ({now - self.last:.1f}s)")
        self.last = now


def seed_bank(
    *, fraction: float = 1.0, password: str, stdout, today: date | None = None
) -> dict[str, int]:
    """Add the benchmark portfolio (all of it or nothing); return the counts created."""
    if not 0 < fraction <= 1:
        raise ValueError("fraction must be greater than 0 and at most 1")
    if portfolio_present():
        stdout.write("bank: benchmark portfolio already present; nothing added")
        return {}
    today = today or timezone.localdate()
    log = _Log(stdout)
    counts: dict[str, int] = {}
    with transaction.atomic():
        connection.ensure_connection()
        with connection.cursor() as cursor:
            # One long transaction of bulk writes: let the commit not wait on each WAL flush.
            cursor.execute("SET LOCAL synchronous_commit TO off")
        seeder = _Seeder(Scale(fraction), today, counts, log, password)
        seeder.run()
    # Fresh statistics, or the planner would treat million-row tables as empty; VACUUM also
    # sets the visibility map, so counts can use index-only scans (not possible inside a
    # transaction, e.g. in tests: there ANALYZE alone).
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    tables = [
        model._meta.db_table
        for model in (
            Customer, Contact, FinancialStatement, LoanApplication, LoanApplicationEvent,
            ApprovalRecord, Loan, Installment, Repayment, RepaymentAllocation, Interaction,
            Interaction.contacts.through, ServiceRequest, Task,
        )
    ]  # fmt: skip
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'{command} "{table}"')
    log(f"{command} of {len(tables)} tables")
    total = time.perf_counter() - log.started
    stdout.write(
        f"bank: portfolio ready in {total:.0f}s: "
        + ", ".join(f"{value:,} {name}" for name, value in counts.items())
    )
    return counts


class _Seeder:
    def __init__(self, scale: Scale, today: date, counts: dict[str, int], log: _Log, password):
        self.password = password
        self.scale = scale
        self.today = today
        self.counts = counts
        self.log = log
        self.rnd = random.Random(SEED)
        self.tz = timezone.get_current_timezone()
        self.now = timezone.now()

    def _at(self, day: date, hour: int = 10, minute: int = 0) -> datetime:
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=self.tz)

    def run(self):
        self.staff()
        self.customers()
        self.contacts()
        self.statements()
        self.loans()
        self.interactions()
        self.service_requests()

    # --- staff -----------------------------------------------------------------------------

    def staff(self):
        """Teams of one lead and eight relationship managers, plus approvers and risk officers."""
        # One hash for all: 200 PBKDF2 runs would take minutes of CPU for nothing.
        password = make_password(self.password)
        groups = {group.name: group for group in Group.objects.all()}
        teams = Team.objects.bulk_create(
            [
                Team(name=f"Bank Team {t + 1:02d}", branch=f"{REGIONS[t % len(REGIONS)][0]}分行")
                for t in range(self.scale.teams)
            ]
        )
        people = []
        for t, team in enumerate(teams):
            people.append((f"{USERNAME_PREFIX}lead{t + 1:02d}", Role.TEAM_LEAD, team))
            for r in range(RMS_PER_TEAM):
                number = t * RMS_PER_TEAM + r + 1
                people.append((f"{USERNAME_PREFIX}rm{number:03d}", Role.RELATIONSHIP_MANAGER, team))
        for a in range(self.scale.approvers):
            people.append((f"{USERNAME_PREFIX}approver{a + 1:02d}", Role.CREDIT_APPROVER, None))
        for k in range(self.scale.risk_officers):
            people.append((f"{USERNAME_PREFIX}risk{k + 1:02d}", Role.RISK_OFFICER, None))
        users = []
        for index, (username, _role, team) in enumerate(people):
            surname = SURNAMES[index % len(SURNAMES)]
            given = GIVEN[(index * 7) % len(GIVEN)] + GIVEN[(index * 3 + 1) % len(GIVEN)]
            users.append(
                User(
                    username=username,
                    display_name=f"{surname}{given}",
                    email=f"{username}@bank.example",
                    team=team,
                    password=password,
                    password_changed_at=self.now,
                )
            )
        users = User.objects.bulk_create(users)
        Membership = User.groups.through
        Membership.objects.bulk_create(
            [
                Membership(user_id=user.pk, group_id=groups[role].pk)
                for user, (_name, role, _team) in zip(users, people, strict=True)
            ]
        )
        for team, user in zip(teams, [u for u in users if "lead" in u.username], strict=True):
            team.lead = user
        Team.objects.bulk_update(teams, ["lead"])
        self.rms = [
            u for u, p in zip(users, people, strict=True) if p[1] == Role.RELATIONSHIP_MANAGER
        ]
        self.approvers = [
            u for u, p in zip(users, people, strict=True) if p[1] == Role.CREDIT_APPROVER
        ]
        self.counts["staff"] = len(users)
        self.counts["teams"] = len(teams)
        self.log(f"{len(users)} staff in {len(teams)} teams")

    # --- customers -------------------------------------------------------------------------

    def customers(self):
        """Customers over the RMs with a long tail: a few RMs carry very large books."""
        rnd = self.rnd
        n = self.scale.of(CUSTOMERS)
        # Zipf-like book sizes: the busiest RM has about 2 % of the customers.
        rm_weights = tuple((rm, 1 / (rank + 20)) for rank, rm in enumerate(self.rms))
        known = set(Industry.objects.values_list("code", flat=True))
        industries = tuple(row for row in INDUSTRIES if row[0] in known)
        first_id = reserve_ids(Customer, n)
        self.customer_rows = []
        fields = (
            "id",
            "name",
            "uscc",
            "legal_form",
            "industry_id",
            "size",
            "region",
            "region_tier",
            "branch",
            "relationship_manager_id",
            "tier",
            "segment",
            "lifecycle_stage",
            "cooperation_start",
            "entity_type",
            "registered_address",
            "established_on",
            "registered_capital",
            "employees",
            "approved_credit",
            "deposits",
            "intermediate_income",
            "products_held",
            "data_source",
            "verification_method",
            "verified",
            "collected_by_id",
            "collected_on",
            "created_by_id",
            "created_at",
        )

        def rows():
            for i in range(n):
                pk = first_id + i
                rm = _weighted(rnd, rm_weights)[0]
                city, _w, division, region_tier = _weighted(rnd, REGIONS)
                industry, _w, word = _weighted(rnd, industries)
                size, _w, capital, employees, loan_range = _weighted(rnd, SIZES)
                legal_form = (
                    "individual_business"
                    if size == "micro" and rnd.random() < 0.3
                    else "enterprise"
                )
                core = (
                    NAME_CORES[rnd.randrange(len(NAME_CORES))]
                    + NAME_CORES[rnd.randrange(len(NAME_CORES))][0]
                )
                suffix = "经营部" if legal_form == "individual_business" else "有限公司"
                name = f"{city}{core}{word}{suffix}"
                stage_roll = rnd.random()
                stage = (
                    "prospect"
                    if stage_roll < 0.06
                    else "new"
                    if stage_roll < 0.2
                    else "established"
                    if stage_roll < 0.93
                    else "at_risk"
                    if stage_roll < 0.98
                    else "churned"
                )
                tier = (
                    "key"
                    if size == "large"
                    and rnd.random() < 0.5
                    or size == "medium"
                    and rnd.random() < 0.05
                    else "general"
                )
                established = date(
                    1990 + rnd.randrange(33), 1 + rnd.randrange(12), 1 + rnd.randrange(28)
                )
                cooperation = (
                    None
                    if stage == "prospect"
                    else self.today - timedelta(days=rnd.randint(60, 15 * 365))
                )
                created = self._at(
                    self.today - timedelta(days=rnd.randint(1, 6 * 365)), 9 + rnd.randrange(8)
                )
                borrower = stage != "prospect" and rnd.random() < 0.85
                self.customer_rows.append((pk, rm, size, loan_range, stage, borrower, tier, name))
                yield (
                    pk,
                    name,
                    bank_uscc(pk, division, legal_form),
                    legal_form,
                    industry,
                    size,
                    city,
                    region_tier,
                    f"{city}分行",
                    rm.pk,
                    tier,
                    "premium"
                    if tier == "key"
                    else rnd.choice(("potential", "mass_market", "mass_market")),
                    stage,
                    cooperation,
                    "enterprise",
                    f"{city}市{rnd.choice(NAME_CORES)}路{rnd.randint(1, 999)}号",
                    established,
                    _round_to(_log_uniform(rnd, *capital) * 1e6, 10_000),
                    rnd.randint(*employees),
                    _round_to(_log_uniform(rnd, *loan_range) * 2.5e6, 100_000)
                    if borrower
                    else None,
                    None
                    if stage == "prospect"
                    else _round_to(_log_uniform(rnd, *loan_range) * 3e5, 1_000),
                    None
                    if stage == "prospect"
                    else _round_to(_log_uniform(rnd, *loan_range) * 1e4, 100),
                    None if stage == "prospect" else rnd.randint(1, 9),
                    "internal",
                    "customer_document",
                    stage != "prospect",
                    rm.pk,
                    created.date(),
                    rm.pk,
                    created,
                )

        self.counts["customers"] = copy_rows(Customer, fields, rows())
        self.log(f"{n:,} customers")

    # --- contacts --------------------------------------------------------------------------

    def contacts(self):
        """One to five contacts per customer (three on average); phone and ID encrypted."""
        rnd = self.rnd
        cipher = field_cipher()
        first_id = reserve_ids(Contact, len(self.customer_rows) * 5)
        self.contact_ids: dict[int, list[int]] = {}
        roles = (
            ("legal_representative", "董事长", "总经办", True),
            ("finance", "财务总监", "财务部", False),
            ("management", "总经理", "总经办", True),
            ("finance", "财务经理", "财务部", False),
            ("other", "采购经理", "采购部", False),
        )
        fields = (
            "id",
            "customer_id",
            "name",
            "role",
            "department",
            "position",
            "is_decision_maker",
            "approval_order",
            "birthday",
            "phone",
            "email",
            "id_number",
            "data_source",
        )

        def encrypt(text: str) -> str:
            return cipher.encrypt(text.encode()).decode()

        def rows():
            pk = first_id
            for customer_id, *_rest in self.customer_rows:
                count = rnd.choice((1, 2, 3, 3, 3, 4, 5))
                ids = []
                for k in range(count):
                    role, position, department, decision = roles[k]
                    born = date(
                        1960 + rnd.randrange(35), 1 + rnd.randrange(12), 1 + rnd.randrange(28)
                    )
                    phone = f"1{rnd.choice('3589')}{rnd.randrange(10**9):09d}"
                    id_number = (
                        f"{rnd.choice(('110105', '310115', '440305', '320506'))}"
                        f"{born:%Y%m%d}{rnd.randrange(1000):03d}{rnd.choice('0123456789X')}"
                    )
                    name = SURNAMES[rnd.randrange(len(SURNAMES))] + GIVEN[rnd.randrange(len(GIVEN))]
                    yield (
                        pk,
                        customer_id,
                        name,
                        role,
                        department,
                        position,
                        decision,
                        k + 1 if decision or role == "finance" else None,
                        born,
                        encrypt(phone),
                        f"c{pk}@corp{customer_id}.example",
                        encrypt(id_number),
                        "internal",
                    )
                    ids.append(pk)
                    pk += 1
                self.contact_ids[customer_id] = ids

        self.counts["contacts"] = copy_rows(Contact, fields, rows())
        self.log(f"{self.counts['contacts']:,} contacts (Fernet-encrypted phone and ID)")

    # --- financial statements --------------------------------------------------------------

    def statements(self):
        """Three year-end statements per non-prospect customer; ratios by customers.ratios."""
        rnd = self.rnd
        years = [self.today.year - 3 + k for k in range(3)]
        scale_by_size = {"micro": 5, "small": 40, "medium": 300, "large": 3000}
        fields = (
            "customer_id",
            "period_end",
            "revenue",
            "net_profit",
            "total_assets",
            "total_liabilities",
            "current_assets",
            "current_liabilities",
            "inventory",
            "operating_cash_flow",
            "interest_expense",
            "ebit",
            "debt_to_asset",
            "current_ratio",
            "quick_ratio",
            "interest_coverage",
            "revenue_growth",
            "audited",
            "data_source",
            "verified",
            "created_by_id",
        )

        def rows():
            for customer_id, rm, size, _loan, stage, _borrower, _tier, _name in self.customer_rows:
                if stage == "prospect":
                    continue
                revenue = _log_uniform(rnd, 0.5, 2) * scale_by_size[size] * 1e6
                # About 4 % deteriorate: falling revenue and rising leverage trip the rules.
                stressed = rnd.random() < 0.04
                growth = rnd.uniform(-0.45, -0.2) if stressed else rnd.uniform(-0.08, 0.2)
                leverage = rnd.uniform(0.35, 0.7)
                previous = None
                for k, year in enumerate(years):
                    if k:
                        revenue *= 1 + growth
                        if stressed:
                            leverage = min(0.95, leverage + 0.12)
                    assets = revenue * rnd.uniform(1.2, 2.0)
                    current_assets = assets * rnd.uniform(0.35, 0.6)
                    figures = {
                        "revenue": _money(revenue),
                        "total_assets": _money(assets),
                        "total_liabilities": _money(assets * leverage),
                        "current_assets": _money(current_assets),
                        "current_liabilities": _money(current_assets / rnd.uniform(0.9, 1.8)),
                        "inventory": _money(current_assets * rnd.uniform(0.2, 0.45)),
                        "interest_expense": _money(assets * leverage * 0.045),
                        "ebit": _money(
                            revenue
                            * (rnd.uniform(-0.02, 0.03) if stressed else rnd.uniform(0.05, 0.15))
                        ),
                    }
                    ratios = compute_ratios(**figures, previous_revenue=previous)
                    previous = figures["revenue"]
                    yield (
                        customer_id,
                        date(year, 12, 31),
                        figures["revenue"],
                        _money(revenue * (-0.03 if stressed else rnd.uniform(0.02, 0.09))),
                        figures["total_assets"],
                        figures["total_liabilities"],
                        figures["current_assets"],
                        figures["current_liabilities"],
                        figures["inventory"],
                        _money(
                            revenue * (-0.04 if stressed and k == 2 else rnd.uniform(0.02, 0.1))
                        ),
                        figures["interest_expense"],
                        figures["ebit"],
                        ratios["debt_to_asset"],
                        ratios["current_ratio"],
                        ratios["quick_ratio"],
                        ratios["interest_coverage"],
                        ratios["revenue_growth"],
                        k < 2,
                        "internal",
                        k < 2,
                        rm.pk,
                    )

        self.counts["financial statements"] = copy_rows(FinancialStatement, fields, rows())
        self.log(f"{self.counts['financial statements']:,} financial statements")

    # --- loans -----------------------------------------------------------------------------

    def _loan_plan(self):
        """Which customer borrows what, when: (customer row, product, amount, term, rate, ...)."""
        rnd = self.rnd
        borrowers = [row for row in self.customer_rows if row[5]]
        n = self.scale.of(LOANS)
        plan = []
        horizon = 3 * 365
        for i in range(n):
            row = borrowers[i % len(borrowers)] if i < len(borrowers) else rnd.choice(borrowers)
            code, _w, terms, methods = _weighted(rnd, PRODUCTS)
            term = _weighted(rnd, terms)[0]
            method = _weighted(rnd, methods)[0]
            if method == "bullet" and term > 12:
                method = "interest_only"
            low, high = row[3]
            amount = _round_to(
                _log_uniform(rnd, low, high) * 1e6 * (2 if code == "PJL" else 1), 10_000
            )
            rate = (D("3.4500") + D(rnd.randrange(0, 60)) * D("0.0500")).quantize(D("0.0001"))
            disbursed = self.today - timedelta(days=rnd.randint(1, horizon))
            guarantee = _weighted(rnd, GUARANTEES)[0]
            plan.append((row, code, amount, term, rate, method, disbursed, guarantee))
        # One 30-year project loan per fraction, so the loan page with a 360-row schedule exists.
        plan[0] = (
            plan[0][0],
            "PJL",
            D("200000000.00"),
            360,
            D("4.2000"),
            "equal_installment",
            self.today - timedelta(days=400),
            "collateral",
        )
        return plan

    def loans(self):
        """Applications, loans, full schedules and the repayments posted against them."""
        rnd = self.rnd
        plan = self._loan_plan()
        n = len(plan)
        products = {p.code: p.pk for p in LoanProduct.objects.all()}
        tiers = list(ApprovalTier.objects.order_by("max_amount"))
        application_first = reserve_ids(LoanApplication, n)
        loan_first = reserve_ids(Loan, n)
        applications, loans, events, approvals = [], [], [], []
        installments, repayments, allocations = [], [], []
        collateral, guarantors, checks = [], [], []
        installment_id = None
        repayment_id = None
        schedules = []
        total_installments = 0
        for _row, _code, amount, term, rate, method, disbursed, _guarantee in plan:
            schedule = generate_schedule(
                principal=amount,
                annual_rate=rate,
                term_months=term,
                method=method,
                disbursed_on=disbursed,
            )
            schedules.append(schedule)
            total_installments += len(schedule)
        installment_id = reserve_ids(Installment, total_installments)
        past_due = sum(1 for s in schedules for line in s if line.due_date < self.today)
        repayment_id = reserve_ids(Repayment, past_due)
        overdue_loans = 0
        for i, (row, code, amount, term, rate, method, disbursed, guarantee) in enumerate(plan):
            customer_id, rm = row[0], row[1]
            application_pk = application_first + i
            loan_pk = loan_first + i
            schedule = schedules[i]
            required = next(
                (
                    t.approvals_required
                    for t in tiers
                    if t.max_amount is None or amount <= t.max_amount
                ),
                1,
            )
            approvers = rnd.sample(self.approvers, min(required, len(self.approvers)))
            submitted = self._at(disbursed - timedelta(days=rnd.randint(20, 45)), 10)
            decided = self._at(disbursed - timedelta(days=rnd.randint(5, 15)), 15)
            signed = self._at(disbursed - timedelta(days=rnd.randint(1, 4)), 11)
            applications.append(
                (
                    application_pk,
                    customer_id,
                    products[code],
                    amount,
                    term,
                    rate,
                    method,
                    "Working capital for orders 流动资金周转"
                    if code == "WCL"
                    else "Plant and equipment 购置设备",
                    guarantee,
                    "disbursed",
                    1,
                    len(approvers),
                    amount,
                    term,
                    rate,
                    rm.pk,
                    submitted,
                    decided,
                    submitted - timedelta(days=3),
                    signed,
                )
            )
            for level, approver in enumerate(approvers, start=1):
                approvals.append(
                    (
                        application_pk,
                        1,
                        "approval",
                        level,
                        approver.pk,
                        "approve",
                        amount,
                        term,
                        rate,
                        decided,
                    )
                )
            last = approvers[-1] if approvers else rm
            events.extend(
                (
                    (application_pk, rm.pk, "create", "", "draft", submitted - timedelta(days=3)),
                    (application_pk, rm.pk, "submit", "draft", "submitted", submitted),
                    (application_pk, last.pk, "approve", "submitted", "approved", decided),
                    (application_pk, rm.pk, "sign-contract", "approved", "contract_signed", signed),
                    (
                        application_pk,
                        rm.pk,
                        "disburse",
                        "contract_signed",
                        "disbursed",
                        self._at(disbursed, 9),
                    ),
                )
            )
            # Payment behaviour: ~3 % stopped paying 1–14 months ago, ~1 % paid part of the
            # latest installment, the rest pay on (or a few days after) each due date.
            roll = rnd.random()
            stop_after = None
            partial = False
            if roll < 0.03:
                stop_after = rnd.choice((1, 1, 1, 2, 2, 3, 4, 6, 10, 14))
                overdue_loans += 1
            elif roll < 0.04:
                partial = True
            due_lines = [line for line in schedule if line.due_date < self.today]
            unpaid_from = len(due_lines) - stop_after if stop_after else len(due_lines)
            unpaid_from = max(0, unpaid_from)
            principal_repaid = ZERO
            oldest_unpaid = None
            for k, line in enumerate(schedule):
                pk = installment_id
                installment_id += 1
                if line.due_date >= self.today:
                    # Not due yet (today included): does not count for days past due.
                    status, paid_p, paid_i, paid_on = "due", ZERO, ZERO, None
                elif k < unpaid_from and not (partial and k == unpaid_from - 1):
                    paid_on = min(
                        line.due_date + timedelta(days=rnd.choice((0, 0, 0, 0, 1, 2, 5))),
                        self.today - timedelta(days=1),
                    )
                    status, paid_p, paid_i = "paid", line.principal, line.interest
                    repayments.append(
                        (repayment_id, loan_pk, paid_on, line.amount, rm.pk, self._at(paid_on, 16))
                    )
                    allocations.append((repayment_id, pk, line.interest, line.principal))
                    repayment_id += 1
                elif partial and k == unpaid_from - 1:
                    paid_on = line.due_date
                    paid_i = line.interest
                    paid_p = (line.principal / 2).quantize(CENT)
                    status = "partially_paid" if paid_p < line.principal else "paid"
                    repayments.append(
                        (
                            repayment_id,
                            loan_pk,
                            paid_on,
                            paid_i + paid_p,
                            rm.pk,
                            self._at(paid_on, 16),
                        )
                    )
                    allocations.append((repayment_id, pk, paid_i, paid_p))
                    repayment_id += 1
                    if status != "paid" and oldest_unpaid is None:
                        oldest_unpaid = line.due_date
                else:
                    status, paid_p, paid_i, paid_on = "overdue", ZERO, ZERO, None
                    if oldest_unpaid is None:
                        oldest_unpaid = line.due_date
                if status == "partially_paid" and line.due_date < self.today:
                    status = "overdue"  # past due and not fully paid: overdue as of today
                principal_repaid += paid_p
                installments.append(
                    (
                        pk,
                        loan_pk,
                        line.number,
                        line.due_date,
                        line.principal,
                        line.interest,
                        paid_p,
                        paid_i,
                        paid_on,
                        status,
                    )
                )
            dpd = days_past_due(as_of=self.today, oldest_unpaid_due_date=oldest_unpaid)
            outstanding = amount - principal_repaid
            settled = all(line[-1] == "paid" for line in installments[-len(schedule) :])
            self._security_and_checks(
                row, application_pk, loan_pk, amount, guarantee, disbursed, settled,
                collateral, guarantors, checks,
            )  # fmt: skip
            loans.append(
                (
                    loan_pk,
                    application_pk,
                    customer_id,
                    products[code],
                    amount,
                    rate,
                    term,
                    method,
                    disbursed,
                    schedule[-1].due_date,
                    outstanding,
                    "settled" if settled else "active",
                    dpd,
                    classification_floor(dpd),
                    self.today,
                    rm.pk,
                    self._at(disbursed, 9),
                )
            )
        copy_rows(
            LoanApplication,
            (
                "id",
                "customer_id",
                "product_id",
                "amount",
                "term_months",
                "annual_rate",
                "repayment_method",
                "purpose",
                "guarantee_method",
                "status",
                "round",
                "approvals_required",
                "approved_amount",
                "approved_term_months",
                "approved_annual_rate",
                "created_by_id",
                "submitted_at",
                "decided_at",
                "created_at",
                "updated_at",
            ),
            applications,
        )
        copy_rows(
            ApprovalRecord,
            (
                "application_id",
                "round",
                "kind",
                "level",
                "approver_id",
                "decision",
                "approved_amount",
                "approved_term_months",
                "approved_annual_rate",
                "at",
            ),
            approvals,
        )
        copy_rows(
            LoanApplicationEvent,
            (
                "application_id",
                "actor_id",
                "action",
                "from_status",
                "to_status",
                "at",
            ),
            events,
        )
        self.log(f"{n:,} applications with {len(approvals):,} approvals and {len(events):,} events")
        copy_rows(
            Loan,
            (
                "id",
                "application_id",
                "customer_id",
                "product_id",
                "principal",
                "annual_rate",
                "term_months",
                "repayment_method",
                "disbursed_on",
                "maturity_date",
                "outstanding_principal",
                "status",
                "days_past_due",
                "classification",
                "status_as_of",
                "disbursed_by_id",
                "created_at",
            ),
            loans,
        )
        copy_rows(
            Installment,
            (
                "id",
                "loan_id",
                "number",
                "due_date",
                "principal",
                "interest",
                "principal_paid",
                "interest_paid",
                "paid_on",
                "status",
            ),
            installments,
        )
        self.log(f"{n:,} loans ({overdue_loans:,} overdue), {len(installments):,} installments")
        copy_rows(
            Repayment,
            ("id", "loan_id", "paid_on", "amount", "posted_by_id", "posted_at"),
            repayments,
        )
        copy_rows(
            RepaymentAllocation,
            ("repayment_id", "installment_id", "interest", "principal"),
            allocations,
        )
        copy_rows(Collateral, ("application_id", "kind", "owner_name", "value", "valuation_date",
                               "security_interest", "registration_ref"), collateral)  # fmt: skip
        copy_rows(Guarantor, ("application_id", "kind", "name", "amount"), guarantors)
        check_fields = ("loan_id", "checked_on", "method", "loan_usage", "purpose_compliant",
                        "next_check_on", "checked_by_id")  # fmt: skip
        copy_rows(PostLoanCheck, check_fields, checks)
        self.log(
            f"{len(collateral):,} collateral items, {len(guarantors):,} guarantors, "
            f"{len(checks):,} post-loan checks"
        )
        self.counts["loans"] = n
        self.counts["installments"] = len(installments)
        self.counts["repayments"] = len(repayments)
        self.log(f"{len(repayments):,} repayments with their allocations")

    def _security_and_checks(
        self, row, application_pk, loan_pk, amount, guarantee, disbursed, settled,
        collateral, guarantors, checks,
    ):  # fmt: skip
        """Collateral or a guarantor as the guarantee method says; the latest post-loan check.

        Without them the nightly rules would (rightly) flag every secured loan as uncovered and
        every loan as overdue for its check; ~2 % are left short or late on purpose.
        """
        rnd = self.rnd
        rm, name = row[1], row[7]
        if guarantee == "collateral":
            cover = rnd.uniform(0.7, 0.95) if rnd.random() < 0.02 else rnd.uniform(1.2, 2.2)
            kind = rnd.choice(("real_estate", "real_estate", "equipment", "receivables"))
            valued = disbursed - timedelta(days=rnd.randint(10, 40))
            collateral.append((
                application_pk, kind, name, _money(float(amount) * cover), valued, "mortgage",
                f"抵押登记 {application_pk:08d}",
            ))  # fmt: skip
        elif guarantee == "guarantee":
            guarantors.append((application_pk, "institution", "融资担保有限公司 guarantee company",
                               amount))  # fmt: skip
        age = (self.today - disbursed).days
        if settled or age <= 30:
            return
        if rnd.random() < 0.02 and age > 130:
            checked = self.today - timedelta(days=rnd.randint(100, min(age - 1, 200)))
        else:
            checked = self.today - timedelta(days=rnd.randint(1, min(age - 1, 85)))
        checks.append((
            loan_pk, checked, rnd.choice(("on_site", "documents", "account_flow")),
            "Funds used for the agreed purpose. 资金按约定用途使用。", True,
            checked + timedelta(days=90), rm.pk,
        ))  # fmt: skip

    # --- interactions ----------------------------------------------------------------------

    def interactions(self):
        """Contact history over three years, heavier for key and borrowing customers."""
        rnd = self.rnd
        n = self.scale.of(INTERACTIONS)
        weights = [
            (
                row,
                (3 if row[6] == "key" else 1)
                * (2 if row[5] else 1)
                * (0.2 if row[4] == "prospect" else 1),
            )
            for row in self.customer_rows
        ]
        first_id = reserve_ids(Interaction, n)
        task_first = None
        links = []
        tasks = []
        horizon = 3 * 365 * 24 * 60
        fields = (
            "id",
            "customer_id",
            "channel",
            "purpose",
            "occurred_at",
            "loan_stage",
            "summary",
            "next_action",
            "next_action_due",
            "created_by_id",
            "created_at",
        )
        weights = tuple(weights)

        def rows():
            for i in range(n):
                pk = first_id + i
                row = weights[i][0] if i < len(weights) else _weighted(rnd, weights)[0]
                customer_id, rm = row[0], row[1]
                occurred = self.now - timedelta(minutes=rnd.randrange(horizon))
                next_action, next_due = "", None
                local_day = timezone.localdate(occurred)
                if rnd.random() < 0.08:
                    next_action = NEXT_ACTIONS[rnd.randrange(len(NEXT_ACTIONS))]
                    next_due = local_day + timedelta(days=rnd.randint(3, 21))
                    if next_due >= self.today - timedelta(days=14):
                        tasks.append((customer_id, rm.pk, next_action, next_due, pk))
                contacts = self.contact_ids.get(customer_id)
                if contacts:
                    links.append((pk, contacts[rnd.randrange(len(contacts))]))
                yield (
                    pk,
                    customer_id,
                    _weighted(rnd, CHANNELS)[0],
                    _weighted(rnd, PURPOSES)[0],
                    occurred,
                    "post_loan" if row[5] else "",
                    SUMMARIES[rnd.randrange(len(SUMMARIES))],
                    next_action,
                    next_due,
                    rm.pk,
                    occurred,
                )

        self.counts["interactions"] = copy_rows(Interaction, fields, rows())
        Link = Interaction.contacts.through
        copy_rows(Link, ("interaction_id", "contact_id"), links)
        # Open follow-ups of the recent next actions, linked both ways like the service does.
        task_first = reserve_ids(Task, len(tasks))
        copy_rows(
            Task,
            (
                "id",
                "owner_id",
                "customer_id",
                "kind",
                "title",
                "due_date",
                "status",
                "source_key",
                "created_by_id",
            ),
            (
                (
                    task_first + k,
                    rm_pk,
                    customer_id,
                    "follow_up",
                    title,
                    due,
                    "open",
                    f"interaction:{interaction_pk}:next-action",
                    rm_pk,
                )
                for k, (customer_id, rm_pk, title, due, interaction_pk) in enumerate(tasks)
            ),
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f'UPDATE "{Interaction._meta.db_table}" i SET follow_up_task_id = t.id '
                f'FROM "{Task._meta.db_table}" t WHERE t.id BETWEEN %s AND %s '
                "AND i.id = split_part(t.source_key, ':', 2)::integer",
                [task_first, task_first + len(tasks) - 1],
            )
        self.counts["follow-up tasks"] = len(tasks)
        self.log(f"{n:,} interactions, {len(links):,} contact links, {len(tasks):,} open tasks")

    # --- service requests ------------------------------------------------------------------

    def service_requests(self):
        """Feedback and requests: most closed within the SLA, a few late, the recent ones open."""
        rnd = self.rnd
        n = self.scale.of(SERVICE_REQUESTS)
        targets = {
            policy.kind: sla.SlaTargets(
                policy.first_handling_hours, policy.reply_hours, policy.urgent_first_handling_hours
            )
            for policy in SlaPolicy.objects.all()
        }
        flow = ("received", "classified", "analysed", "assigned", "in_progress", "replied")
        fields = (
            "customer_id",
            "kind",
            "polarity",
            "channel",
            "importance",
            "urgency",
            "summary",
            "owner_id",
            "action_plan",
            "due_date",
            "status",
            "received_at",
            "first_handling_due_at",
            "reply_due_at",
            "first_handled_at",
            "replied_at",
            "closed_at",
            "resolution",
            "customer_satisfaction",
            "sla_breached",
            "created_by_id",
            "created_at",
        )
        horizon = 3 * 365 * 24 * 60

        def rows():
            for _ in range(n):
                row = self.customer_rows[rnd.randrange(len(self.customer_rows))]
                customer_id, rm = row[0], row[1]
                kind = _weighted(rnd, REQUEST_KINDS)[0]
                received = self.now - timedelta(minutes=rnd.randrange(horizon))
                urgency = rnd.choice(("low", "medium", "medium", "high"))
                due = sla.due_times(
                    received, targets.get(kind, sla.DEFAULT_TARGETS), urgent=urgency == "high"
                )
                late = rnd.random() < 0.05
                first_handled = (
                    due.first_handling_due_at + timedelta(hours=rnd.randint(1, 30))
                    if late
                    else received + (due.first_handling_due_at - received) * rnd.uniform(0.1, 0.9)
                )
                replied = max(first_handled, due.reply_due_at - timedelta(hours=rnd.randint(1, 20)))
                if late:
                    replied = due.reply_due_at + timedelta(hours=rnd.randint(1, 48))
                age_days = (self.now - received).days
                if age_days > 20 or rnd.random() < 0.3:
                    status = "closed"
                else:
                    status = flow[min(len(flow) - 1, age_days // 3 + rnd.randrange(3))]
                stage = flow.index(status) if status in flow else len(flow)
                if stage < 1 or first_handled > self.now:
                    first_handled = None
                if status not in ("replied", "closed") or replied > self.now:
                    replied = None
                if status == "closed" and replied is None:
                    status = "in_progress"
                    stage = flow.index(status)
                closed = replied + timedelta(days=rnd.randint(0, 5)) if status == "closed" else None
                if closed is not None and closed > self.now:
                    closed = self.now
                planned = stage >= 3
                breached = sla.is_breached(
                    first_handling_due_at=due.first_handling_due_at,
                    reply_due_at=due.reply_due_at,
                    first_handled_at=first_handled,
                    replied_at=replied,
                    now=self.now,
                )
                yield (
                    customer_id,
                    kind,
                    "negative"
                    if kind in ("complaint", "opinion")
                    else "positive"
                    if kind == "evaluation"
                    else "neutral",
                    rnd.choice(("phone", "phone", "email", "wechat", "branch", "hotline")),
                    rnd.choice(("low", "medium", "medium", "high")),
                    urgency,
                    REQUEST_SUMMARIES[kind],
                    rm.pk,
                    "Call back and resolve with operations. 回电并协调运营处理。"
                    if planned
                    else "",
                    timezone.localdate(due.reply_due_at) if planned else None,
                    status,
                    received,
                    due.first_handling_due_at,
                    due.reply_due_at,
                    first_handled,
                    replied,
                    closed,
                    "Resolved with the customer. 已与客户沟通解决。" if closed else "",
                    rnd.choice(
                        ("very_satisfied", "satisfied", "satisfied", "neutral", "dissatisfied")
                    )
                    if closed
                    else "",
                    breached,
                    rm.pk,
                    received,
                )

        self.counts["service requests"] = copy_rows(ServiceRequest, fields, rows())
        self.log(f"{n:,} service requests")
