"""Formatting of dashboard cells per the viewer's language (grouping, decimals)."""

from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import floatformat

register = template.Library()


@register.filter
def cell(value, kind):
    """A table cell: money with 2 decimals, percentages and hours with 1, counts grouped."""
    if value is None or value == "":
        return "—"
    if kind == "money":
        return floatformat(value, "2g")
    if kind == "int":
        return intcomma(value)
    if kind == "percent":
        # As precise as the selector rounded it (NPL ratio 2 places, shares 1).
        places = -value.as_tuple().exponent if isinstance(value, Decimal) else 1
        return f"{floatformat(value, f'{places}g')} %"
    if kind in ("hours", "decimal"):
        return floatformat(value, "1g")
    if kind == "date":
        return date_filter(value, "DATE_FORMAT")
    return value


@register.filter
def is_numeric(kind):
    return kind in ("money", "int", "percent", "hours", "decimal")
