"""Template context shared by every page: the main navigation."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .roles import role_grants

# (label, URL name, who sees it: "all", "staff" or a permission that the user's groups grant by
# crm.roles' tables, see `role_grants`). Items whose URL does not exist yet are left out.
NAVIGATION = (
    (_("Worklist"), "worklist", "all"),
    (_("Customers"), "customers:customer-list", "all"),
    # /loans/ is the loans list; it links to the applications, and "Loans" stays current there.
    (_("Loans"), "loans:loan-list", "all"),
    (_("Alerts"), "risk:alert-list", "all"),
    (_("Interactions"), "interactions:interaction-list", "all"),
    (_("Dashboard"), "dashboard", "all"),
    (_("Compliance"), "audit:access-log", "crm.view_accesslog"),
    (_("Retention"), "privacy:retention-list", "customers.anonymise_customer"),
    (_("Admin"), "admin:index", "staff"),
)


def navigation(request):
    """The navigation items for the current user, with the active one marked."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"navigation": []}
    items = []
    for label, url_name, audience in NAVIGATION:
        if audience == "staff" and not user.is_staff:
            continue
        # The roles are cached on the user for the request: no query on most pages.
        if audience not in ("all", "staff") and not role_grants(user, audience):
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        active = request.path == url if url == "/" else request.path.startswith(url)
        items.append({"label": label, "url": url, "active": active})
    return {"navigation": items}
