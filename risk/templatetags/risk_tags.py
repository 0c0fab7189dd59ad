"""Template helpers of the risk pages: readable alert facts, SLA state, links across apps."""

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from risk.api.serializers import sla_state as _sla_state

register = template.Library()

SLA_ROW_CLASS = {"overdue": "table-danger", "due_soon": "table-warning"}
SLA_LABEL = {
    "overdue": _("Overdue"),
    "due_soon": _("Due soon"),
    "on_time": _("On time"),
    "met": _("Acknowledged"),
}
SEVERITY_BADGE = {
    "red": "text-bg-danger",
    "orange": "text-bg-warning",
    "yellow": "text-bg-light border",
}

# Labels for the facts rules put in `details`; unknown keys are shown humanised.
DETAIL_LABELS = {
    "days_past_due": _("Days past due"),
    "days_overdue": _("Days overdue"),
    "threshold": _("Threshold"),
    "debt_to_asset": _("Debt-to-asset ratio"),
    "revenue_growth": _("Revenue growth"),
    "score": _("Score"),
    "previous_score": _("Previous score"),
    "drop": _("Drop (points)"),
    "grade": _("Grade"),
    "previous_grade": _("Previous grade"),
    "previous_as_of": _("Previous score date"),
    "next_review_on": _("Review was due"),
    "last_reviewed_on": _("Last reviewed"),
    "review_interval_days": _("Review interval (days)"),
    "category": _("Category"),
    "raised_by": _("Raised by"),
    "facts": _("Facts"),
    "event": _("Event"),
    "industries": _("Industries"),
    "regions": _("Regions"),
    "customer_industry": _("Customer industry"),
    "customer_region": _("Customer region"),
    "occurred_on": _("Occurred on"),
}


@register.filter
def sla_state(alert):
    return _sla_state(alert)


@register.filter
def sla_row_class(alert):
    return SLA_ROW_CLASS.get(_sla_state(alert), "")


@register.filter
def sla_label(alert):
    return SLA_LABEL[_sla_state(alert)]


@register.filter
def severity_badge(severity):
    return SEVERITY_BADGE.get(severity, "text-bg-secondary")


@register.filter
def detail_items(details):
    """`details` as (label, value) pairs, lists joined, nested objects flattened one level."""
    items = []
    for key, value in (details or {}).items():
        if value in (None, "", [], {}):
            continue
        label = DETAIL_LABELS.get(key) or key.replace("_", " ").capitalize()
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        elif isinstance(value, dict):
            value = "; ".join(f"{k}: {v}" for k, v in value.items())
        items.append((label, value))
    return items


def _url(name, pk, fallback):
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return fallback.format(pk=pk)


@register.filter
def customer_url(pk):
    """The customer page (API.md: `/customers/{id}/`)."""
    return _url("customers:customer-detail", pk, "/customers/{pk}/")


@register.filter
def loan_url(pk):
    """The loan page (API.md: `/loans/{id}/`)."""
    return _url("loans:loan-detail", pk, "/loans/{pk}/")


@register.simple_tag
def sort_url(query, field, current):
    """A header link that sorts by `field`, toggling the direction when already sorted by it."""
    from django.http import QueryDict

    params = QueryDict(query, mutable=True)
    params["ordering"] = f"-{field}" if current == field else field
    params.pop("page", None)
    return f"?{params.urlencode()}"


@register.filter
def bootstrap(field):
    """Render a form field with the Bootstrap class its widget needs."""
    widget = field.field.widget
    name = type(widget).__name__
    if name in ("Select", "SelectMultiple", "NullBooleanSelect"):
        css = "form-select form-select-sm" if name != "SelectMultiple" else "form-select"
    elif name == "CheckboxInput":
        css = "form-check-input"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    return field.as_widget(attrs={"class": css})


@register.filter
def indicator_label(code):
    from risk.choices import Indicator

    try:
        return Indicator(code).label
    except ValueError:
        return code


@register.filter
def dimension_label(code):
    from risk.choices import Dimension

    try:
        return Dimension(code).label
    except ValueError:
        return code
