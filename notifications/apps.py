from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """In-app notifications, email/SMS deliveries, the reminder ladder and batch jobs."""

    name = "notifications"
    verbose_name = _("Notifications")
