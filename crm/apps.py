from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    """Shared base: users, teams, roles, job runs, the daily-job registry."""

    name = "crm"
    verbose_name = _("CRM core")

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from . import roles

        post_migrate.connect(roles.sync_role_groups, dispatch_uid="crm.sync_role_groups")
        # Apps contribute daily jobs, worklist sections, customer-page panels and timeline
        # entries from these modules (crm/jobs.py, crm/registry.py).
        autodiscover_modules("jobs", "worklist", "panels", "timeline")
