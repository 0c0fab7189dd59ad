"""Choices of notifications, deliveries and the reminder ladder (API.md, Reminders)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    """The `kind` values of `/api/v1/notifications/` (API.md, Interactions and service)."""

    REPAYMENT_REMINDER = "repayment_reminder", _("Repayment reminder (还款提醒)")
    REPAYMENT_OVERDUE = "repayment_overdue", _("Repayment overdue (逾期提醒)")
    MATURITY_REMINDER = "maturity_reminder", _("Maturity reminder (到期提醒)")
    ALERT = "alert", _("Risk alert (风险预警)")
    TASK_DUE = "task_due", _("Task due (待办到期)")
    SLA_BREACH = "sla_breach", _("SLA breach (服务时限超时)")
    ESCALATION = "escalation", _("Escalation (升级提醒)")


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In-app (站内通知)")
    EMAIL = "email", _("Email (电子邮件)")
    SMS = "sms", _("SMS (短信)")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending (待发送)")
    SENDING = "sending", _("Sending (发送中)")
    SENT = "sent", _("Sent (已发送)")
    FAILED = "failed", _("Failed (发送失败)")


class Ladder(models.TextChoices):
    """What a rung counts its offset from."""

    DUE_DATE = "due_date", _("Installment due date (还款日)")
    MATURITY = "maturity", _("Loan maturity date (贷款到期日)")


class BatchStatus(models.TextChoices):
    PENDING = "pending", _("Pending (待处理)")
    DONE = "done", _("Done (已完成)")
