"""The customer page's data-protection tab: consents per person, the share log, retention."""

from django.utils.translation import gettext_lazy as _

from crm.registry import customer_panel

from . import selectors
from .models import RetentionFlag


@customer_panel(
    "privacy", label=_("Consent & sharing"), order=80, template="privacy/panels/customer.html"
)
def customer_privacy(request, customer):
    """Context for the tab; hidden for roles that may see neither consents nor shares."""
    user = request.user
    can_view_consents = user.has_perm("privacy.view_consent")
    can_view_shares = user.has_perm("privacy.view_sharerecord")
    if not (can_view_consents or can_view_shares):
        return None
    consents = (
        list(selectors.customer_consents(user=user, customer=customer)) if can_view_consents else []
    )
    return {
        "consents": consents,
        "shares": (
            list(selectors.customer_shares(user=user, customer=customer)[:50])
            if can_view_shares
            else []
        ),
        "can_view_consents": can_view_consents,
        "can_view_shares": can_view_shares,
        "can_add_consent": user.has_perm("privacy.add_consent"),
        "can_withdraw": user.has_perm("privacy.change_consent"),
        "can_add_share": user.has_perm("privacy.add_sharerecord"),
        "retention_flag": RetentionFlag.objects.filter(customer=customer).first(),
        "count": sum(1 for c in consents if c.is_active()),
    }
