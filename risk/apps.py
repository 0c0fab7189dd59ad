from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RiskConfig(AppConfig):
    """Risk scoring, early-warning rules and the alert queue."""

    name = "risk"
    verbose_name = _("Risk")
