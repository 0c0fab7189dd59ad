from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """Audit trail of business data (django-pghistory) and the compliance pages."""

    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self):
        from . import signals  # noqa: F401  (Celery tasks run inside an audit context)
