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
    "loan_id": _("Loan"),
    "oldest_unpaid_due_date": _("Oldest unpaid installment due"),
    "overdue_amount": _("Overdue amount"),
    "outstanding_principal": _("Outstanding principal"),
    "classification": _("Classification"),
    "status_as_of": _("Loan status as of"),
    "bands": _("DPD bands"),
    "from_classification": _("From class"),
    "to_classification": _("To class"),
    "changed_as_of": _("Changed on"),
    "non_performing": _("Non-performing"),
    "collateral_value": _("Collateral value"),
    "coverage": _("Coverage"),
    "min_coverage": _("Required coverage"),
    "shortfall": _("Shortfall"),
    "last_valued_on": _("Last valued on"),
    "related_parties": _("Related parties"),
    "min_dpd": _("Days past due threshold"),
    "check_due_on": _("Check was due"),
    "first_check": _("First check"),
    "agreed_purpose": _("Agreed purpose"),
    "observed_use": _("Observed use"),
    "findings": _("Findings"),
    "checked_on": _("Checked on"),
    "period_end": _("Period end"),
    "statement_id": _("Statement"),
    "total_liabilities": _("Total liabilities"),
    "total_assets": _("Total assets"),
    "revenue": _("Revenue"),
    "operating_cash_flow": _("Operating cash flow"),
    "complaints": _("Complaints"),
    "interval_days": _("Contact interval (days)"),
    "last_contact": _("Last contact"),
    "next_due": _("Contact was due"),
    "loan_stage": _("Loan stage"),
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


def _label(key):
    return DETAIL_LABELS.get(key) or key.replace("_", " ").capitalize()


def _flat(value):
    if isinstance(value, dict):
        return "; ".join(f"{_label(k)}: {_flat(v)}" for k, v in value.items() if v is not None)
    if isinstance(value, list):
        return ", ".join(_flat(v) for v in value)
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    return str(value)


# Thresholds, bands and ids explain the facts; they go after them.
SECONDARY_KEYS = {
    "bands", "threshold", "min_coverage", "min_dpd", "loan_id", "statement_id", "check_id",
    "status_as_of", "event_id", "raised_by",
}  # fmt: skip


@register.filter
def detail_items(details):
    """`details` as (label, lines): one line per item of a list of objects, else one line."""
    items = []
    ordered = sorted((details or {}).items(), key=lambda kv: kv[0] in SECONDARY_KEYS)
    for key, value in ordered:
        if value in (None, "", [], {}):
            continue
        if isinstance(value, list) and value and isinstance(value[0], dict):
            lines = [_flat(item) for item in value]
        else:
            lines = [_flat(value)]
        items.append((_label(key), lines))
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
