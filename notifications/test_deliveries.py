"""Deliveries: recorded once, in-app at once, email/SMS after commit, retried, never twice."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications import services
from notifications.choices import Channel, DeliveryStatus, NotificationKind
from notifications.models import Delivery, Notification
from notifications.services import Outgoing
from tests.factories import CustomerFactory

TODAY = date(2026, 3, 16)


def alert_messages(*, user, customer, alert_id=501):
    """An alert-like payload: in-app to the RM, email and SMS to a finance contact."""
    common = {
        "subject": f"alert:{alert_id}",
        "rung": "raised",
        "kind": NotificationKind.ALERT,
        "business_date": TODAY,
        "customer_id": customer.pk,
        "alert_id": alert_id,
    }
    return [
        Outgoing(
            recipient=f"user:{user.pk}",
            recipient_user_id=user.pk,
            channel=Channel.IN_APP,
            title="Repayment overdue",
            body=f"{customer.name}: repayment overdue alert raised.",
            **common,
        ),
        Outgoing(
            recipient="contact:77",
            channel=Channel.EMAIL,
            address="finance@borrower.example",
            title="逾期提醒",
            body="请尽快还款。",
            language="zh-hans",
            **common,
        ),
        Outgoing(
            recipient="contact:77",
            channel=Channel.SMS,
            address="13800138000",
            title="逾期提醒",
            body="【Bank】请尽快还款。",
            language="zh-hans",
            **common,
        ),
    ]


@pytest.fixture
def customer(rm):
    return CustomerFactory(relationship_manager=rm)


@pytest.mark.django_db
def test_recording_notifies_in_app_and_sends_email_and_sms_after_commit(
    rm, customer, committed, sms_outbox
):
    with committed():
        result = services.deliveries_record(outgoing=alert_messages(user=rm, customer=customer))

    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind, notification.alert) == (rm, "alert", 501)
    assert notification.message == f"{customer.name}: repayment overdue alert raised."
    assert result.notifications == 1
    assert len(result.queued) == 2
    statuses = dict(Delivery.objects.values_list("channel", "status"))
    assert statuses == {"in_app": "sent", "email": "sent", "sms": "sent"}
    assert [(m.to, m.subject, m.body) for m in mail.outbox] == [
        (["finance@borrower.example"], "逾期提醒", "请尽快还款。")
    ]
    email_delivery = Delivery.objects.get(channel=Channel.EMAIL)
    assert mail.outbox[0].extra_headers["X-CRM-Delivery"] == str(email_delivery.pk)
    sms_delivery = Delivery.objects.get(channel=Channel.SMS)
    assert sms_outbox == [
        {
            "to": "13800138000",
            "text": "【Bank】请尽快还款。",
            "reference": f"crm-delivery-{sms_delivery.pk}",
        }
    ]
    assert sms_delivery.provider_reference == f"memory-crm-delivery-{sms_delivery.pk}"


@pytest.mark.django_db
def test_recording_the_same_messages_again_sends_nothing_twice(rm, customer, committed, sms_outbox):
    with committed():
        services.deliveries_record(outgoing=alert_messages(user=rm, customer=customer))

    with committed():
        again = services.deliveries_record(outgoing=alert_messages(user=rm, customer=customer))

    assert (again.notifications, again.queued) == (0, [])
    assert Delivery.objects.count() == 3
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1
    assert len(sms_outbox) == 1


@pytest.mark.django_db
def test_nothing_is_sent_before_the_transaction_commits(
    rm, customer, django_capture_on_commit_callbacks, committed, sms_outbox
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.deliveries_record(outgoing=alert_messages(user=rm, customer=customer))

    assert len(callbacks) == 1
    assert mail.outbox == []
    assert sms_outbox == []
    assert set(Delivery.objects.values_list("channel", "status")) == {
        ("in_app", "sent"),
        ("email", "pending"),
        ("sms", "pending"),
    }


@pytest.mark.django_db
def test_the_database_refuses_a_second_delivery_for_the_same_installment_rung_recipient_channel(
    rm,
):
    fields = {
        "installment": 9,
        "rung": "pre-due-7",
        "recipient": f"user:{rm.pk}",
        "channel": Channel.IN_APP,
        "kind": NotificationKind.REPAYMENT_REMINDER,
        "title": "t",
        "body": "b",
        "business_date": TODAY,
    }
    Delivery.objects.create(subject="installment:9", **fields)

    # Even under another subject string, the installment key holds.
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(subject="installment:9/other", **fields)


@pytest.mark.django_db
def test_recording_takes_the_same_queries_for_one_or_many_messages(
    rm, customer, django_assert_num_queries, django_capture_on_commit_callbacks
):
    many = []
    for alert_id in range(1, 31):
        many += alert_messages(user=rm, customer=customer, alert_id=alert_id)

    # savepoint, insert deliveries, lock in-app ones, insert notifications, mark sent,
    # find external ones to queue, release savepoint.
    with django_capture_on_commit_callbacks(), django_assert_num_queries(7):
        services.deliveries_record(outgoing=alert_messages(user=rm, customer=customer, alert_id=0))
    with django_capture_on_commit_callbacks(), django_assert_num_queries(7):
        result = services.deliveries_record(outgoing=many)

    assert result.notifications == 30
    assert len(result.queued) == 60


@pytest.mark.django_db
def test_a_failing_gateway_is_retried_with_backoff_then_succeeds_once(
    rm, customer, flaky_sms, committed, settings
):
    calls = flaky_sms(2)
    messages = [m for m in alert_messages(user=rm, customer=customer) if m.channel == "sms"]

    with committed():
        services.deliveries_record(outgoing=messages)  # the first try fails
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert delivery.last_error == "SmsDeliveryError: gateway timeout"
    first_retry = delivery.next_attempt_at - timezone.now()
    assert timedelta(seconds=55) < first_retry <= timedelta(seconds=60)

    # Sending before the retry is due does nothing.
    assert services.delivery_send(delivery_id=delivery.pk) is None

    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    with committed():
        services.delivery_send(delivery_id=delivery.pk)  # fails again: backoff doubles
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 2)
    second_retry = delivery.next_attempt_at - timezone.now()
    assert timedelta(seconds=115) < second_retry <= timedelta(seconds=120)

    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    with committed():
        services.delivery_send(delivery_id=delivery.pk)
    with committed():
        services.delivery_send(delivery_id=delivery.pk)  # already sent: nothing happens
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 3, "")
    assert calls == [f"crm-delivery-{delivery.pk}"] * 3


@pytest.mark.django_db
def test_a_delivery_is_failed_after_the_last_try(rm, customer, flaky_sms, committed, settings):
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    calls = flaky_sms(99)
    messages = [m for m in alert_messages(user=rm, customer=customer) if m.channel == "sms"]
    with committed():
        services.deliveries_record(outgoing=messages)
    delivery = Delivery.objects.get()

    for _ in range(5):
        Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
        with committed():
            services.delivery_send(delivery_id=delivery.pk)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    assert len(calls) == 3


@pytest.mark.django_db
def test_a_rejected_message_fails_at_once(rm, customer, settings, committed):
    settings.SMS_BACKEND = "tests.notifications.conftest.RejectingSmsBackend"
    messages = [m for m in alert_messages(user=rm, customer=customer) if m.channel == "sms"]

    with committed():
        services.deliveries_record(outgoing=messages)

    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert delivery.last_error == "SmsRejected: number is on the operator's block list"


@pytest.mark.django_db
def test_without_a_gateway_sms_deliveries_fail_rather_than_wait(rm, customer, settings, committed):
    settings.SMS_BACKEND = ""
    messages = [m for m in alert_messages(user=rm, customer=customer) if m.channel == "sms"]

    with committed():
        services.deliveries_record(outgoing=messages)

    assert Delivery.objects.get().status == DeliveryStatus.FAILED


@pytest.mark.django_db
def test_a_delivery_left_sending_by_a_dead_worker_is_failed_never_resent(
    rm, customer, committed, sms_outbox, settings
):
    messages = [m for m in alert_messages(user=rm, customer=customer) if m.channel == "sms"]
    with transaction.atomic():
        services.deliveries_record(outgoing=messages)
        # The worker claimed it, then died before confirming.
        Delivery.objects.update(
            status=DeliveryStatus.SENDING,
            attempts=1,
            claimed_at=timezone.now()
            - timedelta(seconds=settings.NOTIFICATIONS_SENDING_STALE_SECONDS + 1),
        )
    sms_outbox.clear()

    with committed():
        counts = services.deliveries_sweep()

    delivery = Delivery.objects.get()
    assert counts == {"queued": 0, "interrupted": 1}
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.last_error.startswith("Interrupted while sending")
    assert sms_outbox == []


@pytest.mark.django_db
def test_the_sweep_sends_what_a_broker_outage_left_pending(rm, customer, committed, sms_outbox):
    messages = [m for m in alert_messages(user=rm, customer=customer) if m.channel != "in_app"]
    with transaction.atomic():
        Delivery.objects.bulk_create(
            [
                Delivery(
                    subject=m.subject,
                    rung=m.rung,
                    recipient=m.recipient,
                    channel=m.channel,
                    kind=m.kind,
                    address=m.address,
                    title=m.title,
                    body=m.body,
                    business_date=m.business_date,
                )
                for m in messages
            ]
        )

    with committed():
        counts = services.deliveries_sweep()

    assert counts == {"queued": 2, "interrupted": 0}
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    assert len(mail.outbox) == 1
    assert len(sms_outbox) == 1


@pytest.mark.django_db
def test_a_failed_delivery_can_be_resent_once_from_the_admin(
    rm, customer, admin_user, client, settings, committed, sms_outbox
):
    settings.SMS_BACKEND = "tests.notifications.conftest.RejectingSmsBackend"
    messages = [m for m in alert_messages(user=rm, customer=customer) if m.channel == "sms"]
    with committed():
        services.deliveries_record(outgoing=messages)
    delivery = Delivery.objects.get()
    settings.SMS_BACKEND = "notifications.sms.MemorySmsBackend"
    client.force_login(admin_user)

    with committed():
        response = client.post(
            "/admin/notifications/delivery/",
            {"action": "resend_deliveries", "_selected_action": [delivery.pk]},
            follow=True,
        )

    assert response.status_code == 200
    assert "1 deliveries queued again." in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert len(sms_outbox) == 1


@pytest.mark.django_db
def test_only_failed_deliveries_are_resent(rm, customer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        services.deliveries_record(outgoing=alert_messages(user=rm, customer=customer))
    delivery = Delivery.objects.get(channel=Channel.EMAIL)

    with pytest.raises(services.DomainError, match="Only a failed email or SMS"):
        services.delivery_resend(delivery=delivery)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 0)
