from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    """Shared base: users, teams, roles, job runs, the daily-job registry."""

    name = "crm"
    verbose_name = _("CRM core")

    def ready(self):
        from . import jobs, roles

        post_migrate.connect(roles.sync_role_groups, dispatch_uid="crm.sync_role_groups")
        jobs.autodiscover()
