"""Money in templates: `{{ amount|money }}` → 12,345,678.90 in the active language's format.

One filter for every page. It never goes through float: the value is quantized as a Decimal
(half-up, two places: amounts are stored with two already, this only pads 5 to 5.00) and
grouped with the language's separators (crm/formats), whatever USE_THOUSAND_SEPARATOR says.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils import formats

register = template.Library()

CENT = Decimal("0.01")
MISSING = "—"


@register.filter
def money(value, currency: str = "") -> str:
    """A Decimal amount with two decimals and thousand separators; "—" when there is none.

    `{{ loan.principal|money:"¥" }}` puts the symbol in front (¥12,345.00, -¥5.00).
    """
    if value is None or value == "":
        return MISSING
    try:
        amount = Decimal(str(value)) if not isinstance(value, Decimal) else value
        amount = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError, TypeError):
        return MISSING
    text = formats.number_format(abs(amount), decimal_pos=2, use_l10n=True, force_grouping=True)
    sign = "-" if amount < 0 else ""
    return f"{sign}{currency}{text}"
