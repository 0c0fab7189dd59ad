"""The customers app's worklist section: classification reviews that are due."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.registry import worklist_section

from .selectors import customers_due_for_review, needs_due_for_review

SHOWN = 10


@worklist_section(
    "customers.classification_review",
    label=_("Classification reviews due"),
    order=80,
    template="customers/worklist_reviews.html",
)
def classification_reviews(request, scope):
    """The caller's customers whose classification review is due (first 10 and the count)."""
    if not request.user.has_perm("customers.view_customer"):
        return None
    queryset = customers_due_for_review(user=request.user, as_of=timezone.localdate()).filter(
        **scope.customer_filter("relationship_manager")
    )
    items = list(queryset[: SHOWN + 1])
    if not items:
        return None
    return {"items": items[:SHOWN], "more": len(items) > SHOWN}


@worklist_section(
    "customers.needs_review",
    label=_("Customer needs to re-assess"),
    order=81,
    template="customers/worklist_needs.html",
)
def needs_reviews(request, scope):
    """Open needs of the caller's customers whose last assessment is older than the interval."""
    if not request.user.has_perm("customers.view_need"):
        return None
    needs = needs_due_for_review(user=request.user, as_of=timezone.localdate()).filter(
        **scope.customer_filter()
    )
    items = list(needs[: SHOWN + 1])
    if not items:
        return None
    return {"items": items[:SHOWN], "more": len(items) > SHOWN}
