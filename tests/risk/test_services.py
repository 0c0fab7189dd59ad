"""The alert lifecycle, permissions, manual alerts, macro events and the watch list."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction

from crm.exceptions import ActionForbidden, DomainError, TransitionNotAllowed
from customers.models import Industry
from risk import services
from risk.models import Alert, AlertEvent, RuleSetting, RuleSettingVersion, WatchListEntry
from tests.factories import AlertFactory, CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def alert(rm):
    return AlertFactory(customer=CustomerFactory(relationship_manager=rm))


def _events(alert):
    return list(
        AlertEvent.objects.filter(alert=alert).values_list("action", "from_status", "to_status")
    )


def test_the_owning_rm_acknowledges_an_alert(alert, rm):
    services.alert_acknowledge(alert=alert, user=rm, note="Calling the CFO today")

    alert.refresh_from_db()
    assert alert.status == "acknowledged"
    assert alert.acknowledged_by == rm
    assert alert.acknowledged_at is not None
    assert _events(alert) == [("acknowledged", "open", "acknowledged")]


def test_a_credit_approver_may_not_acknowledge(alert, approver):
    with pytest.raises(ActionForbidden):
        services.alert_acknowledge(alert=alert, user=approver)

    alert.refresh_from_db()
    assert alert.status == "open"
    assert _events(alert) == []


def test_acknowledging_twice_is_a_conflict(alert, rm):
    services.alert_acknowledge(alert=alert, user=rm)

    with pytest.raises(TransitionNotAllowed):
        services.alert_acknowledge(alert=alert, user=rm)
    assert AlertEvent.objects.filter(alert=alert).count() == 1


def test_escalate_then_resolve_with_a_response(alert, rm, risk_officer):
    services.alert_escalate(alert=alert, user=rm, note="Customer stopped answering")
    services.alert_resolve(
        alert=alert, user=risk_officer, response="adjust_terms", note="Rescheduled"
    )

    alert.refresh_from_db()
    assert (alert.status, alert.response, alert.close_note) == (
        "resolved",
        "adjust_terms",
        "Rescheduled",
    )
    assert alert.closed_by == risk_officer
    assert _events(alert) == [
        ("escalated", "open", "escalated"),
        ("resolved", "escalated", "resolved"),
    ]


def test_resolve_needs_a_known_response(alert, risk_officer):
    with pytest.raises(DomainError) as excinfo:
        services.alert_resolve(alert=alert, user=risk_officer, response="pray")

    assert excinfo.value.field == "response"
    alert.refresh_from_db()
    assert alert.status == "open"


@pytest.mark.parametrize("role_user", ["rm", "lead", "approver"])
def test_only_risk_officers_dismiss(alert, role_user, request):
    user = request.getfixturevalue(role_user)

    with pytest.raises(ActionForbidden):
        services.alert_dismiss(alert=alert, user=user, note="not relevant")

    alert.refresh_from_db()
    assert alert.status == "open"
    assert _events(alert) == []


def test_a_risk_officer_dismisses_with_a_reason(alert, risk_officer):
    with pytest.raises(DomainError):
        services.alert_dismiss(alert=alert, user=risk_officer, note="  ")

    services.alert_dismiss(alert=alert, user=risk_officer, note="Statement was mis-keyed")

    alert.refresh_from_db()
    assert (alert.status, alert.close_note) == ("dismissed", "Statement was mis-keyed")
    with pytest.raises(TransitionNotAllowed):
        services.alert_resolve(alert=alert, user=risk_officer, response="other")


def test_assign_is_for_risk_officers(alert, rm, risk_officer):
    with pytest.raises(ActionForbidden):
        services.alert_assign(alert=alert, user=rm, assignee=rm)

    services.alert_assign(alert=alert, user=risk_officer, assignee=risk_officer)

    alert.refresh_from_db()
    assert alert.assignee == risk_officer


def test_comments_flow_both_ways(alert, rm, risk_officer, no_role_user):
    services.alert_comment_add(alert=alert, user=risk_officer, body="Please get Q1 accounts")
    services.alert_comment_add(alert=alert, user=rm, body="Requested, due Friday")

    assert list(alert.comments.values_list("author__username", "body")) == [
        (risk_officer.username, "Please get Q1 accounts"),
        (rm.username, "Requested, due Friday"),
    ]
    with pytest.raises(ActionForbidden):
        services.alert_comment_add(alert=alert, user=no_role_user, body="hi")
    with pytest.raises(DomainError):
        services.alert_comment_add(alert=alert, user=rm, body=" ")


def test_bulk_acknowledge_skips_alerts_that_cannot_move(rm, risk_officer):
    customer = CustomerFactory(relationship_manager=rm)
    open_one = AlertFactory(customer=customer)
    closed = AlertFactory(customer=customer, rule="revenue_drop", status="dismissed",
                          closed_at="2026-03-03T10:00:00+08:00")  # fmt: skip

    outcome = services.alerts_bulk(
        alerts=[open_one, closed], user=risk_officer, action="acknowledge"
    )

    assert outcome == {"done": 1, "skipped": 1}
    assert Alert.objects.get(pk=open_one.pk).status == "acknowledged"
    assert Alert.objects.get(pk=closed.pk).status == "dismissed"


# --- the database guarantees one active alert per rule and customer --------------------------


def test_the_database_refuses_a_second_active_alert_for_a_rule_and_customer(alert):
    with pytest.raises(IntegrityError), transaction.atomic():
        AlertFactory(customer=alert.customer, status="acknowledged")


def test_a_closed_alert_does_not_block_a_new_one(alert, risk_officer):
    services.alert_resolve(alert=alert, user=risk_officer, response="other")

    AlertFactory(customer=alert.customer)

    assert Alert.objects.filter(customer=alert.customer, rule="debt_ratio_high").count() == 2


def test_manual_alerts_may_stack(rm, risk_officer):
    customer = CustomerFactory(relationship_manager=rm)

    services.alert_raise_manual(
        user=risk_officer, customer=customer, category="litigation", severity="orange",
        message="Supplier sued for CNY 3 m",
    )  # fmt: skip
    fraud = services.alert_raise_manual(
        user=risk_officer, customer=customer, category="fraud", severity="red",
        message="Forged invoices reported",
    )  # fmt: skip

    assert Alert.objects.filter(customer=customer, rule="manual").count() == 2
    # Fraud must be acknowledged within 2 hours (DOMAIN.md §10).
    assert timedelta(hours=1, minutes=59) < fraud.due_at - fraud.raised_at <= timedelta(hours=2)
    assert fraud.details["category"] == "fraud"
    assert _events(fraud) == [("raised", "", "open")]


def test_only_risk_officers_raise_manual_alerts(rm):
    customer = CustomerFactory(relationship_manager=rm)

    with pytest.raises(ActionForbidden):
        services.alert_raise_manual(
            user=rm, customer=customer, category="fraud", severity="red", message="x"
        )
    assert not Alert.objects.exists()


# --- macro / policy events --------------------------------------------------------------------


def test_a_macro_event_alerts_every_customer_in_its_industries_and_regions(risk_officer, rm):
    manufacturing = Industry.objects.get(code="C")
    textiles = Industry.objects.create(code="C17", name="Textiles", parent=manufacturing)
    building = Industry.objects.get(code="E")
    in_section = CustomerFactory(relationship_manager=rm, industry=manufacturing, region="Beijing")
    in_division = CustomerFactory(relationship_manager=rm, industry=textiles, region="Beijing")
    in_region = CustomerFactory(relationship_manager=rm, industry=building, region="Wenzhou")
    unaffected = CustomerFactory(relationship_manager=rm, industry=building, region="Beijing")

    event = services.risk_event_record(
        user=risk_officer, kind="policy", title="Export tariff on textiles", severity="orange",
        occurred_on=date(2026, 3, 1), industries=[manufacturing], regions=["Wenzhou", " "],
    )  # fmt: skip

    alerted = set(Alert.objects.filter(event=event).values_list("customer_id", flat=True))
    assert alerted == {in_section.pk, in_division.pk, in_region.pk}
    assert unaffected.pk not in alerted
    assert event.alerts_raised == 3
    assert event.regions == ["Wenzhou"]
    alert = Alert.objects.get(event=event, customer=in_division)
    assert (alert.rule, alert.severity) == ("macro_policy", "orange")
    assert alert.details["industries"] == ["C"]
    assert alert.details["customer_industry"] == "C17"
    assert AlertEvent.objects.filter(alert__event=event, action="raised").count() == 3


def test_a_macro_event_needs_a_tag_and_a_risk_officer(risk_officer, rm):
    with pytest.raises(DomainError):
        services.risk_event_record(
            user=risk_officer, kind="macro", title="x", severity="red",
            occurred_on=date(2026, 3, 1),
        )  # fmt: skip
    with pytest.raises(ActionForbidden):
        services.risk_event_record(
            user=rm, kind="macro", title="x", severity="red", occurred_on=date(2026, 3, 1),
            regions=["Beijing"],
        )  # fmt: skip


# --- rule settings ----------------------------------------------------------------------------


def test_changing_a_rules_thresholds_creates_a_new_version(risk_officer):
    setting = RuleSetting.objects.get(code="debt_ratio_high")
    assert (setting.version, setting.params) == (1, {"min_ratio": "0.80", "severity": "orange"})

    services.rule_setting_update(
        setting=setting, user=risk_officer, enabled=True, params={"min_ratio": "0.75"}
    )

    setting.refresh_from_db()
    assert (setting.version, setting.params) == (2, {"min_ratio": "0.75", "severity": "orange"})
    assert list(
        RuleSettingVersion.objects.filter(setting=setting).values_list("version", "params")
    ) == [
        (2, {"min_ratio": "0.75", "severity": "orange"}),
        (1, {"min_ratio": "0.80", "severity": "orange"}),
    ]


@pytest.mark.parametrize(
    "params",
    [{"min_ratio": "abc"}, {"unknown": 1}, {"severity": "purple"}, {"min_ratio": "NaN"}],
)
def test_bad_thresholds_are_refused(risk_officer, params):
    setting = RuleSetting.objects.get(code="debt_ratio_high")

    with pytest.raises(DomainError) as excinfo:
        services.rule_setting_update(
            setting=setting, user=risk_officer, enabled=True, params=params
        )

    assert excinfo.value.field == "params"
    setting.refresh_from_db()
    assert setting.version == 1


# --- watch list -------------------------------------------------------------------------------


def test_watch_list_add_review_remove(risk_officer, rm):
    customer = CustomerFactory(relationship_manager=rm)

    entry = services.watchlist_add(
        customer=customer, user=risk_officer, reason="Two overdue loans", as_of=date(2026, 3, 1),
        review_interval_days=30,
    )  # fmt: skip
    assert entry.next_review_on == date(2026, 3, 31)
    with pytest.raises(DomainError):
        services.watchlist_add(customer=customer, user=risk_officer, reason="again")

    services.watchlist_review(
        entry=entry, user=risk_officer, conclusion="Stable", reviewed_on=date(2026, 3, 20)
    )
    entry.refresh_from_db()
    assert (entry.last_reviewed_on, entry.next_review_on) == (date(2026, 3, 20), date(2026, 4, 19))

    services.watchlist_remove(entry=entry, user=risk_officer, reason="Repaid")
    assert not WatchListEntry.objects.current().filter(customer=customer).exists()


def test_rms_do_not_change_the_watch_list(rm):
    customer = CustomerFactory(relationship_manager=rm)

    with pytest.raises(ActionForbidden):
        services.watchlist_add(customer=customer, user=rm, reason="x")
    assert not WatchListEntry.objects.exists()
