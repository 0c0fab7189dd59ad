"""The admin app on the CRM's own site, which enforces the second factor (crm/admin_site.py).

Its own module: an AdminConfig next to CrmConfig in crm/apps.py would make both defaults.
"""

from django.contrib.admin.apps import AdminConfig


class CrmAdminConfig(AdminConfig):
    default_site = "crm.admin_site.CrmAdminSite"
