"""In-app notifications, outbound deliveries (exactly once), the reminder ladder and job batches.

The alert reference is a plain integer column named like a foreign key (`alert_id`), so that it
becomes a real foreign key with one `AlterField` once the risk app's Alert model is merged.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import BatchStatus, Channel, DeliveryStatus, Ladder, NotificationKind


class NotificationQuerySet(models.QuerySet):
    """Notifications are personal: everyone sees their own, nobody sees anyone else's."""

    def visible_to(self, user):
        """The caller's own notifications (out of scope = 404, as everywhere)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One in-app notification for one member of staff (the bell in the navigation)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    message = models.TextField(_("message"))
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    loan = models.ForeignKey(
        "loans.Loan",
        verbose_name=_("loan"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    installment = models.ForeignKey(
        "loans.Installment",
        verbose_name=_("installment"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    alert = models.BigIntegerField(_("alert"), null=True, blank=True, db_column="alert_id")
    url = models.CharField(_("link"), max_length=300, blank=True)
    # The in-app delivery this notification is; one notification per delivery, ever.
    delivery = models.OneToOneField(
        "notifications.Delivery",
        verbose_name=_("delivery"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notification",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # Overdue reminders must be acknowledged; unacknowledged ones escalate (API.md, Reminders).
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_new"),
            models.Index(
                fields=["recipient"],
                name="notification_unread",
                condition=Q(read_at__isnull=True),
            ),
            models.Index(fields=["loan"], name="notification_loan"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True) | Q(read_at__isnull=False),
                name="notification_acknowledged_is_read",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.message[:60]}"

    @property
    def read(self) -> bool:
        return self.read_at is not None


class Delivery(models.Model):
    """One message to one recipient on one channel; the row is the exactly-once guarantee.

    The row is committed before anything is sent; sending claims it (`sending`), then marks it
    `sent` or schedules a retry. A second row for the same (installment or subject, rung,
    recipient, channel) cannot exist, so nothing is ever sent twice.
    """

    # What the message is about: "installment:12", "task:7", "alert:3".
    subject = models.CharField(_("subject"), max_length=60)
    # PROTECT: what was sent to a customer is part of the record and outlives nothing it is about.
    installment = models.ForeignKey(
        "loans.Installment",
        verbose_name=_("installment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    rung = models.CharField(_("rung"), max_length=40)
    # Who it is for: "user:5" (staff) or "contact:9" (a customer's contact).
    recipient = models.CharField(_("recipient"), max_length=60)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Email address or phone number as of recording, so a retry goes where the first try went.
    address = models.CharField(_("address"), max_length=254, blank=True)
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"))
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    loan = models.ForeignKey(
        "loans.Loan",
        verbose_name=_("loan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    alert = models.BigIntegerField(_("alert"), null=True, blank=True, db_column="alert_id")
    url = models.CharField(_("link"), max_length=300, blank=True)
    business_date = models.DateField(_("business date"))
    # The entry in the customer's interaction history recorded when a message to one of its
    # contacts was sent (API.md, Reminders); set in the same transaction as `sent`.
    interaction = models.OneToOneField(
        "interactions.Interaction",
        verbose_name=_("interaction"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="delivery",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    provider_reference = models.CharField(_("provider reference"), max_length=200, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="delivery_pending_due",
                condition=Q(status="pending"),
            ),
            models.Index(fields=["installment"], name="delivery_installment"),
            models.Index(fields=["customer", "-created_at"], name="delivery_customer_new"),
        ]
        constraints = [
            # The exactly-once key of the issue and STYLE.md.
            models.UniqueConstraint(
                fields=["installment", "rung", "recipient", "channel"],
                condition=Q(installment__isnull=False),
                name="delivery_once_per_installment_rung_recipient_channel",
            ),
            # The same for deliveries about other things (tasks, alerts, service requests).
            models.UniqueConstraint(
                fields=["subject", "rung", "recipient", "channel"],
                name="delivery_once_per_subject_rung_recipient_channel",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="delivery_sent_has_sent_at",
            ),
            models.CheckConstraint(
                condition=~Q(channel__in=["email", "sms"]) | ~Q(address=""),
                name="delivery_external_has_address",
            ),
        ]

    def __str__(self):
        return f"{self.subject} {self.rung} → {self.recipient} ({self.channel})"


class ReminderRungQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class ReminderRung(models.Model):
    """One rung of the repayment-reminder ladder; admins edit, add or switch off rungs."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    ladder = models.CharField(
        _("counted from"), max_length=20, choices=Ladder.choices, default=Ladder.DUE_DATE
    )
    kind = models.CharField(_("notification kind"), max_length=30, choices=NotificationKind.choices)
    offset_days = models.SmallIntegerField(
        _("offset (days)"), help_text=_("Negative: before the date; positive: after it.")
    )
    repeat_every_days = models.PositiveSmallIntegerField(
        _("repeat every (days)"),
        null=True,
        blank=True,
        help_text=_("Repeat while the installment stays unpaid (overdue follow-ups)."),
    )
    notify_relationship_manager = models.BooleanField(_("in-app to the RM"), default=True)
    email_finance_contact = models.BooleanField(_("email to the finance contact"), default=True)
    sms_finance_contact = models.BooleanField(_("SMS to the finance contact"), default=True)
    escalate_to_lead_after_days = models.PositiveSmallIntegerField(
        _("escalate to the team lead after (days unacknowledged)"), null=True, blank=True
    )
    escalate_to_risk_after_days = models.PositiveSmallIntegerField(
        _("escalate to risk officers after (days unacknowledged)"), null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = ReminderRungQuerySet.as_manager()

    class Meta:
        ordering = ["ladder", "offset_days", "code"]
        verbose_name = _("reminder rung")
        verbose_name_plural = _("reminder ladder")
        constraints = [
            models.CheckConstraint(
                condition=Q(repeat_every_days__isnull=True) | Q(repeat_every_days__gt=0),
                name="reminderrung_repeat_positive",
            ),
            models.CheckConstraint(
                condition=Q(escalate_to_lead_after_days__isnull=True)
                | Q(escalate_to_risk_after_days__isnull=True)
                | Q(escalate_to_risk_after_days__gt=models.F("escalate_to_lead_after_days")),
                name="reminderrung_risk_after_lead",
            ),
            models.CheckConstraint(
                condition=Q(
                    kind__in=["repayment_reminder", "repayment_overdue", "maturity_reminder"]
                ),
                name="reminderrung_kind_is_a_reminder",
            ),
        ]

    def __str__(self):
        return self.name


class JobBatch(models.Model):
    """A slice of a daily job's ids handed to a worker task; done once, whatever happens."""

    job_run = models.ForeignKey(
        "crm.JobRun", verbose_name=_("job run"), on_delete=models.CASCADE, related_name="batches"
    )
    job = models.CharField(_("job"), max_length=100)
    as_of = models.DateField(_("business date"))
    number = models.PositiveIntegerField(_("number"))
    ids = models.JSONField(_("ids"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.PENDING
    )
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        # By the column, not the relation: ordering by `job_run` joins (and with FOR UPDATE,
        # locks) the job run row, which would serialise every batch of a run.
        ordering = ["job_run_id", "number"]
        verbose_name = _("job batch")
        verbose_name_plural = _("job batches")
        constraints = [
            models.UniqueConstraint(fields=["job_run", "number"], name="jobbatch_unique_number"),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(finished_at__isnull=False),
                name="jobbatch_done_has_finished_at",
            ),
        ]

    def __str__(self):
        return f"{self.job} {self.as_of} #{self.number}"
