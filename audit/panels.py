"""The customer page's "Audit trail" tab, for users with `crm.view_audit`.

The tab's content is loaded when the tab is opened (htmx), so the customer page itself costs
no history query; users without the permission get no tab at all.
"""

from django.utils.translation import gettext_lazy as _

from crm.registry import customer_panel

from .views import AUDIT_PERMISSION


@customer_panel(
    "audit_trail",
    label=_("Audit trail"),
    order=90,
    template="audit/panels/customer_audit.html",
    permission=AUDIT_PERMISSION,
)
def customer_audit_trail(request, customer):
    """Context for the tab; users without the permission get no tab (crm/registry.py)."""
    return {}
