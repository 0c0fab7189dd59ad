"""Demo customers for `seed_demo`: about 40 companies over rm1, rm2 and rm3 (idempotent by USCC)."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from crm.models import User

from . import services
from .choices import Criterion
from .models import Contact, Customer, CustomerGroup, CustomerRelation, Need
from .uscc import uscc_check_character

# name, industry, size, region, division code, region tier, owner, tier, segment, lifecycle
COMPANIES = (
    (
        "上海浦江精密机械有限公司",
        "C",
        "medium",
        "上海",
        "310115",
        "tier1",
        "rm1",
        "key",
        "premium",
        "established",
    ),
    (
        "上海申通物流有限公司",
        "G",
        "medium",
        "上海",
        "310112",
        "tier1",
        "rm1",
        "general",
        "potential",
        "established",
    ),
    (
        "上海东方新材料科技有限公司",
        "C",
        "small",
        "上海",
        "310115",
        "tier1",
        "rm1",
        "general",
        "potential",
        "new",
    ),
    (
        "上海海纳软件有限公司",
        "I",
        "small",
        "上海",
        "310104",
        "tier1",
        "rm1",
        "general",
        "potential",
        "new",
    ),
    (
        "苏州工业园区恒泰电子有限公司",
        "C",
        "large",
        "苏州",
        "320506",
        "tier2_3",
        "rm1",
        "key",
        "premium",
        "established",
    ),
    (
        "昆山瑞丰包装材料有限公司",
        "C",
        "small",
        "昆山",
        "320583",
        "tier2_3",
        "rm1",
        "general",
        "mass_market",
        "established",
    ),
    (
        "上海绿源农业发展有限公司",
        "A",
        "small",
        "上海",
        "310117",
        "tier1",
        "rm1",
        "general",
        "mass_market",
        "prospect",
    ),
    (
        "上海联华商贸有限公司",
        "F",
        "micro",
        "上海",
        "310106",
        "tier1",
        "rm1",
        "general",
        "risk",
        "at_risk",
    ),
    (
        "上海宏达建设工程有限公司",
        "E",
        "medium",
        "上海",
        "310113",
        "tier1",
        "rm1",
        "general",
        "risk",
        "established",
    ),
    (
        "浙江嘉兴华美纺织有限公司",
        "C",
        "medium",
        "嘉兴",
        "330402",
        "tier2_3",
        "rm1",
        "general",
        "potential",
        "established",
    ),
    (
        "上海明辉医疗器械有限公司",
        "C",
        "small",
        "上海",
        "310114",
        "tier1",
        "rm1",
        "general",
        "potential",
        "prospect",
    ),
    (
        "上海长江能源科技有限公司",
        "D",
        "large",
        "上海",
        "310115",
        "tier1",
        "rm1",
        "key",
        "premium",
        "established",
    ),
    (
        "上海金桥国际贸易有限公司",
        "F",
        "medium",
        "上海",
        "310115",
        "tier1",
        "rm2",
        "general",
        "potential",
        "established",
    ),
    (
        "上海天宇环保科技有限公司",
        "N",
        "small",
        "上海",
        "310118",
        "tier1",
        "rm2",
        "general",
        "potential",
        "new",
    ),
    (
        "上海锦江餐饮管理有限公司",
        "H",
        "small",
        "上海",
        "310101",
        "tier1",
        "rm2",
        "general",
        "mass_market",
        "established",
    ),
    (
        "无锡新华汽车零部件有限公司",
        "C",
        "medium",
        "无锡",
        "320214",
        "tier2_3",
        "rm2",
        "key",
        "premium",
        "established",
    ),
    (
        "南通远洋船舶配件有限公司",
        "C",
        "medium",
        "南通",
        "320602",
        "tier2_3",
        "rm2",
        "general",
        "risk",
        "at_risk",
    ),
    (
        "上海云智数据服务有限公司",
        "I",
        "micro",
        "上海",
        "310107",
        "tier1",
        "rm2",
        "general",
        "potential",
        "prospect",
    ),
    (
        "上海百联冷链物流有限公司",
        "G",
        "medium",
        "上海",
        "310120",
        "tier1",
        "rm2",
        "general",
        "potential",
        "established",
    ),
    (
        "常州天合光电材料有限公司",
        "C",
        "large",
        "常州",
        "320411",
        "tier2_3",
        "rm2",
        "key",
        "premium",
        "established",
    ),
    (
        "上海华东化工原料有限公司",
        "F",
        "small",
        "上海",
        "310116",
        "tier1",
        "rm2",
        "general",
        "risk",
        "established",
    ),
    (
        "上海崇明生态农场有限公司",
        "A",
        "micro",
        "上海",
        "310151",
        "rural",
        "rm2",
        "general",
        "mass_market",
        "new",
    ),
    (
        "上海新城房地产开发有限公司",
        "K",
        "large",
        "上海",
        "310112",
        "tier1",
        "rm2",
        "general",
        "risk",
        "established",
    ),
    (
        "上海恒信印刷有限公司",
        "C",
        "micro",
        "上海",
        "310114",
        "tier1",
        "rm2",
        "general",
        "mass_market",
        "churned",
    ),
    (
        "北京中关村智能科技有限公司",
        "I",
        "medium",
        "北京",
        "110108",
        "tier1",
        "rm3",
        "key",
        "premium",
        "established",
    ),
    (
        "北京京西建材有限公司",
        "C",
        "medium",
        "北京",
        "110109",
        "tier1",
        "rm3",
        "general",
        "risk",
        "established",
    ),
    (
        "北京华北医药连锁有限公司",
        "F",
        "medium",
        "北京",
        "110105",
        "tier1",
        "rm3",
        "general",
        "potential",
        "established",
    ),
    (
        "北京燕山石化配套服务有限公司",
        "M",
        "small",
        "北京",
        "110111",
        "tier1",
        "rm3",
        "general",
        "potential",
        "new",
    ),
    (
        "天津港湾国际物流有限公司",
        "G",
        "large",
        "天津",
        "120116",
        "tier1",
        "rm3",
        "key",
        "premium",
        "established",
    ),
    (
        "北京创新教育科技有限公司",
        "P",
        "small",
        "北京",
        "110108",
        "tier1",
        "rm3",
        "general",
        "potential",
        "prospect",
    ),
    (
        "河北保定农机制造有限公司",
        "C",
        "medium",
        "保定",
        "130606",
        "tier2_3",
        "rm3",
        "general",
        "mass_market",
        "established",
    ),
    (
        "北京首都文化传媒有限公司",
        "R",
        "small",
        "北京",
        "110105",
        "tier1",
        "rm3",
        "general",
        "mass_market",
        "established",
    ),
    (
        "北京通州水务工程有限公司",
        "E",
        "medium",
        "北京",
        "110112",
        "tier1",
        "rm3",
        "general",
        "risk",
        "at_risk",
    ),
    (
        "廊坊华信电子商务有限公司",
        "I",
        "micro",
        "廊坊",
        "131003",
        "tier2_3",
        "rm3",
        "general",
        "potential",
        "new",
    ),
    (
        "北京顺义食品加工有限公司",
        "C",
        "small",
        "北京",
        "110113",
        "tier1",
        "rm3",
        "general",
        "mass_market",
        "established",
    ),
    (
        "北京朝阳酒店管理有限公司",
        "H",
        "medium",
        "北京",
        "110105",
        "tier1",
        "rm3",
        "general",
        "potential",
        "established",
    ),
    (
        "浦江精密(昆山)零部件有限公司",
        "C",
        "small",
        "昆山",
        "320583",
        "tier2_3",
        "rm1",
        "general",
        "potential",
        "established",
    ),
    (
        "浦江精密(上海)贸易有限公司",
        "F",
        "small",
        "上海",
        "310115",
        "tier1",
        "rm2",
        "general",
        "potential",
        "established",
    ),
    (
        "上海浦江控股集团有限公司",
        "L",
        "large",
        "上海",
        "310115",
        "tier1",
        "rm1",
        "key",
        "premium",
        "established",
    ),
    (
        "北京怀柔新能源有限公司",
        "D",
        "small",
        "北京",
        "110116",
        "tier1",
        "rm3",
        "general",
        "potential",
        "prospect",
    ),
)
GROUP_NAME = "浦江集团 Pujiang Group"
GROUP_MEMBERS = (0, 36, 37, 38)  # indexes into COMPANIES
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ("伟", "芳", "强", "敏", "静", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "华")


def _organisation_code(n: int) -> str:
    """A GB 11714 organisation code with a correct check character."""
    body = f"{70000000 + n * 7919:08d}"[-8:]
    remainder = 11 - sum(int(c) * w for c, w in zip(body, ORG_WEIGHTS, strict=True)) % 11
    return body + {10: "X", 11: "0"}.get(remainder, str(remainder))


def demo_uscc(index: int, division: str) -> str:
    """A valid, stable USCC for demo company `index`."""
    first17 = "91" + division + _organisation_code(index)
    return first17 + uscc_check_character(first17)


def _money(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _statements(customer, index, user):
    """Three year-end statements with a plausible trend (some customers deteriorate)."""
    size_factor = {"large": 800, "medium": 150, "small": 30, "micro": 6}[customer.size]
    base = Decimal(size_factor * 1_000_000) * (Decimal(90 + index % 20) / 100)
    declining = customer.segment == "risk"
    for offset, year in enumerate((2023, 2024, 2025)):
        change = Decimal("-0.12") if declining else Decimal("0.08") + Decimal(index % 5) / 100
        revenue = base * (1 + change) ** offset
        assets = revenue * Decimal("1.6")
        leverage = Decimal("0.55") + (Decimal("0.10") * offset if declining else Decimal(0))
        current_assets = assets * Decimal("0.45")
        services.statement_save(
            customer=customer,
            user=user,
            data={
                "period_end": date(year, 12, 31),
                "revenue": _money(revenue),
                "net_profit": _money(
                    revenue * (Decimal("-0.02") if declining else Decimal("0.07"))
                ),
                "total_assets": _money(assets),
                "total_liabilities": _money(assets * leverage),
                "current_assets": _money(current_assets),
                "current_liabilities": _money(current_assets / Decimal("1.3")),
                "inventory": _money(current_assets * Decimal("0.35")),
                "operating_cash_flow": _money(
                    revenue * (Decimal("-0.03") if declining and offset == 2 else Decimal("0.06"))
                ),
                "interest_expense": _money(assets * leverage * Decimal("0.045")),
                "ebit": _money(revenue * Decimal("0.10")),
                "audited": year < 2025,
            },
        )


def _contacts(customer, index):
    surname = SURNAMES[index % len(SURNAMES)]
    people = (
        ("legal_representative", "董事长", True, 2),
        ("finance", "财务总监", False, 1),
    )
    for offset, (role, position, decision, order) in enumerate(people):
        name = surname + GIVEN[(index + offset) % len(GIVEN)]
        Contact.objects.create(
            customer=customer,
            name=name,
            role=role,
            position=position,
            department="总经办" if decision else "财务部",
            is_decision_maker=decision,
            approval_order=order,
            birthday=date(1965 + index % 20, 1 + index % 12, 1 + (index * 3) % 28),
            phone=f"13{(index * 7 + offset) % 10}{index:04d}{offset:04d}",
            id_number=(
                f"110105{1960 + index % 30}{1 + index % 12:02d}{1 + index % 28:02d}"
                f"{index:02d}{offset}X"
            ),
            email=f"contact{index}-{offset}@demo-company.example",
        )


@transaction.atomic
def seed(*, scale: str, stdout) -> None:
    """Create the demo customers once; existing USCCs are left as they are."""
    # `bank` (the benchmark portfolio) belongs to the performance issue; for now: the same set.
    users = {u.username: u for u in User.objects.filter(username__in=["rm1", "rm2", "rm3"])}
    if len(users) < 3:
        stdout.write("customers: demo users missing; run seed_people first")
        return
    existing = set(Customer.objects.values_list("uscc", flat=True))
    group, _created = CustomerGroup.objects.get_or_create(
        name=GROUP_NAME,
        defaults={"description": "制造、贸易和控股公司 / manufacturing, trade, holding"},
    )
    created = 0
    by_index = {}
    for index, row in enumerate(COMPANIES):
        name, industry, size, region, division, region_tier, owner, tier, segment, stage = row
        uscc = demo_uscc(index, division)
        if uscc in existing:
            by_index[index] = Customer.objects.get(uscc=uscc)
            continue
        user = users[owner]
        customer = services.customer_create(
            user=user,
            data={
                "name": name,
                "uscc": uscc,
                "legal_form": "enterprise",
                "industry_id": industry,
                "size": size,
                "region": region,
                "region_tier": region_tier,
                "branch": "上海浦东支行" if owner != "rm3" else "北京海淀支行",
                "tier": tier,
                "segment": segment,
                "lifecycle_stage": stage,
                "cooperation_start": None if stage == "prospect" else date(2015 + index % 9, 3, 1),
                "established_on": date(1998 + index % 20, 6, 1),
                "registered_capital": _money(Decimal(5_000_000 * (1 + index % 8))),
                "employees": {"large": 2400, "medium": 420, "small": 85, "micro": 12}[size],
                "approved_credit": _money(60_000_000) if tier == "key" else None,
                # Inputs of the contribution score; the seeded score stands until the nightly
                # classification job recomputes it from them and the loans.
                "deposits": None if stage == "prospect" else _money(2_000_000 * (1 + index % 20)),
                "intermediate_income": None
                if stage == "prospect"
                else _money(40_000 * (1 + index % 15)),
                "products_held": None if stage == "prospect" else 1 + index % 8,
                "contribution_score": 85 if tier == "key" else 40 + index % 40,
                "business_model": "主营业务稳定，上下游客户集中于长三角/京津冀地区。",
                "group": group if index in GROUP_MEMBERS else None,
                "data_source": "internal",
                "verification_method": "customer_document",
                "verified": stage != "prospect",
            },
        )
        _contacts(customer, index)
        _statements(customer, index, user)
        if stage != "prospect":
            for step in (1, 2, 3, 4):
                services.onboarding_step_record(
                    customer=customer, user=user, step=step, outcome="pass"
                )
            for criterion in Criterion:
                services.criterion_assess(
                    customer=customer,
                    user=user,
                    criterion=criterion.value,
                    assessment="conditional" if segment == "risk" else "pass",
                )
        if index % 3 == 0:
            Need.objects.create(
                customer=customer,
                kind="business",
                discovery_method="site_visit",
                title="流动资金贷款续贷 / working-capital renewal",
                product_type="WCL",
                amount=_money(5_000_000 * (1 + index % 4)),
                term_months=12,
                importance="high",
                urgency="medium" if index % 2 else "high",
                owner=user,
                last_reviewed_on=timezone.localdate(),
            )
        if index % 4 == 1:
            Need.objects.create(
                customer=customer,
                kind="latent",
                discovery_method="industry_analysis",
                title="供应链融资 / supply-chain finance",
                importance="medium",
                urgency="low",
                owner=user,
                last_reviewed_on=timezone.localdate(),
            )
        by_index[index] = customer
        created += 1
    holding = by_index[38]
    for member in (0, 36, 37):
        CustomerRelation.objects.get_or_create(
            customer=holding,
            related=by_index[member],
            kind="parent",
            defaults={"created_by": users["rm1"]},
        )
    stdout.write(f"customers: {created} demo customers created ({len(COMPANIES)} in the set)")
