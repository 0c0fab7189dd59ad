"""Writes of the notifications app: record deliveries once, send them after commit, read/ack.

Exactly once (API.md, Reminders; STYLE.md, Celery):
1. `deliveries_record` inserts one `Delivery` row per (installment or subject, rung, recipient,
   channel); the unique constraints make a second insert a no-op, whoever attempts it.
2. In-app deliveries become a `Notification` in the same transaction.
3. Email and SMS are handed to workers only after the rows commit (`on_commit`); the worker
   claims the row (`sending`) in its own transaction, sends, then marks it `sent`. A failure is
   retried with exponential backoff and marked `failed` after the last try. A row found still
   `sending` later means its worker died mid-send: it is failed for a person to check, never
   resent, because the message may have left.
"""

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from crm.exceptions import DomainError

from . import sms
from .choices import Channel, DeliveryStatus, NotificationKind
from .models import Delivery, Notification

logger = logging.getLogger(__name__)

EXTERNAL_CHANNELS = (Channel.EMAIL, Channel.SMS)


@dataclass(frozen=True)
class Outgoing:
    """One message to record: about what, which rung, to whom, on which channel."""

    subject: str
    rung: str
    recipient: str
    channel: str
    kind: str
    title: str
    body: str
    business_date: date
    recipient_user_id: int | None = None
    address: str = ""
    language: str = "en"
    installment_id: int | None = None
    customer_id: int | None = None
    loan_id: int | None = None
    alert_id: int | None = None
    url: str = ""


@dataclass
class RecordResult:
    """What one `deliveries_record` call did."""

    notifications: int = 0
    queued: list[int] = field(default_factory=list)


def recorded_keys(*, subjects, rungs) -> set[tuple[str, str, str, str]]:
    """(subject, rung, recipient, channel) of deliveries already recorded: what to not render."""
    if not subjects or not rungs:
        return set()
    return set(
        Delivery.objects.filter(subject__in=sorted(subjects), rung__in=sorted(rungs)).values_list(
            "subject", "rung", "recipient", "channel"
        )
    )


def deliveries_record(*, outgoing: list[Outgoing]) -> RecordResult:
    """Record deliveries once each; create in-app notifications; queue the rest after commit.

    Set-based: five queries whatever the number of messages. Safe to call twice with the same
    messages (a redelivered batch): nothing is recorded or notified a second time; still-pending
    email/SMS rows of the messages' subjects are queued again (sending is idempotent).

    Messages a caller left out because they were already recorded (a second daily run for a
    date) are not re-queued here: at bank scale that re-queued tens of thousands of sends on
    every re-run. Pending sends whose queue message was lost (broker down, a worker killed
    between commit and queuing) are queued by `deliveries_sweep` (beat, every 5 minutes), and a
    redelivered batch that is already done re-queues its date's (`batches.batch_run`).
    """
    result = RecordResult()
    subjects = sorted({message.subject for message in outgoing})
    if not subjects:
        return result
    now = timezone.now()
    with transaction.atomic():
        Delivery.objects.bulk_create(
            [
                Delivery(
                    subject=message.subject,
                    installment_id=message.installment_id,
                    rung=message.rung,
                    recipient=message.recipient,
                    channel=message.channel,
                    kind=message.kind,
                    recipient_user_id=message.recipient_user_id,
                    address=message.address,
                    language=message.language,
                    title=message.title[:200],
                    body=message.body,
                    customer_id=message.customer_id,
                    loan_id=message.loan_id,
                    alert=message.alert_id,
                    url=message.url,
                    business_date=message.business_date,
                    created_at=now,
                    next_attempt_at=now,
                )
                for message in outgoing
            ],
            ignore_conflicts=True,
        )
        # Locked so that two workers handed the same batch cannot both create the notification.
        in_app = list(
            Delivery.objects.select_for_update()
            .filter(subject__in=subjects, channel=Channel.IN_APP, status=DeliveryStatus.PENDING)
            .order_by("pk")
        )
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient_id=delivery.recipient_user_id,
                    kind=delivery.kind,
                    message=delivery.body,
                    customer_id=delivery.customer_id,
                    loan_id=delivery.loan_id,
                    installment_id=delivery.installment_id,
                    alert=delivery.alert,
                    url=delivery.url,
                    delivery=delivery,
                    created_at=now,
                )
                for delivery in in_app
            ]
        )
        Delivery.objects.filter(pk__in=[delivery.pk for delivery in in_app]).update(
            status=DeliveryStatus.SENT, sent_at=now, attempts=1
        )
        result.notifications = len(in_app)
        result.queued = list(
            Delivery.objects.filter(
                subject__in=subjects,
                channel__in=EXTERNAL_CHANNELS,
                status=DeliveryStatus.PENDING,
                next_attempt_at__lte=now,
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        queued = list(result.queued)
        transaction.on_commit(lambda: enqueue_deliveries(queued))
    return result


# Deliveries per queued task: one broker message per delivery cost more than the rendering at
# bank scale (tens of thousands of reminders at 08:00); several workers still share the lists.
SEND_CHUNK = 50


def enqueue_deliveries(delivery_ids: list[int], *, countdown: int = 0) -> bool:
    """Hand deliveries to the workers; False when the broker is down (the sweep sends later)."""
    from .tasks import send_deliveries_task

    if not delivery_ids:
        return True
    try:
        # One broker connection for the whole list, one message per chunk of ids.
        with send_deliveries_task.app.producer_or_acquire() as producer:
            for start in range(0, len(delivery_ids), SEND_CHUNK):
                send_deliveries_task.apply_async(
                    args=[list(delivery_ids[start : start + SEND_CHUNK])],
                    countdown=countdown,
                    retry=False,
                    producer=producer,
                )
    except Exception as exc:  # broker down: the rows stay pending and deliver_pending sends them
        logger.warning("could not queue %d deliveries, left pending: %s", len(delivery_ids), exc)
        return False
    return True


def retry_delay(attempt: int) -> timedelta:
    """Backoff after the `attempt`-th failed try: base, 2×base, 4×base, ..."""
    return timedelta(seconds=settings.NOTIFICATIONS_RETRY_BASE_SECONDS * 2 ** (attempt - 1))


def _transmit(delivery: Delivery) -> str:
    """Send one claimed delivery through its channel; returns the provider's reference."""
    reference = f"crm-delivery-{delivery.pk}"
    if delivery.channel == Channel.EMAIL:
        domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
        message = EmailMessage(
            subject=delivery.title,
            body=delivery.body,
            to=[delivery.address],
            # A stable Message-ID lets mail servers drop a duplicate should one ever be sent.
            headers={"Message-ID": f"<{reference}@{domain}>", "X-CRM-Delivery": str(delivery.pk)},
        )
        message.send(fail_silently=False)
        return f"<{reference}@{domain}>"
    if delivery.channel == Channel.SMS:
        if not sms.sms_enabled():
            raise sms.SmsRejected("no SMS gateway is configured")
        return sms.get_sms_backend().send(
            to=delivery.address, text=delivery.body, reference=reference
        )
    raise ValueError(f"channel {delivery.channel!r} is not sent by workers")


def delivery_send(*, delivery_id: int) -> Delivery | None:
    """Send one pending email/SMS delivery if it is due; None when there is nothing to do."""
    now = timezone.now()
    with transaction.atomic():
        # skip_locked: a second worker holding the same id simply does nothing.
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(
                pk=delivery_id,
                status=DeliveryStatus.PENDING,
                channel__in=EXTERNAL_CHANNELS,
                next_attempt_at__lte=now,
            )
            .first()
        )
        if delivery is None:
            return None
        delivery.status = DeliveryStatus.SENDING
        delivery.claimed_at = now
        delivery.attempts += 1
        delivery.save(update_fields=["status", "claimed_at", "attempts"])
    try:
        reference = _transmit(delivery)
    except Exception as exc:  # every failure is recorded on the row, never raised to Celery
        return _delivery_failed(delivery, exc)
    with transaction.atomic():
        delivery.status = DeliveryStatus.SENT
        delivery.sent_at = timezone.now()
        delivery.provider_reference = reference[:200]
        delivery.last_error = ""
        if delivery.customer_id and delivery.recipient.startswith("contact:"):
            delivery.interaction = _record_interaction(delivery)
        delivery.save(
            update_fields=["status", "sent_at", "provider_reference", "last_error", "interaction"]
        )
    return delivery


def _record_interaction(delivery: Delivery):
    """Log a message sent to a customer's contact in the customer's interaction history."""
    from customers.models import Contact, Customer
    from interactions.choices import Channel as ContactChannel
    from interactions.choices import Purpose
    from interactions.services import interaction_create

    customer = Customer.objects.select_related("relationship_manager").get(pk=delivery.customer_id)
    contact_id = delivery.recipient.partition(":")[2]
    contact_name = (
        Contact.objects.filter(pk=contact_id).values_list("name", flat=True).first() or ""
    )
    purpose = {
        NotificationKind.REPAYMENT_REMINDER: Purpose.REPAYMENT_REMINDER,
        NotificationKind.REPAYMENT_OVERDUE: Purpose.REPAYMENT_REMINDER,
        NotificationKind.MATURITY_REMINDER: Purpose.MATURITY_REMINDER,
        NotificationKind.ALERT: Purpose.RISK_EXPLANATION,
    }.get(delivery.kind, Purpose.INFORMATION_SHARING)
    # "Automatic notice": recorded for the history, not counted as the RM's contact (cadence).
    return interaction_create(
        user=customer.relationship_manager,
        customer=customer,
        channel=ContactChannel.AUTOMATIC,
        purpose=purpose,
        occurred_at=delivery.sent_at,
        summary=f"{delivery.get_channel_display()}: {delivery.title}\n\n{delivery.body}",
        contact_names=contact_name,
    )


def _delivery_failed(delivery: Delivery, exc: Exception) -> Delivery:
    """Schedule a retry with backoff, or fail the delivery after the last try."""
    delivery.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    final = isinstance(exc, sms.SmsRejected) or (
        delivery.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS
    )
    if final:
        delivery.status = DeliveryStatus.FAILED
        logger.error("delivery %s failed for good: %s", delivery.pk, delivery.last_error)
    else:
        delay = retry_delay(delivery.attempts)
        delivery.status = DeliveryStatus.PENDING
        delivery.next_attempt_at = timezone.now() + delay
        logger.warning("delivery %s failed, retry in %s: %s", delivery.pk, delay, exc)
    delivery.save(update_fields=["status", "last_error", "next_attempt_at"])
    if not final:
        pk, seconds = delivery.pk, int(delay.total_seconds())
        transaction.on_commit(lambda: enqueue_deliveries([pk], countdown=seconds))
    return delivery


def deliveries_sweep(*, now=None) -> dict[str, int]:
    """Queue due pending deliveries and fail ones a dead worker left `sending` (beat, 5 min).

    The safety net of every send: the daily jobs queue only what they record, so a send whose
    queue message was lost is queued here, not by a second run of the job.
    """
    now = now or timezone.now()
    stale_before = now - timedelta(seconds=settings.NOTIFICATIONS_SENDING_STALE_SECONDS)
    with transaction.atomic():
        stale = Delivery.objects.select_for_update(skip_locked=True).filter(
            status=DeliveryStatus.SENDING, claimed_at__lt=stale_before
        )
        interrupted = stale.update(
            status=DeliveryStatus.FAILED,
            last_error="Interrupted while sending: the worker stopped before confirming. "
            "Not resent automatically, to avoid a duplicate; check with the gateway and resend "
            "from the admin if it did not arrive.",
        )
    due = list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:5000]
    )
    enqueue_deliveries(due)
    return {"queued": len(due), "interrupted": interrupted}


@transaction.atomic
def delivery_resend(*, delivery: Delivery) -> Delivery:
    """Put a failed email/SMS back in the queue (admin action, after a person checked it)."""
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.status != DeliveryStatus.FAILED or delivery.channel not in EXTERNAL_CHANNELS:
        raise DomainError("Only a failed email or SMS can be sent again.")
    delivery.status = DeliveryStatus.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = timezone.now()
    delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
    pk = delivery.pk
    transaction.on_commit(lambda: enqueue_deliveries([pk]))
    return delivery


def notification_create(
    *,
    recipient,
    kind: str,
    message: str,
    customer=None,
    loan_id: int | None = None,
    installment_id: int | None = None,
    alert_id: int | None = None,
    url: str = "",
) -> Notification:
    """An ad-hoc in-app notification (other apps: alerts, SLA breaches, task hand-overs)."""
    if kind not in NotificationKind.values:
        raise DomainError(f"Unknown notification kind {kind!r}.", field="kind")
    return Notification.objects.create(
        recipient=recipient,
        kind=kind,
        message=message,
        customer=customer,
        loan_id=loan_id,
        installment_id=installment_id,
        alert=alert_id,
        url=url,
    )


def notification_mark_read(*, notification: Notification, user) -> Notification:
    """Mark one of the caller's notifications read (idempotent)."""
    if notification.recipient_id != user.pk:
        raise DomainError("This notification is not yours.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notifications_mark_all_read(*, user) -> int:
    """Mark all the caller's notifications read; returns how many changed."""
    return Notification.objects.visible_to(user).unread().update(read_at=timezone.now())


@transaction.atomic
def notification_acknowledge(*, notification: Notification, user) -> Notification:
    """The RM acknowledges an overdue reminder: it is read and stops escalating."""
    notification = Notification.objects.select_for_update().get(pk=notification.pk)
    if notification.recipient_id != user.pk:
        raise DomainError("This notification is not yours.")
    if notification.kind != NotificationKind.REPAYMENT_OVERDUE:
        raise DomainError("Only overdue-repayment reminders are acknowledged.", field="kind")
    if notification.acknowledged_at is None:
        now = timezone.now()
        notification.read_at = notification.read_at or now
        notification.acknowledged_at = now
        notification.save(update_fields=["read_at", "acknowledged_at"])
    return notification
