"""Reminders in the customer's interaction history; the cache and the broker failing soft."""

from datetime import date

import pytest
from django.core.cache import caches

from crm.registry import customer_timeline
from interactions.models import Interaction
from notifications import services
from notifications.choices import Channel, NotificationKind
from notifications.models import Delivery
from notifications.services import Outgoing
from tests.factories import ContactFactory, CustomerFactory
from tests.notifications.conftest import broker_at, disburse


@pytest.mark.django_db
def test_emails_and_sms_sent_to_a_contact_are_logged_in_the_customers_interaction_history(
    rm, approver, loan, committed, sms_outbox
):
    customer = loan.customer
    contact = ContactFactory(customer=customer, name="Wang Fang")
    other = CustomerFactory(relationship_manager=rm)
    other_loan = disburse(rm, approver, other, disbursed_on=date(2026, 1, 15), term_months=6)
    first = loan.installments.get(number=1)
    common = {
        "subject": f"installment:{first.pk}",
        "installment_id": first.pk,
        "rung": "pre-due-7",
        "recipient": f"contact:{contact.pk}",
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
                # The RM's in-app copy is not a contact with the customer.
                Outgoing(
                    channel=Channel.IN_APP,
                    title="t",
                    body="b",
                    **{**common, "recipient": f"user:{rm.pk}"},
                    recipient_user_id=rm.pk,
                ),
            ]
        )
        services.deliveries_record(
            outgoing=[
                Outgoing(
                    **{
                        **common,
                        "subject": f"installment:{other_loan.installments.first().pk}",
                        "installment_id": other_loan.installments.first().pk,
                        "customer_id": other.pk,
                        "recipient": f"contact:{ContactFactory(customer=other).pk}",
                    },
                    channel=Channel.EMAIL,
                    address="o@x.example",
                    title="Other",
                    body="Other",
                )
            ]
        )

    rows = Interaction.objects.filter(customer=customer).order_by("summary")
    assert [(r.channel, r.purpose, r.summary, r.contact_names, r.created_by) for r in rows] == [
        (
            "automatic",
            "repayment_reminder",
            "Email (电子邮件): 还款提醒\n\n第3期将于3月15日到期",
            "Wang Fang",
            rm,
        ),
        (
            "automatic",
            "repayment_reminder",
            "SMS (短信): 还款提醒\n\n【Bank】第3期将于3月15日到期",
            "Wang Fang",
            rm,
        ),
    ]
    assert set(
        Delivery.objects.filter(customer=customer, channel__in=["email", "sms"]).values_list(
            "interaction", flat=True
        )
    ) == {row.pk for row in rows}
    titles = [e.title for e in customer_timeline(customer, rm, kinds=["interaction"])]
    assert titles == ["Automatic notice (自动通知) · Repayment reminder (还款提醒)"] * 2


@pytest.mark.django_db
def test_a_message_that_was_not_sent_is_not_in_the_history(rm, loan, settings, committed):
    settings.SMS_BACKEND = ""
    customer = loan.customer
    first = loan.installments.get(number=1)
    with committed():
        services.deliveries_record(
            outgoing=[
                Outgoing(
                    subject=f"installment:{first.pk}",
                    installment_id=first.pk,
                    rung="pre-due-7",
                    recipient=f"contact:{ContactFactory(customer=customer).pk}",
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

    assert Delivery.objects.get().status == "failed"
    assert Interaction.objects.filter(customer=customer).count() == 0


def test_the_cache_fails_soft_when_redis_is_down(settings):
    settings.CACHES = {
        "default": {
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
