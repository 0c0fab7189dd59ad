"""The rule framework, each rule at its threshold, the runner and the nightly job."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from crm.jobs import get_job, run_job
from customers.models import Customer
from risk import services
from risk.models import Alert, AlertEvent, RiskScore, RuleSetting, ScorecardVersion, WatchListEntry
from risk.rules import RULES, Hit, RuleParamError, parse_params
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 3, 2)


def _score(customer, as_of, score, grade):
    return RiskScore.objects.create(
        customer=customer, as_of=as_of, scorecard=ScorecardVersion.objects.get(version=1),
        model_version="scorecard-v1", score=score, grade=grade, risk_level="medium", factors=[],
    )  # fmt: skip


def _hits(code, as_of=AS_OF, **overrides):
    params = parse_params(code, overrides)
    return list(RULES[code].func(as_of=as_of, params=params))


def test_parse_params_fills_defaults_and_checks_types():
    assert parse_params("score_drop", {"min_drop_points": 12}) == {
        "min_drop_points": 12,
        "severity": "orange",
        "grade_downgrade": True,
    }
    with pytest.raises(RuleParamError):
        parse_params("score_drop", {"min_drop_points": -1})
    with pytest.raises(RuleParamError):
        parse_params("score_drop", {"grade_downgrade": "yes"})


@pytest.mark.parametrize(("previous", "current", "fires"), [(70, 60, True), (70, 61, False)])
def test_score_drop_fires_at_ten_points_and_not_at_nine(rm, previous, current, fires):
    customer = CustomerFactory(relationship_manager=rm)
    _score(customer, AS_OF - timedelta(days=1), previous, "good")
    _score(customer, AS_OF, current, "good")

    hits = _hits("score_drop", grade_downgrade=False)

    assert [h.customer_id for h in hits] == ([customer.pk] if fires else [])
    if fires:
        assert hits[0].details == {
            "score": current, "previous_score": previous, "drop": 10, "grade": "good",
            "previous_grade": "good", "previous_as_of": "2026-03-01", "threshold": 10,
        }  # fmt: skip


def test_score_drop_fires_on_a_grade_downgrade_of_one_point(rm):
    customer = CustomerFactory(relationship_manager=rm)
    _score(customer, AS_OF - timedelta(days=7), 60, "good")
    _score(customer, AS_OF, 59, "watch")

    assert [h.customer_id for h in _hits("score_drop")] == [customer.pk]
    assert _hits("score_drop", grade_downgrade=False) == []


@pytest.mark.parametrize(
    ("next_review", "fires"), [(AS_OF - timedelta(days=1), True), (AS_OF, False)]
)
def test_watch_review_overdue_fires_one_day_after_the_due_review(
    rm, risk_officer, next_review, fires
):
    customer = CustomerFactory(relationship_manager=rm)
    WatchListEntry.objects.create(
        customer=customer, reason="x", added_on=date(2026, 1, 1), next_review_on=next_review
    )

    hits = _hits("watch_review_overdue")

    assert [h.customer_id for h in hits] == ([customer.pk] if fires else [])


# --- the runner -------------------------------------------------------------------------------


def _hit(customer, severity="yellow", **details):
    return Hit(customer_id=customer.pk, severity=severity, message="m", details=details)


def test_apply_hits_is_idempotent_for_a_date(rm):
    customer = CustomerFactory(relationship_manager=rm)

    first = services.apply_hits(code="score_drop", hits=[_hit(customer, drop=12)], as_of=AS_OF)
    second = services.apply_hits(code="score_drop", hits=[_hit(customer, drop=12)], as_of=AS_OF)

    assert first["raised"] == 1
    assert second["raised"] == 0
    assert Alert.objects.filter(customer=customer).count() == 1
    assert AlertEvent.objects.filter(alert__customer=customer).count() == 1


def test_an_open_alert_gets_fresh_facts_and_only_ever_a_higher_severity(rm):
    customer = CustomerFactory(relationship_manager=rm)
    services.apply_hits(code="score_drop", hits=[_hit(customer, "orange", drop=12)], as_of=AS_OF)

    services.apply_hits(
        code="score_drop", hits=[_hit(customer, "red", drop=30)], as_of=AS_OF + timedelta(days=1)
    )
    services.apply_hits(
        code="score_drop", hits=[_hit(customer, "yellow", drop=11)], as_of=AS_OF + timedelta(days=2)
    )

    alert = Alert.objects.get(customer=customer)
    assert (alert.severity, alert.details, alert.last_seen_on) == (
        "red",
        {"drop": 11},
        date(2026, 3, 4),
    )
    assert list(alert.events.values_list("action", "note")) == [
        ("raised", ""),
        ("severity_raised", "orange → red"),
    ]


def test_a_resolved_alert_stays_closed_while_the_condition_continues(rm, risk_officer):
    customer = CustomerFactory(relationship_manager=rm)
    services.apply_hits(code="score_drop", hits=[_hit(customer)], as_of=AS_OF)
    services.alert_resolve(alert=Alert.objects.get(), user=risk_officer, response="other")

    services.apply_hits(code="score_drop", hits=[_hit(customer)], as_of=AS_OF)
    services.apply_hits(code="score_drop", hits=[_hit(customer)], as_of=AS_OF + timedelta(days=1))

    assert list(Alert.objects.values_list("status", "last_seen_on")) == [
        ("resolved", date(2026, 3, 3))
    ]


def test_a_resolved_alert_is_raised_again_when_the_condition_comes_back(rm, risk_officer):
    customer = CustomerFactory(relationship_manager=rm)
    services.apply_hits(code="score_drop", hits=[_hit(customer)], as_of=AS_OF)
    services.alert_resolve(alert=Alert.objects.get(), user=risk_officer, response="other")
    services.apply_hits(code="score_drop", hits=[], as_of=AS_OF + timedelta(days=1))

    services.apply_hits(code="score_drop", hits=[_hit(customer)], as_of=AS_OF + timedelta(days=2))

    assert list(Alert.objects.order_by("id").values_list("status", "raised_on")) == [
        ("resolved", AS_OF),
        ("open", date(2026, 3, 4)),
    ]


def test_rules_run_skips_disabled_rules(rm, risk_officer):
    customer = CustomerFactory(relationship_manager=rm)
    WatchListEntry.objects.create(
        customer=customer, reason="x", added_on=date(2026, 1, 1), next_review_on=date(2026, 2, 1)
    )
    setting = RuleSetting.objects.get(code="watch_review_overdue")
    services.rule_setting_update(setting=setting, user=risk_officer, enabled=False, params={})

    services.rules_run(as_of=AS_OF)
    assert not Alert.objects.exists()

    services.rule_setting_update(setting=setting, user=risk_officer, enabled=True, params={})
    services.rules_run(as_of=AS_OF)
    alert = Alert.objects.get()
    assert (alert.rule, alert.rule_version, alert.details["days_overdue"]) == (
        "watch_review_overdue", 3, 29,
    )  # fmt: skip


# --- scoring and the nightly job --------------------------------------------------------------


def test_scoring_writes_a_score_with_factors_that_add_up_and_updates_the_customer(rm):
    customer = CustomerFactory(relationship_manager=rm, cooperation_start=date(2020, 1, 1))

    services.scores_compute(as_of=AS_OF)

    score = RiskScore.objects.get(customer=customer)
    assert score.model_version == "scorecard-v1"
    assert score.as_of == AS_OF
    assert len(score.factors) == 12
    assert sum(Decimal(f["points"]) for f in score.factors) == score.score
    customer.refresh_from_db()
    assert (customer.risk_score, customer.credit_grade, customer.risk_level) == (
        score.score, score.grade, score.risk_level,
    )  # fmt: skip
    industry = next(f for f in score.factors if f["indicator"] == "industry_risk")
    # Manufacturing has industry risk 3 → band score 60, weight 15 % × 70 % = 10.5 %.
    assert (industry["value"], industry["weight"], industry["band_score"]) == ("3", "10.50", 60)


def test_rescoring_a_past_date_leaves_the_customers_current_score_alone(rm):
    customer = CustomerFactory(relationship_manager=rm)
    services.scores_compute(as_of=AS_OF)
    Customer.objects.filter(pk=customer.pk).update(risk_score=1, credit_grade="watch")

    services.scores_compute(as_of=AS_OF - timedelta(days=5))

    customer.refresh_from_db()
    assert (customer.risk_score, customer.credit_grade) == (1, "watch")


def test_the_nightly_job_twice_for_a_date_changes_nothing(rm, django_assert_num_queries):
    customers = CustomerFactory.create_batch(3, relationship_manager=rm)
    WatchListEntry.objects.create(
        customer=customers[0],
        reason="x",
        added_on=date(2026, 1, 1),
        next_review_on=date(2026, 2, 1),
    )
    job = get_job("risk.nightly")

    first = run_job(job, as_of=AS_OF)
    snapshot = (
        list(Alert.objects.values()), list(RiskScore.objects.values()),
        list(Customer.objects.values("risk_score", "credit_grade", "risk_level")),
    )  # fmt: skip
    second = run_job(job, as_of=AS_OF)

    assert first.counts["alerts_raised"] == 1
    assert first.counts["scores_written"] == 3
    assert second.counts["alerts_raised"] == 0
    assert second.counts["scores_written"] == 0
    assert second.counts["customers_updated"] == 0
    assert (
        list(Alert.objects.values()), list(RiskScore.objects.values()),
        list(Customer.objects.values("risk_score", "credit_grade", "risk_level")),
    ) == snapshot  # fmt: skip


def test_the_nightly_job_query_count_does_not_grow_with_the_portfolio(
    rm, django_assert_max_num_queries
):
    CustomerFactory.create_batch(3, relationship_manager=rm)
    job = get_job("risk.nightly")
    with django_assert_max_num_queries(60) as small:
        run_job(job, as_of=AS_OF)
    CustomerFactory.create_batch(30, relationship_manager=rm)
    with django_assert_max_num_queries(60) as large:
        run_job(job, as_of=AS_OF + timedelta(days=1))

    assert len(large.captured_queries) == len(small.captured_queries)


def test_high_risk_customers_join_the_watch_list_once(rm):
    customer = CustomerFactory(relationship_manager=rm, risk_level="high")

    assert services.watchlist_sync_high_risk(as_of=AS_OF) == 1
    assert services.watchlist_sync_high_risk(as_of=AS_OF) == 0
    entry = WatchListEntry.objects.get(customer=customer)
    assert entry.next_review_on == AS_OF + timedelta(days=90)
