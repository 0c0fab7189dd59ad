from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    """Management dashboards over the viewer's book, with cached aggregates."""

    name = "dashboard"
    verbose_name = _("Dashboard")

    def ready(self):
        from . import signals

        signals.connect()
