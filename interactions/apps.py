from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteractionsConfig(AppConfig):
    """Contact history, follow-up tasks, service requests and satisfaction surveys."""

    name = "interactions"
    verbose_name = _("Interactions")
