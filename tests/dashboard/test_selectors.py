"""Each dashboard aggregate against figures worked out by hand from the fixture book."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from customers.models import Contact
from dashboard import selectors
from dashboard.selectors import DashboardFilters
from interactions.choices import SurveyDimension
from interactions.models import ServiceRequest
from interactions.services import survey_response_create
from loans import services as loan_services
from loans.models import ApprovalRecord, LoanApplication
from risk.models import Alert, RiskScore, ScorecardVersion
from tests.factories import (
    AlertFactory,
    ContactFactory,
    CustomerFactory,
    FinancialStatementFactory,
    make_interaction,
    make_service_request,
)
from tests.loans.conftest import submitted

D = Decimal
PERIOD = DashboardFilters(start=date(2026, 1, 1), end=date(2026, 12, 31))


SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day, hour=9, minute=0):
    """A moment in March 2026, bank time."""
    return datetime(2026, 3, day, hour, minute, tzinfo=SHANGHAI)


# --- loan book ------------------------------------------------------------------------------


def test_classification_mix_and_npl_ratio_per_scope(book, rm, lead, risk_officer):
    # when
    bank = selectors.classification_mix(user=risk_officer, filters=PERIOD)
    team = selectors.classification_mix(user=lead, filters=PERIOD)
    own = selectors.classification_mix(user=rm, filters=PERIOD)
    # then
    assert [(r["classification"], r["loans"], r["balance"]) for r in bank["rows"]] == [
        ("normal", 1, D("600000.00")),
        ("special_mention", 0, D("0.00")),
        ("substandard", 1, D("300000.00")),
        ("doubtful", 1, D("500000.00")),
        ("loss", 1, D("100000.00")),
    ]
    assert bank["total_balance"] == D("1500000.00")
    assert bank["npl_balance"] == D("900000.00")
    assert bank["npl_ratio"] == D("60.00")
    assert (team["total_balance"], team["npl_ratio"]) == (D("1000000.00"), D("40.00"))
    assert (own["total_balance"], own["npl_ratio"]) == (D("900000.00"), D("33.33"))


def test_settled_loans_are_not_in_the_balance(book, risk_officer):
    book.loans["b1_doubtful"].status = "settled"
    book.loans["b1_doubtful"].save(update_fields=["status"])

    mix = selectors.classification_mix(user=risk_officer, filters=PERIOD)

    assert mix["total_balance"] == D("1000000.00")
    assert mix["npl_ratio"] == D("40.00")


def test_empty_book_has_no_npl_ratio(rm):
    mix = selectors.classification_mix(user=rm, filters=PERIOD)

    assert mix["loans"] == 0
    assert mix["npl_ratio"] is None
    assert mix["total_balance"] == D("0.00")


def test_loan_balance_by_industry_region_and_product(book, lead, risk_officer):
    by_industry = selectors.loan_balance(user=risk_officer, filters=PERIOD, by="industry")
    by_region = selectors.loan_balance(user=lead, filters=PERIOD, by="region")
    by_product = selectors.loan_balance(user=risk_officer, filters=PERIOD, by="product")

    assert [(r["code"], r["loans"], r["balance"]) for r in by_industry] == [
        ("C", 2, D("900000.00")),
        ("F", 2, D("600000.00")),
    ]
    assert by_industry[0]["name_zh"] == "制造业"
    assert [(r["code"], r["balance"]) for r in by_region] == [
        ("Shanghai", D("900000.00")),
        ("Suzhou", D("100000.00")),
    ]
    assert [(r["code"], r["loans"], r["balance"]) for r in by_product] == [
        ("WCL", 3, D("1400000.00")),
        ("FAL", 1, D("100000.00")),
    ]


def test_product_and_team_filters(book, risk_officer, team_b):
    fal = book.loans["a2_loss"].product_id
    only_fal = DashboardFilters(start=PERIOD.start, end=PERIOD.end, product_id=fal)
    only_b = DashboardFilters(start=PERIOD.start, end=PERIOD.end, team_id=team_b.pk)

    assert selectors.classification_mix(user=risk_officer, filters=only_fal)["npl_ratio"] == D(
        "100.00"
    )
    mix_b = selectors.classification_mix(user=risk_officer, filters=only_b)
    assert (mix_b["total_balance"], mix_b["npl_ratio"]) == (D("500000.00"), D("100.00"))


def test_dpd_ageing_buckets(book, risk_officer):
    rows = selectors.dpd_ageing(user=risk_officer, filters=PERIOD)

    assert [(r["bucket"], r["loans"], r["balance"]) for r in rows] == [
        ("current", 1, D("600000.00")),
        ("1-30", 0, D("0.00")),
        ("31-60", 0, D("0.00")),
        ("61-90", 0, D("0.00")),
        ("91-180", 1, D("300000.00")),
        ("181-270", 0, D("0.00")),
        ("271-360", 1, D("500000.00")),
        (">360", 1, D("100000.00")),
    ]


# --- risk -----------------------------------------------------------------------------------


def test_grade_distribution_by_grade_and_level(rm, lead, rm_same_team):
    CustomerFactory(relationship_manager=rm, credit_grade="excellent", risk_level="low")
    CustomerFactory(relationship_manager=rm, credit_grade="excellent", risk_level="low")
    CustomerFactory(relationship_manager=rm_same_team, credit_grade="watch", risk_level="high")
    CustomerFactory(relationship_manager=rm, credit_grade="", risk_level="medium")
    CustomerFactory(relationship_manager=rm, credit_grade="good", lifecycle_stage="churned")

    rows = selectors.grade_distribution(user=lead, filters=PERIOD)

    assert rows == [
        {"grade": "excellent", "low": 2, "medium": 0, "high": 0, "total": 2},
        {"grade": "good", "low": 0, "medium": 0, "high": 0, "total": 0},
        {"grade": "watch", "low": 0, "medium": 0, "high": 1, "total": 1},
        {"grade": "", "low": 0, "medium": 1, "high": 0, "total": 1},
    ]


def _score(customer, as_of, grade):
    scorecard = ScorecardVersion.objects.order_by("pk").first()
    score = {"excellent": 85, "good": 70, "watch": 40}[grade]
    return RiskScore.objects.create(
        customer=customer,
        as_of=as_of,
        scorecard=scorecard,
        model_version="test",
        score=score,
        grade=grade,
        risk_level="low" if score >= 70 else "high",
    )


def test_grade_migration_between_period_start_and_end(rm, rm_other_team, risk_officer):
    # given: scores on 31 Dec (before the period), mid-period and at its end
    moves = [("excellent", "good"), ("good", "good"), ("good", "excellent"), ("watch", "watch")]
    for before, after in moves:
        customer = CustomerFactory(relationship_manager=rm)
        _score(customer, date(2025, 12, 31), before)
        _score(customer, date(2026, 6, 30), "watch")  # ignored: neither end of the period
        _score(customer, date(2026, 12, 31), after)
    newcomer = CustomerFactory(relationship_manager=rm_other_team)
    _score(newcomer, date(2026, 12, 31), "excellent")  # no score at the start: left out
    # when
    result = selectors.grade_migration(user=risk_officer, filters=PERIOD)
    own = selectors.grade_migration(user=rm_other_team, filters=PERIOD)
    # then
    assert (result["from_date"], result["to_date"]) == (date(2025, 12, 31), date(2026, 12, 31))
    assert result["matrix"] == {
        "excellent": {"excellent": 0, "good": 1, "watch": 0},
        "good": {"excellent": 1, "good": 1, "watch": 0},
        "watch": {"excellent": 0, "good": 0, "watch": 1},
    }
    assert (result["upgrades"], result["downgrades"], result["unchanged"]) == (1, 1, 2)
    assert own["customers"] == 0


def test_alert_stats_by_rule_with_acknowledgement_times(rm, rm_other_team, risk_officer):
    # given: three acknowledged debt-ratio alerts (2 h, 4 h, 10 h), one open red overdue alert
    customer = CustomerFactory(relationship_manager=rm)
    for hours, severity in ((2, "orange"), (4, "orange"), (10, "red")):
        # One active alert per rule and customer: three customers of the same RM.
        alert = AlertFactory(
            customer=CustomerFactory(relationship_manager=rm),
            severity=severity,
            raised_on=date(2026, 3, 2),
        )
        Alert.objects.filter(pk=alert.pk).update(
            raised_at=at(2), acknowledged_at=at(2) + timedelta(hours=hours), status="acknowledged"
        )
    AlertFactory(customer=customer, rule="repayment_overdue", severity="red")
    closed = AlertFactory(customer=customer, rule="revenue_drop", severity="yellow")
    Alert.objects.filter(pk=closed.pk).update(
        status="resolved", response="adjust_terms", closed_at=at(9)
    )
    AlertFactory(customer=CustomerFactory(relationship_manager=rm_other_team))
    AlertFactory(customer=customer, rule="score_drop", raised_on=date(2025, 12, 31))  # before
    # when
    stats = selectors.alert_stats(user=rm, filters=PERIOD)
    # then: median of 2, 4, 10 is 4; p90 = 4 + 0.8 × (10 − 4) = 8.8
    assert stats["by_rule"][0] == {
        "rule": "debt_ratio_high",
        "red": 1,
        "orange": 2,
        "yellow": 0,
        "total": 3,
        "acknowledged": 3,
        "median_hours": D("4.0"),
        "p90_hours": D("8.8"),
    }
    assert {r["rule"]: r["total"] for r in stats["by_rule"]} == {
        "debt_ratio_high": 3,
        "repayment_overdue": 1,
        "revenue_drop": 1,
    }
    assert (stats["total"], stats["acknowledged"]) == (5, 3)
    assert (stats["median_hours"], stats["p90_hours"]) == (D("4.0"), D("8.8"))
    assert stats["outcomes"] == [{"status": "resolved", "response": "adjust_terms", "alerts": 1}]
    assert selectors.alert_stats(user=risk_officer, filters=PERIOD)["total"] == 6


# --- approvals ------------------------------------------------------------------------------


def test_approval_cycle_time_and_success_rate(rm, approver, risk_officer):
    customer = CustomerFactory(relationship_manager=rm)
    approved = submitted(rm, customer)
    approved = loan_services.application_approve(application=approved, user=approver)
    rejected = submitted(rm, customer)
    rejected = loan_services.application_reject(
        application=rejected, user=approver, comment="Cash flow too thin"
    )
    # Known times: submitted 9:00; decided after 5 h and after 15 h.
    for application, hours in ((approved, 5), (rejected, 15)):
        LoanApplication.objects.filter(pk=application.pk).update(
            submitted_at=at(3), decided_at=at(3) + timedelta(hours=hours)
        )
        ApprovalRecord.objects.filter(application=application).update(
            at=at(3) + timedelta(hours=hours)
        )

    stats = selectors.approval_stats(user=rm, filters=PERIOD)

    assert (stats["decided"], stats["approved"], stats["rejected"]) == (2, 1, 1)
    assert stats["success_rate"] == D("50.0")
    assert (stats["median_hours"], stats["p90_hours"]) == (D("10.0"), D("14.0"))
    assert stats["stages"] == [
        {
            "kind": "approval",
            "level": 1,
            "decisions": 2,
            "median_hours": D("10.0"),
            "p90_hours": D("14.0"),
        }
    ]
    outside = DashboardFilters(start=date(2026, 4, 1), end=date(2026, 12, 31))
    assert selectors.approval_stats(user=rm, filters=outside)["decided"] == 0


def test_second_level_is_timed_from_the_first(rm, approver, approver2):
    customer = CustomerFactory(relationship_manager=rm)
    application = submitted(rm, customer, amount=D("8000000.00"))  # two levels above CNY 5 m
    application = loan_services.application_approve(application=application, user=approver)
    application = loan_services.application_approve(application=application, user=approver2)
    LoanApplication.objects.filter(pk=application.pk).update(submitted_at=at(3))
    ApprovalRecord.objects.filter(application=application, level=1).update(
        at=at(3) + timedelta(hours=6)
    )
    ApprovalRecord.objects.filter(application=application, level=2).update(
        at=at(3) + timedelta(hours=30)
    )

    stages = selectors.approval_stats(user=rm, filters=PERIOD)["stages"]

    assert [(s["level"], s["median_hours"]) for s in stages] == [(1, D("6.0")), (2, D("24.0"))]


# --- service --------------------------------------------------------------------------------


def test_survey_trend_by_month(rm, rm_other_team):
    customer = CustomerFactory(relationship_manager=rm)

    def answer(day, nps, score, who=customer):
        survey_response_create(
            user=who.relationship_manager,
            customer=who,
            responded_on=day,
            nps=nps,
            csat=dict.fromkeys(SurveyDimension.values, score),
        )

    answer(date(2026, 3, 5), 10, 4)
    answer(date(2026, 3, 20), 5, 2)
    answer(date(2026, 4, 2), 9, 5)
    answer(date(2026, 4, 2), 0, 1, who=CustomerFactory(relationship_manager=rm_other_team))

    rows = selectors.survey_trend(user=rm, filters=PERIOD)

    assert [
        (r["group"], r["responses"], r["nps"], r["csat_overall"], r["csat_top2_share"])
        for r in rows
    ] == [
        (date(2026, 3, 1), 2, D("0.0"), D("3.0"), D("50.0")),
        (date(2026, 4, 1), 1, D("100.0"), D("5.0"), D("100.0")),
    ]


def test_service_sla_compliance(rm, clock):
    clock.set(at(10, 12))
    customer = CustomerFactory(relationship_manager=rm)
    on_time = make_service_request(customer, received_at=at(1))
    late = make_service_request(customer, received_at=at(2))
    running = make_service_request(customer, received_at=at(10, 10))  # within its clocks
    inquiry = make_service_request(customer, received_at=at(3), kind="inquiry")

    ServiceRequest.objects.filter(pk=on_time.pk).update(
        first_handled_at=at(1, 12), replied_at=at(2, 8), closed_at=at(4), due_date=date(2026, 3, 5)
    )
    ServiceRequest.objects.filter(pk=late.pk).update(due_date=date(2026, 3, 9))
    ServiceRequest.objects.filter(pk=inquiry.pk).update(first_handled_at=at(3, 10))
    del running

    rows = {r["kind"]: r for r in selectors.service_sla(user=rm, filters=PERIOD)}

    complaint = rows["complaint"]
    assert complaint["received"] == 3
    assert (complaint["first_on_time"], complaint["first_late"]) == (1, 1)
    assert (complaint["reply_on_time"], complaint["reply_late"]) == (1, 1)
    assert (complaint["resolved_on_time"], complaint["resolved_late"]) == (1, 1)
    assert complaint["first_compliance"] == D("50.0")
    assert rows["inquiry"]["first_on_time"] == 1
    assert list(rows) == ["complaint", "inquiry"]


# --- relationship managers ------------------------------------------------------------------


def test_contact_cadence_per_rm(rm, rm_same_team, lead):
    contacted = CustomerFactory(relationship_manager=rm)
    make_interaction(contacted, occurred_at=timezone.now() - timedelta(days=3))
    forgotten = CustomerFactory(relationship_manager=rm)
    # Taken on 200 days ago, never contacted: past every interval of the policy.
    type(forgotten).objects.filter(pk=forgotten.pk).update(
        created_at=timezone.now() - timedelta(days=200)
    )
    CustomerFactory(relationship_manager=rm_same_team)  # new, within its interval

    today = timezone.localdate()
    rows = selectors.contact_cadence(
        user=lead, filters=DashboardFilters(start=today - timedelta(days=30), end=today)
    )

    assert [
        (r["relationship_manager"], r["customers"], r["on_schedule"], r["overdue"], r["compliance"])
        for r in rows
    ] == [("rm_a1", 2, 1, 1, D("50.0")), ("rm_a2", 1, 1, 0, D("100.0"))]


def test_profile_completeness_per_rm(rm, lead):
    complete = CustomerFactory(
        relationship_manager=rm,
        region_tier="tier1",
        branch="Pudong",
        cooperation_start=date(2015, 1, 1),
        established_on=date(2010, 1, 1),
        registered_address="1 Century Avenue",
        registered_capital=D("10000000.00"),
        employees=120,
        business_model="Machine tools",
        market_position="Top 3 in East China",
        operating_condition="Stable",
        supply_chain="Steel mills upstream",
        verified=True,
    )
    ContactFactory(customer=complete)
    FinancialStatementFactory(customer=complete)
    bare = CustomerFactory(relationship_manager=rm)
    ContactFactory(customer=bare)  # 1 of 14

    rows = selectors.profile_completeness(user=lead, filters=PERIOD)

    # (14 + 1) / (2 × 14) = 53.57… → 53.6 %
    assert rows == [
        {
            "relationship_manager_id": rm.pk,
            "relationship_manager": "rm_a1",
            "customers": 2,
            "complete": 1,
            "completeness": D("53.6"),
        }
    ]
    assert Contact.objects.count() == 2


def test_a_user_without_a_role_sees_nothing(book, no_role_user):
    def run(name):
        return getattr(selectors, name)(user=no_role_user, filters=PERIOD)

    assert run("classification_mix")["loans"] == 0
    assert all(row["loans"] == 0 for row in run("dpd_ageing"))
    assert all(row["total"] == 0 for row in run("grade_distribution"))
    assert run("grade_migration")["customers"] == 0
    assert run("alert_stats")["total"] == 0
    assert run("approval_stats")["decided"] == 0
    assert selectors.loan_balance(user=no_role_user, filters=PERIOD, by="industry") == []
    for name in ("survey_trend", "service_sla", "contact_cadence", "profile_completeness"):
        assert run(name) == [], name
