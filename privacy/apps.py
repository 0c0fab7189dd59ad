from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Consent, sharing and retention of personal data (DOMAIN.md §8)."""

    name = "privacy"
    verbose_name = _("Data protection")
