"""Reminders in the customer's timeline; the cache and the broker failing soft."""

import pytest
from django.core.cache import cache, caches

from crm.registry import customer_timeline
from notifications import services
from notifications.choices import Channel, NotificationKind
from notifications.models import Delivery
from notifications.services import Outgoing
from tests.factories import CustomerFactory
from tests.notifications.conftest import broker_at


@pytest.mark.django_db
def test_emails_and_sms_sent_to_a_customer_appear_in_its_timeline(rm, committed, sms_outbox):
    customer = CustomerFactory(relationship_manager=rm)
    other = CustomerFactory(relationship_manager=rm)
    common = {
        "subject": "installment:5",
        "installment_id": 5,
        "rung": "pre-due-7",
        "recipient": "contact:3",
        "kind": NotificationKind.REPAYMENT_REMINDER,
        "business_date": "2026-03-08",
        "customer_id": customer.pk,
        "language": "zh-hans",
    }
    with committed():
        services.deliveries_record(
            outgoing=[
                Outgoing(
                    channel=Channel.EMAIL,
                    address="cfo@x.example",
                    title="还款提醒",
                    body="第3期将于3月15日到期",
                    **common,
                ),
                Outgoing(
                    channel=Channel.SMS,
                    address="13900001111",
                    title="还款提醒",
                    body="【Bank】第3期将于3月15日到期",
                    **common,
                ),
            ]
        )
        services.deliveries_record(
            outgoing=[
                Outgoing(
                    **{
                        **common,
                        "subject": "installment:6",
                        "installment_id": 6,
                        "customer_id": other.pk,
                    },
                    channel=Channel.EMAIL,
                    address="o@x.example",
                    title="Other",
                    body="Other",
                )
            ]
        )

    entries = customer_timeline(customer, rm, kinds=["reminder"])

    assert sorted((e.kind, e.title, e.detail) for e in entries) == [
        ("reminder", "Email (电子邮件): 还款提醒", "第3期将于3月15日到期"),
        ("reminder", "SMS (短信): 还款提醒", "【Bank】第3期将于3月15日到期"),
    ]
    assert Delivery.objects.filter(customer=customer, status="sent").count() == 2


@pytest.mark.django_db
def test_a_pending_or_failed_reminder_is_not_in_the_timeline(rm, settings, committed):
    settings.SMS_BACKEND = ""
    customer = CustomerFactory(relationship_manager=rm)
    with committed():
        services.deliveries_record(
            outgoing=[
                Outgoing(
                    subject="installment:5",
                    installment_id=5,
                    rung="pre-due-7",
                    recipient="contact:3",
                    kind="repayment_reminder",
                    business_date="2026-03-08",
                    customer_id=customer.pk,
                    channel=Channel.SMS,
                    address="13900001111",
                    title="t",
                    body="b",
                )
            ]
        )

    assert customer_timeline(customer, rm, kinds=["reminder"]) == []


def test_the_cache_fails_soft_when_redis_is_down(settings):
    settings.CACHES = {
        "default": cache._cache.__class__
        and {
            "BACKEND": "notifications.cache.FailSoftRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    down = caches.create_connection("default")

    assert down.get("k") is None
    assert down.get("k", "fallback") == "fallback"
    assert down.set("k", 1) is None
    assert down.add("k", 1) is False
    assert down.get_many(["a", "b"]) == {}
    assert down.delete("k") is False


def test_the_project_cache_is_the_fail_soft_one():
    from notifications.cache import FailSoftRedisCache

    assert isinstance(caches["default"], FailSoftRedisCache)


@pytest.mark.django_db
def test_queuing_with_the_broker_down_leaves_deliveries_pending_without_an_error(
    rm, django_capture_on_commit_callbacks
):
    customer = CustomerFactory(relationship_manager=rm)
    with broker_at("redis://127.0.0.1:1/0"), django_capture_on_commit_callbacks(execute=True):
        services.deliveries_record(
            outgoing=[
                Outgoing(
                    subject="alert:1",
                    rung="raised",
                    recipient="contact:1",
                    kind="alert",
                    business_date="2026-03-08",
                    customer_id=customer.pk,
                    channel=Channel.EMAIL,
                    address="a@x.example",
                    title="t",
                    body="b",
                )
            ]
        )

    assert Delivery.objects.get().status == "pending"
